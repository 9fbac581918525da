/*
 * Array-bound statements: many rows of parameters sent in one round trip
 * (Connector/C's STMT_ATTR_ARRAY_SIZE, column-wise binding, indicator
 * arrays for NULL). The importer queues rows here and flushes them per
 * batch instead of executing a statement per row.
 *
 * Strings are copied into one arena per statement, so a caller's row can
 * go away once queued; the pointers the library wants are made from the
 * arena's offsets at flush time, after the arena stopped growing.
 */
#include <stdlib.h>
#include <string.h>

#include <mysql.h>

#include "watchd.h"

/* Send what is queued once its strings reach this much: one statement
 * must stay well under the server's max_allowed_packet (16 MB). */
#define BULK_MAX_BYTES	(4 * 1024 * 1024)

struct bulk {
	MYSQL_STMT	 *stmt;
	const char	 *sql;
	char		 *types;	/* one of 's', 'i' per parameter */
	unsigned	  ncols;
	size_t		  n;		/* rows queued */
	size_t		  cap;
	MYSQL_BIND	 *bind;
	char		**ind;		/* [col][row] STMT_INDICATOR_* */
	unsigned long	**len;		/* [col][row] string lengths */
	long long	**ints;		/* [col][row] integers */
	size_t		**off;		/* [col][row] string offsets */
	char		***ptrs;	/* [col][row] made at flush */
	char		 *arena;
	size_t		  used;
	size_t		  size;
	unsigned long long affected;
};

/* Prepare sql with parameters typed by types ("sis": string, integer,
 * string), queuing up to cap rows. NULL (logged) on error. */
struct bulk *
bulk_prepare(MYSQL *db, const char *sql, const char *types, size_t cap)
{
	struct bulk	*b;
	unsigned	 c;

	b = xcalloc(1, sizeof *b);
	b->sql = sql;
	b->types = xstrdup(types);
	b->ncols = strlen(types);
	b->cap = cap;
	if ((b->stmt = mysql_stmt_init(db)) == NULL)
		fatalx("mysql_stmt_init");
	if (mysql_stmt_prepare(b->stmt, sql, strlen(sql)) != 0) {
		log_warnx("prepare: %s: %s", mysql_stmt_error(b->stmt), sql);
		goto fail;
	}
	if (mysql_stmt_param_count(b->stmt) != b->ncols) {
		log_warnx("bulk_prepare: %lu parameters, %u types: %s",
		    mysql_stmt_param_count(b->stmt), b->ncols, sql);
		goto fail;
	}
	b->bind = xcalloc(b->ncols, sizeof *b->bind);
	b->ind = xcalloc(b->ncols, sizeof *b->ind);
	b->len = xcalloc(b->ncols, sizeof *b->len);
	b->ints = xcalloc(b->ncols, sizeof *b->ints);
	b->off = xcalloc(b->ncols, sizeof *b->off);
	b->ptrs = xcalloc(b->ncols, sizeof *b->ptrs);
	for (c = 0; c < b->ncols; c++) {
		b->ind[c] = xcalloc(cap, 1);
		b->bind[c].u.indicator = b->ind[c];
		if (types[c] == 'i') {
			b->ints[c] = xcalloc(cap, sizeof **b->ints);
			b->bind[c].buffer_type = MYSQL_TYPE_LONGLONG;
			b->bind[c].buffer = b->ints[c];
		} else {
			b->len[c] = xcalloc(cap, sizeof **b->len);
			b->off[c] = xcalloc(cap, sizeof **b->off);
			b->ptrs[c] = xcalloc(cap, sizeof **b->ptrs);
			b->bind[c].buffer_type = MYSQL_TYPE_STRING;
			b->bind[c].buffer = b->ptrs[c];
			b->bind[c].length = b->len[c];
		}
	}
	return (b);

fail:
	bulk_close(b);
	return (NULL);
}

