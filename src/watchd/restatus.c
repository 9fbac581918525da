/*
 * The status file made true from the database. The imports row is the
 * truth (it commits with each batch); status/ID.json is what the API, the
 * CLI and the list read, and its write can fail (status/ read-only, the
 * spool full for a moment), or the file can be lost. Every few seconds
 * the watcher compares the files of imports that ended in the last day
 * with their rows and rewrites any that is missing or says otherwise,
 * keeping what only the file knows (the columns, the encoding).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "watchd.h"

/* The row's columns, in this order, and the status keys they fill. */
static const struct {
	const char	*key;
	int		 number;	/* 1: a number, 2: a flag */
} restatus_cols[] = {
	{ "id", 0 }, { "state", 0 }, { "workspace", 0 }, { "flow", 0 },
	{ "review", 2 },
	{ "file", 0 }, { "uploader", 0 }, { "rows_total", 1 },
	{ "rows_processed", 1 }, { "bytes_total", 1 }, { "created", 1 },
	{ "updated", 1 }, { "unchanged", 1 }, { "skipped", 1 },
	{ "failed", 1 }, { "warnings", 1 }, { "errors_total", 1 },
	{ "tagged", 1 }, { "queued_to_workflow", 1 }, { "dnt", 1 },
	{ "enriched", 1 },
	{ "enrich_failed", 1 }, { "message", 0 }, { "created_at", 0 },
	{ "started_at", 0 }, { "updated_at", 0 }, { "finished_at", 0 },
};
#define RESTATUS_NCOLS	(sizeof restatus_cols / sizeof restatus_cols[0])

#define RESTATUS_SQL \
	"SELECT i.id, i.state, w.slug, i.flow, IF(i.review, 1, NULL), " \
	"i.file_name, u.email, " \
	"i.rows_total, i.rows_processed, i.bytes_total, i.created, " \
	"i.updated, i.unchanged, i.skipped, i.failed, i.warnings, " \
	"i.errors_total, i.tagged, i.queued_to_workflow, i.dnt, i.enriched, " \
	"i.enrich_failed, i.message, " \
	"DATE_FORMAT(i.created_at, '%Y-%m-%dT%H:%i:%s.%fZ'), " \
	"DATE_FORMAT(i.started_at, '%Y-%m-%dT%H:%i:%s.%fZ'), " \
	"DATE_FORMAT(i.updated_at, '%Y-%m-%dT%H:%i:%s.%fZ'), " \
	"DATE_FORMAT(i.finished_at, '%Y-%m-%dT%H:%i:%s.%fZ'), " \
	"UNIX_TIMESTAMP(i.updated_at) " \
	"FROM imports i JOIN workspaces w ON w.id = i.workspace_id " \
	"LEFT JOIN users u ON u.id = i.uploader_id " \
	"WHERE i.state IN ('done', 'failed') " \
	"AND i.updated_at > NOW(3) - INTERVAL 1 DAY"

/* The first errors of an import, as the status lists them (status.c's
 * list: a status made for the purpose gets them). */
static json_object *
restatus_errors(MYSQL *db, const char *id)
{
	struct status	 st;
	struct dbstmt	*s;
	json_object	*a;

	status_init(&st, id);
	if ((s = db_prepare(db, "SELECT row_no, code, message, severity, "
	    "column_name, contact FROM import_rows WHERE import_id = ? "
	    "AND severity NOT IN ('updated', 'unchanged') "
	    "ORDER BY id LIMIT ?")) != NULL) {
		db_bind_str(s, 0, id);
		db_bind_int(s, 1, conf.status_errors);
		if (db_exec(s) == 0)
			while (db_fetch(s) == 1)
				status_add_error(&st, db_col_int(s, 0),
				    db_col_str(s, 1), db_col_str(s, 2),
				    db_col_str(s, 3), db_col_null(s, 4) ?
				    NULL : db_col_str(s, 4), db_col_null(s, 5) ?
				    NULL : db_col_str(s, 5));
		db_close(s);
	}
	a = json_object_get(st.errors);
	status_clear(&st);
	return (a);
}

/* The row (s) as status fields, with what the row implies of a finished
 * import: all its bytes read, no enrichment pending. The times are set
 * but not compared: the file's have milliseconds, the row's
 * microseconds. */
static void
restatus_fields(struct dbstmt *s, struct status_field *f)
{
	unsigned	c;

	for (c = 0; c < RESTATUS_NCOLS; c++) {
		f[c].key = restatus_cols[c].key;
		f[c].loose = strstr(restatus_cols[c].key, "_at") != NULL;
		if (db_col_null(s, c))
			f[c].type = STATUS_FIELD_NULL;
		else if (restatus_cols[c].number) {
			f[c].type = restatus_cols[c].number == 2 ?
			    STATUS_FIELD_BOOL : STATUS_FIELD_INT;
			f[c].n = db_col_int(s, c);
		} else {
			f[c].type = STATUS_FIELD_STR;
			f[c].s = db_col_str(s, c);
		}
	}
	f[c].key = "bytes_processed";
	f[c].type = STATUS_FIELD_INT;
	f[c].n = db_col_int(s, 9);
	f[c++].loose = 1;
	f[c].key = "enrich_pending";
	f[c].type = STATUS_FIELD_INT;
	f[c].n = 0;
	f[c].loose = 1;
}

/* What restatus_one did with a status file. */
enum restatus {
	RESTATUS_ERR = -1,	/* it could not be written (tried again next
				 * time) */
	RESTATUS_RIGHT = 0,	/* it said what the row says */
	RESTATUS_REWRITTEN = 1	/* it was missing or said otherwise */
};

/* One import's row (s) against its file: rewritten if it is missing or
 * says otherwise. */
static enum restatus
restatus_one(MYSQL *db, struct dbstmt *s)
{
	struct status_field	 f[RESTATUS_NCOLS + 2];
	json_object		*o, *errors = NULL;
	const char		*id = db_col_str(s, 0);

	if (status_newer(conf.spool_dir, id, db_col_int(s, RESTATUS_NCOLS)))
		return (RESTATUS_RIGHT); /* written after the row's change */
	memset(f, 0, sizeof f);
	restatus_fields(s, f);
	if ((o = status_load(conf.spool_dir, id)) != NULL &&
	    status_agrees(o, f, RESTATUS_NCOLS)) {
		json_object_put(o);
		return (RESTATUS_RIGHT);
	}
	if (o == NULL)
		o = json_object_new_object();
	if (!status_lists_errors(o))
		errors = restatus_errors(db, id);
	if (status_amend(conf.spool_dir, id, o, f, RESTATUS_NCOLS + 2,
	    errors) == STATUS_ERR)
		return (RESTATUS_ERR);
	log_info("%s: status rewritten from the database (it said "
	    "otherwise or was missing)", id);
	return (RESTATUS_REWRITTEN);
}

/* Every import that ended in the last day: its status file made true.
 * How many were rewritten, or -1 on a database error. */
int
restatus_scan(MYSQL *db)
{
	struct dbstmt	*s;
	int		 n = 0;

	if ((s = db_prepare(db, RESTATUS_SQL)) == NULL)
		return (-1);
	if (db_exec(s) == -1) {
		db_close(s);
		return (-1);
	}
	while (db_fetch(s) == 1)
		if (restatus_one(db, s) == RESTATUS_REWRITTEN)
			n++;
	db_close(s);
	return (n);
}
