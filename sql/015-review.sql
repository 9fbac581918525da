-- Review first (#20): a review is an import that writes nothing but its
-- own results. Its rows are in import_rows like an import's, created ones
-- too; the fields an update would change are in import_changes. An
-- import made from a review names it, and counts the rows that came out
-- differently.
ALTER TABLE imports
  ADD COLUMN review TINYINT(1) NOT NULL DEFAULT 0 AFTER source,
  ADD COLUMN from_review VARCHAR(40) CHARACTER SET ascii NULL AFTER review,
  ADD COLUMN differs BIGINT NULL AFTER from_review,
  ADD KEY imports_review (review, finished_at),
  ADD KEY imports_from_review (from_review);

ALTER TABLE import_rows
  MODIFY severity ENUM('skipped','failed','warning','updated','unchanged',
    'created') NOT NULL;

CREATE TABLE import_changes (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  import_id   VARCHAR(40) CHARACTER SET ascii NOT NULL,
  row_no      BIGINT NOT NULL,
  contact     VARCHAR(32) CHARACTER SET ascii NOT NULL,
  field       VARCHAR(255) NOT NULL,
  before_value TEXT NULL,
  after_value TEXT NULL,
  KEY import_changes_import (import_id, row_no),
  CONSTRAINT import_changes_import FOREIGN KEY (import_id)
    REFERENCES imports (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
