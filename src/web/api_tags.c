/*
 * The workspace's tags: GET /api/tags lists them (with how many contacts
 * carry each) for the filter and the import window's picker; POST
 * /api/tags creates one. An import creates the tags it names by itself,
 * so the page only needs POST for a tag made ahead of an import.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

#define API_TAG_MAX	128	/* tags.name */

/* GET /api/tags: {"tags": [{"id", "name", "contacts"}]}, by name. */
void
api_tags_list(struct http *h)
{
	struct dbstmt	*s;
	json_object	*o, *a, *t;

	s = db_prepare(h->db, "SELECT t.id, t.name, COUNT(ct.contact_id) "
	    "FROM tags t LEFT JOIN contact_tags ct ON ct.tag_id = t.id "
	    "WHERE t.workspace_id = ? GROUP BY t.id, t.name ORDER BY t.name");
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
		t = json_object_new_object();
		json_object_object_add(t, "id",
		    json_object_new_int64(db_col_int(s, 0)));
		json_object_object_add(t, "name",
		    json_object_new_string(db_col_str(s, 1)));
		json_object_object_add(t, "contacts",
		    json_object_new_int64(db_col_int(s, 2)));
		json_object_array_add(a, t);
	}
	db_close(s);
	o = json_object_new_object();
	json_object_object_add(o, "tags", a);
	http_json(h, 200, o);
}

/* POST /api/tags {"name"}: 201 with the tag, or 200 with the existing
 * one of that name (any case). */
void
api_tags_create(struct http *h)
{
	struct dbstmt	*s = NULL;
	json_object	*body, *v, *o;
	char		*name = NULL;
	int		 status = 400, created;

	if ((body = http_body_json(h, &status)) == NULL) {
		http_error(h, status, "bad_request", "Send {\"name\": ...}");
		return;
	}
	if (json_object_object_get_ex(body, "name", &v) &&
	    json_object_is_type(v, json_type_string))
		name = norm_name(json_object_get_string(v));
	json_object_put(body);
	if (name == NULL || *name == '\0' || strlen(name) > API_TAG_MAX) {
		http_error(h, 400, "bad_name", "A tag needs a name of at most "
		    "128 characters");
		goto out;
	}
	s = db_prepare(h->db, "INSERT INTO tags (workspace_id, name) "
	    "VALUES (?, ?) ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)");
	if (s == NULL)
		goto fail;
	db_bind_int(s, 0, h->se.workspace_id);
	db_bind_str(s, 1, name);
	if (db_exec(s) == -1)
		goto fail;
	created = db_affected(s) == 1;
	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(db_insert_id(s)));
	json_object_object_add(o, "name", json_object_new_string(name));
	http_json(h, created ? 201 : 200, o);
	goto out;

fail:
	http_db_error(h);
out:
	db_close(s);
	free(name);
}
