/*
 * Reading imports: GET /api/imports (the workspace's recent ones),
 * GET /api/imports/ID (one status), GET /api/imports/ID/errors (every
 * row that was not imported, and the warnings, paged from import_rows)
 * and GET /api/imports/ID/errors.csv ("Download rejected rows": the
 * file's own rows that were skipped or failed, with their row number and
 * reason, ready to fix and import again). The status JSON written by the
 * watcher is the answer, plus who uploaded it (from the imports table);
 * an import of another workspace is answered as not found.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <csv.h>

#include "web.h"

#define API_STATUS_MAX	(1 << 20)

/* The status of an import as parsed JSON, if it belongs to workspace. */
static json_object *
api_imports_load(const char *id, const char *workspace)
{
	char		*path, *text;
	json_object	*o, *w;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd;

	if (!randid_drop_valid(id))
		return (NULL);
	path = status_path(conf.spool_dir, id);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	free(path);
	if (fd == -1)
		return (NULL);
	text = xmalloc(API_STATUS_MAX + 1);
	while ((n = read(fd, text + len, API_STATUS_MAX - len)) > 0)
		len += n;
	close(fd);
	text[len] = '\0';
	o = json_tokener_parse(text);
	free(text);
	if (o == NULL)
		return (NULL);
	if (!json_object_object_get_ex(o, "workspace", &w) ||
	    !json_object_is_type(w, json_type_string) ||
	    strcmp(json_object_get_string(w), workspace) != 0) {
		json_object_put(o);
		return (NULL);
	}
	return (o);
}

/* Who started an import (its uploader's email), into the status. */
static void
api_imports_uploader(json_object *st, const char *email)
{
	json_object_object_add(st, "uploader",
	    email ? json_object_new_string(email) : NULL);
}

/* Whether import id is of the session's workspace; -1 on error. */
static int
api_imports_mine(struct http *h, const char *id, char **uploader)
{
	struct dbstmt	*s;
	int		 r;

	if (uploader != NULL)
		*uploader = NULL;
	if (!randid_drop_valid(id))
		return (0);
	s = db_prepare_kept(h->db, "SELECT u.email FROM imports i "
	    "LEFT JOIN users u ON u.id = i.uploader_id "
	    "WHERE i.id = ? AND i.workspace_id = ?");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, id);
	db_bind_int(s, 1, h->se.workspace_id);
	if ((r = db_exec(s)) == 0)
		r = db_fetch(s);
	if (r == 1 && uploader != NULL && db_col_str(s, 0) != NULL)
		*uploader = xstrdup(db_col_str(s, 0));
	db_close(s);
	return (r);
}

void
api_imports_get(struct http *h, const char *id)
{
	json_object	*o;
	char		*uploader = NULL;

	if ((o = api_imports_load(id, h->se.workspace)) == NULL) {
		http_error(h, 404, "not_found", "There is no such import");
		return;
	}
	/* The watcher writes who uploaded it into the status; before that,
	 * the import's row knows (an SFTP drop not registered yet has no
	 * row: no uploader known). */
	if (!json_object_object_get_ex(o, "uploader", NULL) &&
	    api_imports_mine(h, id, &uploader) == 1)
		api_imports_uploader(o, uploader);
	free(uploader);
	http_json(h, 200, o);
}

/* GET /api/imports[?limit=N]: newest first. */
void
api_imports_list(struct http *h)
{
	struct dbstmt	*s;
	json_object	*a, *o, *st;
	long		 limit;

	limit = http_query_long(h, "limit", 20, 1, 100);
	s = db_prepare(h->db, "SELECT i.id, u.email FROM imports i "
	    "LEFT JOIN users u ON u.id = i.uploader_id "
	    "WHERE i.workspace_id = ? "
	    "ORDER BY i.created_at DESC, i.id DESC LIMIT ?");
	if (s == NULL) {
		http_db_error(h);
		return;
	}
	db_bind_int(s, 0, h->se.workspace_id);
	db_bind_int(s, 1, limit);
	if (db_exec(s) == -1) {
		db_close(s);
		http_db_error(h);
		return;
	}
	a = json_object_new_array();
	while (db_fetch(s) == 1)
		if ((st = api_imports_load(db_col_str(s, 0),
		    h->se.workspace)) != NULL) {
			api_imports_uploader(st, db_col_str(s, 1));
			json_object_array_add(a, st);
		}
	db_close(s);
	o = json_object_new_object();
	json_object_object_add(o, "imports", a);
	http_json(h, 200, o);
}

