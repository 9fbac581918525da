/*
 * A batch: the next rows of a file, copied out of the reader so that the
 * work that must not hold a transaction open (looking profiles up) can
 * run over all of them before the transaction that writes them begins.
 * Then its rows are read (before its transaction), and each is matched,
 * decided (decide.c) and applied (apply.c) in the transaction that
 * writes the batch with its checkpoint.
 *
 * Buffers are kept from batch to batch: in the steady state reading a
 * batch allocates nothing. Memory is bounded by the batch size times the
 * reader's limits on a record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchd.h"


/* Copy a record into slot i, reusing its buffers. */
static void
batch_copy(struct batch *b, size_t i, const struct csvrec *rec)
{
	struct batchrow	*br = &b->rows[i];
	size_t		 f;

	if (br->nalloc < rec->nfields) {
		br->fields = xreallocarray(br->fields, rec->nfields,
		    sizeof *br->fields);
		br->lens = xreallocarray(br->lens, rec->nfields,
		    sizeof *br->lens);
		br->caps = xreallocarray(br->caps, rec->nfields,
		    sizeof *br->caps);
		memset(br->fields + br->nalloc, 0,
		    (rec->nfields - br->nalloc) * sizeof *br->fields);
		memset(br->caps + br->nalloc, 0,
		    (rec->nfields - br->nalloc) * sizeof *br->caps);
		br->nalloc = rec->nfields;
	}
	for (f = 0; f < rec->nfields; f++) {
		if (br->caps[f] < rec->lens[f] + 1) {
			br->caps[f] = rec->lens[f] + 1 < 32 ? 32 :
			    rec->lens[f] + 1;
			br->fields[f] = xreallocarray(br->fields[f], 1,
			    br->caps[f]);
		}
		memcpy(br->fields[f], rec->fields[f], rec->lens[f] + 1);
		br->lens[f] = rec->lens[f];
	}
	br->rec.nfields = rec->nfields;
	br->rec.fields = br->fields;
	br->rec.lens = br->lens;
	br->rec.row = rec->row;
	br->rec.end = rec->end;
	br->rec.flags = rec->flags;
	br->rec.recoded = rec->recoded;
	br->enrich = ENRICH_NONE;
	free(br->linkedin);
	br->linkedin = NULL;
	free(br->why);
	br->why = NULL;
	profile_clear(br->profile);
	free(br->profile);
	br->profile = NULL;
	row_clear(&br->rv);
	free(br->skip_msg);
	br->skip_msg = NULL;
	br->skip_code = NULL;
	br->rvok = br->snap = br->collide = br->chg = 0;
	br->id = NULL;
}

/*
 * Read up to max non-empty rows. Returns 1 if the file may hold more, 0 at
 * its end, -1 on a reading error (csvin_error says which row). last_row
 * and last_off tell where the batch ends, blank rows included; last_off
 * is -1 if it read no row at all (the file ended with the batch before).
 */
int
batch_read(struct batch *b, struct csvin *in, size_t max)
{
	struct csvrec	*rec;
	int		 n;

	b->n = 0;
	b->last_row = 0;
	b->last_off = -1;
	while (b->n < max && (n = csvin_next(in, &rec)) == 1) {
		b->last_row = rec->row;
		b->last_off = rec->end;
		if (csvin_empty(rec))
			continue;
		if (b->n == b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 64;

			b->rows = xreallocarray(b->rows, cap, sizeof *b->rows);
			memset(b->rows + b->cap, 0,
			    (cap - b->cap) * sizeof *b->rows);
			b->cap = cap;
		}
		batch_copy(b, b->n++, rec);
	}
	if (b->n == max)
		return (1);
	return (n);
}

void
batch_free(struct batch *b)
{
	size_t	i, f;

	for (i = 0; i < b->cap; i++) {
		for (f = 0; f < b->rows[i].nalloc; f++)
			free(b->rows[i].fields[f]);
		free(b->rows[i].fields);
		free(b->rows[i].lens);
		free(b->rows[i].caps);
		free(b->rows[i].linkedin);
		free(b->rows[i].why);
		profile_clear(b->rows[i].profile);
		free(b->rows[i].profile);
		row_clear(&b->rows[i].rv);
		free(b->rows[i].skip_msg);
	}
	free(b->rows);
	memset(b, 0, sizeof *b);
}

/*
 * Read a row of the batch, before its transaction: rv, or why it is
 * skipped. Returns 0, or -1 if the database failed.
 */
