/*
 * One import per workspace at a time, across every watcher on every host:
 * a row of import_locks names the import that owns the workspace. It is a
 * lease, not a session lock: the owner moves its heartbeat in each batch's
 * transaction (holding the row with FOR UPDATE while it writes), and an
 * owner silent for conf.lock_timeout seconds (its watcher died) is
 * replaced. The import that owns the lock may always take it again, so an
 * import resumed after a crash goes on at once.
 *
 * Not GET_LOCK: Galera does not replicate it. A row is replicated, and two
 * nodes claiming it at once end in a certification conflict (1213) for
 * one of them, which retries and finds the lock taken.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"

/* Who holds a lock, for people reading the table: host:pid. */
static void
wslock_holder(char *buf, size_t len)
{
	char	host[256];

	if (gethostname(host, sizeof host) == -1)
		snprintf(host, sizeof host, "?");
	host[sizeof host - 1] = '\0';
	snprintf(buf, len, "%s:%ld", host, (long)getpid());
}

/* Whether import id owns workspace ws, asked by s (the lock row's
 * import_id by workspace): 1, 0, -1 on error. */
static int
wslock_answer(struct dbstmt *s, long long ws, const char *id)
{
	const char	*v;
	int		 r = -1;

	db_bind_int(s, 0, ws);
	if (db_exec(s) == 0) {
		switch (db_fetch(s)) {
		case 1:
			v = db_col_str(s, 0);
			r = v != NULL && strcmp(v, id) == 0;
			break;
		case 0:
			r = 0;
			break;
		}
	}
	db_close(s);
	return (r);
}

/* Take workspace ws for import id: 1 if it is ours, 0 if another import
 * holds it, -1 on a database error. */
int
wslock_claim(MYSQL *db, long long ws, const char *id)
{
	struct dbstmt	*s;
	char		 holder[300];
	int		 r;

	s = db_prepare(db, "INSERT IGNORE INTO import_locks (workspace_id) "
	    "VALUES (?)");
	if (s == NULL)
		return (-1);
	db_bind_int(s, 0, ws);
	r = db_exec(s);
	db_close(s);
	if (r == -1)
		return (-1);

	wslock_holder(holder, sizeof holder);
	s = db_prepare(db, "UPDATE import_locks SET import_id = ?, "
	    "holder = ?, heartbeat = NOW(3) WHERE workspace_id = ? AND "
	    "(import_id IS NULL OR import_id = ? OR "
	    "heartbeat < NOW(3) - INTERVAL ? SECOND)");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, id);
	db_bind_str(s, 1, holder);
	db_bind_int(s, 2, ws);
	db_bind_str(s, 3, id);
	db_bind_int(s, 4, conf.lock_timeout);
	r = db_exec(s);
	db_close(s);
	if (r == -1)
		return (-1);
	/* Affected rows are 0 when nothing changed, so ask. */
	if ((s = db_prepare(db, "SELECT import_id FROM import_locks "
	    "WHERE workspace_id = ?")) == NULL)
		return (-1);
	return (wslock_answer(s, ws, id));
}

/* Kept prepared (once a batch): db_forget before the connection goes. */
#define WSLOCK_MINE	"SELECT import_id FROM import_locks " \
	"WHERE workspace_id = ? FOR UPDATE"
#define WSLOCK_BEAT	"UPDATE import_locks SET heartbeat = NOW(3) " \
	"WHERE workspace_id = ?"

/* In a batch's transaction: hold the row until the commit and move the
 * heartbeat. 1 if the lock is still ours, 0 if it was taken over, -1 on
 * a database error. */
int
wslock_hold(MYSQL *db, long long ws, const char *id)
{
	struct dbstmt	*s;
	int		 r;

	if ((s = db_prepare_kept(db, WSLOCK_MINE)) == NULL)
		return (-1);
	if ((r = wslock_answer(s, ws, id)) != 1)
		return (r);
	if ((s = db_prepare_kept(db, WSLOCK_BEAT)) == NULL)
		return (-1);
	db_bind_int(s, 0, ws);
	r = db_exec(s);
	db_close(s);
	return (r == -1 ? -1 : 1);
}

/* Let the workspace go, if import id holds it. */
int
wslock_release(MYSQL *db, long long ws, const char *id)
{
	const char	*arg[2];
	char		 v[32];

	snprintf(v, sizeof v, "%lld", ws);
	arg[0] = v;
	arg[1] = id;
	return (db_run(db, "UPDATE import_locks SET import_id = NULL, "
	    "holder = NULL WHERE workspace_id = ? AND import_id = ?", 2, arg));
}

/* Whether another live import holds the workspace of slug, asked before
 * an import's set-up without a lock: 1, 0, -1 on error. */
int
wslock_busy(MYSQL *db, const char *slug, const char *id)
{
	struct dbstmt	*s;
	int		 r = -1;

	if ((s = db_prepare(db, "SELECT 1 FROM import_locks l JOIN "
	    "workspaces w ON w.id = l.workspace_id WHERE w.slug = ? AND "
	    "l.import_id IS NOT NULL AND l.import_id <> ? AND "
	    "l.heartbeat >= NOW(3) - INTERVAL ? SECOND")) == NULL)
		return (-1);
	db_bind_str(s, 0, slug);
	db_bind_str(s, 1, id);
	db_bind_int(s, 2, conf.lock_timeout);
	if (db_exec(s) == 0)
		r = db_fetch(s);
	db_close(s);
	return (r);
}
