-- A workspace remembers how a set of headers was mapped (src/remember.c):
-- the next file with the same headers gets that mapping as its suggestion
-- ("as last time"). Keyed by the SHA-256 of the headers as columns.c folds
-- them; the headers are kept as written, to show in Settings.
CREATE TABLE mappings (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  workspace_id  BIGINT UNSIGNED NOT NULL,
  headers_sha   CHAR(64) CHARACTER SET ascii NOT NULL,
  headers       MEDIUMTEXT NOT NULL,
  mapping       MEDIUMTEXT NOT NULL,
  used_by       VARCHAR(254) NULL,
  used_at       DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY mappings_headers (workspace_id, headers_sha),
  CONSTRAINT mappings_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