/* Column c of the row being queued: a string, NULL for SQL NULL. */
void
bulk_str(struct bulk *b, unsigned c, const char *v)
{
	size_t	l;

	if (c >= b->ncols || b->types[c] != 's')
		fatalx("bulk_str: column %u: %s", c, b->sql);
	if (v == NULL) {
		b->ind[c][b->n] = STMT_INDICATOR_NULL;
		return;
	}
	l = strlen(v);
	if (b->used + l + 1 > b->size) {
		b->size = b->size ? b->size : 65536;
		while (b->used + l + 1 > b->size)
			b->size *= 2;
		b->arena = xreallocarray(b->arena, 1, b->size);
	}
	memcpy(b->arena + b->used, v, l + 1);
	b->off[c][b->n] = b->used;
	b->len[c][b->n] = l;
	b->used += l + 1;
	b->ind[c][b->n] = STMT_INDICATOR_NONE;
}

void
bulk_int(struct bulk *b, unsigned c, long long v)
{
	if (c >= b->ncols || b->types[c] != 'i')
		fatalx("bulk_int: column %u: %s", c, b->sql);
	b->ints[c][b->n] = v;
	b->ind[c][b->n] = STMT_INDICATOR_NONE;
}

/* Column c (an integer one) of the row being queued is NULL. */
void
bulk_int_null(struct bulk *b, unsigned c)
{
	if (c >= b->ncols || b->types[c] != 'i')
		fatalx("bulk_int_null: column %u: %s", c, b->sql);
	b->ind[c][b->n] = STMT_INDICATOR_NULL;
}

/* The row is complete; when the queue is full, send it. 0, or -1 if the
 * flush failed. */
int
bulk_next(struct bulk *b)
{
	if (++b->n < b->cap && b->used < BULK_MAX_BYTES)
		return (0);
	return (bulk_flush(b));
}

size_t
bulk_pending(const struct bulk *b)
{
	return (b->n);
}

/* Send what is queued as one statement. 0, or -1 (logged). */
int
bulk_flush(struct bulk *b)
{
	unsigned int	n = b->n;
	unsigned	c;
	size_t		i;
	int		r = 0;

	if (b->n == 0)
		return (0);
	for (c = 0; c < b->ncols; c++) {
		if (b->types[c] != 's')
			continue;
		for (i = 0; i < b->n; i++)
			b->ptrs[c][i] = b->ind[c][i] == STMT_INDICATOR_NULL ?
			    NULL : b->arena + b->off[c][i];
	}
	if (mysql_stmt_attr_set(b->stmt, STMT_ATTR_ARRAY_SIZE, &n) != 0 ||
	    mysql_stmt_bind_param(b->stmt, b->bind) != 0 ||
	    mysql_stmt_execute(b->stmt) != 0) {
		log_warnx("bulk execute (%u rows): %s: %s", n,
		    mysql_stmt_error(b->stmt), b->sql);
		r = -1;
	} else if (db_txn_lost(b->stmt->mysql))
		r = -1;		/* "succeeded", rolled back: db.c */
	else
		b->affected += mysql_stmt_affected_rows(b->stmt);
	bulk_reset(b);
	return (r);
}

/* Forget what is queued (after a rollback). */
void
bulk_reset(struct bulk *b)
{
	b->n = 0;
	b->used = 0;
}

/* The server's error number of the last failure; 0 if it succeeded. */
unsigned
bulk_errno(struct bulk *b)
{
	return (mysql_stmt_errno(b->stmt));
}

/* Rows the flushes changed since the last call. */
unsigned long long
bulk_affected(struct bulk *b)
{
	unsigned long long	a = b->affected;

	b->affected = 0;
	return (a);
}

void
bulk_close(struct bulk *b)
{
	unsigned	c;

	if (b == NULL)
		return;
	if (b->stmt != NULL)
		mysql_stmt_close(b->stmt);
	for (c = 0; b->bind != NULL && c < b->ncols; c++) {
		free(b->ind[c]);
		free(b->len[c]);
		free(b->ints[c]);
		free(b->off[c]);
		free(b->ptrs[c]);
	}
	free(b->bind);
	free(b->ind);
	free(b->len);
	free(b->ints);
	free(b->off);
	free(b->ptrs);
	free(b->arena);
	free(b->types);
	free(b);
}