static int
batch_row_read(struct import *im, struct batchrow *br)
{
	struct csvrec	*rec = &br->rec;
	size_t		 i;
	char		*msg;

	if (decide_record(rec, im->cm.ncols, conf.max_field, &br->skip_code,
	    &br->skip_msg))
		return (0);
	/* Undo the export's formula escaping: "'+1 555" is "+1 555". */
	for (i = 0; i < rec->nfields; i++)
		formula_unescape(rec->fields[i]);
	if (row_read(im, rec, &br->rv) == -1)
		return (-1);
	if (rec->recoded != NULL) {
		xasprintf(&msg, "This row is not UTF-8 like the rest of the "
		    "file: it was read as %s", rec->recoded);
		row_warn(&br->rv, "encoding_row", NULL, msg);
	}
	if (lookup_fill(im, br, &br->rv, &br->skip_code, &br->skip_msg) == 1)
		return (0);
	if (im->m.flow == FLOW_UPDATE) {
		br->id = row_cell(im, rec, COL_ID);
		/* Held like every warning: said only if the row is written. */
		if (br->rv.domain_state == -1) {
			xasprintf(&msg, "\"%s\" is not a domain; the account "
			    "was left unchanged", br->rv.domain_cell);
			row_warn(&br->rv, "invalid_domain", "Domain", msg);
		}
	}
	br->rvok = 1;
	return (0);
}

/* Read the rows of b (the reader's connection). 0, or -1 if the
 * database failed. */
int
batch_rows_read(struct import *im, struct batch *b)
{
	size_t	i;

	for (i = 0; i < b->n; i++)
		if (batch_row_read(im, &b->rows[i]) == -1)
			return (-1);
	return (0);
}

/*
 * The contacts a row matches: the batch's snapshot when nothing written
 * before it in the batch can change the answer (snap.c), else asked now,
 * after what is queued was written.
 */
static int
batch_match_keys(struct import *im, struct batchrow *br, struct match *m)
{
	if (br->snap && !br->collide && !im->dirty) {
		*m = br->m;
		return (0);
	}
	if (im->fast && contact_flush(im) == -1)
		return (-1);
	br->snap = 0;
	return (match_find(im, &br->rv, m));
}

/* The contact an id names, in this workspace only (an id of another
 * workspace is just unknown). An id names one contact, and no write
 * changes which: the snapshot holds for every row. */
static int
batch_match_id(struct import *im, struct batchrow *br, struct match *m)
{
	struct dbstmt	*s = im->s_byid;

	if (br->snap) {
		*m = br->m;
		return (0);
	}
	db_bind_int(s, 0, im->ws_id);
	db_bind_str(s, 1, br->id);
	if (db_exec(s) == -1)
		return (-1);
	if (db_fetch(s) == 1) {
		m->n = 1;
		m->key = "id";
		m->id[0] = db_col_int(s, 0);
		snprintf(m->pub[0], sizeof m->pub[0], "%s", db_col_str(s, 1));
		m->dnt[0] = db_col_int(s, 2);
	}
	return (0);
}

static void
batch_opts(const struct import *im, struct decide_opts *o)
{
	o->flow = im->m.flow;
	o->on_existing = im->m.on_existing;
	o->override_owners = im->m.override_owners;
	o->uploader_id = im->uploader_id;
	o->id_header = conf.id_header;
}

/*
 * Write one row of the batch: match it, decide it, apply the decision.
 * Returns 0 when the row has its outcome (created, updated, skipped or
 * failed), -1 when the database failed under it.
 */
static int
batch_row_write(struct import *im, const struct decide_opts *o,
    struct batchrow *br)
{
	struct decide_row	 in;
	struct decision		 d;
	struct match		 m;
	enum decide_match	 want;
	int			 r;

	memset(&in, 0, sizeof in);
	if (br->rvok)
		in.rv = &br->rv;
	in.skip_code = br->skip_code;
	in.skip_msg = br->skip_msg;
	in.id = br->id;
	memset(&m, 0, sizeof m);
	want = decide_match(o, &in);
	if ((want == DECIDE_MATCH_KEYS && batch_match_keys(im, br, &m) == -1) ||
	    (want == DECIDE_MATCH_ID && batch_match_id(im, br, &m) == -1))
		return (-1);
	/* The snapshot may know that the update would change nothing,
	 * unless a row before it in the batch updated the contact. */
	in.same = m.n > 0 && br->snap && br->same &&
	    !snap_touched(im, m.id[0]);
	in.trusted = br->snap && !br->chg;
	decide_row(o, &in, want == DECIDE_MATCH_NONE ? NULL : &m, &d);
	r = apply_row(im, o, br, &d);
	if (d.stale)
		im->dirty = 1;
	decide_clear(&d);
	return (r);
}

