/*
 * The `imports` row: what a drop becomes in the database as soon as it is
 * queued, so the web and the CLI can list it before a watcher claims it.
 * The uploader side registers it here; the importer keeps its counters
 * and checkpoint here, in each batch's transaction, and reads them back
 * on a resume.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"

/* Register an import as queued (uploader side); harmless if it exists. */
int
imports_register(MYSQL *db, const struct manifest *m, char **cause)
{
	struct dbstmt	*s;
	char		*options;
	long long	 ws, user;
	int		 r, tries;

	if ((ws = auth_workspace_id(db, m->workspace)) <= 0 ||
	    (user = auth_user_id(db, ws, m->uploader, NULL)) <= 0) {
		xasprintf(cause, "unknown workspace or uploader");
		return (-1);
	}
	s = db_prepare(db, "INSERT IGNORE INTO imports (id, workspace_id, "
	    "flow, options, file_name, uploader_id, source, bytes_total, "
	    "review, from_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL) {
		xasprintf(cause, "database error");
		return (-1);
	}
	options = manifest_encode(m);
	db_bind_str(s, 0, m->id);
	db_bind_int(s, 1, ws);
	db_bind_str(s, 2, manifest_flow_name(m->flow));
	db_bind_str(s, 3, options);
	db_bind_str(s, 4, m->file_name);
	db_bind_int(s, 5, user);
	db_bind_str(s, 6, m->source);
	db_bind_int(s, 7, m->size);
	db_bind_int(s, 8, m->review != 0);
	db_bind_str(s, 9, m->from_review);
	/* A deadlock or a Galera conflict with another node's write is
	 * tried again; the drop is queued already, whatever this says. */
	for (tries = 0; (r = db_exec(s)) == -1 && tries < 3 &&
	    !db_refused(db_errno(s)); tries++)
		usleep(20000 << tries);
	if (r == -1)
		xasprintf(cause, "database error");
	free(options);
	db_close(s);
	return (r);
}

/*
 * The workflow an import names: "default" is the workspace's setting for
 * contact uploads (maybe none), "none" is none, else a workflow id or name
 * of the workspace. Returns its id, 0 for none, -2 if there is no such
 * workflow, -1 on a database error.
 */
long long
imports_workflow(MYSQL *db, long long ws, const char *name)
{
	struct dbstmt	*s;
	long long	 id = -2;

	if (name == NULL || strcmp(name, "none") == 0)
		return (0);
	if (strcmp(name, "default") == 0)
		s = db_prepare(db, "SELECT COALESCE(MAX(default_workflow_id), 0) "
		    "FROM workspace_settings WHERE workspace_id = ?");
	else
		s = db_prepare(db, "SELECT id FROM workflows WHERE "
		    "workspace_id = ? AND (name = ? OR CAST(id AS CHAR) = ?) "
		    "ORDER BY name = ? DESC LIMIT 1");
	if (s == NULL)
		return (-1);
	db_bind_int(s, 0, ws);
	if (strcmp(name, "default") != 0) {
		db_bind_str(s, 1, name);
		db_bind_str(s, 2, name);
		db_bind_str(s, 3, name);
	}
	if (db_exec(s) == -1)
		id = -1;
	else if (db_fetch(s) == 1)
		id = db_col_int(s, 0);
	db_close(s);
	return (id);
}

/* The checkpoint's statement, on the writer's connection. */
struct dbstmt *
imports_checkpoint_prepare(MYSQL *db)
{
	return (db_prepare(db, "UPDATE imports SET "
	    "state = ?, rows_processed = ?, created = ?, updated = ?, "
	    "skipped = ?, failed = ?, warnings = ?, errors_total = ?, "
	    "checkpoint_row = ?, checkpoint_offset = ?, rows_total = ?, "
	    "message = ?, tagged = ?, queued_to_workflow = ?, dnt = ?, "
	    "enriched = ?, enrich_failed = ?, unchanged = ?, "
	    "updated_at = NOW(3), "
	    "finished_at = IF(? IN ('done', 'failed'), NOW(3), NULL) "
	    "WHERE id = ?"));
}

