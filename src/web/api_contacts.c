/*
 * The workspace's contacts: GET /api/contacts (a page of the table the
 * Contacts page shows), GET /api/contacts/ID (one contact whole: its
 * fields, custom data, tags, enrolments and the imports that made and
 * changed it) and GET /api/contacts/export.csv, which streams the export
 * (the same CSV as `intake export`). The list and the export take the
 * same filters, tag= and q=, with the same meaning; the list also takes
 * dnt= and import=.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "web.h"

#define API_CONTACTS_LIMIT	25
#define API_CONTACTS_MAXLIMIT	200
#define API_CONTACTS_IMPORTS	"50"	/* recent imports a contact view reads */

/*
 * The list's own filters, after CONTACTS_FILTER's nine parameters: Do
 * Not Touch or not (dnt=1, dnt=0), and the contacts an import created or
 * updated (import=ID: its updated rows name their contact in import_rows;
 * the subquery is read once, by the import's key).
 */
#define API_CONTACTS_MORE \
	" AND (? IS NULL OR c.dnt = ?) " \
	"AND (? IS NULL OR c.created_by_import = ? OR c.public_id IN " \
	"(SELECT r.contact FROM import_rows r WHERE r.import_id = ? " \
	"AND r.severity = 'updated' AND r.contact IS NOT NULL))"
#define API_CONTACTS_NMORE	5

static void
api_contacts_put(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

/* One contact of the table; tags arrive joined by US (0x1f). */
static json_object *
api_contacts_row(struct dbstmt *s)
{
	json_object	*o = json_object_new_object(), *tags;
	const char	*t, *e;

	api_contacts_put(o, "id", db_col_str(s, 0));
	api_contacts_put(o, "first_name", db_col_str(s, 1));
	api_contacts_put(o, "last_name", db_col_str(s, 2));
	api_contacts_put(o, "email", db_col_str(s, 3));
	api_contacts_put(o, "account", db_col_str(s, 4));
	api_contacts_put(o, "domain", db_col_str(s, 5));
	api_contacts_put(o, "owner", db_col_str(s, 6));
	tags = json_object_new_array();
	for (t = db_col_str(s, 7); t != NULL && *t != '\0'; t = e ? e + 1 : NULL) {
		e = strchr(t, 0x1f);
		json_object_array_add(tags, json_object_new_string_len(t,
		    e ? (int)(e - t) : (int)strlen(t)));
	}
	json_object_object_add(o, "tags", tags);
	json_object_object_add(o, "dnt",
	    json_object_new_boolean(db_col_int(s, 8) != 0));
	api_contacts_put(o, "created_at", db_col_str(s, 9));
	return (o);
}

/* Bind API_CONTACTS_MORE's parameters, from the tenth; dnt -1: either. */
static void
api_contacts_bind_more(struct dbstmt *s, int dnt, const char *import)
{
	if (dnt == -1) {
		db_bind_null(s, 9);
		db_bind_null(s, 10);
	} else {
		db_bind_int(s, 9, dnt);
		db_bind_int(s, 10, dnt);
	}
	db_bind_str(s, 11, import);
	db_bind_str(s, 12, import);
	db_bind_str(s, 13, import);
}

/*
 * GET /api/contacts[?q=TEXT][&tag=NAME][&dnt=0|1][&import=ID][&page=N]
 * [&limit=N]: newest first, {"contacts": [...], "total", "page",
 * "limit"}. An import of another workspace has no contact here.
 */
void
api_contacts_list(struct http *h)
{
	struct dbstmt	*s = NULL;
	json_object	*o = NULL, *a;
	char		*tag, *q, *like, *import, *d;
	long		 page, limit;
	long long	 total = 0;
	int		 dnt = -1;

	tag = http_query(h->query, "tag");
	if (tag != NULL && *tag == '\0') {
		free(tag);
		tag = NULL;
	}
	import = http_query(h->query, "import");
	if (import != NULL && *import == '\0') {
		free(import);
		import = NULL;
	}
	if ((d = http_query(h->query, "dnt")) != NULL && *d != '\0')
		dnt = strcmp(d, "0") != 0 && strcmp(d, "no") != 0;
	free(d);
	q = http_query(h->query, "q");
	like = export_like(q);
	page = http_query_long(h, "page", 1, 1, 1000000);
	limit = http_query_long(h, "limit", API_CONTACTS_LIMIT, 1,
	    API_CONTACTS_MAXLIMIT);

	s = db_prepare(h->db, "SELECT COUNT(*) FROM contacts c "
	    "LEFT JOIN accounts a ON a.id = c.account_id WHERE "
	    CONTACTS_FILTER API_CONTACTS_MORE);
	if (s == NULL)
		goto fail;
	export_bind_filter(s, h->se.workspace_id, tag, like);
	api_contacts_bind_more(s, dnt, import);
	if (db_exec(s) == -1 || db_fetch(s) != 1)
		goto fail;
	total = db_col_int(s, 0);
	db_close(s);

	s = db_prepare(h->db, "SELECT c.public_id, c.first_name, c.last_name, "
	    "c.email, a.name, a.domain, u.email, "
	    "(SELECT GROUP_CONCAT(t.name ORDER BY t.name SEPARATOR 0x1f) "
	    "FROM contact_tags ct JOIN tags t ON t.id = ct.tag_id "
	    "WHERE ct.contact_id = c.id), c.dnt, "
	    "DATE_FORMAT(c.created_at, '%Y-%m-%dT%H:%i:%sZ') "
	    "FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id "
	    "LEFT JOIN users u ON u.id = c.owner_id WHERE " CONTACTS_FILTER
	    API_CONTACTS_MORE
	    " ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?");
	if (s == NULL)
		goto fail;
	export_bind_filter(s, h->se.workspace_id, tag, like);
	api_contacts_bind_more(s, dnt, import);
	db_bind_int(s, 9 + API_CONTACTS_NMORE, limit);
	db_bind_int(s, 10 + API_CONTACTS_NMORE, (long long)(page - 1) * limit);
	if (db_exec(s) == -1)
		goto fail;
	o = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(o, "contacts", a);
	while (db_fetch(s) == 1)
		json_object_array_add(a, api_contacts_row(s));
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "page", json_object_new_int64(page));
	json_object_object_add(o, "limit", json_object_new_int64(limit));
	http_json(h, 200, o);
	goto out;

fail:
	http_db_error(h);
out:
	db_close(s);
	free(tag);
	free(q);
	free(like);
	free(import);
}

