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

#include "intake.h"
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

/* Whether import id owns workspace ws now: 1, 0, -1 on error. lock adds
 * FOR UPDATE (inside a transaction). */
static int
wslock_owned(MYSQL *db, long long ws, const char *id, int lock)
{
	struct dbstmt	*s;
	const char	*v;
	int		 r = -1;

	s = db_prepare(db, lock ? "SELECT import_id FROM import_locks "
	    "WHERE workspace_id = ? FOR UPDATE" : "SELECT import_id FROM "
	    "import_locks WHERE workspace_id = ?");
	if (s == NULL)
		return (-1);
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
	return (wslock_owned(db, ws, id, 0));
}

/* In a batch's transaction: hold the row until the commit and move the
 * heartbeat. 1 if the lock is still ours, 0 if it was taken over, -1 on
 * a database error. */
int
wslock_hold(MYSQL *db, long long ws, const char *id)
{
	const char	*arg[1];
	char		 v[32];
	int		 r;

	if ((r = wslock_owned(db, ws, id, 1)) != 1)
		return (r);
	snprintf(v, sizeof v, "%lld", ws);
	arg[0] = v;
	if (db_run(db, "UPDATE import_locks SET heartbeat = NOW(3) "
	    "WHERE workspace_id = ?", 1, arg) == -1)
		return (-1);
	return (1);
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
