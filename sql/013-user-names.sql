-- A user's name as people write it ("Ada Park"; `intake user add --name`):
-- an import's owner column may name the owner so (Salesforce reports'
-- "Contact Owner"), and the row's owner is then found by it (src/row.c),
-- any case. NULL: no name given.
ALTER TABLE users ADD COLUMN name VARCHAR(255) NULL AFTER email,
  ADD KEY users_name (workspace_id, name);