/* The tags of contact id (internal), names in order. */
static json_object *
api_contacts_tags(struct http *h, long long id)
{
	struct dbstmt	*s;
	json_object	*a;

	s = db_prepare(h->db, "SELECT t.name FROM contact_tags ct "
	    "JOIN tags t ON t.id = ct.tag_id WHERE ct.contact_id = ? "
	    "ORDER BY t.name");
	if (s == NULL)
		return (NULL);
	db_bind_int(s, 0, id);
	if (db_exec(s) == -1) {
		db_close(s);
		return (NULL);
	}
	a = json_object_new_array();
	while (db_fetch(s) == 1)
		json_object_array_add(a, json_object_new_string(db_col_str(s, 0)));
	db_close(s);
	return (a);
}

/* The workflows contact id is enrolled in: workflow, state, import_id,
 * created_at. */
static json_object *
api_contacts_enrolments(struct http *h, long long id)
{
	struct dbstmt	*s;
	json_object	*a, *e;

	s = db_prepare(h->db, "SELECT w.name, e.state, e.import_id, "
	    "DATE_FORMAT(e.created_at, '%Y-%m-%dT%H:%i:%sZ') "
	    "FROM workflow_enrolments e JOIN workflows w ON w.id = e.workflow_id "
	    "WHERE e.contact_id = ? ORDER BY e.created_at DESC");
	if (s == NULL)
		return (NULL);
	db_bind_int(s, 0, id);
	if (db_exec(s) == -1) {
		db_close(s);
		return (NULL);
	}
	a = json_object_new_array();
	while (db_fetch(s) == 1) {
		e = json_object_new_object();
		api_contacts_put(e, "workflow", db_col_str(s, 0));
		api_contacts_put(e, "state", db_col_str(s, 1));
		api_contacts_put(e, "import_id", db_col_str(s, 2));
		api_contacts_put(e, "created_at", db_col_str(s, 3));
		json_object_array_add(a, e);
	}
	db_close(s);
	return (a);
}

