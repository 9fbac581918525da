/*
 * MariaDB access: prepared statements only, a connection per thread that
 * talks to the database (never one shared by two): intake-fcgi's workers
 * and the CLI have one each, the watcher one, and a running import adds
 * its reader's and, with tags or a workflow, its linker's.
 * struct dbstmt wraps a MYSQL_STMT so that callers bind parameters by
 * position and read result columns as strings or integers, without the
 * MYSQL_BIND boilerplate at every call site.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include <mysqld_error.h>

#include "db.h"

#define DB_MAXPARAMS	64
#define DB_COLBUF	256

static int	 db_exec1(struct dbstmt *, int);

struct dbstmt {
	MYSQL_STMT	*stmt;
	const char	*sql;
	unsigned	 nparams;
	MYSQL_BIND	*params;
	long long	*ints;
	unsigned long	*plens;
	my_bool		*pnull;

	unsigned	 ncols;
	MYSQL_BIND	*cols;
	char	       **cbuf;
	unsigned long	*clen;
	my_bool		*cnull;
	my_bool		*cerr;
	MYSQL_RES	*meta;
	int		 kept;		/* by db_prepare_kept: db_close keeps it */
};

/* Statements kept prepared, per connection (db_prepare_kept); an
 * import's threads each use their own connection, but share the table. */
#define DB_KEPT		16
static struct {
	MYSQL		*db;
	const char	*sql;
	struct dbstmt	*s;
} db_kept[DB_KEPT];
static pthread_mutex_t	db_kept_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * The connections inside a transaction of ours (db_begin to db_commit or
 * db_rollback). A statement on one of them that succeeds while the server
 * says no transaction is open lost it: Galera aborts a transaction that
 * conflicts with a replicated one (brute force), and when that lands
 * during an array-bound execute the execute still returns success, the
 * writes already rolled back, and what follows would autocommit. Such a
 * statement is failed here, so the batch is retried from its checkpoint.
 */
#define DB_TXN_MAX	64
static MYSQL		*db_txn[DB_TXN_MAX];
static pthread_mutex_t	 db_txn_lock = PTHREAD_MUTEX_INITIALIZER;

static void
db_txn_set(MYSQL *db, int on)
{
	size_t	i, free_slot = DB_TXN_MAX;

	pthread_mutex_lock(&db_txn_lock);
	for (i = 0; i < DB_TXN_MAX; i++) {
		if (db_txn[i] == db) {
			if (!on)
				db_txn[i] = NULL;
			goto out;
		}
		if (db_txn[i] == NULL && free_slot == DB_TXN_MAX)
			free_slot = i;
	}
	if (on) {
		if (free_slot == DB_TXN_MAX)
			fatalx("more than %d transactions at once", DB_TXN_MAX);
		db_txn[free_slot] = db;
	}
out:
	pthread_mutex_unlock(&db_txn_lock);
}

/* 1 if db should be in a transaction of ours and the server says it is
 * not: the transaction was lost. */
int
db_txn_lost(MYSQL *db)
{
	unsigned int	status = 0;
	size_t		i;
	int		mine = 0;

	pthread_mutex_lock(&db_txn_lock);
	for (i = 0; i < DB_TXN_MAX; i++)
		if (db_txn[i] == db)
			mine = 1;
	pthread_mutex_unlock(&db_txn_lock);
	if (!mine)
		return (0);
	if (mariadb_get_infov(db, MARIADB_CONNECTION_SERVER_STATUS,
	    &status) != 0)
		return (0);
	if (status & SERVER_STATUS_IN_TRANS)
		return (0);
	log_warnx("the server rolled the transaction back under a statement "
	    "that succeeded (a Galera conflict): the batch is tried again");
	return (1);
}

