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
 *     were written (row->collide; twin.c tells them);
 *   - an update that changes a matched contact's keys makes the rest of
 *     the batch match one by one (batch.c sets im->dirty), so the
 *     snapshot's "chg" column says whether an update would.
 *
 * Any trouble here only costs speed: a batch without a snapshot is
 * matched row by row.
 *
 * An import takes every snapshot on the reader's connection, ahead or
 * not. A review has two (sq): its own connection's, which sees what its
 * batches wrote, uncommitted, and the reader's, for a snapshot ahead
 * while they wrote no contact yet (review_clean).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

/* The keys of a batch's rows, in the contacts' own collation; MEMORY,
 * for cheap inserts. Longer values than contacts holds can match
 * nothing, and go in as NULL (snap_fit). wild: twin.c needs the server's
 * weights of the row's keys. */
#define SNAP_KEYS \
	"CREATE TEMPORARY TABLE IF NOT EXISTS import_keys (" \
	"idx INT UNSIGNED NOT NULL PRIMARY KEY, linkedin VARCHAR(512) NULL, " \
	"email VARCHAR(254) NULL, first_name VARCHAR(255) NULL, " \
	"last_name VARCHAR(255) NULL, domain VARCHAR(253) NULL, " \
	"pub VARCHAR(32) CHARACTER SET ascii NULL, " \
	"wild TINYINT NOT NULL) ENGINE=MEMORY DEFAULT CHARSET=utf8mb4 " \
	"COLLATE=utf8mb4_unicode_ci"

/* Weights of the wild rows' keys, in twin.c's order of a name's parts. */
#define SNAP_WEIGHTS \
	"SELECT idx, HEX(WEIGHT_STRING(linkedin)), HEX(WEIGHT_STRING(email)), " \
	"HEX(WEIGHT_STRING(domain)), HEX(WEIGHT_STRING(last_name)), " \
	"HEX(WEIGHT_STRING(first_name)) FROM import_keys WHERE wild = 1"

/*
 * The other values an update would write, when the import updates: the
 * columns lib.h's COLUMNS_TABLE compares as VAL, in its order, then the
 * custom data. String literals (tests/sqlcheck.pl expands the table);
 * snap_queue binds them in the same order.
 */
#define SNAP_IF_NONE(x)
#define SNAP_IF_KEY(x)
#define SNAP_IF_VAL(x)		x
#define SNAP_DEF_TEXT		" TEXT NULL, "
#define SNAP_DEF_INT		" BIGINT NULL, "
#define SNAP_DEF_FLAG		" TINYINT NOT NULL, "
#define SNAP_VAL_DEF(name, header, sql, read, write, type, cmp, out)	\
	SNAP_IF_##cmp(sql SNAP_DEF_##type)
#define SNAP_VAL_COL(name, header, sql, read, write, type, cmp, out)	\
	SNAP_IF_##cmp(sql ", ")
#define SNAP_VAL_ARG(name, header, sql, read, write, type, cmp, out)	\
	SNAP_IF_##cmp("?, ")
#define SNAP_VAL_TYPE(name, header, sql, read, write, type, cmp, out)	\
	SNAP_IF_##cmp(CONTACT_CH_##type)
#define SNAP_VALS \
	"CREATE TEMPORARY TABLE IF NOT EXISTS import_vals (" \
	"idx INT UNSIGNED NOT NULL PRIMARY KEY, " \
	COLUMNS_TABLE(SNAP_VAL_DEF) "custom LONGTEXT NULL) " \
	"ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci"
#define SNAP_VALS_INSERT \
	"INSERT INTO import_vals (idx, " COLUMNS_TABLE(SNAP_VAL_COL) \
	"custom) VALUES (?, " COLUMNS_TABLE(SNAP_VAL_ARG) "?)"
#define SNAP_VALS_TYPES	"i" COLUMNS_TABLE(SNAP_VAL_TYPE) "s"

/* Would an update from the row leave c's keys as they are? Bytes, not
 * collation: when unsure, say no. ka is the account of the row's
 * domain, if there is one yet. */
