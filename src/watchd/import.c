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
 * drops, and only this file turns drops into rows. import_run is the
 * driver, in phases (import_start ... import_batches); a batch is read,
 * matched and written by batch.c, each row decided by decide.c and
 * applied by apply.c, its outcome recorded by outcome.c; the next batch
 * is read meanwhile by reader.c, and new contacts linked by linker.c; the
 * `imports` row is src/db/imports.c's.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "watchd.h"

/* Set from a signal handler: stop after the current batch. */
volatile sig_atomic_t	 import_quit;

static ssize_t
import_read(void *arg, void *buf, size_t len)
{
	return (read(*(int *)arg, buf, len));
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
	if (link_commit(&im->wlink, im->linked, im->made) == -1)
		return (-1);
	im->linked = im->made;
	return (0);
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
	im->b_outcome = bulk_prepare(im->review ? im->odb : im->db,
	    "INSERT INTO import_rows "
	    "(import_id, row_no, severity, code, message, column_name, "
	    "contact, match_key) VALUES (?, ?, ?, ?, LEFT(?, 1024), ?, ?, ?)",
	    "sissssss", conf.batch_size);
	im->s_owner = db_prepare(im->rdb, "SELECT id FROM users "
	    "WHERE workspace_id = ? AND email = ?");
	im->s_checkpoint = imports_checkpoint_prepare(im->db);
	im->s_match[MATCH_KEY_LINKEDIN] = db_prepare(im->db, "SELECT id, public_id, dnt "
	    "FROM contacts WHERE workspace_id = ? AND linkedin_url = ? "
	    "ORDER BY id LIMIT 11");
	im->s_match[MATCH_KEY_EMAIL] = db_prepare(im->db, "SELECT id, public_id, dnt "
	    "FROM contacts WHERE workspace_id = ? AND email = ? "
	    "ORDER BY id LIMIT 11");
	/* A namesake with another email is another person (match.c). */
	im->s_match[MATCH_KEY_NAME] = db_prepare(im->db, "SELECT id, public_id, dnt "
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
	for (i = 0; i < MATCH__KEYS; i++)
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
int
import_checkpoint(struct import *im, unsigned long row, off_t off)
{
	struct imports_row	ir;

	if (im->nested)
		return (0);	/* saved once the review is rolled back */
	memset(&ir, 0, sizeof ir);
	ir.state = status_state_name(im->st.state);
	ir.rows_processed = im->st.rows_processed;
	ir.created = im->st.created;
	ir.updated = im->st.updated;
	ir.unchanged = im->st.unchanged;
	ir.skipped = im->st.skipped;
	ir.failed = im->st.failed;
	ir.warnings = im->st.warnings;
	ir.errors_total = im->st.errors_total;
	ir.checkpoint_row = row;
	ir.checkpoint_offset = off;
	ir.rows_total = im->st.rows_total >= 0 ? im->st.rows_total : -1;
	ir.message = im->st.message;
	ir.tagged = im->st.tagged;
	ir.queued = im->st.queued;
	ir.dnt = im->st.dnt;
	ir.enriched = im->st.enriched;
	ir.enrich_failed = im->st.enrich_failed;
	return (imports_checkpoint(im->s_checkpoint, im->id, &ir));
}

static void
import_touch(struct import *im)
{
	char	now[32];

	randid_now(now, sizeof now);
	free(im->st.updated_at);
	im->st.updated_at = xstrdup(now);
}

static void
import_resume_error(void *arg, unsigned long row, const char *code,
    const char *message, const char *severity, const char *column,
    const char *contact)
{
	struct import	*im = arg;

	status_add_error(&im->st, row, code, message, severity, column,
	    contact);
}

/* Load a resumed import's counters, checkpoint and first errors: an enum
 * imports_state, or -1. */
static int
import_resume(struct import *im, unsigned long *row, off_t *off)
{
	struct imports_row	 ir;
	char			*created_at = NULL;
	int			 r;

	memset(&ir, 0, sizeof ir);
	if ((r = imports_resume(im->db, im->id, &ir, &created_at)) == -1)
		return (-1);
	im->st.rows_processed = ir.rows_processed;
	im->st.created = ir.created;
	im->st.updated = ir.updated;
	im->st.skipped = ir.skipped;
	im->st.failed = ir.failed;
	im->st.warnings = ir.warnings;
	im->st.tagged = ir.tagged;
	im->st.queued = ir.queued;
	im->st.dnt = ir.dnt;
	im->st.enriched = ir.enriched;
	im->st.enrich_failed = ir.enrich_failed;
	im->st.unchanged = ir.unchanged;
	*row = ir.checkpoint_row;
	*off = ir.checkpoint_offset;
	if (im->st.created_at == NULL)
		im->st.created_at = created_at;
	else
		free(created_at);
	if (*row == 0)
		return (r);

	/* Rebuild the status list of errors from the database. */
	if (imports_errors(im->db, im->id, conf.status_errors,
	    import_resume_error, im) == -1)
		return (-1);
	/* Adding the list back counted only its first entries. */
	im->st.errors_total = ir.errors_total;
	log_info("resuming after row %lu (byte %lld)", *row, (long long)*off);
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
	char	*ws, *file, *uploader;

	if (imports_fail(im->db, im->id, why) == -1 ||
	    im->st.workspace != NULL)
		return;
	if (imports_names(im->db, im->id, &ws, &file, &uploader) == -1 ||
	    ws == NULL)
		return;
	im->st.workspace = ws;
	if (im->st.file == NULL)
		im->st.file = file;
	else
		free(file);
	if (im->st.uploader == NULL)
		im->st.uploader = uploader;
	else
		free(uploader);
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
static enum import_result
import_fail(struct import *im, const char *why)
{
	char	now[32];

	log_warnx("failed: %s", why);
	if (im->nested) {
		db_unnest(im->db);
		im->nested = 0;
	}
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
	return (IMPORT_FAILED);
}

static void
import_free(struct import *im)
{
	size_t	i;

	change_close(im);
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
	for (i = 0; i < MATCH__KEYS; i++)
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
	review_close(im);
	if (im->rdb != NULL) {
		db_forget(im->rdb);
		mysql_close(im->rdb);
	}
	if (im->ldb != NULL) {
		db_forget(im->ldb);
		mysql_close(im->ldb);
	}
}

/* Read the drop's manifest; the workspace and uploader it names; and
 * register the import (a drop taken from the SFTP inbox has no row yet). */
static enum import_result
import_start(struct import *im)
{
	char			*path, *text, *cause = NULL;
	enum import_result	 r = IMPORT_RETRY;

	path = spool_path(im->spool, "active", im->id, "manifest.json");
	text = spool_read_manifest(path, &cause);
	free(path);
	if (text == NULL || manifest_decode(&im->m, text, &cause) == -1) {
		r = import_fail(im, cause);
		goto out;
	}
	im->st.workspace = xstrdup(im->m.workspace);
	im->st.flow = im->m.flow;
	im->review = im->st.review = im->m.review;
	if (im->m.from_review != NULL)
		im->st.from_review = xstrdup(im->m.from_review);
	im->st.file = xstrdup(im->m.file_name ? im->m.file_name :
	    "upload.csv");
	im->st.uploader = im->m.uploader ? xstrdup(im->m.uploader) : NULL;
	im->st.bytes_total = im->m.size;
	im->st.created_at = im->m.received_at ? xstrdup(im->m.received_at) :
	    NULL;

	if ((im->ws_id = auth_workspace_id(im->db, im->m.workspace)) == -1)
		goto out;
	if (im->ws_id == 0) {
		r = import_fail(im, "The workspace does not exist");
		goto out;
	}
	if ((im->uploader_id = auth_user_id(im->db, im->ws_id,
	    im->m.uploader, NULL)) == -1)
		goto out;
	if (im->uploader_id == 0) {
		r = import_fail(im, "The uploader is not a user of this "
		    "workspace");
		goto out;
	}
	free(im->m.id);
	im->m.id = xstrdup(im->id);
	if (imports_register(im->db, &im->m, &cause) == -1)
		goto out;
	r = IMPORT_GOON;
out:
	free(text);
	free(cause);
	return (r);
}

/* Finished before the watcher could say so: say it now, and end where it
 * ended. */
static enum import_result
import_finished(struct import *im, int state)
{
	char	now[32];

	log_info("already finished");
	im->st.state = state == IMPORTS_DONE ? STATE_DONE : STATE_FAILED;
	im->st.rows_total = im->st.rows_processed;
	im->st.bytes_processed = im->st.bytes_total;
	randid_now(now, sizeof now);
	im->st.finished_at = xstrdup(now);
	import_touch(im);
	status_write(im->spool, &im->st);
	return (state == IMPORTS_DONE ? IMPORT_DONE : IMPORT_FAILED);
}

/* The writer's session, the reader's connection, the statements, and
 * where a resumed import stands (*row, *off: its checkpoint). */
static enum import_result
import_connect(struct import *im, unsigned long *row, off_t *off)
{
	char	*cause = NULL;
	int	 resumed;

	switch (import_binlog_statement(im->db)) {
	case -1:
		return (IMPORT_RETRY);
	case 1:
		/* The server refuses array-bound writes (and writes at READ
		 * COMMITTED) when it logs statements: say so, once. */
		return (import_fail(im, "The database server logs statements "
		    "(binlog_format=STATEMENT); imports need MIXED (its "
		    "default) or ROW"));
	}
	/* The writer reads at READ COMMITTED too: its INSERT ... SELECTs
	 * (links, duplicates) then read without locks, and no gap lock of
	 * REPEATABLE READ makes another workspace's import wait on this one
	 * (or, on Galera, abort it). Its workspace is its own (wslock.c). */
	if (db_run(im->db, "SET SESSION TRANSACTION ISOLATION LEVEL "
	    "READ COMMITTED", 0, NULL) == -1)
		return (IMPORT_RETRY);
	if (review_unshadow(im) == -1)
		return (IMPORT_RETRY);
	/* the reader's connection (reader.c) */
	if (im->review && review_connect(im) == -1)
		return (IMPORT_RETRY);
	if ((im->rdb = db_connect(0, &cause)) == NULL) {
		log_warnx("%s", cause);
		free(cause);
		return (IMPORT_RETRY);
	}
	if (import_prepare(im) == -1 ||
	    (resumed = import_resume(im, row, off)) == -1)
		return (IMPORT_RETRY);
	if (resumed != IMPORTS_GOING)
		return (import_finished(im, resumed));
	im->last_row = *row;
	im->last_off = *off;
	return (IMPORT_GOON);
}

/* The linker's connection, if there are tags or a workflow: it reads the
 * contacts the writer just committed at READ COMMITTED, without a lock
 * on those the writer is adding past them. */
static int
import_linker_connect(struct import *im)
{
	char	*cause = NULL;

	if (!link_wanted(im))
		return (0);
	if ((im->ldb = db_connect(0, &cause)) == NULL) {
		log_warnx("%s", cause);
		free(cause);
		return (-1);
	}
	if (db_run(im->ldb, "SET SESSION TRANSACTION ISOLATION LEVEL "
	    "READ COMMITTED", 0, NULL) == -1 ||
	    link_open(&im->llink, im->ldb, im) == -1)
		return (-1);
	return (0);
}

/* The import's tags and workflow, the writers, the links a stop left,
 * and enrichment. */
static enum import_result
import_setup(struct import *im)
{
	enum import_result	 r;
	char			*cause = NULL;

	switch (import_options(im, &cause)) {
	case -1:
		return (IMPORT_RETRY);
	case -2:
		r = import_fail(im, cause);
		free(cause);
		return (r);
	}
	if (contact_open(im) == -1 || snap_open(im) == -1 ||
	    change_open(im) == -1 ||
	    link_open(&im->wlink, im->db, im) == -1 || link_resume(im) == -1 ||
	    import_linker_connect(im) == -1)
		return (IMPORT_RETRY);
	/* What a stop left unlinked, first: a drop given up later keeps
	 * its contacts whole. */
	if (import_link_rest(im) == -1)
		return (IMPORT_RETRY);
	/* A provider that is not configured right leaves LinkedIn-only rows
	 * without enrichment; it does not fail the import. */
	if ((im->enrich = enrich_create(&cause)) == NULL && cause != NULL) {
		log_warnx("%s", cause);
		free(cause);
	}
	return (IMPORT_GOON);
}

/* The workspace is this import's, and it is running. */
static enum import_result
import_claim(struct import *im)
{
	char		 now[32];

	/* One import per workspace at a time, across watchers. */
	switch (wslock_claim(im->db, im->ws_id, im->id)) {
	case -1:
		return (IMPORT_RETRY);
	case 0:
		log_info("waiting: another import of %s is running",
		    im->m.workspace);
		return (IMPORT_WAIT);
	}
	im->st.state = STATE_RUNNING;
	randid_now(now, sizeof now);
	im->st.started_at = xstrdup(now);
	import_touch(im);
	imports_running(im->db, im->id);
	return (IMPORT_GOON);
}

/* Read as UTF-8 whatever it came in; find the delimiter; count the rows
 * (and fail here if the file cannot be read to its end); and the file
 * must be the one that was received (a drop is poison otherwise),
 * checked on every resume: all in one read of it where the data allow
 * (prepare_import). */
static enum import_result
import_prepare_file(struct import *im, struct prepared *prep)
{
	enum import_result	 r;
	struct stat		 sb;
	char			*path, *cause = NULL;
	int			 n;

	path = spool_path(im->spool, "active", im->id, NULL);
	n = prepare_import(path, im->m.encoding, im->m.sha256[0] != '\0' ?
	    im->m.sha256 : NULL, im->m.size, prep, &cause);
	free(path);
	if (n == -1 && prep->nospace) {
		log_warnx("%s; waiting for room in the spool", cause);
		r = IMPORT_RETRY;	/* tried again later */
		goto out;
	}
	if (n == -1) {
		r = import_fail(im, cause);
		goto out;
	}
	im->fd = prep->fd;
	/* Nobody writes it from now on (read-only for its owner too), and
	 * import_changed tells if it changes all the same. */
	if (fchmod(im->fd, 0440) == -1 || fstat(im->fd, &im->fst) == -1) {
		r = import_fail(im, "The uploaded file cannot be read");
		goto out;
	}
	snprintf(im->st.encoding, sizeof im->st.encoding, "%s",
	    prep->encoding);
	snprintf(im->st.delimiter, sizeof im->st.delimiter, "%s",
	    prep->delim == '\t' ? "tab" : (char []){ prep->delim, '\0' });
	if (prep->rows == 0) {
		r = import_fail(im, "The file has a header but no rows");
		goto out;
	}
	if (prep->rows > (long long)conf.max_rows) {
		xasprintf(&cause, "The file has %lld rows; at most %u can be "
		    "imported at once: split it", prep->rows, conf.max_rows);
		r = import_fail(im, cause);
		goto out;
	}
	im->st.rows_total = prep->rows;
	if (fstat(im->fd, &sb) == 0)
		im->st.bytes_total = sb.st_size;
	r = IMPORT_GOON;
out:
	free(cause);
	return (r);
}

/* What each column means: suggested, remembered, chosen (row: the
 * checkpoint's; a mapping is remembered when the import begins). */
static enum import_result
import_columns(struct import *im, struct prepared *prep, unsigned long row)
{
	enum import_result	 r;
	char			*remembered, *cause = NULL;

	remembered = import_remembered(im, im->spool, im->id, &prep->sample);
	if (mapping_build(&im->cm, &prep->sample, conf.id_header, remembered,
	    im->m.mapping, &cause) == -1) {
		r = import_fail(im, cause);
		goto out;
	}
	if (mapping_required(&im->cm, im->m.flow, conf.id_header,
	    &cause) == -1) {
		/* how the columns were taken says why they do not do */
		import_columns_status(im);
		r = import_fail(im, cause);
		goto out;
	}
	/* a review remembers nothing: the import made from it does */
	if (im->m.mapping != NULL && row == 0 && !im->review &&
	    remember_save(im->db, im->ws_id, &prep->sample, &im->cm,
	    im->m.uploader) == -1)
		log_warnx("the mapping could not be remembered");
	im->st.notes = preview_notes(prep, &im->cm, remembered != NULL &&
	    im->m.mapping == NULL);
	import_columns_status(im);
	r = IMPORT_GOON;
out:
	free(remembered);
	free(cause);
	return (r);
}

/* The file's reader, past its header; on a resume (*row > 0), just past
 * the last committed row (off); else *row is the header's. */
static enum import_result
import_file(struct import *im, unsigned long *row, off_t off)
{
	struct csvin_limits	 lim;
	struct prepared		 prep;
	struct csvrec		*rec;
	enum import_result	 r;
	int			 n;

	memset(&prep, 0, sizeof prep);
	if ((r = import_prepare_file(im, &prep)) != IMPORT_GOON)
		goto out;
	memset(&lim, 0, sizeof lim);
	lim.max_field = conf.max_field;
	lim.max_fields = conf.max_fields;
	lim.delim = prep.delim;
	lim.last_row = prep.last_row;
	lim.recoded = prep.recoded;		/* copied */
	lim.nrecoded = prep.nrecoded;
	lim.recoded_as = prep.recoded_as;
	im->in = csvin_create(import_read, &im->fd, &lim, prep.start,
	    prep.preamble);
	if ((n = csvin_next(im->in, &rec)) <= 0) {
		r = import_fail(im, n == 0 ? "The file is empty" :
		    csvin_error(im->in));
		goto out;
	}
	if ((r = import_columns(im, &prep, *row)) != IMPORT_GOON)
		goto out;
	if (*row > 0) {
		/* Resume: read on from just past the last committed row. */
		csvin_free(im->in);
		im->in = NULL;
		if (lseek(im->fd, off, SEEK_SET) == -1) {
			r = import_fail(im, "cannot resume: seek failed");
			goto out;
		}
		/* lim.recoded is prep's: copied here, freed just after */
		im->in = csvin_create(import_read, &im->fd, &lim, off, *row);
	} else
		*row = rec->row;
	prepare_clear(&prep);
	status_write(im->spool, &im->st);
out:
	prepare_clear(&prep);
	return (r);
}

/* Where the time went, for a slow import. */
struct import_pace {
	unsigned long	 ahead;		/* batches read ahead */
	unsigned long	 nbatch;
	unsigned long	 nlinked;	/* linked meanwhile */
	long long	 twrite;	/* ms */
	long long	 twait;
};

/* The file was changed under the import (row: the last committed): stop
 * the threads, link what was made, and fail. */
static enum import_result
import_changed_fail(struct import *im, struct reader *rd, struct linker *lk,
    unsigned long row)
{
	enum import_result	 r;
	char			*cause;

	if (lk != NULL)
		linker_join(lk);
	if (rd != NULL)
		reader_join(rd);
	im->linking = 0;
	if (import_link_rest(im) == -1)
		return (IMPORT_RETRY);
	xasprintf(&cause, "The file was changed while it was being imported: "
	    "its rows up to row %lu were imported, the rest was not read. "
	    "Upload it again, and leave it alone until it is done.", row);
	r = import_fail(im, cause);
	free(cause);
	return (r);
}

/* The last batch is written: the file is done. */
static void
import_done(struct import *im, const struct import_pace *p)
{
	char	now[32];

	log_info("%lu of %lu batches read ahead, %lu linked meanwhile; "
	    "%.1f s writing, %.1f s waiting for the next batch", p->ahead,
	    p->nbatch, p->nlinked, p->twrite / 1000.0, p->twait / 1000.0);
	randid_now(now, sizeof now);
	im->st.finished_at = xstrdup(now);
	im->st.bytes_processed = im->st.bytes_total;
	/* After a review: how many rows came out otherwise, and why. */
	if (im->m.from_review != NULL && (im->st.differs = imports_differs(
	    im->db, im->ws_id, im->m.from_review, im->id,
	    &im->st.differs_message)) == -1)
		log_warnx("could not compare with the review %s",
		    im->m.from_review);
	/* a review's row is saved after its rollback: its status then */
	if (!im->review)
		status_write(im->spool, &im->st);
	log_info("done: %lld created, %lld updated, %lld unchanged, "
	    "%lld skipped, %lld failed", im->st.created, im->st.updated,
	    im->st.unchanged, im->st.skipped, im->st.failed);
}

/*
 * Each batch: read it, look up what needs looking up, read its rows and
 * take its matching snapshot, and only then open the transaction that
 * writes it; the next one is read meanwhile (reader.c), and what the
 * batches before made is linked (linker.c). row: the last committed.
 */
static enum import_result
import_batches(struct import *im, unsigned long row)
{
	struct import_pace	 pace;
	struct reader		 rd;
	struct linker		 lk;
	struct batch		*tmp;
	enum reader_state	 state = READER_READ;
	int			 n, last, reading, linking, written;
	long long		 t0, t1;

	memset(&pace, 0, sizeof pace);
	n = batch_read(im->next, im->in, conf.batch_size);
	for (;;) {
		if (n == -1) {
			if (import_link_rest(im) == -1)
				return (IMPORT_RETRY);
			return (import_fail(im, csvin_error(im->in)));
		}
		/* database trouble, or stopping */
		if (reader_finish(im, state) != 0)
			return (IMPORT_RETRY);
		tmp = im->batch;
		im->batch = im->next;
		im->next = tmp;
		last = n == 0;
		reading = !last && reader_start(&rd, im) == 0;
		linking = !last && !im->review && linker_start(&lk, im);
		if (import_changed(im))
			return (import_changed_fail(im, reading ? &rd : NULL,
			    linking ? &lk : NULL, row));
		t0 = mono_ms();
		written = batch_write(im, last) == 0;
		t1 = mono_ms();
		pace.twrite += t1 - t0;
		if (linking) {
			linker_join(&lk);
			im->linking = 0;
			if (!lk.failed) {
				im->linked = lk.hi;
				pace.nlinked++;
			}
		}
		if (reading) {
			reader_join(&rd);
			n = rd.n;
			state = rd.state;
		}
		pace.twait += mono_ms() - t1;
		if (!reading && written && !last) {
			n = batch_read(im->next, im->in, conf.batch_size);
			state = READER_READ;
		}
		if (!written || (reading && rd.failed) ||
		    (linking && lk.failed))
			return (IMPORT_RETRY);
		row = im->batch->last_row;
		im->last_row = row;
		im->last_off = im->batch->last_off;
		import_touch(im);
		if (last)
			break;
		status_write(im->spool, &im->st);
		if (import_quit) {
			log_info("stopping after row %lu", row);
			return (IMPORT_RETRY);
		}
		/* It changed contacts the snapshot taken meanwhile saw. */
		if (state == READER_SNAP && (im->dirty ||
		    snap_touched_any(im)))
			state = READER_ROWS;
		pace.nbatch++;
		pace.ahead += state == READER_SNAP;
	}
	import_done(im, &pace);
	return (IMPORT_DONE);
}

/*
 * A review (review.c): the workspace claimed first, since its contacts
 * may be copied then (how many there are against the file's rows says:
 * the file is read first); every write from the tags on is in the
 * review's transaction, and the lock row and the imports row are written
 * outside it; rolled back at the end.
 */
static enum import_result
import_review(struct import *im, unsigned long row, off_t off)
{
	enum import_result	r;

	if ((r = import_claim(im)) != IMPORT_GOON ||
	    (r = import_file(im, &row, off)) != IMPORT_GOON)
		return (r);
	if (review_begin(im) == -1)
		return (IMPORT_RETRY);
	if ((r = import_setup(im)) != IMPORT_GOON)
		return (r);
	if (review_links(im) == -1)
		return (IMPORT_RETRY);
	if ((r = import_batches(im, row)) == IMPORT_DONE) {
		if (review_end(im) == -1)
			return (IMPORT_RETRY);
		status_write(im->spool, &im->st);
	}
	return (r);
}

/*
 * Import active/ID: its phases in order, each going on (IMPORT_GOON) or
 * ending the run. Returns IMPORT_DONE when it is done, IMPORT_FAILED when
 * it failed for good (the status says why), IMPORT_RETRY on a temporary
 * failure (the database went away, or refused a batch: deadlock 1213,
 * lock wait timeout 1205, a Galera conflict; the batch was rolled back):
 * the drop should be retried later, and resumes from its checkpoint;
 * IMPORT_WAIT when another import holds the workspace (wslock.c): try it
 * after that one.
 */
enum import_result
import_run(MYSQL *db, const char *spool, const char *id)
{
	struct import		 im;
	unsigned long		 row = 0;
	off_t			 off = 0;
	enum import_result	 r;

	memset(&im, 0, sizeof im);
	im.batch = &im.bufs[0];
	im.next = &im.bufs[1];
	im.db = db;
	im.spool = spool;
	im.id = id;
	im.fd = -1;
	status_init(&im.st, id);
	log_setid(id);
	if ((r = import_start(&im)) == IMPORT_GOON &&
	    (r = import_connect(&im, &row, &off)) == IMPORT_GOON) {
		if (im.review)
			r = import_review(&im, row, off);
		else if ((r = import_setup(&im)) == IMPORT_GOON &&
		    (r = import_claim(&im)) == IMPORT_GOON &&
		    (r = import_file(&im, &row, off)) == IMPORT_GOON)
			r = import_batches(&im, row);
	}
	if (r == IMPORT_RETRY)
		log_warnx("temporary failure; the drop will be retried");
	import_free(&im);
	log_setid(NULL);
	return (r);
}