/*
 * The imports that created and changed contact pub, newest first: the one
 * that created it, the last that updated it, and those of the workspace's
 * recent imports whose rows updated it (import_rows has no key by contact,
 * so older imports are not searched).
 */
static json_object *
api_contacts_imports(struct http *h, const char *pub, const char *created_by,
    const char *updated_by)
{
	struct dbstmt	*s;
	json_object	*a, *e;

	s = db_prepare(h->db, "SELECT i.id, i.file_name, i.flow, i.state, "
	    "DATE_FORMAT(i.created_at, '%Y-%m-%dT%H:%i:%sZ'), "
	    "i.id = ? FROM imports i WHERE i.workspace_id = ? AND "
	    "(i.id = ? OR i.id = ? OR i.id IN (SELECT r.import_id FROM "
	    "import_rows r JOIN (SELECT id FROM imports WHERE workspace_id = ? "
	    "ORDER BY created_at DESC LIMIT " API_CONTACTS_IMPORTS ") l ON l.id = r.import_id "
	    "WHERE r.contact = ? AND r.severity = 'updated')) "
	    "ORDER BY i.created_at DESC, i.id DESC");
	if (s == NULL)
		return (NULL);
	db_bind_str(s, 0, created_by);
	db_bind_int(s, 1, h->se.workspace_id);
	db_bind_str(s, 2, created_by);
	db_bind_str(s, 3, updated_by);
	db_bind_int(s, 4, h->se.workspace_id);
	db_bind_str(s, 5, pub);
	if (db_exec(s) == -1) {
		db_close(s);
		return (NULL);
	}
	a = json_object_new_array();
	while (db_fetch(s) == 1) {
		e = json_object_new_object();
		api_contacts_put(e, "id", db_col_str(s, 0));
		api_contacts_put(e, "file", db_col_str(s, 1));
		api_contacts_put(e, "flow", db_col_str(s, 2));
		api_contacts_put(e, "state", db_col_str(s, 3));
		api_contacts_put(e, "created_at", db_col_str(s, 4));
		api_contacts_put(e, "did", db_col_int(s, 5) ? "created" :
		    "updated");
		json_object_array_add(a, e);
	}
	db_close(s);
	return (a);
}

/*
 * GET /api/contacts/ID (ID the public one, EG-CON-...): every field,
 * custom data (an object), tags, enrolments and imports. A contact of
 * another workspace is not found.
 */