/* Save import id's counters and checkpoint (s: imports_checkpoint_
 * prepare); part of the caller's transaction. 0, or -1. */
int
imports_checkpoint(struct dbstmt *s, const char *id,
    const struct imports_row *ir)
{
	db_bind_str(s, 0, ir->state);
	db_bind_int(s, 1, ir->rows_processed);
	db_bind_int(s, 2, ir->created);
	db_bind_int(s, 3, ir->updated);
	db_bind_int(s, 4, ir->skipped);
	db_bind_int(s, 5, ir->failed);
	db_bind_int(s, 6, ir->warnings);
	db_bind_int(s, 7, ir->errors_total);
	db_bind_int(s, 8, ir->checkpoint_row);
	db_bind_int(s, 9, ir->checkpoint_offset);
	if (ir->rows_total >= 0)
		db_bind_int(s, 10, ir->rows_total);
	else
		db_bind_null(s, 10);
	db_bind_str(s, 11, ir->message);
	db_bind_int(s, 12, ir->tagged);
	db_bind_int(s, 13, ir->queued);
	db_bind_int(s, 14, ir->dnt);
	db_bind_int(s, 15, ir->enriched);
	db_bind_int(s, 16, ir->enrich_failed);
	db_bind_int(s, 17, ir->unchanged);
	db_bind_str(s, 18, ir->state);
	db_bind_str(s, 19, id);
	return (db_exec(s));
}

/*
 * Read import id's counters and checkpoint back into ir (state and
 * message are left alone), and *created_at (owned) when it was made.
 * Returns an enum imports_state, or -1 on error.
 */
int
imports_resume(MYSQL *db, const char *id, struct imports_row *ir,
    char **created_at)
{
	struct dbstmt	*s;
	const char	*state;
	int		 r = -1;

	s = db_prepare(db, "SELECT state, rows_processed, created, "
	    "updated, skipped, failed, warnings, errors_total, checkpoint_row, "
	    "checkpoint_offset, DATE_FORMAT(created_at, "
	    "'%Y-%m-%dT%H:%i:%s.%fZ'), tagged, queued_to_workflow, dnt, "
	    "enriched, enrich_failed, unchanged FROM imports WHERE id = ?");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, id);
	if (db_exec(s) == -1 || db_fetch(s) != 1)
		goto out;
	state = db_col_str(s, 0);
	ir->rows_processed = db_col_int(s, 1);
	ir->created = db_col_int(s, 2);
	ir->updated = db_col_int(s, 3);
	ir->skipped = db_col_int(s, 4);
	ir->failed = db_col_int(s, 5);
	ir->warnings = db_col_int(s, 6);
	ir->errors_total = db_col_int(s, 7);
	ir->checkpoint_row = db_col_int(s, 8);
	ir->checkpoint_offset = db_col_int(s, 9);
	*created_at = xstrdup(db_col_str(s, 10));
	ir->tagged = db_col_int(s, 11);
	ir->queued = db_col_int(s, 12);
	ir->dnt = db_col_int(s, 13);
	ir->enriched = db_col_int(s, 14);
	ir->enrich_failed = db_col_int(s, 15);
	ir->unchanged = db_col_int(s, 16);
	r = strcmp(state, "done") == 0 ? IMPORTS_DONE :
	    strcmp(state, "failed") == 0 ? IMPORTS_FAILED : IMPORTS_GOING;
out:
	db_close(s);
	return (r);
}

/* Give fn import id's first limit row outcomes that went wrong (not
 * updates, not unchanged), in their order. 0, or -1. */
