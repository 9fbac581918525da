-- Profiles looked up at the enrichment provider, by normalised LinkedIn
-- URL: a re-import (or a resumed one) asks the provider nothing it asked
-- within enrich_cache_ttl. Not-found answers are kept too; failures are
-- not. The profile is our own small JSON of the mapped fields.
CREATE TABLE enrich_cache (
  url         VARCHAR(512) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  found       TINYINT(1) NOT NULL,
  profile     LONGTEXT NULL CHECK (profile IS NULL OR JSON_VALID(profile)),
  fetched_at  DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
) ENGINE=InnoDB;

ALTER TABLE imports
  ADD COLUMN enriched BIGINT NOT NULL DEFAULT 0 AFTER dnt,
  ADD COLUMN enrich_failed BIGINT NOT NULL DEFAULT 0 AFTER enriched;
