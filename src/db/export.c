/*
 * The contacts export: the CSV that Update with CSV reads back. Shared by
 * GET /api/contacts/export.csv and `intake export`, which differ only in
 * where the bytes go (the write callback).
 *
 * RFC 4180 (every field quoted by libcsv), UTF-8 with a BOM so Excel reads
 * it right, CRLF. It streams: the rows come from an unbuffered statement
 * one at a time, so memory stays flat for a million contacts and the first
 * bytes leave before the last row is read. Only the custom-data keys (the
 * sorted union over the exported contacts) are gathered first, because
 * they are columns of the header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <json-c/json.h>

#include "db.h"

#define EXPORT_MAX_KEYS	1000


/*
 * What the export writes of each column (lib.h's COLUMNS_TABLE, whose
 * order is the export order: the create flow's names), by the table's
 * out, then the custom data. A string literal (tests/sqlcheck.pl).
 */
#define EXPORT_OUT_C(sql)	"c." sql
#define EXPORT_OUT_ACCOUNT(sql)	"a.name"
#define EXPORT_OUT_DOMAIN(sql)	"a.domain"
#define EXPORT_OUT_OWNER(sql)	"u.email"
#define EXPORT_OUT_TAGS(sql)						\
	"(SELECT GROUP_CONCAT(IF(t.name REGEXP '[,;\"]', "		\
	"CONCAT('\"', REPLACE(t.name, '\"', '\"\"'), '\"'), t.name) "	\
	"ORDER BY t.name SEPARATOR '; ') "				\
	"FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id "		\
	"WHERE ct.contact_id = c.id)"
#define EXPORT_OUT_YESNO(sql)	"IF(c." sql ", 'Yes', 'No')"
#define EXPORT_OUT_DATE(sql)	"DATE_FORMAT(c." sql ", '%Y-%m-%d %H:%i:%s')"
#define EXPORT_COL(name, header, sql, read, write, type, cmp, out)	\
	EXPORT_OUT_##out(sql) ", "
#define EXPORT_SELECT							\
	"SELECT " COLUMNS_TABLE(EXPORT_COL) "c.custom "			\
	"FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id "	\
	"LEFT JOIN users u ON u.id = c.owner_id "			\
	"WHERE " CONTACTS_FILTER " ORDER BY c.id"
#define EXPORT_NCOLS	COL__MAX

struct export {
	export_writefn	 write;
	void		*arg;
	struct buf	 line;
	char	       **keys;
	size_t		 nkeys;
	char		*like;
};

/* A LIKE pattern that matches q literally anywhere; NULL for no text. */
char *
export_like(const char *q)
{
	char	*out, *o;

	if (q == NULL || *q == '\0')
		return (NULL);
	out = o = xmalloc(2 * strlen(q) + 3);
	*o++ = '%';
	for (; *q != '\0'; q++) {
		if (*q == '%' || *q == '_' || *q == '\\')
			*o++ = '\\';
		*o++ = *q;
	}
	*o++ = '%';
	*o = '\0';
	return (out);
}

/* Bind CONTACTS_FILTER's parameters, from the first. */
void
export_bind_filter(struct dbstmt *s, long long ws, const char *tag,
    const char *like)
{
	unsigned	i;

	db_bind_int(s, 0, ws);
	db_bind_str(s, 1, tag);
	db_bind_str(s, 2, tag);
	for (i = 3; i < 9; i++)
		db_bind_str(s, i, like);
}

/*
 * Add one cell to a CSV line: a comma before all but the first, a quote
 * in front against spreadsheet formulas (unless keep_escaped and the cell
 * already starts with one), quoted by libcsv, written in place.
 */
void
export_cell(struct buf *line, const char *v, size_t len, int keep_escaped)
{
	char	*esc = NULL, *tmp;
	size_t	 need;

	if (line->len > 0)
		buf_addc(line, ',');
	if (formula_needs_escape(v) && !(keep_escaped && *v == '\'')) {
		xasprintf(&esc, "'%s", v);
		v = esc;
		len = strlen(esc);
	}
	need = csv_write(NULL, 0, v, len);
	if (line->size - line->len < need + 1) {
		/* Grow through buf_add. */
		tmp = xmalloc(need);
		csv_write(tmp, need, v, len);
		buf_add(line, tmp, need);
		free(tmp);
	} else {
		csv_write(line->data + line->len, need, v, len);
		line->len += need;
		line->data[line->len] = '\0';
	}
	free(esc);
}

