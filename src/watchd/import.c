/*
 * The importer: one drop in active/ becomes contacts.
 *
 * Rows are read in file order and committed in batches. A batch's rows,
 * its row outcomes and the checkpoint (last row number, byte offset just
 * past it, counters) commit in one transaction, so a watcher killed at any
 * moment resumes exactly after the last committed batch: nothing is lost,
 * nothing is done twice. The status JSON is rewritten after each commit.
 *
 * Shared by every way a file arrives (web, CLI, SFTP): they all become
 * drops, and only this file turns drops into rows.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "watchd.h"

#define IMPORT_MANIFEST_MAX	(64 * 1024)
#define IMPORT_ROW_MAX		(8 << 20)	/* bytes of cells in a row */

/* Set from a signal handler: stop after the current batch. */
volatile sig_atomic_t	 import_quit;

static int	 import_checkpoint(struct import *, unsigned long, off_t);

static ssize_t
import_read(void *arg, void *buf, size_t len)
{
	return (read(*(int *)arg, buf, len));
}

/* Open a spool file safely: no links, a regular file, one name
 * (Postfix safe_open). */
static int
import_open(const char *path)
{
	struct stat	sb;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (-1);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
		close(fd);
		errno = EPERM;
		return (-1);
	}
	return (fd);
}

static char *
import_read_manifest(const char *path, char **cause)
{
	char	*text;
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd;

	if ((fd = import_open(path)) == -1) {
		xasprintf(cause, "manifest: %s", strerror(errno));
		return (NULL);
	}
	text = xmalloc(IMPORT_MANIFEST_MAX + 1);
	while ((n = read(fd, text + len, IMPORT_MANIFEST_MAX - len)) > 0)
		len += n;
	close(fd);
	if (n == -1 || len == IMPORT_MANIFEST_MAX) {
		xasprintf(cause, "manifest: unreadable or too large");
		free(text);
		return (NULL);
	}
	text[len] = '\0';
	return (text);
}

/* Record a row's outcome or a warning: in the database, and in the
 * status unless it is an update or unchanged (the status lists what went
 * wrong). */
int
import_outcome(struct import *im, unsigned long row, const char *severity,
    const char *code, const char *message, const char *column,
    const char *contact, const char *key)
{
	struct bulk	*b = im->b_outcome;

	bulk_str(b, 0, im->id);
	bulk_int(b, 1, row);
	bulk_str(b, 2, severity);
	bulk_str(b, 3, code);
	bulk_str(b, 4, message);
	bulk_str(b, 5, column);
	bulk_str(b, 6, contact);
	bulk_str(b, 7, key);
	if (bulk_next(b) == -1) {
		if (db_refused(bulk_errno(b)))
			im->refused = 1;
		return (-1);
	}
	if (strcmp(severity, "updated") == 0 ||
	    strcmp(severity, "unchanged") == 0)
		return (0);
	status_add_error(&im->st, row, code, message, severity, column,
	    contact);
	if (strcmp(severity, "warning") == 0)
		im->st.warnings++;
	return (0);
}

static int
import_skip(struct import *im, unsigned long row, const char *code,
    const char *message, const char *contact, const char *key)
{
	im->st.skipped++;
	return (import_outcome(im, row, "skipped", code, message, NULL,
	    contact, key));
}

static int
import_failed(struct import *im, unsigned long row)
{
	im->st.failed++;
	return (import_outcome(im, row, "failed", "database_error",
	    "The database refused this row's values", NULL, NULL, NULL));
}

static const char *
import_key_words(const char *key)
{
	if (strcmp(key, "linkedin") == 0)
		return ("LinkedIn URL");
	if (strcmp(key, "email") == 0)
		return ("email");
	if (strcmp(key, "id") == 0)
		return (conf.id_header);
	return ("first name, last name and domain");
}

/* Why a row cannot be created: the columns it lacks, named. */
static int
import_skip_identity(struct import *im, struct rowv *rv)
{
	const char	*have[4] = { rv->first, rv->last, rv->account,
	    rv->domain };
	static const int cols[4] = { COL_FIRST, COL_LAST, COL_ACCOUNT,
	    COL_DOMAIN };
	struct buf	 missing;
	char		*msg = NULL;
	size_t		 i;
	int		 r;

	if (rv->domain_state == -1 && rv->linkedin == NULL) {
		xasprintf(&msg, "\"%s\" is not a domain", rv->domain_cell);
		r = import_skip(im, rv->row, "invalid_domain", msg, NULL, NULL);
		free(msg);
		return (r);
	}
	if (rv->linkedin != NULL)
		return (import_skip(im, rv->row, "enrichment_unavailable",
		    "Only a LinkedIn URL identifies this contact, and no "
		    "enrichment provider is configured to look it up", NULL,
		    NULL));
	buf_init(&missing, 1024);
	for (i = 0; i < 4; i++) {
		const char *n = columns_name(cols[i], conf.id_header);

		if (have[i] != NULL)
			continue;
		if (missing.len > 0)
			buf_add(&missing, ", ", 2);
		buf_add(&missing, n, strlen(n));
	}
	if (rv->linkedin_state == -1) {
		xasprintf(&msg, "The LinkedIn URL is %s, and %s %s missing",
		    norm_linkedin_why(rv->linkedin_cell), buf_str(&missing),
		    strchr(buf_str(&missing), ',') ? "are" : "is");
		r = import_skip(im, rv->row, "invalid_linkedin_url", msg, NULL,
		    NULL);
	} else {
		xasprintf(&msg, "Missing %s (or a Contact LinkedIn URL)",
		    buf_str(&missing));
		r = import_skip(im, rv->row, "missing_required", msg, NULL,
		    NULL);
	}
	free(msg);
	buf_free(&missing);
	return (r);
}

/* Create a contact from the row, and what follows. */
static int
import_create(struct import *im, struct rowv *rv)
{
	char		 pubid[INTAKE_ID_MAX];
	long long	 id;

	if (rv->first == NULL || rv->last == NULL || rv->account == NULL ||
	    rv->domain == NULL)
		return (import_skip_identity(im, rv));
	if ((id = contact_create(im, rv, pubid)) == -1)
		return (-1);
	if (id == 0)
		return (import_failed(im, rv->row));
	im->st.created++;
	if (row_warnings(im, rv) == -1)
		return (-1);
	return (contact_after(im, rv, 0, pubid, 0));
}

/* Update the one contact the row matched, and what follows; same: the
 * snapshot says the update would change nothing. */