/*
 * GET /api/imports/ID/errors[?page=N][&limit=N][&severity=skipped|failed|
 * warning]: the rows that were not imported and the warnings, by row,
 * {"errors": [{"row", "code", "message", "severity", "column",
 * "contact"}], "total", "page", "limit"}.
 */
void
api_imports_errors(struct http *h, const char *id)
{
	struct dbstmt	*s = NULL;
	json_object	*o, *a, *e;
	char		*sev;
	long		 page, limit;
	long long	 total;

	switch (api_imports_mine(h, id, NULL)) {
	case -1:
		http_db_error(h);
		return;
	case 0:
		http_error(h, 404, "not_found", "There is no such import");
		return;
	}
	page = http_query_long(h, "page", 1, 1, 1000000);
	limit = http_query_long(h, "limit", 50, 1, 500);
	sev = http_query(h->query, "severity");
	if (sev != NULL && strcmp(sev, "skipped") != 0 &&
	    strcmp(sev, "failed") != 0 && strcmp(sev, "warning") != 0) {
		free(sev);
		sev = NULL;
	}

	/* Updated rows are in import_rows too (with the key that matched):
	 * they are not errors. */
	s = db_prepare(h->db, "SELECT COUNT(*) FROM import_rows "
	    "WHERE import_id = ? AND severity NOT IN ('updated', 'unchanged') "
	    "AND (? IS NULL OR severity = ?)");
	if (s == NULL)
		goto fail;
	db_bind_str(s, 0, id);
	db_bind_str(s, 1, sev);
	db_bind_str(s, 2, sev);
	if (db_exec(s) == -1 || db_fetch(s) != 1)
		goto fail;
	total = db_col_int(s, 0);
	db_close(s);
	s = db_prepare(h->db, "SELECT row_no, code, message, severity, "
	    "column_name, contact FROM import_rows "
	    "WHERE import_id = ? AND severity NOT IN ('updated', 'unchanged') "
	    "AND (? IS NULL OR severity = ?) "
	    "ORDER BY row_no, id LIMIT ? OFFSET ?");
	if (s == NULL)
		goto fail;
	db_bind_str(s, 0, id);
	db_bind_str(s, 1, sev);
	db_bind_str(s, 2, sev);
	db_bind_int(s, 3, limit);
	db_bind_int(s, 4, (long long)(page - 1) * limit);
	if (db_exec(s) == -1)
		goto fail;
	a = json_object_new_array();
	while (db_fetch(s) == 1) {
		e = json_object_new_object();
		json_object_object_add(e, "row",
		    json_object_new_int64(db_col_int(s, 0)));
		json_object_object_add(e, "code",
		    json_object_new_string(db_col_str(s, 1)));
		json_object_object_add(e, "message",
		    json_object_new_string(db_col_str(s, 2)));
		json_object_object_add(e, "severity",
		    json_object_new_string(db_col_str(s, 3)));
		if (db_col_str(s, 4) != NULL)
			json_object_object_add(e, "column",
			    json_object_new_string(db_col_str(s, 4)));
		if (db_col_str(s, 5) != NULL)
			json_object_object_add(e, "contact",
			    json_object_new_string(db_col_str(s, 5)));
		json_object_array_add(a, e);
	}
	o = json_object_new_object();
	json_object_object_add(o, "errors", a);
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "page", json_object_new_int64(page));
	json_object_object_add(o, "limit", json_object_new_int64(limit));
	http_json(h, 200, o);
	goto out;

fail:
	http_db_error(h);
out:
	db_close(s);
	free(sev);
}

static int
api_imports_flush(struct http *h, struct buf *line)
{
	int	r;

	buf_add(line, "\r\n", 2);
	r = FCGX_PutStr(line->data, line->len, h->r->out) == (int)line->len ?
	    0 : -1;
	buf_reset(line);
	return (r);
}

