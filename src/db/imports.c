/*
 * The `imports` row: what a drop becomes in the database as soon as it is
 * queued, so the web and the CLI can list it before a watcher claims it.
 * The uploader side registers it here; the importer keeps its counters.
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
	    "flow, options, file_name, uploader_id, source, bytes_total) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
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