#define SNAP_KEYSAME \
	"(k.linkedin IS NULL OR BINARY k.linkedin <=> BINARY c.linkedin_url) " \
	"AND (k.email IS NULL OR BINARY k.email <=> BINARY c.email) " \
	"AND (k.first_name IS NULL OR " \
	"BINARY k.first_name <=> BINARY c.first_name) " \
	"AND (k.last_name IS NULL OR " \
	"BINARY k.last_name <=> BINARY c.last_name) " \
	"AND (k.domain IS NULL OR (ka.id IS NOT NULL AND ka.id = c.account_id))"

/* ... and everything else (contact.c's update, value for value, by the
 * column's write)? */
#define SNAP_SAME_GIVEN_TEXT(sql) \
	"AND (v." sql " IS NULL OR BINARY v." sql " <=> BINARY c." sql ") "
#define SNAP_SAME_GIVEN_INT(sql) \
	"AND (v." sql " IS NULL OR v." sql " <=> c." sql ") "
#define SNAP_SAME_PHONE_TEXT(sql) \
	"AND (v." sql " IS NULL OR " MATCH_PHONE_SAME_SNAP ") "
#define SNAP_SAME_FLAG_FLAG(sql) \
	"AND (v." sql " = 0 OR c." sql " = 1) "
#define SNAP_SAME_COL(name, header, sql, read, write, type, cmp, out)	\
	SNAP_IF_##cmp(SNAP_SAME_##write##_##type(sql))
#define SNAP_VALSAME \
	"v.idx IS NOT NULL " COLUMNS_TABLE(SNAP_SAME_COL) \
	"AND (v.custom IS NULL OR BINARY c.custom <=> BINARY " \
	"JSON_COMPACT(JSON_MERGE_PATCH(COALESCE(c.custom, '{}'), v.custom)))"

/* m (idx, kind, id) to the columns snap_batch reads; of a row's matches,
 * those by its first key (kind) that found anyone (first). */
#define SNAP_TAIL \
	" JOIN import_keys k ON k.idx = m.idx JOIN contacts c ON c.id = m.id " \
	"LEFT JOIN import_vals v ON v.idx = m.idx " \
	"LEFT JOIN accounts ka ON ka.workspace_id = ? AND ka.domain = k.domain " \
	"WHERE m.kind = m.first ORDER BY 1, 2, 3"

#define SNAP_COLS \
	"SELECT m.idx, m.kind, c.id, c.public_id, c.dnt, " \
	"NOT (" SNAP_KEYSAME "), (" SNAP_KEYSAME ") AND (" SNAP_VALSAME ") "

/* Each matching key's join of the batch's keys k to its contacts c
 * (watchd.h's MATCH_KEYS): c.workspace_id is the parameter. */
#define SNAP_JOIN_LINKEDIN \
	"STRAIGHT_JOIN contacts c " \
	"ON c.workspace_id = ? AND c.linkedin_url = k.linkedin"
#define SNAP_JOIN_EMAIL \
	"STRAIGHT_JOIN contacts c " \
	"ON c.workspace_id = ? AND c.email = k.email"
#define SNAP_JOIN_NAME \
	"STRAIGHT_JOIN accounts a ON a.workspace_id = ? " \
	"AND a.domain = k.domain " \
	"STRAIGHT_JOIN contacts c FORCE INDEX (contacts_account_name) " \
	"ON c.account_id = a.id AND c.last_name = k.last_name " \
	"AND c.first_name = k.first_name AND (k.email IS NULL OR " \
	"COALESCE(c.email, '') = '' OR c.email = k.email)"

/* match.c's rules: the first key that finds anyone decides (the lowest
 * kind), and a namesake with another email is not found by name. The
 * batch's keys drive each join (STRAIGHT_JOIN): a MEMORY table has no
 * statistics, and a plan that starts from the workspace's accounts reads
 * every contact; names are looked up within the account (common names
 * would otherwise be read across the whole workspace). (Not NOT EXISTS
 * for "no match by an earlier key": MariaDB turns that into a
 * materialised scan of the workspace.) The union is written out, a
 * member per key of MATCH_KEYS (checked below): generated from the
 * table it needed an empty member to end the "UNION ALL"s, and with it
 * the snapshot of an import that updates took 1.8 times as long
 * (bench/results.md, 2026-12-02). */