static ssize_t
api_imports_read(void *arg, void *buf, size_t len)
{
	return (read(*(int *)arg, buf, len));
}

/*
 * GET /api/imports/ID/errors.csv: "Download rejected rows". The header
 * and every skipped or failed row of the uploaded file as it was, after
 * two columns `Row` (the spreadsheet row) and `Reason`. Row and Reason
 * come first so that a row with the wrong number of fields stays
 * readable. Streamed: the rejected row numbers come from the database in
 * order, and the file is read along with them.
 */
void
api_imports_errors_csv(struct http *h, const char *id)
{
	struct csvin_limits	 lim;
	struct prepared		 prep;
	struct csvin		*in = NULL;
	struct csvrec		*rec;
	struct dbstmt		*s = NULL;
	struct buf		 line;
	char			*hdr = NULL, num[32];
	unsigned long		 want;
	size_t			 i, len;
	const char		*f;
	int			 fd = -1, n;

	buf_init(&line, 64 << 20);
	switch (api_imports_mine(h, id, NULL)) {
	case -1:
		http_db_error(h);
		goto out;
	case 0:
		http_error(h, 404, "not_found", "There is no such import");
		goto out;
	}
	if ((fd = prepare_drop(conf.spool_dir, id, &prep)) == -1) {
		http_error(h, 404, "gone", "The uploaded file of this import is "
		    "no longer kept");
		goto out;
	}
	memset(&lim, 0, sizeof lim);
	lim.max_field = conf.max_field;
	lim.max_fields = conf.max_fields;
	lim.delim = prep.delim;
	in = csvin_create(api_imports_read, &fd, &lim, prep.start,
	    prep.preamble);
	prepare_clear(&prep);
	if (csvin_next(in, &rec) != 1) {
		http_error(h, 404, "gone", "The uploaded file of this import "
		    "cannot be read");
		goto out;
	}
	s = db_prepare(h->db, "SELECT row_no, GROUP_CONCAT(message "
	    "ORDER BY id SEPARATOR '; ') FROM import_rows "
	    "WHERE import_id = ? AND severity IN ('skipped', 'failed') "
	    "GROUP BY row_no ORDER BY row_no");
	if (s == NULL) {
		http_db_error(h);
		goto out;
	}
	db_bind_str(s, 0, id);
	if (db_exec_stream(s) == -1) {
		http_db_error(h);
		goto out;
	}

	/* The ID is [0-9A-Za-z-]: safe inside the quoted file name. */
	xasprintf(&hdr, "Content-Disposition: attachment; "
	    "filename=\"rejected-rows-%s.csv\"\r\n", id);
	http_reply(h, 200, "text/csv; charset=utf-8", "\xef\xbb\xbf", 3, hdr);
	/* Cells as the upload had them, escaped like the export; a cell
	 * escaped already stays as it is, so a re-import reads every cell
	 * as the first import did. */
	export_cell(&line, "Row", 3, 1);
	export_cell(&line, "Reason", 6, 1);
	for (i = 0; i < rec->nfields; i++) {
		f = rec->fields[i];
		len = rec->lens[i];
		if (i == 0 && len >= 3 && memcmp(f, "\xef\xbb\xbf", 3) == 0) {
			f += 3;
			len -= 3;
		}
		export_cell(&line, f, len, 1);
	}
	if (api_imports_flush(h, &line) == -1)
		goto out;

	n = 1;
	while (db_fetch(s) == 1) {
		want = strtoul(db_col_str(s, 0), NULL, 10);
		while (n == 1 && rec->row < want)
			n = csvin_next(in, &rec);
		if (n != 1 || rec->row != want)
			continue;	/* past the end: keep draining */
		snprintf(num, sizeof num, "%lu", want);
		export_cell(&line, num, strlen(num), 1);
		f = db_col_str(s, 1) ? db_col_str(s, 1) : "";
		export_cell(&line, f, strlen(f), 1);
		for (i = 0; i < rec->nfields; i++)
			export_cell(&line, rec->fields[i], rec->lens[i], 1);
		if (api_imports_flush(h, &line) == -1)
			n = -1;		/* the client went away */
	}

out:
	free(hdr);
	db_close(s);
	csvin_free(in);
	if (fd != -1)
		close(fd);
	buf_free(&line);
}
