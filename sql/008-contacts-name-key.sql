-- Matching by name looks in the account (contacts_account_name, 004);
-- nothing reads contacts_name since, and every insert paid for it.
ALTER TABLE contacts DROP KEY contacts_name;
