-- The first schema: workspaces and their people, accounts and contacts,
-- tags, workflows, and the imports that fill them. InnoDB, utf8mb4, with
-- a case-insensitive collation so names and emails compare as users
-- expect.

CREATE TABLE workspaces (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  slug        VARCHAR(64) NOT NULL,
  name        VARCHAR(255) NOT NULL,
  created_at  DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY workspaces_slug (slug)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE users (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  workspace_id  BIGINT UNSIGNED NOT NULL,
  email         VARCHAR(254) NOT NULL,
  role          ENUM('editor','viewer') NOT NULL,
  password_hash VARCHAR(255) NULL,
  created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY users_email (workspace_id, email),
  KEY users_by_email (email),
  CONSTRAINT users_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A session row is keyed by the SHA-256 of the cookie token, so a read of
-- this table does not hand out live sessions.
CREATE TABLE sessions (
  token_hash    CHAR(64) NOT NULL PRIMARY KEY,
  user_id       BIGINT UNSIGNED NOT NULL,
  csrf_token    CHAR(64) NOT NULL,
  created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  last_seen_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY sessions_user (user_id),
  CONSTRAINT sessions_user FOREIGN KEY (user_id) REFERENCES users (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=ascii;

CREATE TABLE accounts (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  workspace_id  BIGINT UNSIGNED NOT NULL,
  name          VARCHAR(255) NOT NULL,
  domain        VARCHAR(253) NOT NULL,
  created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY accounts_domain (workspace_id, domain),
  CONSTRAINT accounts_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE imports (
  id              VARCHAR(40) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  workspace_id    BIGINT UNSIGNED NOT NULL,
  flow            ENUM('create','update') NOT NULL,
  options         LONGTEXT NOT NULL CHECK (JSON_VALID(options)),
  file_name       VARCHAR(255) NULL,
  uploader_id     BIGINT UNSIGNED NULL,
  source          VARCHAR(16) NULL,
  state           ENUM('queued','running','done','failed') NOT NULL DEFAULT 'queued',
  message         VARCHAR(1024) NULL,
  bytes_total     BIGINT NOT NULL DEFAULT 0,
  rows_total      BIGINT NULL,
  rows_processed  BIGINT NOT NULL DEFAULT 0,
  created         BIGINT NOT NULL DEFAULT 0,
  updated         BIGINT NOT NULL DEFAULT 0,
  skipped         BIGINT NOT NULL DEFAULT 0,
  failed          BIGINT NOT NULL DEFAULT 0,
  warnings        BIGINT NOT NULL DEFAULT 0,
  errors_total    BIGINT NOT NULL DEFAULT 0,
  -- the checkpoint: the last committed row and the byte just past it
  checkpoint_row    BIGINT NOT NULL DEFAULT 0,
  checkpoint_offset BIGINT NOT NULL DEFAULT 0,
  created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  started_at      DATETIME(3) NULL,
  updated_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  finished_at     DATETIME(3) NULL,
  KEY imports_ws (workspace_id, created_at),
  CONSTRAINT imports_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contacts (
  id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  workspace_id       BIGINT UNSIGNED NOT NULL,
  public_id          VARCHAR(32) CHARACTER SET ascii NOT NULL,
  first_name         VARCHAR(255) NULL,
  last_name          VARCHAR(255) NULL,
  email              VARCHAR(254) NULL,
  phone              VARCHAR(64) NULL,
  linkedin_url       VARCHAR(512) NULL,
  account_id         BIGINT UNSIGNED NULL,
  owner_id           BIGINT UNSIGNED NULL,
  phone_verification_result   VARCHAR(64) NULL,
  phone_verification_provider VARCHAR(64) NULL,
  phone_type         VARCHAR(64) NULL,
  phone_intent_score TINYINT UNSIGNED NULL,
  dnt                TINYINT(1) NOT NULL DEFAULT 0,
  custom             LONGTEXT NULL CHECK (custom IS NULL OR JSON_VALID(custom)),
  created_at         DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at         DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  created_by_import  VARCHAR(40) CHARACTER SET ascii NULL,
  updated_by_import  VARCHAR(40) CHARACTER SET ascii NULL,
  UNIQUE KEY contacts_public (public_id),
  KEY contacts_linkedin (workspace_id, linkedin_url(191)),
  KEY contacts_email (workspace_id, email),
  KEY contacts_name (workspace_id, last_name(64), first_name(64)),
  KEY contacts_account (account_id),
  KEY contacts_ws_created (workspace_id, created_at),
  CONSTRAINT contacts_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id),
  CONSTRAINT contacts_account FOREIGN KEY (account_id) REFERENCES accounts (id),
  CONSTRAINT contacts_owner FOREIGN KEY (owner_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE tags (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  workspace_id  BIGINT UNSIGNED NOT NULL,
  name          VARCHAR(128) NOT NULL,
  UNIQUE KEY tags_name (workspace_id, name),
  CONSTRAINT tags_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contact_tags (
  contact_id  BIGINT UNSIGNED NOT NULL,
  tag_id      BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (contact_id, tag_id),
  KEY contact_tags_tag (tag_id),
  CONSTRAINT contact_tags_contact FOREIGN KEY (contact_id) REFERENCES contacts (id)
    ON DELETE CASCADE,
  CONSTRAINT contact_tags_tag FOREIGN KEY (tag_id) REFERENCES tags (id)
    ON DELETE CASCADE
) ENGINE=InnoDB;

CREATE TABLE workflows (
  id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  workspace_id  BIGINT UNSIGNED NOT NULL,
  name          VARCHAR(255) NOT NULL,
  created_at    DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY workflows_name (workspace_id, name),
  CONSTRAINT workflows_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE workflow_enrolments (
  workflow_id  BIGINT UNSIGNED NOT NULL,
  contact_id   BIGINT UNSIGNED NOT NULL,
  state        ENUM('queued','active','finished','removed') NOT NULL DEFAULT 'queued',
  import_id    VARCHAR(40) CHARACTER SET ascii NULL,
  created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (workflow_id, contact_id),
  KEY enrolments_contact (contact_id),
  CONSTRAINT enrolments_workflow FOREIGN KEY (workflow_id) REFERENCES workflows (id),
  CONSTRAINT enrolments_contact FOREIGN KEY (contact_id) REFERENCES contacts (id)
    ON DELETE CASCADE
) ENGINE=InnoDB;

-- Per-workspace settings; default_workflow_id NULL means "no workflow".
CREATE TABLE workspace_settings (
  workspace_id         BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  default_workflow_id  BIGINT UNSIGNED NULL,
  CONSTRAINT settings_ws FOREIGN KEY (workspace_id) REFERENCES workspaces (id),
  CONSTRAINT settings_workflow FOREIGN KEY (default_workflow_id) REFERENCES workflows (id)
) ENGINE=InnoDB;

-- What became of an import's rows: here, the rows skipped or failed and
-- the warnings; since 002 the updated rows too (with the key that matched
-- them) and since 014 the unchanged ones. Created rows are not listed:
-- contacts.created_by_import finds them, which keeps a million-row import
-- lean. (migrate.c records versions, not checksums: comments may change.)
CREATE TABLE import_rows (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  import_id   VARCHAR(40) CHARACTER SET ascii NOT NULL,
  row_no      BIGINT NOT NULL,
  severity    ENUM('skipped','failed','warning') NOT NULL,
  code        VARCHAR(64) NOT NULL,
  message     VARCHAR(1024) NOT NULL,
  column_name VARCHAR(255) NULL,
  contact     VARCHAR(32) CHARACTER SET ascii NULL,
  KEY import_rows_import (import_id, row_no),
  CONSTRAINT import_rows_import FOREIGN KEY (import_id) REFERENCES imports (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
