-- The per-user upload limit (upload_rate, src/upload.c) counts a user's
-- web imports of the last hour at every upload: an index range of that
-- user's newest imports, not a scan of the table.
ALTER TABLE imports ADD KEY imports_uploader (uploader_id, created_at);
