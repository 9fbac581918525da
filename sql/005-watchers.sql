-- Several watchers on one spool and one database (issue 7).
--
-- import_locks: one row per workspace that has imported. An import owns
-- its workspace while import_id names it and heartbeat is recent; every
-- batch takes the row with SELECT ... FOR UPDATE and moves the heartbeat
-- in its own transaction. A plain row, not GET_LOCK: Galera replicates
-- rows and certifies conflicting writes, it does not replicate GET_LOCK.
CREATE TABLE import_locks (
  workspace_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  import_id     VARCHAR(40) CHARACTER SET ascii NULL,
  holder        VARCHAR(255) NULL,
  heartbeat     DATETIME(3) NULL,
  CONSTRAINT import_locks_ws FOREIGN KEY (workspace_id)
    REFERENCES workspaces (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- What a file dropped over SFTP without a NAME.csv.json sidecar imports
-- with. No row: flow create, the default workflow, skip existing
-- contacts, no tags, and the workspace's first editor as the uploader.
CREATE TABLE drop_settings (
  workspace_id  BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  uploader_id   BIGINT UNSIGNED NULL,
  flow          ENUM('create','update') NOT NULL DEFAULT 'create',
  on_existing   ENUM('skip','update','duplicate') NOT NULL DEFAULT 'skip',
  workflow      VARCHAR(255) NOT NULL DEFAULT 'default',
  tags          VARCHAR(1024) NULL,
  dnt           TINYINT(1) NOT NULL DEFAULT 0,
  CONSTRAINT drop_settings_ws FOREIGN KEY (workspace_id)
    REFERENCES workspaces (id),
  CONSTRAINT drop_settings_user FOREIGN KEY (uploader_id)
    REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
