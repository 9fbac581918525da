-- Review first (#20): on a review's connection, contacts, contact_tags
-- and workflow_enrolments are shadowed by temporary tables of the same
-- names (src/watchd/review.c). A view names its tables when it is made,
-- so these still read the tables themselves there: the review copies the
-- links it needs through them once it knows the file's columns.
CREATE VIEW committed_contact_tags AS
  SELECT contact_id, tag_id FROM contact_tags;

CREATE VIEW committed_enrolments AS
  SELECT workflow_id, contact_id, state, import_id, created_at
  FROM workflow_enrolments;