int
imports_errors(MYSQL *db, const char *id, unsigned limit,
    imports_errorfn fn, void *arg)
{
	struct dbstmt	*s;

	s = db_prepare(db, "SELECT row_no, code, message, severity, "
	    "column_name, contact FROM import_rows WHERE import_id = ? "
	    "AND severity NOT IN ('updated', 'unchanged') "
	    "ORDER BY id LIMIT ?");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, id);
	db_bind_int(s, 1, limit);
	if (db_exec(s) == -1) {
		db_close(s);
		return (-1);
	}
	while (db_fetch(s) == 1)
		fn(arg, db_col_int(s, 0), db_col_str(s, 1), db_col_str(s, 2),
		    db_col_str(s, 3), db_col_str(s, 4), db_col_str(s, 5));
	db_close(s);
	return (0);
}

/* The import has started (again): its first start is kept. */
int
imports_running(MYSQL *db, const char *id)
{
	return (db_run(db, "UPDATE imports SET state = 'running', started_at = "
	    "COALESCE(started_at, NOW(3)) WHERE id = ?", 1, &id));
}

/* Mark import id failed, why, unless it is done: for an import that
 * fails before its checkpoint's statement is prepared. 0, or -1 if the
 * statement could not be prepared (a failure to run it is logged). */
int
imports_fail(MYSQL *db, const char *id, const char *why)
{
	struct dbstmt	*s;

	if ((s = db_prepare(db, "UPDATE imports SET state = 'failed', "
	    "message = LEFT(?, 1024), finished_at = NOW(3), "
	    "updated_at = NOW(3) WHERE id = ? AND state <> 'done'")) == NULL)
		return (-1);
	db_bind_str(s, 0, why);
	db_bind_str(s, 1, id);
	if (db_exec(s) == -1)
		log_warnx("could not record the failure in the database");
	db_close(s);
	return (0);
}

/* The workspace (slug), file name and uploader (email) an import's row
 * names, each owned or NULL; *workspace is NULL if no row was read.
 * 0, or -1 if the statement could not be prepared. */
int
imports_names(MYSQL *db, const char *id, char **workspace, char **file,
    char **uploader)
{
	struct dbstmt	*s;

	*workspace = *file = *uploader = NULL;
	if ((s = db_prepare(db, "SELECT w.slug, i.file_name, u.email "
	    "FROM imports i JOIN workspaces w ON w.id = i.workspace_id "
	    "LEFT JOIN users u ON u.id = i.uploader_id WHERE i.id = ?")) == NULL)
		return (-1);
	db_bind_str(s, 0, id);
	if (db_exec(s) == 0 && db_fetch(s) == 1) {
		*workspace = xstrdup(db_col_str(s, 0));
		if (db_col_str(s, 1) != NULL)
			*file = xstrdup(db_col_str(s, 1));
		if (db_col_str(s, 2) != NULL)
			*uploader = xstrdup(db_col_str(s, 2));
	}
	db_close(s);
	return (0);
}

/* How far import id got: its checkpoint row, 0 if it has no row, -1 if
 * the database cannot say. */
long long
imports_checkpoint_row(MYSQL *db, const char *id)
{
	struct dbstmt	*s;
	long long	 row = -1;

	if ((s = db_prepare(db, "SELECT checkpoint_row FROM imports "
	    "WHERE id = ?")) == NULL)
		return (-1);
	db_bind_str(s, 0, id);
	if (db_exec(s) == 0) {
		switch (db_fetch(s)) {
		case 1:
			row = db_col_int(s, 0);
			break;
		case 0:
			row = 0;
			break;
		}
	}
	db_close(s);
	return (row);
}

/* A watcher gives import id up (it kept failing without progress):
 * failed, why, and its workspace let go. */
void
imports_give_up(MYSQL *db, const char *id, const char *why)
{
	const char	*args[2] = { why, id };

	db_run(db, "UPDATE imports SET state = 'failed', message = ?, "
	    "updated_at = NOW(3), finished_at = NOW(3) WHERE id = ?", 2, args);
	db_run(db, "UPDATE import_locks SET import_id = NULL, "
	    "holder = NULL WHERE import_id = ?", 1, &args[1]);
}

