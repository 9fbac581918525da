-- "Unchanged" is an outcome of its own (docs/import-rules.md, Outcomes):
-- a matched row whose values change nothing on its contact is counted
-- unchanged, not updated, and its outcome row says so.
ALTER TABLE imports
  ADD COLUMN unchanged BIGINT NOT NULL DEFAULT 0 AFTER updated;
ALTER TABLE import_rows
  MODIFY severity ENUM('skipped','failed','warning','updated','unchanged')
    NOT NULL;
