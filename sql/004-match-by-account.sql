-- Matching by name looks in the row's account: its domain gives the
-- account, and the account holds a handful of contacts. (Searching all
-- contacts of a workspace with the same first and last name was slow for
-- common names.)
ALTER TABLE contacts
  ADD KEY contacts_account_name (account_id, last_name(64), first_name(64)),
  DROP KEY contacts_fullname,
  DROP KEY contacts_account;
