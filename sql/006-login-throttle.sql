-- Repeated failed logins are slowed down: failures are counted per email
-- and per client address, and past a few free attempts each one locks
-- that email (or address) for twice as long as the one before
-- (src/auth.c). A row is forgotten an hour after its last failure.
CREATE TABLE login_failures (
  kind            ENUM('email','ip') NOT NULL,
  k               VARCHAR(254) NOT NULL,
  failures        INT UNSIGNED NOT NULL DEFAULT 0,
  last_failed_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (kind, k)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
