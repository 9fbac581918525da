-- The create flow's rules: updated rows are recorded with the key that
-- matched them, and the import counts tags, enrolments and DNT flags.
ALTER TABLE import_rows
  MODIFY severity ENUM('skipped','failed','warning','updated') NOT NULL,
  ADD COLUMN match_key VARCHAR(16) NULL AFTER contact;

ALTER TABLE imports
  ADD COLUMN tagged BIGINT NOT NULL DEFAULT 0 AFTER warnings,
  ADD COLUMN queued_to_workflow BIGINT NOT NULL DEFAULT 0 AFTER tagged,
  ADD COLUMN dnt BIGINT NOT NULL DEFAULT 0 AFTER queued_to_workflow;

-- Matching by name looks contacts up by workspace, last and first name;
-- the account's domain is checked through the join.
ALTER TABLE contacts ADD KEY contacts_fullname (workspace_id, first_name(64), last_name(64));