static int
import_update(struct import *im, struct rowv *rv, struct match *m, int same)
{
	long long	 owner = 0;
	const char	*sev;
	char		*msg;
	int		 r;

	if (im->m.override_owners)
		owner = rv->owner_id > 0 ? rv->owner_id : im->uploader_id;
	else {
		/* The owner is not changed, so nothing to warn about. */
		size_t i, j;

		for (i = j = 0; i < rv->nwarn; i++) {
			if (strcmp(rv->warn[i].code, "unknown_owner") == 0) {
				free(rv->warn[i].message);
				continue;
			}
			rv->warn[j++] = rv->warn[i];
		}
		rv->nwarn = j;
	}
	/* The snapshot may know that the update would change nothing,
	 * unless a row before it in the batch updated the contact. */
	if (same && !snap_touched(im, m->id[0]))
		r = 2;
	else if ((r = contact_update(im, rv, m->id[0], owner)) == -1)
		return (-1);
	if (r == 0)
		return (import_failed(im, rv->row));
	if (r == 1)
		snap_touch(im, m->id[0]);
	/* A row whose values are the contact's already is unchanged, not
	 * updated: its contact, Updated At included, is as it was. */
	sev = r == 1 ? "updated" : "unchanged";
	if (r == 1)
		im->st.updated++;
	else
		im->st.unchanged++;
	xasprintf(&msg, r == 1 ? "Updated %s, matched by %s" :
	    "Nothing to change on %s, matched by %s", m->pub[0],
	    import_key_words(m->key));
	r = import_outcome(im, rv->row, sev, sev, msg, NULL, m->pub[0],
	    m->key);
	free(msg);
	if (r == -1 || row_warnings(im, rv) == -1)
		return (-1);
	return (contact_after(im, rv, m->id[0], NULL, m->dnt[0]));
}

/* A contact created from the identified one, overlaid with the row. */
static int
import_duplicate(struct import *im, struct rowv *rv, struct match *m)
{
	char		 pubid[INTAKE_ID_MAX];
	long long	 id;

	if ((id = contact_duplicate(im, rv, m->id[0], pubid)) == -1)
		return (-1);
	if (id == 0)
		return (import_failed(im, rv->row));
	im->st.created++;
	if (row_warnings(im, rv) == -1)
		return (-1);
	return (contact_after(im, rv, 0, pubid, m->dnt[0]));
}

/*
 * The contacts a row matches: the batch's snapshot when nothing written
 * before it in the batch can change the answer (snap.c), else asked now,
 * after what is queued was written.
 */
static int
import_match(struct import *im, struct batchrow *br, struct match *m)
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

/*
 * A row of Update with CSV: it names its contact by the id column, in
 * this workspace only. An id of another workspace is just unknown.
 */
static int
import_row_update(struct import *im, struct batchrow *br)
{
	struct rowv	*rv = &br->rv;
	struct match	 m;
	const char	*id = br->id;
	char		*msg;
	int		 r;

	if (id == NULL) {
		xasprintf(&msg, "This row has no %s, so it cannot be matched "
		    "to a contact", conf.id_header);
		r = import_skip(im, rv->row, "missing_id", msg, NULL, NULL);
		free(msg);
		return (r);
	}
	/* An id names one contact, and no write changes which: the
	 * snapshot holds for every row. */
	if (br->snap)
		m = br->m;
	else {
		memset(&m, 0, sizeof m);
		db_bind_int(im->s_byid, 0, im->ws_id);
		db_bind_str(im->s_byid, 1, id);
		if (db_exec(im->s_byid) == -1)
			return (-1);
		if (db_fetch(im->s_byid) == 1) {
			m.n = 1;
			m.key = "id";
			m.id[0] = db_col_int(im->s_byid, 0);
			snprintf(m.pub[0], sizeof m.pub[0], "%s",
			    db_col_str(im->s_byid, 1));
			m.dnt[0] = db_col_int(im->s_byid, 2);
		}
	}
	if (m.n == 0) {
		xasprintf(&msg, "No contact of this workspace has the %s "
		    "\"%.40s\"", conf.id_header, id);
		r = import_skip(im, rv->row, "unknown_id", msg, NULL, NULL);
		free(msg);
		return (r);
	}
	switch (im->m.on_existing) {
	case EXISTING_SKIP:
		xasprintf(&msg, "%s exists and was left unchanged", m.pub[0]);
		r = import_skip(im, rv->row, "exists", msg, m.pub[0], m.key);
		free(msg);
		return (r);
	case EXISTING_DUPLICATE:
		return (import_duplicate(im, rv, &m));
	case EXISTING_UPDATE:
		break;
	}
	return (import_update(im, rv, &m, br->snap && br->same));
}

/*
 * Read a row of the batch, before its transaction: rv, or why it is
 * skipped. Returns 0, or -1 if the database failed.
 */
