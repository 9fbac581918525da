/*
 * POST /api/imports/preview: the import window sends the head of the file
 * it was given (multipart: flow, mapping, encoding, complete, then file)
 * and shows
 * what comes back: preview.c's answer, from the server's own reader, so
 * the window's columns, mapping and required-column check are the
 * import's. The head is written to a drop in tmp/ (its own, removed after;
 * the housekeeping removes it if we die) and judged as an upload is.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "web.h"

#define PREVIEW_CHUNK	65536

struct api_preview {
	struct drop	*drop;
	struct sniff	 sn;
	int		 in_file, have_file;
	long long	 got;		/* bytes of the file part kept */
	char		*field;
	struct buf	 value;
	char		*flow, *mapping, *complete, *encoding;
	const char	*why;		/* refused: why, for a 415 */
};

static int
api_preview_begin(void *arg, const char *name, const char *filename,
    const char *type)
{
	struct api_preview	*pv = arg;

	(void)type;
	if (strcmp(name, "file") == 0) {
		if (pv->have_file || sniff_name(filename, &pv->why) == -1)
			return (-1);
		pv->have_file = pv->in_file = 1;
		return (0);
	}
	free(pv->field);
	pv->field = xstrdup(name);
	buf_reset(&pv->value);
	return (0);
}

static int
api_preview_data(void *arg, const char *p, size_t len)
{
	struct api_preview	*pv = arg;

	if (!pv->in_file)
		return (buf_add(&pv->value, p, len));
	if (pv->got + (long long)len > PREVIEW_HEAD)
		len = PREVIEW_HEAD - pv->got;	/* the head is enough */
	if (len == 0)
		return (0);
	if (sniff_feed(&pv->sn, p, len, &pv->why) == -1)
		return (-1);
	pv->got += len;
	return (spool_write(pv->drop, p, len));
}

static int
api_preview_end(void *arg)
{
	struct api_preview	*pv = arg;
	char			**to = NULL;

	if (pv->in_file) {
		pv->in_file = 0;
		return (sniff_end(&pv->sn, &pv->why));
	}
	if (strcmp(pv->field, "flow") == 0)
		to = &pv->flow;
	else if (strcmp(pv->field, "mapping") == 0)
		to = &pv->mapping;
	else if (strcmp(pv->field, "complete") == 0)
		to = &pv->complete;
	else if (strcmp(pv->field, "encoding") == 0)
		to = &pv->encoding;
	if (to != NULL) {
		free(*to);
		*to = xstrdup(buf_str(&pv->value));
	}
	return (0);
}