_Static_assert(MATCH__KEYS == 3 && MATCH_KEY_LINKEDIN == 0 &&
    MATCH_KEY_EMAIL == 1 && MATCH_KEY_NAME == 2,
    "SNAP_MATCH has a member per key, of its kind");
#define SNAP_MATCH \
	SNAP_COLS "FROM (SELECT u.idx, u.kind, u.id, " \
	"MIN(u.kind) OVER (PARTITION BY u.idx) AS first FROM (" \
	"SELECT k.idx, 0 AS kind, c.id FROM import_keys k " SNAP_JOIN_LINKEDIN \
	" UNION ALL SELECT k.idx, 1, c.id FROM import_keys k " SNAP_JOIN_EMAIL \
	" UNION ALL SELECT k.idx, 2, c.id FROM import_keys k " SNAP_JOIN_NAME \
	") u) m" SNAP_TAIL

/* Update with CSV's: by the id cell, kind MATCH_KEY_ID. */
_Static_assert(MATCH_KEY_ID == 3, "SNAP_BYID's kind is MATCH_KEY_ID");
#define SNAP_BYID \
	SNAP_COLS "FROM (SELECT k.idx, 3 AS kind, c.id, 3 AS first " \
	"FROM import_keys k STRAIGHT_JOIN contacts c " \
	"ON c.workspace_id = ? AND c.public_id = k.pub) m" SNAP_TAIL

static const char *snap_kinds[] = { MATCH_KEYS(MATCH_KEY_NAMES) "id" };

/* Does the import update matched contacts (and so want to know whether
 * an update would change anything)? */
static int
snap_updates(struct import *im)
{
	return (im->m.on_existing == EXISTING_UPDATE);
}

/* Empty a temporary table of the snapshot (vals: import_vals, else
 * import_keys). A review's transaction must stay open, and TRUNCATE
 * ends it (an implicit commit). 0, or -1. */
static int
snap_empty(struct snapq *q, int vals)
{
	if (q->nested)
		return (vals ? db_run(q->db, "DELETE FROM import_vals", 0,
		    NULL) : db_run(q->db, "DELETE FROM import_keys", 0, NULL));
	return (vals ? db_run(q->db, "TRUNCATE TABLE import_vals", 0, NULL) :
	    db_run(q->db, "TRUNCATE TABLE import_keys", 0, NULL));
}

/* The server's weights of printable ASCII, for twin.c; without them
 * (never seen) a batch creating contacts has no snapshot. -1 on error. */
static int
snap_twins(struct import *im, struct snapq *q)
{
	struct bulk	*b = q->b_keys;
	struct dbstmt	*s = q->s_weights;
	char		 c[2] = { 0, 0 };
	int		 i, r;

	for (i = 0x20; i <= 0x7e; i++) {
		c[0] = i;
		bulk_int(b, 0, i);
		bulk_str(b, 1, NULL);
		bulk_str(b, 2, c);
		bulk_str(b, 3, NULL);
		bulk_str(b, 4, NULL);
		bulk_str(b, 5, NULL);
		bulk_str(b, 6, NULL);
		bulk_int(b, 7, 1);
		if (bulk_next(b) == -1)
			return (-1);
	}
	if (bulk_flush(b) == -1 || db_exec(s) == -1)
		return (-1);
	im->twins = twin_create();
	while ((r = db_fetch(s)) == 1)
		twin_weight(im->twins, db_col_int(s, 0), db_col_str(s, 2));
	if (r == -1 ||
	    snap_empty(q, 0) == -1)
		return (-1);
	if (!twin_ready(im->twins)) {
		log_warnx("unexpected collation weights: rows are matched one "
		    "by one");
		twin_free(im->twins);
		im->twins = NULL;
	}
	return (0);
}

/* The temporary tables and statements of q on db (nested: in a
 * review's transaction). -1 on error. */