static int
import_row_read(struct import *im, struct batchrow *br)
{
	struct csvrec	*rec = &br->rec;
	size_t		 i, total;
	char		*msg;

	if (rec->flags & CSVREC_NUL) {
		br->skip_code = "nul_byte";
		br->skip_msg = xstrdup("This row has a NUL byte: it is not "
		    "text");
		return (0);
	}
	if (rec->flags & CSVREC_TOOLARGE) {
		br->skip_code = "field_too_large";
		xasprintf(&br->skip_msg, "A cell of this row is larger than %u "
		    "bytes", conf.max_field);
		return (0);
	}
	for (i = total = 0; i < rec->nfields; i++)
		total += rec->lens[i];
	if (total > IMPORT_ROW_MAX) {
		/* One statement carries a row: it must fit the server's
		 * packet limit (16 MB), or the import could never pass it. */
		br->skip_code = "row_too_large";
		xasprintf(&br->skip_msg, "This row holds more than %d MB",
		    IMPORT_ROW_MAX >> 20);
		return (0);
	}
	if (rec->flags & CSVREC_TOOWIDE || rec->nfields != im->cm.ncols) {
		br->skip_code = "wrong_field_count";
		xasprintf(&br->skip_msg, "This row has %s%zu fields but the "
		    "header has %zu columns", rec->flags & CSVREC_TOOWIDE ?
		    "more than " : "", rec->nfields, im->cm.ncols);
		return (0);
	}
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

/*
 * Write one row of the batch. Returns 0 when the row has its outcome
 * (created, updated, skipped or failed), -1 when the database failed under
 * it.
 */
static int
import_row_write(struct import *im, struct batchrow *br)
{
	struct rowv	*rv = &br->rv;
	struct match	 m;
	struct buf	 ids;
	char		*msg = NULL;
	size_t		 i;
	int		 r = -1;

	if (!br->rvok) {
		if (strcmp(br->skip_code, "enrichment_failed") == 0)
			im->st.enrich_failed++;
		return (import_skip(im, br->rec.row, br->skip_code,
		    br->skip_msg, NULL, NULL));
	}
	if (im->m.flow == FLOW_UPDATE)
		return (import_row_update(im, br));

	memset(&m, 0, sizeof m);
	if (im->m.on_existing != EXISTING_DUPLICATE &&
	    import_match(im, br, &m) == -1)
		return (-1);
	if (m.n == 0)
		return (import_create(im, rv));
	if (im->m.on_existing == EXISTING_SKIP && m.n == 1) {
		xasprintf(&msg, "This contact already exists as %s (matched by "
		    "%s); it was left unchanged", m.pub[0],
		    import_key_words(m.key));
		r = import_skip(im, rv->row, "exists", msg, m.pub[0], m.key);
		goto out;
	}
	if (m.n > 1) {
		/* Several match (namesakes, and the row has no email to tell
		 * them apart): skip leaves them alone, update cannot guess. */
		buf_init(&ids, 1024);
		for (i = 0; i < m.n && i < MATCH_MAX; i++) {
			if (i > 0)
				buf_add(&ids, ", ", 2);
			buf_add(&ids, m.pub[i], strlen(m.pub[i]));
		}
		xasprintf(&msg, "More than one existing contact matches by %s "
		    "(%s%s); %s", import_key_words(m.key), buf_str(&ids),
		    m.n > MATCH_MAX ? ", ..." : "", im->m.on_existing ==
		    EXISTING_SKIP ? "the row was not imported" :
		    "none was updated");
		buf_free(&ids);
		r = import_skip(im, rv->row, im->m.on_existing == EXISTING_SKIP ?
		    "exists" : "ambiguous_match", msg, NULL, m.key);
		goto out;
	}
	r = import_update(im, rv, &m, br->snap && br->same);
	/* The rows after it cannot trust the snapshot if the contact's keys
	 * may have moved. */
	if (!br->snap || br->chg)
		im->dirty = 1;

out:
	free(msg);
	return (r);
}

/*
 * Write the batch read into im->batch in one transaction, with its
 * checkpoint; last: it ends the file. 0, or -1 (the caller rolls back).
 */
static int
import_batch(struct import *im, int last)
{
	size_t		i;
	long long	created = im->st.created, made, hi;
	int		here;		/* links (linked, hi] itself */

	/* A batch that read nothing ends where the one before it did. */
	if (im->batch->last_off == -1) {
		im->batch->last_row = im->last_row;
		im->batch->last_off = im->last_off;
	}
	if (db_begin(im->db) == -1)
		return (-1);
	/* The workspace's lock row, held until the commit. */
	if (wslock_hold(im->db, im->ws_id, im->id) != 1 ||
	    (im->mark == 0 && contact_mark(im) == -1))
		return (-1);
	for (i = 0; i < im->batch->n; i++) {
		if (import_row_write(im, &im->batch->rows[i]) == -1)
			return (-1);
		im->st.rows_processed++;
	}
	if (contact_flush(im) == -1)
		return (-1);
	if (bulk_flush(im->b_outcome) == -1) {
		if (db_refused(bulk_errno(im->b_outcome)))
			im->refused = 1;
		return (-1);
	}
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
	if (here && link_range(&im->wlink, im, im->linked, hi) == -1)
		return (-1);
	if (last) {
		im->st.state = STATE_DONE;
		im->st.rows_total = im->st.rows_processed;
		if (wslock_release(im->db, im->ws_id, im->id) == -1)
			return (-1);
	}
	im->st.bytes_processed = im->batch->last_off;
	if (import_checkpoint(im, im->batch->last_row,
	    im->batch->last_off) == -1 || db_commit(im->db) == -1)
		return (-1);
	im->made = made;
	if (here)
		im->linked = hi;
	return (0);
}

/* Does the server log statements (binlog_format=STATEMENT)? 1, 0, or -1
 * on error. Per import: the setting is dynamic. */
static int
import_binlog_statement(MYSQL *db)
{
	struct dbstmt	*s;
	int		 r = -1;

	if ((s = db_prepare(db, "SELECT @@log_bin AND "
	    "@@binlog_format = 'STATEMENT'")) == NULL)
		return (-1);
	if (db_exec(s) == 0 && db_fetch(s) == 1)
		r = db_col_int(s, 0) != 0;
	db_close(s);
	return (r);
}

/* Link, in a transaction of its own on db, what the batches written so
 * far left unlinked (an import going on after a stop, or ending early).
 * 0, or -1. */
static int
import_link_rest(struct import *im)
{
	if (im->made <= im->linked)
		return (0);
	if (link_commit(&im->wlink, im, im->linked, im->made) == -1)
		return (-1);
	im->linked = im->made;
	return (0);
}

/*
 * Reading a batch overlaps writing the one before it: a thread reads the
 * next batch's rows, takes its snapshot and makes its new accounts
 * (contact_ahead) on the reader's connection while this one is written. The next batch is in one of three states
 * (NEXT_*), and import_next_finish completes it once the write is done.
 * What the thread leaves: a batch with rows to look up (enrichment
 * writes the status, and asks the provider), and a snapshot the batch
 * being written may make stale (it updates contacts). A snapshot taken
 * meanwhile is kept only if the written batch updated no contact; and
 * its rows sharing a key with that batch are matched one by one (twin.c
 * keeps the last batch's keys).
 */
#define NEXT_READ	0	/* batch_read */
#define NEXT_ROWS	1	/* and its rows read (import_row_read) */
#define NEXT_SNAP	2	/* and its snapshot taken, the batch before
				 * it being written meanwhile */

struct import_reader {
	pthread_t	 thread;
	struct import	*im;
	int		 snap;		/* also take the snapshot */
	int		 n;		/* batch_read's answer */
	int		 state;		/* NEXT_* reached */
	int		 failed;	/* the database failed under it */
};

/* Read the next batch's rows, and take its snapshot if snap (keep: the
 * batch before it is still being written). 0, or -1 if the database
 * failed. */
static int
import_next_rows(struct import *im, int snap, int keep)
{
	size_t	i;

	for (i = 0; i < im->next->n; i++)
		if (import_row_read(im, &im->next->rows[i]) == -1)
			return (-1);
	return (snap ? snap_batch(im, keep) : 0);
}

/* The start of an import's thread: signals are the main thread's, as
 * before there were others; the client library wants to know it. */
static void
import_thread_enter(void)
{
	sigset_t	all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	mysql_thread_init();
}

static void *
import_reader_main(void *arg)
{
	struct import_reader	*rd = arg;
	struct import		*im = rd->im;

	import_thread_enter();
	rd->state = NEXT_READ;
	rd->n = batch_read(im->next, im->in, conf.batch_size);
	if (rd->n != -1 && !lookup_wanted(im)) {
		if (import_next_rows(im, rd->snap, 1) == -1 ||
		    (rd->snap && contact_ahead(im) == -1))
			rd->failed = 1;
		else
			rd->state = rd->snap ? NEXT_SNAP : NEXT_ROWS;
	}
	mysql_thread_end();
	return (NULL);
}

/* Would writing the batch update contacts? Told from its snapshot,
 * before it is written: a row matched one by one may; one the snapshot
 * matched to a contact it would change does. Asked for a snapshot taken
 * meanwhile (it would go stale), and with touch for linking meanwhile:
 * then a matched contact the row would not change counts too (its tags
 * and enrolment are still written, and lock it). */
static int
import_may_update(struct import *im, int touch)
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

/* Start reading the next batch while this one is written. -1 if no
 * thread could be started (then it is read after). */
static int
import_reader_start(struct import *im, struct import_reader *rd)
{
	memset(rd, 0, sizeof *rd);
	rd->im = im;
	rd->snap = !import_may_update(im, 0);
	if ((errno = pthread_create(&rd->thread, NULL, import_reader_main,
	    rd)) != 0) {
		log_warn("pthread_create");
		return (-1);
	}
	return (0);
}

/* The contacts the batches before made, linked while this one is
 * written: a thread of its own on the third connection (ldb). */
struct import_linker {
	pthread_t	 thread;
	struct import	*im;
	long long	 lo, hi;	/* (lo, hi] */
	int		 failed;
};

static void *
import_linker_main(void *arg)
{
	struct import_linker	*lk = arg;
	struct import		*im = lk->im;

	import_thread_enter();
	lk->failed = link_commit(&im->llink, im, lk->lo, lk->hi) == -1;
	mysql_thread_end();
	return (NULL);
}

/* Start linking what is left while this batch is written, unless the
 * batch may touch those contacts (the writer and the linker would lock
 * them in different orders). 1 if a thread was started. */
static int
import_linker_start(struct import *im, struct import_linker *lk)
{
	memset(lk, 0, sizeof *lk);
	lk->im = im;
	lk->lo = im->linked;
	lk->hi = im->made;
	if (im->ldb == NULL || lk->hi <= lk->lo || import_may_update(im, 1))
		return (0);
	if ((errno = pthread_create(&lk->thread, NULL, import_linker_main,
	    lk)) != 0) {
		log_warn("pthread_create");
		return (0);
	}
	im->linking = 1;
	return (1);
}

/* Bring the next batch from state to NEXT_SNAP, here. 0, 1 if it must
 * wait (the watcher is stopping during lookups), -1 on a database
 * failure. */
static int
import_next_finish(struct import *im, int state)
{
	int	r;

	if (state == NEXT_READ) {
		if ((r = lookup_batch(im)) != 0)
			return (r == -2 ? 1 : -1);
		if (import_next_rows(im, 0, 0) == -1)
			return (-1);
	}
	if (state != NEXT_SNAP && snap_batch(im, 0) == -1)
		return (-1);
	return (0);
}

/* Write im->batch in one transaction (last: it ends the file); once more
 * row by row if the server refused a queued row. 0, or -1 (rolled back). */
static int
import_write(struct import *im, int last)
{
	struct status_mark	mark;

	im->fast = 1;
	status_mark(&im->st, &mark);
	for (;;) {
		im->dirty = im->refused = 0;
		snap_untouch(im);
		if (import_batch(im, last) == 0)
			return (0);
		db_rollback(im->db);
		contact_reset(im);
		bulk_reset(im->b_outcome);
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

/* An account for a domain, or the one there is (its id either way). */
#define IMPORT_ACCOUNT \
	"INSERT INTO accounts (workspace_id, name, domain) VALUES (?, ?, ?) " \
	"ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)"

static int
import_prepare(struct import *im)
{
	size_t	i;

	im->s_account = db_prepare(im->db, IMPORT_ACCOUNT);
	im->s_raccount = db_prepare(im->rdb, IMPORT_ACCOUNT);
	im->s_byid = db_prepare(im->db, "SELECT id, public_id, dnt "
	    "FROM contacts WHERE workspace_id = ? AND public_id = ?");
	im->b_outcome = bulk_prepare(im->db, "INSERT INTO import_rows "
	    "(import_id, row_no, severity, code, message, column_name, "
	    "contact, match_key) VALUES (?, ?, ?, ?, LEFT(?, 1024), ?, ?, ?)",
	    "sissssss", conf.batch_size);
	im->s_owner = db_prepare(im->rdb, "SELECT id FROM users "
	    "WHERE workspace_id = ? AND email = ?");
	im->s_checkpoint = db_prepare(im->db, "UPDATE imports SET "
	    "state = ?, rows_processed = ?, created = ?, updated = ?, "
	    "skipped = ?, failed = ?, warnings = ?, errors_total = ?, "
	    "checkpoint_row = ?, checkpoint_offset = ?, rows_total = ?, "
	    "message = ?, tagged = ?, queued_to_workflow = ?, dnt = ?, "
	    "enriched = ?, enrich_failed = ?, unchanged = ?, "
	    "updated_at = NOW(3), "
	    "finished_at = IF(? IN ('done', 'failed'), NOW(3), NULL) "
	    "WHERE id = ?");
	im->s_match[0] = db_prepare(im->db, "SELECT id, public_id, dnt "
	    "FROM contacts WHERE workspace_id = ? AND linkedin_url = ? "
	    "ORDER BY id LIMIT 11");
	im->s_match[1] = db_prepare(im->db, "SELECT id, public_id, dnt "
	    "FROM contacts WHERE workspace_id = ? AND email = ? "
	    "ORDER BY id LIMIT 11");
	/* A namesake with another email is another person (match.c). */
	im->s_match[2] = db_prepare(im->db, "SELECT id, public_id, dnt "
	    "FROM contacts FORCE INDEX (contacts_account_name) "
	    "WHERE account_id = ? AND last_name = ? AND first_name = ? "
	    "AND (? IS NULL OR COALESCE(email, '') = '' OR email = ?) "
	    "ORDER BY id LIMIT 11");
	im->s_acct_find = db_prepare(im->db, "SELECT id FROM accounts "
	    "WHERE workspace_id = ? AND domain = ?");
	im->s_cache_get = db_prepare(im->rdb, "SELECT found, profile FROM "
	    "enrich_cache WHERE url = ? AND "
	    "fetched_at > NOW() - INTERVAL ? SECOND");
	im->s_cache_put = db_prepare(im->rdb, "INSERT INTO enrich_cache "
	    "(url, found, profile) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
	    "found = VALUES(found), profile = VALUES(profile), "
	    "fetched_at = NOW()");
	if (im->s_account == NULL || im->s_raccount == NULL ||
	    im->b_outcome == NULL || im->s_owner == NULL ||
	    im->s_checkpoint == NULL || im->s_byid == NULL ||
	    im->s_acct_find == NULL ||
	    im->s_cache_get == NULL || im->s_cache_put == NULL)
		return (-1);
	for (i = 0; i < 3; i++)
		if (im->s_match[i] == NULL)
			return (-1);
	return (0);
}

/* Resolve the import's tags (creating new ones) and workflow. */
static int
import_options(struct import *im, char **cause)
{
	struct dbstmt	*s;
	size_t		 i;

	im->workflow_id = imports_workflow(im->db, im->ws_id, im->m.workflow);
	if (im->workflow_id == -1)
		return (-1);
	if (im->workflow_id == -2) {
		xasprintf(cause, "The workflow \"%s\" does not exist in this "
		    "workspace", im->m.workflow);
		return (-2);
	}
	/* Which workflow it queues to, by name, for the task page. */
	if (im->workflow_id > 0) {
		s = db_prepare(im->db, "SELECT name FROM workflows WHERE id = ?");
		if (s == NULL)
			return (-1);
		db_bind_int(s, 0, im->workflow_id);
		if (db_exec(s) == 0 && db_fetch(s) == 1) {
			free(im->st.workflow);
			im->st.workflow = xstrdup(db_col_str(s, 0));
		}
		db_close(s);
	}
	/* An existing tag is found by name, any case (the collation). */
	s = db_prepare(im->db, "INSERT INTO tags (workspace_id, name) "
	    "VALUES (?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)");
	if (s == NULL)
		return (-1);
	for (i = 0; i < im->m.ntags && i < IMPORT_MAX_TAGS; i++) {
		db_bind_int(s, 0, im->ws_id);
		db_bind_str(s, 1, im->m.tags[i]);
		if (db_exec(s) == -1) {
			/* options.c keeps tags within the column; should the
			 * server still refuse one, that is for good. */
			if (db_refused(db_errno(s))) {
				xasprintf(cause, "The database refused the tag "
				    "\"%.128s\"", im->m.tags[i]);
				db_close(s);
				return (-2);
			}
			db_close(s);
			return (-1);
		}
		im->tag_ids[im->ntags++] = db_insert_id(s);
	}
	db_close(s);
	return (0);
}

/* Save counters and the checkpoint; part of the batch's transaction. */
static int
import_checkpoint(struct import *im, unsigned long row, off_t off)
{
	const char	*state = status_state_name(im->st.state);
	struct dbstmt	*s = im->s_checkpoint;

	db_bind_str(s, 0, state);
	db_bind_int(s, 1, im->st.rows_processed);
	db_bind_int(s, 2, im->st.created);
	db_bind_int(s, 3, im->st.updated);
	db_bind_int(s, 4, im->st.skipped);
	db_bind_int(s, 5, im->st.failed);
	db_bind_int(s, 6, im->st.warnings);
	db_bind_int(s, 7, im->st.errors_total);
	db_bind_int(s, 8, row);
	db_bind_int(s, 9, off);
	if (im->st.rows_total >= 0)
		db_bind_int(s, 10, im->st.rows_total);
	else
		db_bind_null(s, 10);
	db_bind_str(s, 11, im->st.message);
	db_bind_int(s, 12, im->st.tagged);
	db_bind_int(s, 13, im->st.queued);
	db_bind_int(s, 14, im->st.dnt);
	db_bind_int(s, 15, im->st.enriched);
	db_bind_int(s, 16, im->st.enrich_failed);
	db_bind_int(s, 17, im->st.unchanged);
	db_bind_str(s, 18, state);
	db_bind_str(s, 19, im->id);
	return (db_exec(s));
}

static void
import_touch(struct import *im)
{
	char	now[32];

	randid_now(now, sizeof now);
	free(im->st.updated_at);
	im->st.updated_at = xstrdup(now);
}

/* Load a resumed import's counters, checkpoint and first errors. */
static int
import_resume(struct import *im, unsigned long *row, off_t *off)
{
	struct dbstmt	*s;
	int		 r = -1;
	const char	*state;
	long long	 errors_total;

	s = db_prepare(im->db, "SELECT state, rows_processed, created, "
	    "updated, skipped, failed, warnings, errors_total, checkpoint_row, "
	    "checkpoint_offset, DATE_FORMAT(created_at, "
	    "'%Y-%m-%dT%H:%i:%s.%fZ'), tagged, queued_to_workflow, dnt, "
	    "enriched, enrich_failed, unchanged FROM imports WHERE id = ?");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, im->id);
	if (db_exec(s) == -1 || db_fetch(s) != 1)
		goto out;
	state = db_col_str(s, 0);
	im->st.rows_processed = db_col_int(s, 1);
	im->st.created = db_col_int(s, 2);
	im->st.updated = db_col_int(s, 3);
	im->st.skipped = db_col_int(s, 4);
	im->st.failed = db_col_int(s, 5);
	im->st.warnings = db_col_int(s, 6);
	errors_total = db_col_int(s, 7);
	im->st.tagged = db_col_int(s, 11);
	im->st.queued = db_col_int(s, 12);
	im->st.dnt = db_col_int(s, 13);
	im->st.enriched = db_col_int(s, 14);
	im->st.enrich_failed = db_col_int(s, 15);
	im->st.unchanged = db_col_int(s, 16);
	*row = db_col_int(s, 8);
	*off = db_col_int(s, 9);
	if (im->st.created_at == NULL)
		im->st.created_at = xstrdup(db_col_str(s, 10));
	r = strcmp(state, "done") == 0 ? 1 : strcmp(state, "failed") == 0 ?
	    2 : 0;
	db_close(s);
	s = NULL;
	if (*row == 0)
		goto out;

	/* Rebuild the status list of errors from the database. */
	s = db_prepare(im->db, "SELECT row_no, code, message, severity, "
	    "column_name, contact FROM import_rows WHERE import_id = ? "
	    "AND severity NOT IN ('updated', 'unchanged') "
	    "ORDER BY id LIMIT ?");
	if (s == NULL) {
		r = -1;
		goto out;
	}
	db_bind_str(s, 0, im->id);
	db_bind_int(s, 1, conf.status_errors);
	if (db_exec(s) == -1) {
		r = -1;
		goto out;
	}
	while (db_fetch(s) == 1) {
		status_add_error(&im->st, db_col_int(s, 0), db_col_str(s, 1),
		    db_col_str(s, 2), db_col_str(s, 3), db_col_str(s, 4),
		    db_col_str(s, 5));
	}
	/* Adding the list back counted only its first entries. */
	im->st.errors_total = errors_total;
	log_info("resuming after row %lu (byte %lld)", *row, (long long)*off);

out:
	db_close(s);
	return (r);
}

/*
 * The workspace's remembered mapping for these headers, as it was when
 * this import first started: kept beside its file (active/ID/remembered,
 * empty for none), so that a resumed import maps its columns as it began
 * to, whatever was remembered since. Owned text, or NULL.
 */
static char *
import_remembered(struct import *im, const char *spool, const char *id,
    const struct sample *sm)
{
	struct buf	 b;
	char		*path, *tmp, *m = NULL, chunk[8192];
	ssize_t		 n;
	int		 fd;

	path = spool_path(spool, "active", id, "remembered");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
		buf_init(&b, OPTIONS_MAPPING_MAX);
		while ((n = read(fd, chunk, sizeof chunk)) > 0)
			if (buf_add(&b, chunk, n) == -1)
				break;
		close(fd);
		if (b.len > 0)
			m = xstrdup(buf_str(&b));
		buf_free(&b);
		free(path);
		return (m);
	}
	m = remember_find(im->db, im->ws_id, sm);
	xasprintf(&tmp, "%s.tmp", path);
	unlink(tmp);
	if (spool_write_file(tmp, m != NULL ? m : "") == -1 ||
	    rename(tmp, path) == -1)
		log_warn("%s", path);	/* a resume looks it up again */
	free(tmp);
	free(path);
	return (m);
}

/* How the header was understood, for the status: each column's header,
 * what it is taken as, and why. */
static void
import_columns_status(struct import *im)
{
	json_object	*a, *o;
	size_t		 i;

	a = json_object_new_array();
	for (i = 0; i < im->cm.ncols; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "header",
		    json_object_new_string(im->cm.header[i]));
		json_object_object_add(o, "as", json_object_new_string(
		    mapping_target_name(im->cm.kind[i], conf.id_header)));
		if (im->cm.kind[i] == COL_CUSTOM)
			json_object_object_add(o, "key",
			    json_object_new_string(im->cm.key[i]));
		json_object_object_add(o, "why", json_object_new_string(
		    im->cm.why[i] != NULL ? im->cm.why[i] : ""));
		json_object_array_add(a, o);
	}
	im->st.columns = a;
}

