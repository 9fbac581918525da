/*
 * A batch's matching, set-based: the keys of all its rows go into a
 * temporary table in one round trip, and one query joins them against
 * the workspace's contacts (match.c's rules, in the database's own
 * collation). That answer is a snapshot of the workspace as the batch
 * begins; a row may use it only if nothing the batch writes before it
 * can change its answer:
 *
 *   - a row whose key equals a key of an earlier row of the batch (an
 *     in-file duplicate) is matched one by one, after the rows before it
 *     were written (row->collide);
 *   - an update that changes a matched contact's keys makes the rest of
 *     the batch match one by one (import.c sets im->dirty), so the
 *     snapshot's "chg" column says whether an update would.
 *
 * Any trouble here only costs speed: a batch without a snapshot is
 * matched row by row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "db.h"

#define SNAP_TABLES \
	"CREATE TEMPORARY TABLE IF NOT EXISTS import_keys (" \
	"idx INT UNSIGNED NOT NULL PRIMARY KEY, linkedin TEXT NULL, " \
	"email TEXT NULL, first_name TEXT NULL, last_name TEXT NULL, " \
	"domain TEXT NULL, pub VARCHAR(64) CHARACTER SET ascii NULL, " \
	"KEY (linkedin(191)), KEY (email(191)), " \
	"KEY (domain(100), last_name(64), first_name(64)), KEY (pub)) " \
	"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"

/* Would an update from k change c's keys? (bytes, not collation: when
 * unsure, say yes) */
#define SNAP_CHG \
	"NOT (k.linkedin IS NULL OR BINARY k.linkedin <=> " \
	"BINARY c.linkedin_url) OR NOT (k.email IS NULL OR " \
	"BINARY k.email <=> BINARY c.email) OR NOT (k.first_name IS NULL OR " \
	"BINARY k.first_name <=> BINARY c.first_name) OR " \
	"NOT (k.last_name IS NULL OR BINARY k.last_name <=> " \
	"BINARY c.last_name) OR NOT (k.domain IS NULL OR EXISTS (SELECT 1 " \
	"FROM accounts a2 WHERE a2.id = c.account_id AND " \
	"a2.domain = k.domain))"

#define SNAP_MATCH \
	"SELECT k.idx, 0, c.id, c.public_id, c.dnt, " SNAP_CHG \
	" FROM import_keys k JOIN contacts c ON c.workspace_id = ? " \
	"AND c.linkedin_url = k.linkedin " \
	"UNION ALL SELECT k.idx, 1, c.id, c.public_id, c.dnt, " SNAP_CHG \
	" FROM import_keys k JOIN contacts c ON c.workspace_id = ? " \
	"AND c.email = k.email " \
	"UNION ALL SELECT k.idx, 2, c.id, c.public_id, c.dnt, " SNAP_CHG \
	" FROM import_keys k JOIN accounts a ON a.workspace_id = ? " \
	"AND a.domain = k.domain JOIN contacts c ON c.account_id = a.id " \
	"AND c.first_name = k.first_name AND c.last_name = k.last_name " \
	"ORDER BY 1, 2, 3"

#define SNAP_BYID \
	"SELECT k.idx, 3, c.id, c.public_id, c.dnt, 0 " \
	"FROM import_keys k JOIN contacts c ON c.workspace_id = ? " \
	"AND c.public_id = k.pub ORDER BY 1"

/* Rows with a key that an earlier row of the batch has too. */
#define SNAP_COLLIDE \
	"SELECT b.idx FROM import_keys b JOIN import_keys a " \
	"ON a.linkedin = b.linkedin AND a.idx < b.idx " \
	"UNION SELECT b.idx FROM import_keys b JOIN import_keys a " \
	"ON a.email = b.email AND a.idx < b.idx " \
	"UNION SELECT b.idx FROM import_keys b JOIN import_keys a " \
	"ON a.domain = b.domain AND a.last_name = b.last_name " \
	"AND a.first_name = b.first_name AND a.idx < b.idx"

static const char *snap_kinds[] = { "linkedin", "email", "name", "id" };

/* The temporary table and statements, once per import. -1 on error. */
int
snap_open(struct import *im)
{
	int	byid = im->m.flow == FLOW_UPDATE;

	if (db_run(im->db, SNAP_TABLES, 0, NULL) == -1 ||
	    db_run(im->db, "DELETE FROM import_keys", 0, NULL) == -1)
		return (-1);
	im->b_keys = bulk_prepare(im->db, "INSERT INTO import_keys "
	    "(idx, linkedin, email, first_name, last_name, domain, pub) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)", "issssss", conf.batch_size);
	im->s_snap = byid ? db_prepare(im->db, SNAP_BYID) :
	    db_prepare(im->db, SNAP_MATCH);
	im->s_collide = db_prepare(im->db, SNAP_COLLIDE);
	if (im->b_keys == NULL || im->s_snap == NULL || im->s_collide == NULL)
		return (-1);
	return (0);
}

