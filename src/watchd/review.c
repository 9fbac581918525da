/*
 * Review first: an import that writes nothing but its own results.
 *
 * A review runs the import itself (import.c, batch.c, decide.c, apply.c)
 * over the whole file, so that what it finds is what the import would do
 * by construction, not by a second copy of its rules. Its writes go into
 * one transaction that is never committed (db_nest: each batch's own
 * transaction is a savepoint of it), so that every row sees the rows
 * before it as the import's would, and the transaction is rolled back at
 * the end: accounts, tags, the workspace's lock row and the imports row
 * are as they were. The three tables it would write most (contacts,
 * their tags, their enrolments) it does not write at all: on its
 * connection they are shadowed by temporary tables of the same names,
 * copies of the workspace's rows made once it holds the workspace
 * (review_shadow); every statement of the import then reads and writes
 * the copies, unchanged, and they are dropped at the end. A temporary
 * table is private to its connection, logs no redo, is not replicated,
 * and is dropped at once where a rollback would undo row by row (when
 * the workspace holds more contacts than review_copy_percent of the
 * file's rows, copying them would cost more than the rollback: then the
 * review writes the tables, rolled back). What it found (each row's
 * outcome, created rows too, and each field an update changes, before
 * and after) goes over a connection of its own (odb) after each batch.
 * The reader thread reads the next batch's rows meanwhile, as for an
 * import; it takes the batch's snapshot too while the review has written
 * no contact (review_clean), since the committed contacts are then the
 * review's; after that the snapshot is taken on the review's own
 * connection once the batch before is written (the reader's would not
 * see it). There is no linker.
 *
 * A review stopped anywhere starts again from its first row.
 */
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

/*
 * The review's own connection, and what an earlier try of it found
 * cleared. Before import_prepare (the outcomes go over odb). 0, or -1.
 */
int
review_connect(struct import *im)
{
	const char	*arg[1] = { im->id };
	char		*cause = NULL;

	if ((im->odb = db_connect(0, &cause)) == NULL) {
		log_warnx("%s", cause);
		free(cause);
		return (-1);
	}
	if (db_run(im->odb, "DELETE FROM import_rows WHERE import_id = ?",
	    1, arg) == -1 ||
	    db_run(im->odb, "DELETE FROM import_changes WHERE import_id = ?",
	    1, arg) == -1)
		return (-1);
	return (0);
}

/* The shadows, dropped (a DROP TEMPORARY never touches the tables
 * themselves). Every import does it first, on the watcher's connection:
 * whatever ended a review before, no import writes into its copies.
 * 0, or -1. */
int
review_unshadow(struct import *im)
{
	return (db_run(im->db, "DROP TEMPORARY TABLE IF EXISTS contacts, "
	    "contact_tags, workflow_enrolments, review_contacts, "
	    "review_contact_tags, review_enrolments", 0, NULL));
}

/*
 * Copy or not: the copy costs for every contact of the workspace, the
 * rollback for every row the review writes. Copy when the workspace holds
 * at most review_copy_percent of the file's rows (counted no further).
 * 1 to copy, 0 not, -1 on error.
 */
static int
review_copying(struct import *im)
{
	struct dbstmt	*s;
	long long	 most;
	int		 r = -1;

	if (conf.review_copy_percent == 0)
		return (0);
	most = im->st.rows_total * (long long)conf.review_copy_percent / 100;
	if ((s = db_prepare(im->db, "SELECT COUNT(*) FROM (SELECT 1 "
	    "FROM contacts WHERE workspace_id = ? LIMIT ?) w")) == NULL)
		return (-1);
	db_bind_int(s, 0, im->ws_id);
	db_bind_int(s, 1, most + 1);
	if (db_exec(s) == 0 && db_fetch(s) == 1)
		r = db_col_int(s, 0) <= most;
	db_close(s);
	return (r);
}

/*
 * Shadow contacts, contact_tags and workflow_enrolments on the review's
 * connection: contacts with a copy of the workspace's, the links empty
 * until review_links knows which the file needs. Prepared statements find
 * the shadows on their next execution. Once the review holds the
 * workspace, so that no import changes the rows while they are copied;
 * before its transaction (a rename commits). 0, or -1.
 */