/*
 * An import that fails before its statements are prepared (its manifest
 * unreadable or refused, its workspace or uploader gone): its row says
 * failed too, and its status keeps the workspace the row names, so the
 * uploader can still read why.
 */
static void
import_fail_early(struct import *im, const char *why)
{
	struct dbstmt	*s;

	if ((s = db_prepare(im->db, "UPDATE imports SET state = 'failed', "
	    "message = LEFT(?, 1024), finished_at = NOW(3), "
	    "updated_at = NOW(3) WHERE id = ? AND state <> 'done'")) == NULL)
		return;
	db_bind_str(s, 0, why);
	db_bind_str(s, 1, im->id);
	if (db_exec(s) == -1)
		log_warnx("could not record the failure in the database");
	db_close(s);
	if (im->st.workspace != NULL)
		return;
	if ((s = db_prepare(im->db, "SELECT w.slug, i.file_name, u.email "
	    "FROM imports i JOIN workspaces w ON w.id = i.workspace_id "
	    "LEFT JOIN users u ON u.id = i.uploader_id WHERE i.id = ?")) == NULL)
		return;
	db_bind_str(s, 0, im->id);
	if (db_exec(s) == 0 && db_fetch(s) == 1) {
		im->st.workspace = xstrdup(db_col_str(s, 0));
		if (im->st.file == NULL && db_col_str(s, 1) != NULL)
			im->st.file = xstrdup(db_col_str(s, 1));
		if (im->st.uploader == NULL && db_col_str(s, 2) != NULL)
			im->st.uploader = xstrdup(db_col_str(s, 2));
	}
	db_close(s);
}