void
api_preview(struct http *h)
{
	static const struct multipart_cb cb = {
		api_preview_begin, api_preview_data, api_preview_end
	};
	struct api_preview	 pv;
	struct manifest		 em;	/* the encoding option, checked */
	struct multipart	*mp = NULL;
	json_object		*o;
	enum flow		 flow = FLOW_CREATE;
	char			*boundary = NULL, *cause = NULL, *dir = NULL;
	char			*path = NULL, chunk[PREVIEW_CHUNK];
	int			 n;

	memset(&pv, 0, sizeof pv);
	memset(&em, 0, sizeof em);
	sniff_init(&pv.sn);
	buf_init(&pv.value, OPTIONS_MAPPING_MAX);
	if ((boundary = multipart_boundary(http_param(h,
	    "CONTENT_TYPE"))) == NULL) {
		http_error(h, 400, "bad_request",
		    "Send the file's head as multipart/form-data");
		goto out;
	}
	if ((pv.drop = spool_begin(conf.spool_dir, &cause)) == NULL) {
		log_warnx("preview: %s", cause);
		http_error(h, 503, "unavailable", "Try again in a moment");
		goto out;
	}
	mp = multipart_create(boundary, &cb, &pv);
	while ((n = http_read(h, chunk, sizeof chunk)) > 0)
		if (multipart_feed(mp, chunk, n) == -1)
			break;
	if (pv.why != NULL) {
		http_drain(h);
		http_error(h, 415, "not_csv", pv.why);
		goto out;
	}
	if (n != 0 || multipart_finish(mp) == -1 || !pv.have_file) {
		http_drain(h);
		http_error(h, 400, "bad_request", pv.have_file ?
		    "The file's head did not arrive whole" :
		    "Choose a CSV file to import");
		goto out;
	}
	if (pv.flow != NULL && manifest_flow_parse(pv.flow, &flow) == -1) {
		http_error(h, 400, "bad_option", "flow must be create or "
		    "update");
		goto out;
	}
	if (pv.mapping != NULL && pv.mapping[strspn(pv.mapping,
	    " \t\r\n")] == '\0') {
		free(pv.mapping);
		pv.mapping = NULL;
	}
	/* The encoding the user picked, checked as an upload's is. */
	if (pv.encoding != NULL && options_set(&em, "encoding", pv.encoding,
	    &cause) == -1) {
		http_error(h, 400, "bad_option", cause);
		goto out;
	}
	dir = spool_path(conf.spool_dir, "tmp", spool_drop_id(pv.drop), NULL);
	path = spool_path(conf.spool_dir, "tmp", spool_drop_id(pv.drop),
	    "data.csv");
	if ((pv.complete == NULL || strcmp(pv.complete, "1") != 0) &&
	    preview_cut(path, pv.sn.utf16) == -1) {
		http_error(h, 503, "unavailable", "Try again in a moment");
		goto out;
	}
	if ((o = preview_file(h->db, h->se.workspace_id, dir, flow,
	    pv.mapping, em.encoding, &cause)) == NULL) {
		http_error(h, 400, "unreadable", cause != NULL ? cause :
		    "The file cannot be read");
		goto out;
	}
	http_json(h, 200, o);

out:
	spool_abort(pv.drop);
	multipart_free(mp);
	free(boundary);
	free(cause);
	free(dir);
	free(path);
	free(pv.field);
	free(pv.flow);
	free(pv.mapping);
	free(pv.complete);
	free(pv.encoding);
	manifest_clear(&em);
	buf_free(&pv.value);
}

/* GET /api/mappings: the workspace's remembered mappings, newest use
 * first. */
void
api_mappings_list(struct http *h)
{
	struct dbstmt	*s;
	json_object	*o, *a, *m;

	s = db_prepare(h->db, "SELECT id, headers, mapping, DATE_FORMAT("
	    "used_at, '%Y-%m-%dT%H:%i:%s.%fZ'), used_by FROM mappings "
	    "WHERE workspace_id = ? ORDER BY used_at DESC, id DESC");
	if (s == NULL) {
		http_db_error(h);
		return;
	}
	db_bind_int(s, 0, h->se.workspace_id);
	if (db_exec(s) == -1) {
		db_close(s);
		http_db_error(h);
		return;
	}
	a = json_object_new_array();
	while (db_fetch(s) == 1) {
		m = json_object_new_object();
		json_object_object_add(m, "id",
		    json_object_new_string(db_col_str(s, 0)));
		json_object_object_add(m, "headers",
		    json_tokener_parse(db_col_str(s, 1)));
		json_object_object_add(m, "mapping",
		    json_tokener_parse(db_col_str(s, 2)));
		json_object_object_add(m, "used_at",
		    json_object_new_string(db_col_str(s, 3)));
		json_object_object_add(m, "used_by", db_col_str(s, 4) ?
		    json_object_new_string(db_col_str(s, 4)) : NULL);
		json_object_array_add(a, m);
	}
	db_close(s);
	o = json_object_new_object();
	json_object_object_add(o, "mappings", a);
	http_json(h, 200, o);
}

/* DELETE /api/mappings/ID: forget one (of this workspace's). */
void
api_mappings_delete(struct http *h, const char *id)
{
	struct dbstmt	*s;

	if (id[strspn(id, "0123456789")] != '\0' || *id == '\0') {
		http_error(h, 404, "not_found", "There is no such mapping");
		return;
	}
	s = db_prepare(h->db, "DELETE FROM mappings WHERE id = ? "
	    "AND workspace_id = ?");
	if (s == NULL) {
		http_db_error(h);
		return;
	}
	db_bind_str(s, 0, id);
	db_bind_int(s, 1, h->se.workspace_id);
	if (db_exec(s) == -1) {
		db_close(s);
		http_db_error(h);
		return;
	}
	if (db_affected(s) == 0)
		http_error(h, 404, "not_found", "There is no such mapping");
	else
		http_reply(h, 204, "application/json", NULL, 0, NULL);
	db_close(s);
}