/* Would writing the batch update contacts? Told from its snapshot,
 * before it is written: a row matched one by one may; one the snapshot
 * matched to a contact it would change does. Asked for a snapshot taken
 * meanwhile (it would go stale), and with touch for linking meanwhile:
 * then a matched contact the row would not change counts too (its tags
 * and enrolment are still written, and lock it). */
int
batch_may_update(const struct import *im, int touch)
{
	struct batchrow	*br;
	size_t		 i;

	if (im->m.on_existing != EXISTING_UPDATE)
		return (0);
	for (i = 0; i < im->batch->n; i++) {
		br = &im->batch->rows[i];
		if (br->rvok && (!br->snap || br->collide || (touch ?
		    br->m.n > 0 : br->m.n == 1 && !br->same)))
			return (1);
	}
	return (0);
}

/*
 * Write the batch read into im->batch in one transaction, with its
 * checkpoint; last: it ends the file. 0, or -1 (the caller rolls back).
 */
static int
batch_txn(struct import *im, int last)
{
	struct decide_opts o;
	size_t		i;
	long long	created = im->st.created, made, hi;
	int		here;		/* links (linked, hi] itself */

	batch_opts(im, &o);
	/* A batch that read nothing ends where the one before it did. */
	if (im->batch->last_off == -1) {
		im->batch->last_row = im->last_row;
		im->batch->last_off = im->last_off;
	}
	if (db_begin(im->db) == -1)
		return (-1);
	/* The workspace's lock row, held until the commit (a review's
	 * beats on its own connection: its transaction is never
	 * committed, and holds nothing another watcher waits on). */
	if (wslock_hold(im->review ? im->odb : im->db, im->ws_id,
	    im->id) != 1 ||
	    (im->mark == 0 && contact_mark(im) == -1))
		return (-1);
	for (i = 0; i < im->batch->n; i++) {
		if (batch_row_write(im, &o, &im->batch->rows[i]) == -1)
			return (-1);
		im->st.rows_processed++;
	}
	if (contact_flush(im) == -1 || (!im->review &&
	    (outcome_flush(im) == -1 || change_flush(im) == -1)))
		return (-1);
	/* New contacts are linked after their batch, by the linker while
	 * the next one is written; what it does not link is linked here:
	 * the batches' before this one, and the file's last. */
	made = im->made;
	if (link_wanted(im) && im->st.created > created) {
		if (contact_new_max(im) == -1)
			return (-1);
		made = im->mark;
	}
	hi = last ? made : im->made;
	here = !im->linking && hi > im->linked;
	if (here && link_range(&im->wlink, im->linked, hi) == -1)
		return (-1);
	if (last) {
		im->st.state = STATE_DONE;
		im->st.rows_total = im->st.rows_processed;
		if (!im->review &&
		    wslock_release(im->db, im->ws_id, im->id) == -1)
			return (-1);
	}
	im->st.bytes_processed = im->batch->last_off;
	if (import_checkpoint(im, im->batch->last_row,
	    im->batch->last_off) == -1 || db_commit(im->db) == -1)
		return (-1);
	/* A review's findings, once its batch stands (review.c). A failure
	 * here ends the try: the review starts again. */
	if (im->review && review_flush(im) == -1) {
		im->refused = 0;
		return (-1);
	}
	im->made = made;
	if (here)
		im->linked = hi;
	return (0);
}

/* Write im->batch in one transaction (last: it ends the file); once more
 * row by row if the server refused a queued row. 0, or -1 (rolled back). */
int
batch_write(struct import *im, int last)
{
	struct status_mark	mark;

	im->fast = 1;
	status_mark(&im->st, &mark);
	for (;;) {
		im->dirty = im->refused = 0;
		snap_untouch(im);
		if (batch_txn(im, last) == 0)
			return (0);
		db_rollback(im->db);
		contact_reset(im);
		outcome_reset(im);
		change_reset(im);
		status_rewind(&im->st, &mark);
		if (!im->refused || !im->fast)
			return (-1);
		/* One row's values the server refused sank the queued
		 * writes: write this batch again row by row, where each
		 * refusal is that row's outcome. */
		log_info("rows %lu-%lu: writing row by row",
		    im->batch->rows[0].rec.row, im->batch->last_row);
		im->fast = 0;
	}
}