/* Whether the file read changed since the import opened it: any write
 * moves its change time, whatever it does to size and mtime. */
static int
import_changed(struct import *im)
{
	struct stat	sb;

	if (fstat(im->fd, &sb) == -1)
		return (1);
	return (sb.st_size != im->fst.st_size ||
	    sb.st_mtim.tv_sec != im->fst.st_mtim.tv_sec ||
	    sb.st_mtim.tv_nsec != im->fst.st_mtim.tv_nsec ||
	    sb.st_ctim.tv_sec != im->fst.st_ctim.tv_sec ||
	    sb.st_ctim.tv_nsec != im->fst.st_ctim.tv_nsec);
}

/* End the import as failed, with a message for the user. */
static int
import_fail(struct import *im, const char *why)
{
	char	now[32];

	log_warnx("failed: %s", why);
	free(im->st.message);
	im->st.message = xstrdup(why);
	im->st.state = STATE_FAILED;
	randid_now(now, sizeof now);
	free(im->st.finished_at);
	im->st.finished_at = xstrdup(now);
	import_touch(im);
	/* A poison drop fails before the statements are prepared: its
	 * status says why, and the watcher goes on. */
	if (im->s_checkpoint == NULL)
		import_fail_early(im, why);
	else if (import_checkpoint(im, im->last_row, 0) == -1)
		log_warnx("could not record the failure in the database");
	if (im->ws_id > 0)
		wslock_release(im->db, im->ws_id, im->id);
	status_write(im->spool, &im->st);
	return (-1);
}

