-- An import's new contacts are tagged and enrolled after the batch that
-- made them commits, on the import's third connection (link.c).
-- linked_to: how far that has got; the import's contacts past it have
-- no tags or enrolment yet, and get them when the import goes on. A
-- table of its own, with no foreign key: the batch being written holds
-- a lock on its import's row (the outcomes' foreign key, then the
-- checkpoint), and the linker must not wait for it, nor it for the
-- linker.
CREATE TABLE import_links (
  import_id   VARCHAR(40) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  linked_to   BIGINT UNSIGNED NOT NULL
) ENGINE=InnoDB;