static int
review_shadow(struct import *im)
{
	char		 ws[24];
	const char	*arg[1] = { ws };
	long long	 t0 = mono_ms();
	int		 r;

	if ((r = review_copying(im)) != 1) {
		if (r == 0)
			log_info("review: in the tables, rolled back at the "
			    "end (the workspace holds more contacts than "
			    "%u%% of the file's rows)", conf.review_copy_percent);
		return (r);
	}
	snprintf(ws, sizeof ws, "%lld", im->ws_id);
	im->shadowed = 1;	/* from here on, dropped at the end */
	if (review_unshadow(im) == -1 ||
	    db_run(im->db, "CREATE TEMPORARY TABLE review_contacts "
	    "LIKE contacts", 0, NULL) == -1 ||
	    db_run(im->db, "CREATE TEMPORARY TABLE review_contact_tags "
	    "LIKE contact_tags", 0, NULL) == -1 ||
	    db_run(im->db, "CREATE TEMPORARY TABLE review_enrolments "
	    "LIKE workflow_enrolments", 0, NULL) == -1 ||
	    /* for the pages that list contacts by age: the import asks none */
	    db_run(im->db, "ALTER TABLE review_contacts "
	    "DROP KEY contacts_ws_created", 0, NULL) == -1 ||
	    db_run(im->db, "INSERT INTO review_contacts SELECT * "
	    "FROM contacts WHERE workspace_id = ?", 1, arg) == -1 ||
	    db_run(im->db, "ALTER TABLE review_contacts RENAME TO contacts",
	    0, NULL) == -1 ||
	    db_run(im->db, "ALTER TABLE review_contact_tags "
	    "RENAME TO contact_tags", 0, NULL) == -1 ||
	    db_run(im->db, "ALTER TABLE review_enrolments "
	    "RENAME TO workflow_enrolments", 0, NULL) == -1)
		return (-1);
	log_info("review: the workspace's contacts copied in %.1f s",
	    (mono_ms() - t0) / 1000.0);
	return (0);
}

/*
 * The links the review's writes meet, copied into their shadows through
 * the views of sql/016 (which still read the tables): the workspace's
 * tag links if the import tags, its enrolments in the import's workflow
 * if it has one (an import enrols into no other). After import_setup and
 * the file's columns, in the transaction. 0, or -1.
 */
int
review_links(struct import *im)
{
	char		 wf[24];
	const char	*arg[1] = { wf };

	if (!im->shadowed)
		return (0);
	if ((im->ntags > 0 || im->cm.pos[COL_TAGS] >= 0) &&
	    db_run(im->db, "INSERT INTO contact_tags (contact_id, tag_id) "
	    "SELECT t.contact_id, t.tag_id FROM contacts c "
	    "JOIN committed_contact_tags t ON t.contact_id = c.id",
	    0, NULL) == -1)
		return (-1);
	snprintf(wf, sizeof wf, "%lld", im->workflow_id);
	if (im->workflow_id > 0 &&
	    db_run(im->db, "INSERT INTO workflow_enrolments (workflow_id, "
	    "contact_id, state, import_id, created_at) SELECT e.workflow_id, "
	    "e.contact_id, e.state, e.import_id, e.created_at "
	    "FROM committed_enrolments e JOIN contacts c "
	    "ON c.id = e.contact_id WHERE e.workflow_id = ?", 1, arg) == -1)
		return (-1);
	return (0);
}

/*
 * Are the workspace's contacts as committed for the next batch's
 * snapshot, taken ahead on the reader's connection (reader.c)? So they
 * are while the review has updated or flagged none. Contacts it created
 * do not count when the snapshot tells twins: a row sharing a key with
 * one is a twin of an older batch (twin_remember), matched one by one;
 * except duplicates, which take keys from the contact they copy, and
 * unless a batch went without a snapshot (its keys were never told).
 */
int
review_clean(const struct import *im)
{
	if (im->st.updated != 0 || im->st.dnt != 0)
		return (0);
	return (im->st.created == 0 || (im->twins != NULL && !im->untwinned &&
	    im->m.flow == FLOW_CREATE &&
	    im->m.on_existing != EXISTING_DUPLICATE));
}

/* Shadow the tables, then open the transaction the whole review writes
 * in. 0, or -1. */
int
review_begin(struct import *im)
{
	if (review_shadow(im) == -1 || db_nest(im->db) == -1)
		return (-1);
	im->nested = 1;
	return (0);
}

/* After a batch's savepoint: what it found, for good. 0, or -1. */
int
review_flush(struct import *im)
{
	if (outcome_flush(im) == -1 || change_flush(im) == -1)
		return (-1);
	return (0);
}

/*
 * The end: everything written is rolled back, then the counters and the
 * state are saved (outside the transaction now) and the workspace let
 * go. 0, or -1.
 */
int
review_end(struct import *im)
{
	long long	t0 = mono_ms();

	if (review_unshadow(im) == -1)
		return (-1);
	im->shadowed = 0;
	db_unnest(im->db);
	im->nested = 0;
	log_info("review: its writes rolled back in %.1f s",
	    (mono_ms() - t0) / 1000.0);
	if (import_checkpoint(im, im->last_row, im->last_off) == -1 ||
	    wslock_release(im->db, im->ws_id, im->id) == -1)
		return (-1);
	return (0);
}

void
review_close(struct import *im)
{
	/* On the watcher's own connection: never left to the next import. */
	if (im->shadowed && review_unshadow(im) == -1)
		log_warnx("review: its copies of the contacts stay until "
		    "the connection closes");
	im->shadowed = 0;
	if (im->nested)
		db_unnest(im->db);
	im->nested = 0;
	if (im->odb != NULL) {
		db_forget(im->odb);
		mysql_close(im->odb);
	}
}
