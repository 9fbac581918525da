-- An import's new contacts are tagged and enrolled after the batch that
-- made them commits, on the import's second connection (link.c).
-- linked_to: how far that has got; the import's contacts past it have
-- no tags or enrolment yet, and get them when the import goes on.
ALTER TABLE imports ADD COLUMN linked_to BIGINT UNSIGNED NULL;