/* Connect as configured. flags: CLIENT_MULTI_STATEMENTS for migrations. */
MYSQL *
db_connect(unsigned long flags, char **cause)
{
	MYSQL		*db;
	unsigned int	 timeout = 10;

	if ((db = mysql_init(NULL)) == NULL)
		fatalx("mysql_init");
	db_txn_set(db, 0);	/* a closed connection's address, reused */
	mysql_options(db, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	/* Every time we store or show is UTC. */
	mysql_options(db, MYSQL_INIT_COMMAND, "SET time_zone = '+00:00'");
	if (mysql_real_connect(db, conf.db_socket[0] ? NULL : conf.db_host,
	    conf.db_user, conf.db_password[0] ? conf.db_password : NULL,
	    conf.db_name, conf.db_port,
	    conf.db_socket[0] ? conf.db_socket : NULL, flags) == NULL) {
		xasprintf(cause, "database: %s", mysql_error(db));
		mysql_close(db);
		return (NULL);
	}
	return (db);
}

/* Prepare a statement; NULL (logged) on error. */
struct dbstmt *
db_prepare(MYSQL *db, const char *sql)
{
	struct dbstmt	*s;
	unsigned	 i;

	s = xcalloc(1, sizeof *s);
	s->sql = sql;
	if ((s->stmt = mysql_stmt_init(db)) == NULL)
		fatalx("mysql_stmt_init");
	if (mysql_stmt_prepare(s->stmt, sql, strlen(sql)) != 0) {
		log_warnx("prepare: %s: %s", mysql_stmt_error(s->stmt), sql);
		db_close(s);
		return (NULL);
	}
	s->nparams = mysql_stmt_param_count(s->stmt);
	if (s->nparams > DB_MAXPARAMS)
		fatalx("db_prepare: too many parameters");
	if (s->nparams > 0) {
		s->params = xcalloc(s->nparams, sizeof *s->params);
		s->ints = xcalloc(s->nparams, sizeof *s->ints);
		s->plens = xcalloc(s->nparams, sizeof *s->plens);
		s->pnull = xcalloc(s->nparams, sizeof *s->pnull);
		for (i = 0; i < s->nparams; i++) {
			s->pnull[i] = 1;
			s->params[i].buffer_type = MYSQL_TYPE_NULL;
			s->params[i].is_null = &s->pnull[i];
		}
	}
	if ((s->meta = mysql_stmt_result_metadata(s->stmt)) != NULL) {
		s->ncols = mysql_num_fields(s->meta);
		s->cols = xcalloc(s->ncols, sizeof *s->cols);
		s->cbuf = xcalloc(s->ncols, sizeof *s->cbuf);
		s->clen = xcalloc(s->ncols, sizeof *s->clen);
		s->cnull = xcalloc(s->ncols, sizeof *s->cnull);
		s->cerr = xcalloc(s->ncols, sizeof *s->cerr);
		for (i = 0; i < s->ncols; i++) {
			s->cbuf[i] = xmalloc(DB_COLBUF);
			s->cols[i].buffer_type = MYSQL_TYPE_STRING;
			s->cols[i].buffer = s->cbuf[i];
			s->cols[i].buffer_length = DB_COLBUF;
			s->cols[i].length = &s->clen[i];
			s->cols[i].is_null = &s->cnull[i];
			s->cols[i].error = &s->cerr[i];
		}
	}
	return (s);
}

/*
 * A statement prepared once per connection and kept: for what every
 * request asks (the session, an import's owner). sql must be a string
 * literal (it is the key). db_close leaves it prepared; db_forget, before
 * the connection is closed, closes what was kept for it.
 */
struct dbstmt *
db_prepare_kept(MYSQL *db, const char *sql)
{
	struct dbstmt	*s = NULL;
	size_t		 i;

	pthread_mutex_lock(&db_kept_lock);
	for (i = 0; i < DB_KEPT; i++)
		if (db_kept[i].db == db && db_kept[i].sql == sql) {
			s = db_kept[i].s;
			goto out;
		}
	if ((s = db_prepare(db, sql)) == NULL)
		goto out;
	for (i = 0; i < DB_KEPT; i++)
		if (db_kept[i].db == NULL) {
			db_kept[i].db = db;
			db_kept[i].sql = sql;
			db_kept[i].s = s;
			s->kept = 1;
			break;
		}
out:
	pthread_mutex_unlock(&db_kept_lock);
	return (s);
}

void
db_forget(MYSQL *db)
{
	size_t	i;

	db_txn_set(db, 0);
	pthread_mutex_lock(&db_kept_lock);
	for (i = 0; i < DB_KEPT; i++)
		if (db_kept[i].db == db) {
			db_kept[i].s->kept = 0;
			db_close(db_kept[i].s);
			memset(&db_kept[i], 0, sizeof db_kept[i]);
		}
	pthread_mutex_unlock(&db_kept_lock);
}

/* Bind a string parameter; NULL binds SQL NULL. The string must live
 * until the statement is executed. */
void
db_bind_str(struct dbstmt *s, unsigned i, const char *v)
{
	if (i >= s->nparams)
		fatalx("db_bind_str: parameter %u of %u: %s", i, s->nparams,
		    s->sql);
	if (v == NULL) {
		db_bind_null(s, i);
		return;
	}
	s->pnull[i] = 0;
	s->plens[i] = strlen(v);
	s->params[i].buffer_type = MYSQL_TYPE_STRING;
	s->params[i].buffer = (char *)v;
	s->params[i].buffer_length = s->plens[i];
	s->params[i].length = &s->plens[i];
}

unsigned
db_nparams(const struct dbstmt *s)
{
	return (s->nparams);
}

void
db_bind_int(struct dbstmt *s, unsigned i, long long v)
{
	if (i >= s->nparams)
		fatalx("db_bind_int: parameter %u of %u: %s", i, s->nparams,
		    s->sql);
	s->pnull[i] = 0;
	s->ints[i] = v;
	s->params[i].buffer_type = MYSQL_TYPE_LONGLONG;
	s->params[i].buffer = &s->ints[i];
}

void
db_bind_null(struct dbstmt *s, unsigned i)
{
	if (i >= s->nparams)
		fatalx("db_bind_null: parameter %u of %u", i, s->nparams);
	s->pnull[i] = 1;
	s->params[i].buffer_type = MYSQL_TYPE_NULL;
}

/* Execute; results, if any, are stored client-side for db_fetch. */
int
db_exec(struct dbstmt *s)
{
	return (db_exec1(s, 1));
}

/* Execute, and fetch results one row at a time from the server: for
 * results too large to hold. Nothing else may run on the connection until
 * the last row was fetched. */
int
db_exec_stream(struct dbstmt *s)
{
	return (db_exec1(s, 0));
}

static int
db_exec1(struct dbstmt *s, int store)
{
	mysql_stmt_free_result(s->stmt);
	if (s->nparams > 0 && mysql_stmt_bind_param(s->stmt, s->params) != 0)
		goto fail;
	if (mysql_stmt_execute(s->stmt) != 0)
		goto fail;
	if (db_txn_lost(s->stmt->mysql))
		return (-1);
	if (s->ncols > 0) {
		if (mysql_stmt_bind_result(s->stmt, s->cols) != 0)
			goto fail;
		if (store && mysql_stmt_store_result(s->stmt) != 0)
			goto fail;
	}
	return (0);

fail:
	log_warnx("execute: %s: %s", mysql_stmt_error(s->stmt), s->sql);
	return (-1);
}

/* The server's error number of the last failure (1062: duplicate key). */
unsigned
db_errno(struct dbstmt *s)
{
	return (mysql_stmt_errno(s->stmt));
}

/*
 * Whether a server error means "these values are refused": the row is
 * at fault and fails, and nothing is retried. Every other error (a
 * deadlock, a lock wait timeout, a lost or refused connection, a Galera
 * conflict, a full disk or table, a read-only server) is the database's
 * trouble, not the row's, and the batch is tried again later.
 */
int
db_refused(unsigned e)
{
	switch (e) {
	case ER_BAD_NULL_ERROR:
	case ER_DUP_ENTRY:
	case ER_DUP_ENTRY_WITH_KEY_NAME:
	case ER_WARN_NULL_TO_NOTNULL:
	case ER_WARN_DATA_OUT_OF_RANGE:
	case WARN_DATA_TRUNCATED:
	case ER_TRUNCATED_WRONG_VALUE:
	case ER_INVALID_CHARACTER_STRING:
	case ER_TRUNCATED_WRONG_VALUE_FOR_FIELD:
	case ER_ILLEGAL_VALUE_FOR_TYPE:
	case ER_DATA_TOO_LONG:
	case ER_WRONG_VALUE_FOR_TYPE:
	case ER_NO_REFERENCED_ROW_2:
	case ER_DATA_OUT_OF_RANGE:
	case ER_CONSTRAINT_FAILED:
		return (1);
	}
	return (0);
}

/* Next row: 1, 0 at the end, -1 on error. Long values are fetched whole. */
int
db_fetch(struct dbstmt *s)
{
	unsigned	i;
	int		r;

	r = mysql_stmt_fetch(s->stmt);
	if (r == MYSQL_NO_DATA)
		return (0);
	if (r == 1) {
		log_warnx("fetch: %s", mysql_stmt_error(s->stmt));
		return (-1);
	}
	for (i = 0; i < s->ncols; i++) {
		if (s->cnull[i] || s->clen[i] < s->cols[i].buffer_length)
			continue;
		/* Truncated: grow and fetch this column again. */
		s->cbuf[i] = xreallocarray(s->cbuf[i], 1, s->clen[i] + 1);
		s->cols[i].buffer = s->cbuf[i];
		s->cols[i].buffer_length = s->clen[i] + 1;
		if (mysql_stmt_fetch_column(s->stmt, &s->cols[i], i, 0) != 0) {
			log_warnx("fetch column: %s", mysql_stmt_error(s->stmt));
			return (-1);
		}
	}
	/* The result binding may point at new buffers now. */
	if (mysql_stmt_bind_result(s->stmt, s->cols) != 0)
		return (-1);
	return (1);
}

/* Column i of the current row as a string (NULL for SQL NULL), borrowed
 * until the next fetch. */
const char *
db_col_str(struct dbstmt *s, unsigned i)
{
	if (i >= s->ncols)
		fatalx("db_col_str: column %u of %u", i, s->ncols);
	if (s->cnull[i])
		return (NULL);
	s->cbuf[i][s->clen[i] < s->cols[i].buffer_length ? s->clen[i] :
	    s->cols[i].buffer_length - 1] = '\0';
	return (s->cbuf[i]);
}

long long
db_col_int(struct dbstmt *s, unsigned i)
{
	const char	*v = db_col_str(s, i);

	return (v ? strtoll(v, NULL, 10) : 0);
}

int
db_col_null(struct dbstmt *s, unsigned i)
{
	return (db_col_str(s, i) == NULL);
}

unsigned long long
db_insert_id(struct dbstmt *s)
{
	return (mysql_stmt_insert_id(s->stmt));
}

unsigned long long
db_affected(struct dbstmt *s)
{
	return (mysql_stmt_affected_rows(s->stmt));
}

void
db_close(struct dbstmt *s)
{
	unsigned	i;

	if (s == NULL)
		return;
	if (s->kept) {
		mysql_stmt_free_result(s->stmt);
		return;
	}
	if (s->meta != NULL)
		mysql_free_result(s->meta);
	mysql_stmt_close(s->stmt);
	for (i = 0; i < s->ncols; i++)
		free(s->cbuf[i]);
	free(s->cols);
	free(s->cbuf);
	free(s->clen);
	free(s->cnull);
	free(s->cerr);
	free(s->params);
	free(s->ints);
	free(s->plens);
	free(s->pnull);
	free(s);
}

/* Run a statement without results once: prepare, bind strings, execute. */
int
db_run(MYSQL *db, const char *sql, unsigned n, const char **args)
{
	struct dbstmt	*s;
	unsigned	 i;
	int		 r;

	if ((s = db_prepare(db, sql)) == NULL)
		return (-1);
	for (i = 0; i < n; i++)
		db_bind_str(s, i, args[i]);
	r = db_exec(s);
	db_close(s);
	return (r);
}

/*
 * A review (watchd/review.c) writes as the import would, in one
 * transaction it never commits: on the connection nested, db_begin,
 * db_commit and db_rollback are a savepoint's, so that each batch's rows
 * see the batches before it, and db_unnest rolls the whole back. One such
 * connection per process: the watcher imports one drop at a time.
 */
static MYSQL		*db_nested;

static int
db_is_nested(MYSQL *db)
{
	int	r;

	pthread_mutex_lock(&db_txn_lock);
	r = db != NULL && db == db_nested;
	pthread_mutex_unlock(&db_txn_lock);
	return (r);
}

/* A transaction on a connection in autocommit mode: one round trip to
 * open it, one to end it (an import opens one per batch). The statement
 * is kept prepared: db_forget before the connection is closed. */
#define DB_BEGIN	"START TRANSACTION"

int
db_begin(MYSQL *db)
{
	struct dbstmt	*s;

	int		 r;

	if (db_is_nested(db))
		return (db_run(db, "SAVEPOINT intake_nested", 0, NULL));
	if ((s = db_prepare_kept(db, DB_BEGIN)) == NULL)
		return (-1);
	r = db_exec(s);
	db_close(s);		/* leaves it prepared if it was kept */
	if (r == 0)
		db_txn_set(db, 1);
	return (r);
}

/* Commit; -1 if that failed, or if the transaction was already lost (a
 * COMMIT without one succeeds, and would hide it). */
int
db_commit(MYSQL *db)
{
	if (db_txn_lost(db)) {
		db_txn_set(db, 0);
		return (-1);
	}
	if (db_is_nested(db))
		return (db_run(db, "RELEASE SAVEPOINT intake_nested", 0, NULL));
	db_txn_set(db, 0);
	if (mysql_commit(db) != 0) {
		log_warnx("commit: %s", mysql_error(db));
		return (-1);
	}
	return (0);
}

void
db_rollback(MYSQL *db)
{
	if (db_is_nested(db)) {
		/* gone if the server rolled everything back (a deadlock):
		 * the commit that follows fails */
		if (db_run(db, "ROLLBACK TO SAVEPOINT intake_nested", 0,
		    NULL) == -1)
			log_warnx("rollback to the batch's savepoint failed");
		return;
	}
	db_txn_set(db, 0);
	if (mysql_rollback(db) != 0)
		log_warnx("rollback: %s", mysql_error(db));
}

/* Open db's transaction for good (see db_nested). 0, or -1. */
int
db_nest(MYSQL *db)
{
	if (db_begin(db) == -1)
		return (-1);
	pthread_mutex_lock(&db_txn_lock);
	if (db_nested != NULL && db_nested != db)
		fatalx("two nested transactions at once");
	db_nested = db;
	pthread_mutex_unlock(&db_txn_lock);
	return (0);
}

/* Roll back everything since db_nest. */
void
db_unnest(MYSQL *db)
{
	if (!db_is_nested(db))
		return;
	pthread_mutex_lock(&db_txn_lock);
	db_nested = NULL;
	pthread_mutex_unlock(&db_txn_lock);
	db_rollback(db);
}