static void
import_free(struct import *im)
{
	size_t	i;

	contact_cache_free(&im->accts);
	contact_cache_free(&im->raccts);
	snap_close(im);
	contact_close(im);
	link_close(&im->wlink);
	link_close(&im->llink);
	row_owners_free(im);
	db_close(im->s_account);
	db_close(im->s_raccount);
	bulk_close(im->b_outcome);
	db_close(im->s_owner);
	db_close(im->s_checkpoint);
	for (i = 0; i < 3; i++)
		db_close(im->s_match[i]);
	db_close(im->s_byid);
	db_close(im->s_acct_find);
	db_close(im->s_cache_get);
	db_close(im->s_cache_put);
	batch_free(&im->bufs[0]);
	batch_free(&im->bufs[1]);
	enrich_free(im->enrich);
	csvin_free(im->in);
	if (im->fd != -1)
		close(im->fd);
	mapping_clear(&im->cm);
	manifest_clear(&im->m);
	status_clear(&im->st);
	if (im->rdb != NULL) {
		db_forget(im->rdb);
		mysql_close(im->rdb);
	}
	if (im->ldb != NULL) {
		db_forget(im->ldb);
		mysql_close(im->ldb);
	}
}

/*
 * Import active/ID. Returns 0 when it is done, -1 when it failed for good
 * (the status says why), -2 on a temporary failure (the database went
 * away, or refused a batch: deadlock 1213, lock wait timeout 1205, a
 * Galera conflict; the batch was rolled back): the drop should be retried
 * later, and resumes from its checkpoint; -3 when another import holds
 * the workspace (wslock.c): try it after that one.
 */
