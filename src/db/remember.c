/*
 * A workspace's remembered mappings: how a set of headers was mapped the
 * last time a user chose, so that the next file with the same headers is
 * offered the same (mapping.c lays it over the suggestion). Kept in the
 * mappings table, one row per workspace and set of headers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "db.h"

/* The mapping remembered for a file's headers: owned text, or NULL if
 * there is none (or on error, logged: a suggestion still stands). */
char *
remember_find(MYSQL *db, long long ws_id, const struct sample *sm)
{
	struct dbstmt	*s;
	char		 sha[65], *m = NULL;

	mapping_digest(sm, sha);
	if ((s = db_prepare(db, "SELECT mapping FROM mappings "
	    "WHERE workspace_id = ? AND headers_sha = ?")) == NULL)
		return (NULL);
	db_bind_int(s, 0, ws_id);
	db_bind_str(s, 1, sha);
	if (db_exec(s) == 0 && db_fetch(s) == 1 && db_col_str(s, 0) != NULL)
		m = xstrdup(db_col_str(s, 0));
	db_close(s);
	return (m);
}

/* Remember how cm maps sm's headers, as chosen by who. -1 on error. */
int
remember_save(MYSQL *db, long long ws_id, const struct sample *sm,
    const struct colmap *cm, const char *who)
{
	struct dbstmt	*s;
	json_object	*a;
	char		 sha[65], *map;
	size_t		 i;
	int		 r = -1;

	mapping_digest(sm, sha);
	a = json_object_new_array();
	for (i = 0; i < sm->ncols; i++)
		json_object_array_add(a, json_object_new_string(sm->header[i]));
	map = mapping_encode(cm, conf.id_header);
	s = db_prepare(db, "INSERT INTO mappings (workspace_id, headers_sha, "
	    "headers, mapping, used_by, used_at) VALUES (?, ?, ?, ?, ?, "
	    "NOW(3)) ON DUPLICATE KEY UPDATE mapping = VALUES(mapping), "
	    "headers = VALUES(headers), used_by = VALUES(used_by), "
	    "used_at = VALUES(used_at)");
	if (s != NULL) {
		db_bind_int(s, 0, ws_id);
		db_bind_str(s, 1, sha);
		db_bind_str(s, 2, json_object_to_json_string_ext(a,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		db_bind_str(s, 3, map);
		db_bind_str(s, 4, who);
		r = db_exec(s);
		db_close(s);
	}
	json_object_put(a);
	free(map);
	return (r);
}