static int
snap_open_q(struct import *im, struct snapq *q, MYSQL *db, int nested)
{
	q->db = db;
	q->nested = nested;
	/* A MEMORY table's rows are as wide as its columns can be. */
	if (db_run(db, "SET SESSION max_heap_table_size = "
	    "GREATEST(@@max_heap_table_size, 256 * 1024 * 1024)", 0,
	    NULL) == -1 ||
	    db_run(db, "DROP TEMPORARY TABLE IF EXISTS import_keys", 0,
	    NULL) == -1 ||
	    db_run(db, SNAP_KEYS, 0, NULL) == -1 ||
	    db_run(db, SNAP_VALS, 0, NULL) == -1 ||
	    snap_empty(q, 0) == -1 ||
	    snap_empty(q, 1) == -1)
		return (-1);
	q->b_keys = bulk_prepare(db, "INSERT INTO import_keys "
	    "(idx, linkedin, email, first_name, last_name, domain, pub, wild) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "issssssi", conf.batch_size);
	q->b_vals = bulk_prepare(db, SNAP_VALS_INSERT, SNAP_VALS_TYPES,
	    conf.batch_size);
	q->s_snap = im->m.flow == FLOW_UPDATE ? db_prepare(db,
	    SNAP_BYID) : db_prepare(db, SNAP_MATCH);
	q->s_weights = db_prepare(db, SNAP_WEIGHTS);
	if (q->b_keys == NULL || q->b_vals == NULL || q->s_snap == NULL ||
	    q->s_weights == NULL)
		return (-1);
	return (0);
}

/* The snapshots' tables and statements, once per import: the reader's;
 * a review's own too, in its transaction. -1 on error. */
int
snap_open(struct import *im)
{
	size_t	n;

	if (snap_open_q(im, &im->sq[1], im->rdb, 0) == -1 ||
	    (im->review && snap_open_q(im, &im->sq[0], im->db, 1) == -1) ||
	    snap_twins(im, &im->sq[1]) == -1)
		return (-1);
	/* a review's snapshot ahead, past contacts it created (twin.c):
	 * 4 MB, about 1 % false hits at 3M keys */
	if (im->review && im->twins != NULL)
		twin_remember(im->twins, (size_t)1 << 25);
	for (n = 16; n < 2 * (size_t)conf.batch_size; n *= 2)
		;
	im->touched = xcalloc(n, sizeof *im->touched);
	im->ntouched = n;
	return (0);
}

static void
snap_close_q(struct snapq *q)
{
	if (q->b_keys != NULL) {
		db_run(q->db, "DROP TEMPORARY TABLE IF EXISTS import_keys", 0,
		    NULL);
		db_run(q->db, "DROP TEMPORARY TABLE IF EXISTS import_vals", 0,
		    NULL);
	}
	bulk_close(q->b_keys);
	bulk_close(q->b_vals);
	db_close(q->s_snap);
	db_close(q->s_weights);
	memset(q, 0, sizeof *q);
}

void
snap_close(struct import *im)
{
	snap_close_q(&im->sq[0]);
	snap_close_q(&im->sq[1]);
	twin_free(im->twins);
	free(im->touched);
	im->twins = NULL;
	im->touched = NULL;
	im->q = NULL;
}

/*
 * Contacts the batch updated: a later row's snapshot of one of them is
 * stale, so its "nothing would change" does not hold. Open addressing
 * over ids, emptied per batch; at most half full (a batch touches at
 * most its rows, and the table has twice batch_size slots).
 */
static long long *
snap_slot(struct import *im, long long id)
{
	size_t	i = (size_t)id * 0x9E3779B97F4A7C15ULL % im->ntouched;

	while (im->touched[i] != 0 && im->touched[i] != id)
		i = (i + 1) % im->ntouched;
	return (&im->touched[i]);
}

void
snap_touch(struct import *im, long long id)
{
	long long	*slot;

	if (im->touched == NULL || im->ntouched_used * 2 >= im->ntouched)
		return;		/* (never, as said above) */
	if (*(slot = snap_slot(im, id)) == 0)
		im->ntouched_used++;
	*slot = id;
}

int
snap_touched(struct import *im, long long id)
{
	return (im->touched == NULL || *snap_slot(im, id) == id);
}

/* Did the batch update any contact? */
int
snap_touched_any(struct import *im)
{
	return (im->ntouched_used > 0);
}

void
snap_untouch(struct import *im)
{
	if (im->touched != NULL)
		memset(im->touched, 0, im->ntouched * sizeof *im->touched);
	im->ntouched_used = 0;
}

/* A key for import_keys: NULL if longer than max characters (contacts
 * cannot hold it, so it matches nothing; *unsure notes that the row's
 * "nothing would change" cannot be told). */
static const char *
snap_fit(const char *s, size_t max, int *unsure)
{
	size_t	n = 0;
	const unsigned char *p;

	if (s == NULL)
		return (NULL);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80 && ++n > max) {
			*unsure = 1;
			return (NULL);
		}
	return (s);
}