void
api_contacts_get(struct http *h, const char *pub)
{
	static const char *const fields[] = { "id", "first_name", "last_name",
	    "email", "phone", "linkedin_url", "account", "domain", "owner",
	    "owner_name", "phone_verification_result",
	    "phone_verification_provider", "phone_type" };
	struct dbstmt	*s;
	json_object	*o = NULL, *v, *custom = NULL;
	char		*created_by = NULL, *updated_by = NULL;
	long long	 id;
	size_t		 i;

	s = db_prepare(h->db, "SELECT c.public_id, c.first_name, c.last_name, "
	    "c.email, c.phone, c.linkedin_url, a.name, a.domain, u.email, "
	    "u.name, c.phone_verification_result, "
	    "c.phone_verification_provider, c.phone_type, "
	    "c.phone_intent_score, c.dnt, c.custom, "
	    "DATE_FORMAT(c.created_at, '%Y-%m-%dT%H:%i:%sZ'), "
	    "DATE_FORMAT(c.updated_at, '%Y-%m-%dT%H:%i:%sZ'), "
	    "c.created_by_import, c.updated_by_import, c.id "
	    "FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id "
	    "LEFT JOIN users u ON u.id = c.owner_id "
	    "WHERE c.public_id = ? AND c.workspace_id = ?");
	if (s == NULL)
		goto fail;
	db_bind_str(s, 0, pub);
	db_bind_int(s, 1, h->se.workspace_id);
	if (db_exec(s) == -1)
		goto fail;
	switch (db_fetch(s)) {
	case 1:
		break;
	case 0:
		http_error(h, 404, "not_found", "There is no such contact");
		goto out;
	default:
		goto fail;
	}
	o = json_object_new_object();
	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		api_contacts_put(o, fields[i], db_col_str(s, i));
	json_object_object_add(o, "phone_intent_score", db_col_null(s, 13) ?
	    NULL : json_object_new_int64(db_col_int(s, 13)));
	json_object_object_add(o, "dnt",
	    json_object_new_boolean(db_col_int(s, 14) != 0));
	/* Custom data is stored as a JSON object; show it as one. */
	if (db_col_str(s, 15) != NULL &&
	    (custom = json_tokener_parse(db_col_str(s, 15))) != NULL &&
	    !json_object_is_type(custom, json_type_object)) {
		json_object_put(custom);
		custom = NULL;
	}
	json_object_object_add(o, "custom", custom);
	api_contacts_put(o, "created_at", db_col_str(s, 16));
	api_contacts_put(o, "updated_at", db_col_str(s, 17));
	api_contacts_put(o, "created_by_import", db_col_str(s, 18));
	api_contacts_put(o, "updated_by_import", db_col_str(s, 19));
	if (db_col_str(s, 18) != NULL)
		created_by = xstrdup(db_col_str(s, 18));
	if (db_col_str(s, 19) != NULL)
		updated_by = xstrdup(db_col_str(s, 19));
	id = db_col_int(s, 20);
	db_close(s);
	s = NULL;

	if ((v = api_contacts_tags(h, id)) == NULL)
		goto fail;
	json_object_object_add(o, "tags", v);
	if ((v = api_contacts_enrolments(h, id)) == NULL)
		goto fail;
	json_object_object_add(o, "enrolments", v);
	if ((v = api_contacts_imports(h, pub, created_by, updated_by)) == NULL)
		goto fail;
	json_object_object_add(o, "imports", v);
	http_json(h, 200, o);
	o = NULL;
	goto out;

fail:
	http_db_error(h);
out:
	json_object_put(o);
	db_close(s);
	free(created_by);
	free(updated_by);
}

static int
api_contacts_write(void *arg, const char *buf, size_t len)
{
	struct http	*h = arg;

	return (FCGX_PutStr(buf, len, h->r->out) == (int)len ? 0 : -1);
}

/* GET /api/contacts/export.csv[?tag=NAME][&q=TEXT] */
void
api_contacts_export(struct http *h)
{
	char		*tag, *q, *hdr, day[16];
	time_t		 now = time(NULL);
	struct tm	 tm;

	tag = http_query(h->query, "tag");
	q = http_query(h->query, "q");
	gmtime_r(&now, &tm);
	strftime(day, sizeof day, "%Y%m%d", &tm);
	/* The slug is [a-z0-9-]: safe inside the quoted file name. */
	xasprintf(&hdr, "Content-Disposition: attachment; "
	    "filename=\"contacts-%s-%s.csv\"\r\n", h->se.workspace, day);
	http_reply(h, 200, "text/csv; charset=utf-8", NULL, 0, hdr);
	if (export_run(h->db, h->se.workspace_id, tag && *tag ? tag : NULL, q,
	    api_contacts_write, h) == -1)
		log_warnx("export of %s stopped early", h->se.workspace);
	free(hdr);
	free(tag);
	free(q);
}
