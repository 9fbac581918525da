/*
 * Reading imports: GET /api/imports (the workspace's recent ones) and
 * GET /api/imports/ID (one status). The status JSON written by the watcher
 * is the answer; an import of another workspace is answered as not found.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake.h"
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
	xasprintf(&path, "%s/status/%s.json", conf.spool_dir, id);
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

void
api_imports_get(struct http *h, const char *id)
{
	json_object	*o;

	if ((o = api_imports_load(id, h->se.workspace)) == NULL) {
		http_error(h, 404, "not_found", "There is no such import");
		return;
	}
	http_json(h, 200, o);
}

/* GET /api/imports[?limit=N]: newest first. */
void
api_imports_list(struct http *h)
{
	struct dbstmt	*s;
	json_object	*a, *o, *st;
	char		*lim;
	long		 limit = 20;

	if ((lim = http_query(h->query, "limit")) != NULL) {
		limit = strtol(lim, NULL, 10);
		free(lim);
		if (limit < 1 || limit > 100)
			limit = 20;
	}
	s = db_prepare(h->db, "SELECT id FROM imports WHERE workspace_id = ? "
	    "ORDER BY created_at DESC, id DESC LIMIT ?");
	if (s == NULL) {
		http_error(h, 503, "unavailable", "Try again in a moment");
		return;
	}
	db_bind_int(s, 0, h->se.workspace_id);
	db_bind_int(s, 1, limit);
	if (db_exec(s) == -1) {
		db_close(s);
		http_error(h, 503, "unavailable", "Try again in a moment");
		return;
	}
	a = json_object_new_array();
	while (db_fetch(s) == 1)
		if ((st = api_imports_load(db_col_str(s, 0),
		    h->se.workspace)) != NULL)
			json_object_array_add(a, st);
	db_close(s);
	o = json_object_new_object();
	json_object_object_add(o, "imports", a);
	http_json(h, 200, o);
}