/* An id for import_keys: ASCII, as public ids are; else it names none. */
static const char *
snap_fit_id(const char *s)
{
	const unsigned char *p;

	if (s == NULL || strlen(s) > 32)
		return (NULL);
	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p >= 0x80)
			return (NULL);
	return (s);
}

/* Set the rows' collide (twin.c), with the server's weights of the wild
 * rows' keys. 0, or the error number. */
static unsigned
snap_twins_tell(struct import *im)
{
	struct dbstmt	*s = im->q->s_weights;
	const char	*hex[3];
	size_t		 i, idx;
	int		 r;

	if (im->nwild == 0)
		goto tell;
	if (db_exec(s) == -1)
		return (db_errno(s));
	while ((r = db_fetch(s)) == 1) {
		if ((idx = db_col_int(s, 0)) >= im->next->n)
			continue;
		for (i = 0; i < 2; i++) {
			hex[0] = db_col_str(s, 1 + i);
			twin_key_hex(im->twins, idx, i, hex, 1);
		}
		for (i = 0; i < 3; i++)
			hex[i] = db_col_str(s, 3 + i);
		twin_key_hex(im->twins, idx, MATCH_KEY_NAME, hex, 3);
	}
	if (r == -1)
		return (db_errno(s));
tell:
	for (i = 0; i < im->next->n; i++)
		im->next->rows[i].collide = twin_seen(im->twins, i);
	return (0);
}

/* Forget the batch's snapshot: every row is matched one by one. */
static void
snap_none(struct import *im)
{
	size_t	i;

	for (i = 0; i < im->next->n; i++)
		im->next->rows[i].snap = 0;
}

/* Queue row i's keys, and what an update would write. */
static int
snap_queue(struct import *im, size_t i)
{
	struct batchrow		*br = &im->next->rows[i];
	struct rowv		*rv = &br->rv;
	struct bulk		*b = im->q->b_keys, *v = im->q->b_vals;
	struct contact_vals	 cv;
	long long		 owner = 0;
	const char		*li, *em, *name[3];
	unsigned		 n = 0;
	int			 col, wild = 0;

	li = snap_fit(rv->linkedin, 512, &br->unsure);
	em = snap_fit(rv->email, 254, &br->unsure);
	name[0] = snap_fit(rv->domain, 253, &br->unsure);
	name[1] = snap_fit(rv->last, 255, &br->unsure);
	name[2] = snap_fit(rv->first, 255, &br->unsure);
	if (im->m.flow != FLOW_UPDATE) {
		wild |= twin_key(im->twins, i, MATCH_KEY_LINKEDIN, &li, 1);
		wild |= twin_key(im->twins, i, MATCH_KEY_EMAIL, &em, 1);
		wild |= twin_key(im->twins, i, MATCH_KEY_NAME, name, 3);
		im->nwild += wild;
	}
	bulk_int(b, 0, i);
	bulk_str(b, 1, li);
	bulk_str(b, 2, em);
	bulk_str(b, 3, name[2]);
	bulk_str(b, 4, name[1]);
	bulk_str(b, 5, name[0]);
	bulk_str(b, 6, im->m.flow == FLOW_UPDATE ? snap_fit_id(br->id) : NULL);
	bulk_int(b, 7, wild);
	if (bulk_next(b) == -1)
		return (-1);
	if (!snap_updates(im))
		return (0);
	/* as contact.c's update would: the owner only when overriding */
	if (im->m.override_owners)
		owner = rv->owner_id > 0 ? rv->owner_id : im->uploader_id;
	contact_vals(im, rv, -1, owner > 0 ? owner : -1, NULL, &cv);
	bulk_int(v, n++, i);
	for (col = 0; col < COL__MAX; col++)
		if (columns_get(col)->cmp == COLUMNS_CMP_VAL)
			contact_bulk(v, &n, &cv, col);
	bulk_str(v, n++, rv->custom);
	return (bulk_next(v));
}