/*
 * How many rows of import id came out otherwise than review (of the same
 * workspace) said, and the first few of them ("row 5: updated, not
 * skipped"), into *why (owned; NULL when none differ). A row the import
 * created has no line of its own: it counts as created. Saved on the
 * imports row. Returns the count, or -1.
 */
long long
imports_differs(MYSQL *db, long long ws, const char *review, const char *id,
    char **why)
{
	struct dbstmt	*s;
	struct buf	 b;
	long long	 n = 0;
	const char	*arg[2];
	char		*line, v[32];

	*why = NULL;
	s = db_prepare(db, "SELECT r.row_no, r.severity, "
	    "COALESCE(i.severity, 'created') FROM imports rv "
	    "JOIN import_rows r ON r.import_id = rv.id AND "
	    "r.severity <> 'warning' LEFT JOIN import_rows i ON "
	    "i.import_id = ? AND i.row_no = r.row_no AND "
	    "i.severity <> 'warning' WHERE rv.id = ? AND rv.review = 1 AND "
	    "rv.workspace_id = ? AND (COALESCE(i.severity, 'created') <> "
	    "r.severity OR (r.severity <> 'created' AND i.code <> r.code)) "
	    "ORDER BY r.row_no");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, id);
	db_bind_str(s, 1, review);
	db_bind_int(s, 2, ws);
	if (db_exec(s) == -1) {
		db_close(s);
		return (-1);
	}
	buf_init(&b, 1024);
	while (db_fetch(s) == 1) {
		if (n++ < 5) {
			xasprintf(&line, "%srow %lld: %s, not %s",
			    b.len ? "; " : "", db_col_int(s, 0),
			    db_col_str(s, 2), db_col_str(s, 1));
			buf_add(&b, line, strlen(line));
			free(line);
		}
	}
	db_close(s);
	if (n > 0)
		xasprintf(why, "%lld row%s came out otherwise than the review "
		    "said, since the workspace changed meanwhile: %s%s", n,
		    n == 1 ? "" : "s", buf_str(&b), n > 5 ? "; ..." : "");
	buf_free(&b);
	snprintf(v, sizeof v, "%lld", n);
	arg[0] = v;
	arg[1] = id;
	if (db_run(db, "UPDATE imports SET differs = ? WHERE id = ?", 2,
	    arg) == -1)
		return (-1);
	return (n);
}

/*
 * The reviews that ended more than hours ago, each given to fn (which
 * forgets its files) and then deleted with its rows and changes. Returns
 * how many, or -1.
 */
int
imports_reviews_expire(MYSQL *db, unsigned hours,
    void (*fn)(void *, const char *), void *arg)
{
	struct dbstmt	*s;
	char		**ids = NULL;
	size_t		 n = 0, i;
	int		 r = 0;

	s = db_prepare(db, "SELECT id FROM imports WHERE review = 1 AND "
	    "state IN ('done', 'failed') AND COALESCE(finished_at, "
	    "updated_at) < NOW(3) - INTERVAL ? HOUR LIMIT 1000");
	if (s == NULL)
		return (-1);
	db_bind_int(s, 0, hours);
	if (db_exec(s) == -1) {
		db_close(s);
		return (-1);
	}
	while (db_fetch(s) == 1) {
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = xstrdup(db_col_str(s, 0));
	}
	db_close(s);
	for (i = 0; i < n; i++) {
		const char	*arg1[1] = { ids[i] };

		fn(arg, ids[i]);
		if (r != -1 && db_run(db, "DELETE FROM imports WHERE id = ?",
		    1, arg1) == -1)
			r = -1;
		else if (r != -1)
			r++;
		free(ids[i]);
	}
	free(ids);
	return (r);
}