static void
export_field(struct export *e, const char *v)
{
	if (v == NULL)
		v = "";
	export_cell(&e->line, v, strlen(v), 0);
}

static int
export_flush(struct export *e)
{
	int	r;

	buf_add(&e->line, "\r\n", 2);
	r = e->write(e->arg, e->line.data, e->line.len);
	buf_reset(&e->line);
	return (r);
}

/* The sorted union of custom-data keys over the exported contacts. */
static int
export_keys(MYSQL *db, struct export *e, long long ws, const char *tag)
{
	struct dbstmt	*s;

	s = db_prepare(db, "SELECT DISTINCT jt.k COLLATE utf8mb4_bin AS k "
	    "FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id "
	    "CROSS JOIN JSON_TABLE(JSON_KEYS(c.custom), '$[*]' "
	    "COLUMNS (k VARCHAR(255) PATH '$')) jt "
	    "WHERE c.custom IS NOT NULL AND " CONTACTS_FILTER " ORDER BY k");
	if (s == NULL)
		return (-1);
	export_bind_filter(s, ws, tag, e->like);
	if (db_exec(s) == -1) {
		db_close(s);
		return (-1);
	}
	while (db_fetch(s) == 1 && e->nkeys < EXPORT_MAX_KEYS) {
		e->keys = xreallocarray(e->keys, e->nkeys + 1, sizeof *e->keys);
		e->keys[e->nkeys++] = xstrdup(db_col_str(s, 0));
	}
	db_close(s);
	return (0);
}

/*
 * Write the export of a workspace's contacts, filtered by tag and text
 * (either may be NULL). -1 if the database or the writer failed.
 */
int
export_run(MYSQL *db, long long ws, const char *tag, const char *q,
    export_writefn write, void *arg)
{
	struct export	 e;
	struct dbstmt	*s = NULL;
	json_object	*custom, *v;
	size_t		 i;
	int		 r = -1, n;

	memset(&e, 0, sizeof e);
	e.write = write;
	e.arg = arg;
	buf_init(&e.line, 64 << 20);
	e.like = export_like(q);
	if (export_keys(db, &e, ws, tag) == -1)
		goto out;
	s = db_prepare(db, EXPORT_SELECT);
	if (s == NULL)
		goto out;
	export_bind_filter(s, ws, tag, e.like);
	if (db_exec_stream(s) == -1)
		goto out;

	/* The header, after a BOM. */
	if (write(arg, "\xef\xbb\xbf", 3) == -1)
		goto out;
	for (i = 0; i < EXPORT_NCOLS; i++)
		export_field(&e, columns_name(i, conf.id_header));
	for (i = 0; i < e.nkeys; i++)
		export_field(&e, e.keys[i]);
	if (export_flush(&e) == -1)
		goto out;

	while ((n = db_fetch(s)) == 1) {
		for (i = 0; i < EXPORT_NCOLS; i++)
			export_field(&e, db_col_str(s, i));
		custom = e.nkeys > 0 && db_col_str(s, EXPORT_NCOLS) != NULL ?
		    json_tokener_parse(db_col_str(s, EXPORT_NCOLS)) : NULL;
		for (i = 0; i < e.nkeys; i++) {
			if (custom != NULL &&
			    json_object_object_get_ex(custom, e.keys[i], &v) &&
			    v != NULL)
				export_field(&e, json_object_get_string(v));
			else
				export_field(&e, NULL);
		}
		json_object_put(custom);
		if (export_flush(&e) == -1)
			goto out;
	}
	if (n == 0)
		r = 0;

out:
	db_close(s);
	for (i = 0; i < e.nkeys; i++)
		free(e.keys[i]);
	free(e.keys);
	free(e.like);
	buf_free(&e.line);
	return (r);
}