int
import_run(MYSQL *db, const char *spool, const char *id)
{
	struct import		 im;
	struct csvin_limits	 lim;
	struct prepared		 prep;
	struct csvrec		*rec;
	char			*path = NULL, *text = NULL, *cause = NULL;
	char			*remembered = NULL;
	char			 now[32];
	unsigned long		 row = 0;
	off_t			 off = 0;
	struct stat		 sb;
	struct import_reader	 rd;
	struct import_linker	 lk;
	struct batch		*tmp;
	int			 r = -2, n, resumed, state, last, reading;
	int			 linking;
	int			 written;
	unsigned long		 ahead = 0, nbatch = 0, nlinked = 0;
	long long		 t0, t1, twrite = 0, twait = 0;	/* ms */

	memset(&im, 0, sizeof im);
	memset(&prep, 0, sizeof prep);
	im.batch = &im.bufs[0];
	im.next = &im.bufs[1];
	im.db = db;
	im.spool = spool;
	im.id = id;
	im.fd = -1;
	status_init(&im.st, id);
	log_setid(id);

	path = spool_path(spool, "active", id, "manifest.json");
	text = import_read_manifest(path, &cause);
	free(path);
	if (text == NULL || manifest_decode(&im.m, text, &cause) == -1) {
		r = import_fail(&im, cause);
		goto out;
	}
	im.st.workspace = xstrdup(im.m.workspace);
	im.st.flow = im.m.flow;
	im.st.file = xstrdup(im.m.file_name ? im.m.file_name : "upload.csv");
	im.st.uploader = im.m.uploader ? xstrdup(im.m.uploader) : NULL;
	im.st.bytes_total = im.m.size;
	im.st.created_at = im.m.received_at ? xstrdup(im.m.received_at) : NULL;

	if ((im.ws_id = auth_workspace_id(db, im.m.workspace)) == -1)
		goto out;
	if (im.ws_id == 0) {
		r = import_fail(&im, "The workspace does not exist");
		goto out;
	}
	if ((im.uploader_id = auth_user_id(db, im.ws_id, im.m.uploader,
	    NULL)) == -1)
		goto out;
	if (im.uploader_id == 0) {
		r = import_fail(&im, "The uploader is not a user of this "
		    "workspace");
		goto out;
	}
	free(im.m.id);
	im.m.id = xstrdup(id);
	if (imports_register(db, &im.m, &cause) == -1)
		goto out;
	switch (import_binlog_statement(db)) {
	case -1:
		goto out;
	case 1:
		/* The server refuses array-bound writes (and writes at READ
		 * COMMITTED) when it logs statements: say so, once. */
		r = import_fail(&im, "The database server logs statements "
		    "(binlog_format=STATEMENT); imports need MIXED (its "
		    "default) or ROW");
		goto out;
	}
	/* The writer reads at READ COMMITTED too: its INSERT ... SELECTs
	 * (links, duplicates) then read without locks, and no gap lock of
	 * REPEATABLE READ makes another workspace's import wait on this one
	 * (or, on Galera, abort it). Its workspace is its own (wslock.c). */
	if (db_run(db, "SET SESSION TRANSACTION ISOLATION LEVEL "
	    "READ COMMITTED", 0, NULL) == -1)
		goto out;
	/* the reader's connection (see import_reader_main) */
	if ((im.rdb = db_connect(0, &cause)) == NULL) {
		log_warnx("%s", cause);
		goto out;
	}
	if (import_prepare(&im) == -1)
		goto out;
	if ((resumed = import_resume(&im, &row, &off)) == -1)
		goto out;
	if (resumed > 0) {
		/* Finished before the watcher could say so: say it now, and
		 * end where it ended. */
		log_info("already finished");
		im.st.state = resumed == 1 ? STATE_DONE : STATE_FAILED;
		im.st.rows_total = im.st.rows_processed;
		im.st.bytes_processed = im.st.bytes_total;
		randid_now(now, sizeof now);
		im.st.finished_at = xstrdup(now);
		import_touch(&im);
		status_write(spool, &im.st);
		r = resumed == 1 ? 0 : -1;
		goto out;
	}
	im.last_row = row;
	im.last_off = off;
	switch (import_options(&im, &cause)) {
	case -1:
		goto out;
	case -2:
		r = import_fail(&im, cause);
		goto out;
	}
	if (contact_open(&im) == -1 || snap_open(&im) == -1 ||
	    link_open(&im.wlink, db) == -1 || link_resume(&im) == -1)
		goto out;
	/* The linker's connection, if there are tags or a workflow: it
	 * reads the contacts the writer just committed at READ COMMITTED,
	 * without a lock on those the writer is adding past them. */
	if (link_wanted(&im)) {
		if ((im.ldb = db_connect(0, &cause)) == NULL) {
			log_warnx("%s", cause);
			goto out;
		}
		if (db_run(im.ldb, "SET SESSION TRANSACTION ISOLATION LEVEL "
		    "READ COMMITTED", 0, NULL) == -1 ||
		    link_open(&im.llink, im.ldb) == -1)
			goto out;
	}
	/* What a stop left unlinked, first: a drop given up later keeps
	 * its contacts whole. */
	if (import_link_rest(&im) == -1)
		goto out;
	/* A provider that is not configured right leaves LinkedIn-only rows
	 * without enrichment; it does not fail the import. */
	if ((im.enrich = enrich_create(&cause)) == NULL && cause != NULL) {
		log_warnx("%s", cause);
		free(cause);
		cause = NULL;
	}

	/* The file must be the one that was received (a drop is poison
	 * otherwise), checked before the first batch and on every resume. */
	if (im.m.sha256[0] != '\0') {
		char		 sha[65];
		long long	 size;

		if (spool_checksum(spool, id, sha, &size) == -1) {
			r = import_fail(&im, "The uploaded file is missing");
			goto out;
		}
		if (size != im.m.size || strcmp(sha, im.m.sha256) != 0) {
			r = import_fail(&im, "The uploaded file is damaged: "
			    "its size or checksum is not what was received");
			goto out;
		}
	}
	/* One import per workspace at a time, across watchers. */
	switch (wslock_claim(db, im.ws_id, id)) {
	case -1:
		goto out;
	case 0:
		log_info("waiting: another import of %s is running",
		    im.m.workspace);
		r = -3;
		goto out;
	}

	im.st.state = STATE_RUNNING;
	randid_now(now, sizeof now);
	im.st.started_at = xstrdup(now);
	import_touch(&im);
	db_run(db, "UPDATE imports SET state = 'running', started_at = "
	    "COALESCE(started_at, NOW(3)) WHERE id = ?", 1, &id);

	/* Read as UTF-8 whatever it came in; find the delimiter; count the
	 * rows (and fail here if the file cannot be read to its end). */
	path = spool_path(spool, "active", id, NULL);
	n = prepare_file(path, 1, im.m.encoding, &prep, &cause);
	free(path);
	if (n == -1 && prep.nospace) {
		log_warnx("%s; waiting for room in the spool", cause);
		goto out;	/* r is -2: tried again later */
	}
	if (n == -1) {
		r = import_fail(&im, cause);
		goto out;
	}
	im.fd = prep.fd;
	/* Nobody writes it from now on (read-only for its owner too), and
	 * import_changed tells if it changes all the same. */
	if (fchmod(im.fd, 0440) == -1 || fstat(im.fd, &im.fst) == -1) {
		r = import_fail(&im, "The uploaded file cannot be read");
		goto out;
	}
	snprintf(im.st.encoding, sizeof im.st.encoding, "%s", prep.encoding);
	snprintf(im.st.delimiter, sizeof im.st.delimiter, "%s",
	    prep.delim == '\t' ? "tab" : (char []){ prep.delim, '\0' });
	if (prep.rows == 0) {
		r = import_fail(&im, "The file has a header but no rows");
		goto out;
	}
	if (prep.rows > (long long)conf.max_rows) {
		xasprintf(&cause, "The file has %lld rows; at most %u can be "
		    "imported at once: split it", prep.rows, conf.max_rows);
		r = import_fail(&im, cause);
		goto out;
	}
	im.st.rows_total = prep.rows;
	if (fstat(im.fd, &sb) == 0)
		im.st.bytes_total = sb.st_size;
	memset(&lim, 0, sizeof lim);
	lim.max_field = conf.max_field;
	lim.max_fields = conf.max_fields;
	lim.delim = prep.delim;
	lim.last_row = prep.last_row;
	lim.recoded = prep.recoded;		/* copied */
	lim.nrecoded = prep.nrecoded;
	lim.recoded_as = prep.recoded_as;
	im.in = csvin_create(import_read, &im.fd, &lim, prep.start,
	    prep.preamble);
	if ((n = csvin_next(im.in, &rec)) <= 0) {
		r = import_fail(&im, n == 0 ? "The file is empty" :
		    csvin_error(im.in));
		goto out;
	}
	/* What each column means: suggested, remembered, chosen. */
	remembered = import_remembered(&im, spool, id, &prep.sample);
	if (mapping_build(&im.cm, &prep.sample, conf.id_header, remembered,
	    im.m.mapping, &cause) == -1) {
		r = import_fail(&im, cause);
		goto out;
	}
	if (mapping_required(&im.cm, im.m.flow, conf.id_header, &cause) == -1) {
		/* how the columns were taken says why they do not do */
		import_columns_status(&im);
		r = import_fail(&im, cause);
		goto out;
	}
	if (im.m.mapping != NULL && row == 0 &&
	    remember_save(db, im.ws_id, &prep.sample, &im.cm,
	    im.m.uploader) == -1)
		log_warnx("the mapping could not be remembered");
	im.st.notes = preview_notes(&prep, &im.cm, remembered != NULL &&
	    im.m.mapping == NULL);
	import_columns_status(&im);
	if (row > 0) {
		/* Resume: read on from just past the last committed row. */
		csvin_free(im.in);
		if (lseek(im.fd, off, SEEK_SET) == -1) {
			r = import_fail(&im, "cannot resume: seek failed");
			goto out;
		}
		/* lim.recoded is prep's: copied here, freed just after */
		im.in = csvin_create(import_read, &im.fd, &lim, off, row);
	} else
		row = rec->row;
	prepare_clear(&prep);
	status_write(spool, &im.st);

	/* Each batch: read it, look up what needs looking up, read its
	 * rows and take its matching snapshot, and only then open the
	 * transaction that writes it; the next one is read meanwhile. */
	n = batch_read(im.next, im.in, conf.batch_size);
	state = NEXT_READ;
	for (;;) {
		if (n == -1) {
			if (import_link_rest(&im) == -1)
				goto out;
			r = import_fail(&im, csvin_error(im.in));
			goto out;
		}
		r = -2;		/* database trouble, or stopping */
		if (import_next_finish(&im, state) != 0)
			goto out;
		tmp = im.batch;
		im.batch = im.next;
		im.next = tmp;
		last = n == 0;
		reading = !last && import_reader_start(&im, &rd) == 0;
		linking = !last && import_linker_start(&im, &lk);
		if (import_changed(&im)) {
			if (linking)
				pthread_join(lk.thread, NULL);
			if (reading)
				pthread_join(rd.thread, NULL);
			im.linking = 0;
			if (import_link_rest(&im) == -1)
				goto out;
			xasprintf(&cause, "The file was changed while it was "
			    "being imported: its rows up to row %lu were "
			    "imported, the rest was not read. Upload it again, "
			    "and leave it alone until it is done.", row);
			r = import_fail(&im, cause);
			goto out;
		}
		t0 = mono_ms();
		written = import_write(&im, last) == 0;
		t1 = mono_ms();
		twrite += t1 - t0;
		if (linking) {
			pthread_join(lk.thread, NULL);
			im.linking = 0;
			if (!lk.failed) {
				im.linked = lk.hi;
				nlinked++;
			}
		}
		if (reading) {
			pthread_join(rd.thread, NULL);
			n = rd.n;
			state = rd.state;
		}
		twait += mono_ms() - t1;
		if (!reading && written && !last) {
			n = batch_read(im.next, im.in, conf.batch_size);
			state = NEXT_READ;
		}
		if (!written || (reading && rd.failed) ||
		    (linking && lk.failed))
			goto out;
		row = im.batch->last_row;
		off = im.batch->last_off;
		im.last_row = row;
		im.last_off = off;
		import_touch(&im);
		if (last)
			break;
		status_write(spool, &im.st);
		if (import_quit) {
			log_info("stopping after row %lu", row);
			goto out;
		}
		/* It changed contacts the snapshot taken meanwhile saw. */
		if (state == NEXT_SNAP && (im.dirty || snap_touched_any(&im)))
			state = NEXT_ROWS;
		nbatch++;
		ahead += state == NEXT_SNAP;
	}
	/* where the time went, for a slow import */
	log_info("%lu of %lu batches read ahead, %lu linked meanwhile; "
	    "%.1f s writing, %.1f s waiting for the next batch", ahead,
	    nbatch, nlinked, twrite / 1000.0, twait / 1000.0);
	randid_now(now, sizeof now);
	im.st.finished_at = xstrdup(now);
	im.st.bytes_processed = im.st.bytes_total;
	status_write(spool, &im.st);
	log_info("done: %lld created, %lld updated, %lld unchanged, "
	    "%lld skipped, %lld failed", im.st.created, im.st.updated,
	    im.st.unchanged, im.st.skipped, im.st.failed);
	r = 0;

out:
	if (r == -2)
		log_warnx("temporary failure; the drop will be retried");
	free(text);
	free(remembered);
	prepare_clear(&prep);
	free(cause);
	import_free(&im);
	log_setid(NULL);
	return (r);
}