void
snap_close(struct import *im)
{
	bulk_close(im->b_keys);
	db_close(im->s_snap);
	db_close(im->s_collide);
	if (im->b_keys != NULL)
		db_run(im->db, "DROP TEMPORARY TABLE IF EXISTS import_keys", 0,
		    NULL);
	im->b_keys = NULL;
	im->s_snap = im->s_collide = NULL;
}

/* Forget the batch's snapshot: every row is matched one by one. */
static void
snap_none(struct import *im)
{
	size_t	i;

	for (i = 0; i < im->batch.n; i++)
		im->batch.rows[i].snap = 0;
}

/*
 * Take the batch's snapshot: rows with rvok get snap = 1 and their match
 * in m (m.n == 0: none), or collide = 1. Runs before the batch's
 * transaction. Returns 0 (with or without a snapshot), -1 if the
 * connection failed.
 */
int
snap_batch(struct import *im)
{
	struct batchrow	*br;
	struct dbstmt	*s;
	size_t		 i, nkeys = 0, idx;
	unsigned	 err = 0;
	int		 kind, r, byid = im->m.flow == FLOW_UPDATE;

	snap_none(im);
	if (im->b_keys == NULL)
		return (0);
	if (db_run(im->db, "DELETE FROM import_keys", 0, NULL) == -1)
		goto fail;
	for (i = 0; i < im->batch.n; i++) {
		br = &im->batch.rows[i];
		memset(&br->m, 0, sizeof br->m);
		br->collide = 0;
		br->chg = 0;
		if (!br->rvok)
			continue;
		bulk_int(im->b_keys, 0, i);
		if (byid) {
			bulk_str(im->b_keys, 6, br->id);
			bulk_str(im->b_keys, 1, NULL);
			bulk_str(im->b_keys, 2, NULL);
			bulk_str(im->b_keys, 3, NULL);
			bulk_str(im->b_keys, 4, NULL);
			bulk_str(im->b_keys, 5, NULL);
		} else {
			bulk_str(im->b_keys, 1, br->rv.linkedin);
			bulk_str(im->b_keys, 2, br->rv.email);
			/* the name key needs all three */
			if (br->rv.first && br->rv.last && br->rv.domain) {
				bulk_str(im->b_keys, 3, br->rv.first);
				bulk_str(im->b_keys, 4, br->rv.last);
			} else {
				bulk_str(im->b_keys, 3, NULL);
				bulk_str(im->b_keys, 4, NULL);
			}
			bulk_str(im->b_keys, 5, br->rv.domain);
			bulk_str(im->b_keys, 6, NULL);
		}
		nkeys++;
		if (bulk_next(im->b_keys) == -1) {
			err = bulk_errno(im->b_keys);
			goto fail;
		}
	}
	if (nkeys == 0)
		return (0);
	if (bulk_flush(im->b_keys) == -1) {
		err = bulk_errno(im->b_keys);
		goto fail;
	}

	s = im->s_snap;
	db_bind_int(s, 0, im->ws_id);
	if (!byid) {
		db_bind_int(s, 1, im->ws_id);
		db_bind_int(s, 2, im->ws_id);
	}
	if (db_exec_stream(s) == -1) {
		err = db_errno(s);
		goto fail;
	}
	while ((r = db_fetch(s)) == 1) {
		idx = db_col_int(s, 0);
		kind = db_col_int(s, 1);
		if (idx >= im->batch.n)
			continue;
		br = &im->batch.rows[idx];
		/* The first key that finds anyone decides. */
		if (br->m.n > 0 && br->m.key != snap_kinds[kind])
			continue;
		if (br->m.n > MATCH_MAX)
			continue;
		br->m.key = snap_kinds[kind];
		br->m.id[br->m.n] = db_col_int(s, 2);
		snprintf(br->m.pub[br->m.n], sizeof br->m.pub[br->m.n], "%s",
		    db_col_str(s, 3));
		br->m.dnt[br->m.n] = db_col_int(s, 4);
		if (br->m.n == 0)
			br->chg = db_col_int(s, 5) != 0;
		br->m.n++;
	}
	if (r == -1) {
		err = db_errno(s);
		goto fail;
	}
	if (!byid) {
		if (db_exec(im->s_collide) == -1) {
			err = db_errno(im->s_collide);
			goto fail;
		}
		while (db_fetch(im->s_collide) == 1)
			if ((idx = db_col_int(im->s_collide, 0)) <
			    im->batch.n)
				im->batch.rows[idx].collide = 1;
	}
	for (i = 0; i < im->batch.n; i++)
		im->batch.rows[i].snap = im->batch.rows[i].rvok;
	return (0);

fail:
	snap_none(im);
	/* A refusal of these values costs the snapshot, not the import. */
	bulk_reset(im->b_keys);
	return (err >= 2000 ? -1 : 0);
}
