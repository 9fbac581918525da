/*
 * Workflows and the workspace's settings: GET /api/workflows (the list and
 * the current default, for the import window), GET /api/settings and
 * PUT /api/settings (the default workflow for contact uploads; editors
 * only, which the route table enforces).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

/* The default workflow as {"id", "name"}, or NULL for none; -1 on error. */
static int
api_settings_default(struct http *h, json_object **out)
{
	struct dbstmt	*s;
	json_object	*o;
	int		 r = 0;

	*out = NULL;
	s = db_prepare(h->db, "SELECT w.id, w.name FROM workspace_settings ws "
	    "JOIN workflows w ON w.id = ws.default_workflow_id "
	    "WHERE ws.workspace_id = ?");
	if (s == NULL)
		return (-1);
	db_bind_int(s, 0, h->se.workspace_id);
	if (db_exec(s) == -1)
		r = -1;
	else if (db_fetch(s) == 1) {
		o = json_object_new_object();
		json_object_object_add(o, "id",
		    json_object_new_int64(db_col_int(s, 0)));
		json_object_object_add(o, "name",
		    json_object_new_string(db_col_str(s, 1)));
		*out = o;
	}
	db_close(s);
	return (r);
}

/* {"workflows": [{"id", "name"}], "default": {...} or null}. */
static json_object *
api_settings_json(struct http *h)
{
	struct dbstmt	*s;
	json_object	*o, *a, *w, *def;

	if (api_settings_default(h, &def) == -1)
		return (NULL);
	s = db_prepare(h->db, "SELECT id, name FROM workflows "
	    "WHERE workspace_id = ? ORDER BY name");
	if (s == NULL) {
		json_object_put(def);
		return (NULL);
	}
	db_bind_int(s, 0, h->se.workspace_id);
	if (db_exec(s) == -1) {
		db_close(s);
		json_object_put(def);
		return (NULL);
	}
	a = json_object_new_array();
	while (db_fetch(s) == 1) {
		w = json_object_new_object();
		json_object_object_add(w, "id",
		    json_object_new_int64(db_col_int(s, 0)));
		json_object_object_add(w, "name",
		    json_object_new_string(db_col_str(s, 1)));
		json_object_array_add(a, w);
	}
	db_close(s);
	o = json_object_new_object();
	json_object_object_add(o, "workflows", a);
	json_object_object_add(o, "default", def);
	return (o);
}

/* GET /api/workflows */
void
api_workflows_list(struct http *h)
{
	json_object	*o;

	if ((o = api_settings_json(h)) == NULL)
		http_db_error(h);
	else
		http_json(h, 200, o);
}

/* GET /api/settings: the same, as the settings page reads it. */
void
api_settings_get(struct http *h)
{
	api_workflows_list(h);
}

/*
 * PUT /api/settings {"default_workflow": ID or name, or null / "none"}.
 * Answers the settings as they are now.
 */
void
api_settings_put(struct http *h)
{
	json_object	*body, *v, *o;
	const char	*name = "none";
	char		 num[32];
	long long	 id;
	int		 status = 400;

	if ((body = http_body_json(h, &status)) == NULL) {
		http_error(h, status, "bad_request",
		    "Send {\"default_workflow\": ...}");
		return;
	}
	if (!json_object_object_get_ex(body, "default_workflow", &v)) {
		json_object_put(body);
		http_error(h, 400, "bad_request",
		    "Send {\"default_workflow\": ...}");
		return;
	}
	if (json_object_is_type(v, json_type_int)) {
		snprintf(num, sizeof num, "%lld",
		    (long long)json_object_get_int64(v));
		name = num;
	} else if (json_object_is_type(v, json_type_string) &&
	    *json_object_get_string(v) != '\0')
		name = json_object_get_string(v);
	/* "default" would name the setting itself. */
	if (strcmp(name, "default") == 0)
		id = -2;
	else
		id = imports_workflow(h->db, h->se.workspace_id, name);
	json_object_put(body);	/* name is not used after this */
	if (id == -2) {
		http_error(h, 400, "unknown_workflow",
		    "That workflow does not exist in this workspace");
		return;
	}
	if (id == -1)
		goto fail;
	{
		struct dbstmt *s = db_prepare(h->db, "INSERT INTO "
		    "workspace_settings (workspace_id, default_workflow_id) "
		    "VALUES (?, ?) ON DUPLICATE KEY UPDATE "
		    "default_workflow_id = VALUES(default_workflow_id)");

		if (s == NULL)
			goto fail;
		db_bind_int(s, 0, h->se.workspace_id);
		if (id > 0)
			db_bind_int(s, 1, id);
		else
			db_bind_null(s, 1);
		if (db_exec(s) == -1) {
			db_close(s);
			goto fail;
		}
		db_close(s);
	}
	log_info("%s: default workflow set to %lld by %s", h->se.workspace,
	    id, h->se.email);
	if ((o = api_settings_json(h)) == NULL)
		goto fail;
	http_json(h, 200, o);
	return;

fail:
	http_db_error(h);
}