/*
 * Take the batch's snapshot: rows with rvok get snap = 1 and their match
 * in m (m.n == 0: none), or collide = 1. Runs before the batch's
 * transaction; ahead: on the reader's connection while the batch before
 * it is written (keep: its twins count). Returns 0 (with or without a snapshot), -1 if the
 * connection failed.
 */
static int
snap_take(struct import *im, int keep, int ahead)
{
	struct snapq	*q = ahead || im->sq[0].db == NULL ? &im->sq[1] :
			    &im->sq[0];
	struct batchrow	*br;
	struct dbstmt	*s = q->s_snap;
	size_t		 i, nkeys = 0, idx;
	unsigned	 err = 0;
	int		 kind, r;

	snap_none(im);
	im->q = q;
	if (q->b_keys == NULL)
		return (0);
	/* Without matching (Create a new duplicate) nothing to take; and
	 * none without telling twins. */
	if (im->m.flow == FLOW_CREATE &&
	    (im->m.on_existing == EXISTING_DUPLICATE || im->twins == NULL))
		return (0);
	if (snap_empty(q, 0) == -1 ||
	    (snap_updates(im) &&
	    snap_empty(q, 1) == -1)) {
		err = mysql_errno(q->db);
		goto fail;
	}
	if (im->twins != NULL)
		twin_clear(im->twins, im->next->n, keep);
	im->nwild = 0;
	for (i = 0; i < im->next->n; i++) {
		br = &im->next->rows[i];
		memset(&br->m, 0, sizeof br->m);
		br->collide = br->chg = br->same = br->unsure = 0;
		if (!br->rvok)
			continue;
		nkeys++;
		if (snap_queue(im, i) == -1)
			goto failq;
	}
	if (nkeys == 0)
		return (0);
	if (bulk_flush(q->b_keys) == -1 || bulk_flush(q->b_vals) == -1)
		goto failq;

	/* every parameter of either query is the workspace */
	for (i = 0; i < db_nparams(s); i++)
		db_bind_int(s, i, im->ws_id);
	if (db_exec_stream(s) == -1) {
		err = db_errno(s);
		goto fail;
	}
	while ((r = db_fetch(s)) == 1) {
		idx = db_col_int(s, 0);
		kind = db_col_int(s, 1);
		if (idx >= im->next->n || kind < 0 || kind > MATCH_KEY_ID)
			continue;
		br = &im->next->rows[idx];
		if (br->m.n > MATCH_MAX)
			continue;
		if (br->m.n == 0) {
			br->chg = db_col_int(s, 5) != 0 || br->unsure;
			br->same = db_col_int(s, 6) != 0 && !br->unsure;
		}
		br->m.key = snap_kinds[kind];
		br->m.id[br->m.n] = db_col_int(s, 2);
		snprintf(br->m.pub[br->m.n], sizeof br->m.pub[br->m.n], "%s",
		    db_col_str(s, 3));
		br->m.dnt[br->m.n] = db_col_int(s, 4);
		br->m.n++;
	}
	if (r == -1) {
		err = db_errno(s);
		goto fail;
	}
	if (im->m.flow != FLOW_UPDATE && (err = snap_twins_tell(im)) != 0)
		goto fail;
	for (i = 0; i < im->next->n; i++)
		im->next->rows[i].snap = im->next->rows[i].rvok;
	return (0);

failq:
	err = bulk_errno(q->b_keys) ? bulk_errno(q->b_keys) :
	    bulk_errno(q->b_vals);
fail:
	/* A refusal of these values costs the snapshot, not the import. */
	snap_none(im);
	bulk_reset(q->b_keys);
	bulk_reset(q->b_vals);
	return (db_refused(err) ? 0 : -1);
}

/* Take the batch's snapshot (snap_take). A batch whose rows went without
 * one told no twins: a review no longer takes snapshots ahead past the
 * contacts it created (review_clean). */
int
snap_batch(struct import *im, int keep, int ahead)
{
	size_t	i;
	int	r;

	r = snap_take(im, keep, ahead);
	for (i = 0; i < im->next->n; i++)
		if (im->next->rows[i].rvok && !im->next->rows[i].snap)
			im->untwinned = 1;
	return (r);
}
