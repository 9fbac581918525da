/*
 * Review first: an import that writes nothing but its own results.
 *
 * A review runs the import itself (import.c, batch.c, decide.c, apply.c)
 * over the whole file, so that what it finds is what the import would do
 * by construction, not by a second copy of its rules. Its writes go into
 * one transaction that is never committed (db_nest: each batch's own
 * transaction is a savepoint of it), so that every row sees the rows
 * before it as the import's would, and the transaction is rolled back at
 * the end: contacts, accounts, tags, links, enrolments, the workspace's
 * lock row and the imports row are as they were. What it found (each
 * row's outcome, created rows too, and each field an update changes,
 * before and after) goes over a connection of its own (odb) after each
 * batch. The reader thread reads the next batch's rows meanwhile, as for
 * an import, but takes no snapshot: the snapshot is taken on the
 * review's own connection once the batch before is written (the
 * reader's would not see it, uncommitted), and there is no linker.
 *
 * A review stopped anywhere starts again from its first row.
 */
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

/*
 * The review's own connection, and what an earlier try of it found
 * cleared; the snapshot is taken on db. Before import_prepare (the
 * outcomes go over odb). 0, or -1.
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
	im->sdb = im->db;
	return (0);
}

/* Open the transaction the whole review writes in. 0, or -1. */
int
review_begin(struct import *im)
{
	if (db_nest(im->db) == -1)
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
	if (im->nested)
		db_unnest(im->db);
	im->nested = 0;
	if (im->odb != NULL) {
		db_forget(im->odb);
		mysql_close(im->odb);
	}
	im->sdb = NULL;
}
