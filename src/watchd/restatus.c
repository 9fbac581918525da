/*
 * The status file made true from the database. The imports row is the
 * truth (it commits with each batch); status/ID.json is what the API, the
 * CLI and the list read, and its write can fail (status/ read-only, the
 * spool full for a moment), or the file can be lost. Every few seconds
 * the watcher compares the files of imports that ended in the last day
 * with their rows and rewrites any that is missing or says otherwise,
 * keeping what only the file knows (the columns, the encoding).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "watchd.h"

/* The row's columns, in this order, and the status keys they fill. */
static const struct {
	const char	*key;
	int		 number;
} restatus_cols[] = {
	{ "id", 0 }, { "state", 0 }, { "workspace", 0 }, { "flow", 0 },
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
	"SELECT i.id, i.state, w.slug, i.flow, i.file_name, u.email, " \
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

/* Whether the file's value of key is the row's (column c of s). */
static int
restatus_same(json_object *o, const char *key, struct dbstmt *s, unsigned c)
{
	json_object	*v;
	const char	*dv;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return (db_col_null(s, c));
	if (restatus_cols[c].number)
		return (!db_col_null(s, c) &&
		    json_object_get_int64(v) == db_col_int(s, c));
	dv = db_col_str(s, c);
	return (dv != NULL && json_object_is_type(v, json_type_string) &&
	    strcmp(json_object_get_string(v), dv) == 0);
}

/* The first errors of an import, as the status lists them. */
static json_object *
restatus_errors(MYSQL *db, const char *id)
{
	static const char *const keys[] = { "row", "code", "message",
	    "severity", "column", "contact" };
	struct dbstmt	*s;
	json_object	*a, *e;
	unsigned	 i;

	a = json_object_new_array();
	if ((s = db_prepare(db, "SELECT row_no, code, message, severity, "
	    "column_name, contact FROM import_rows WHERE import_id = ? "
	    "AND severity NOT IN ('updated', 'unchanged') "
	    "ORDER BY id LIMIT ?")) == NULL)
		return (a);
	db_bind_str(s, 0, id);
	db_bind_int(s, 1, conf.status_errors);
	if (db_exec(s) == 0) {
		while (db_fetch(s) == 1) {
			e = json_object_new_object();
			json_object_object_add(e, keys[0],
			    json_object_new_int64(db_col_int(s, 0)));
			for (i = 1; i < 6; i++)
				if (!db_col_null(s, i))
					json_object_object_add(e, keys[i],
					    json_object_new_string(
					    db_col_str(s, i)));
			json_object_array_add(a, e);
		}
	}
	db_close(s);
	return (a);
}

/* One import's row (s) against its file: rewrite it if it is missing or
 * says otherwise. 1 if rewritten, 0 if it was right, -1 if it could not
 * be written (tried again next time). */
static int
restatus_one(MYSQL *db, struct dbstmt *s)
{
	struct stat	 sb;
	json_object	*o = NULL;
	const char	*id = db_col_str(s, 0);
	char		*path;
	unsigned	 c;
	int		 same = 1, r = 0;

	xasprintf(&path, "%s/status/%s.json", conf.spool_dir, id);
	if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_mtime > db_col_int(s, RESTATUS_NCOLS))
		goto out;	/* written after the row's last change */
	if ((o = json_object_from_file(path)) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = json_object_new_object();
		same = 0;
	}
	/* The times are not compared: the file's have milliseconds, the
	 * row's microseconds. */
	for (c = 0; same && c < RESTATUS_NCOLS; c++)
		if (strstr(restatus_cols[c].key, "_at") == NULL &&
		    !restatus_same(o, restatus_cols[c].key, s, c))
			same = 0;
	if (same)
		goto out;
	for (c = 0; c < RESTATUS_NCOLS; c++) {
		if (db_col_null(s, c))
			json_object_object_add(o, restatus_cols[c].key, NULL);
		else if (restatus_cols[c].number)
			json_object_object_add(o, restatus_cols[c].key,
			    json_object_new_int64(db_col_int(s, c)));
		else
			json_object_object_add(o, restatus_cols[c].key,
			    json_object_new_string(db_col_str(s, c)));
	}
	json_object_object_add(o, "bytes_processed",
	    json_object_new_int64(db_col_int(s, 8)));
	json_object_object_add(o, "enrich_pending", json_object_new_int64(0));
	if (!json_object_object_get_ex(o, "errors", NULL))
		json_object_object_add(o, "errors", restatus_errors(db, id));
	if (status_put(conf.spool_dir, id, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)) == -1) {
		r = -1;
	} else {
		log_info("%s: status rewritten from the database (it said "
		    "otherwise or was missing)", id);
		r = 1;
	}
out:
	json_object_put(o);
	free(path);
	return (r);
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
		if (restatus_one(db, s) == 1)
			n++;
	db_close(s);
	return (n);
}
