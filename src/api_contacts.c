/*
 * The workspace's contacts: GET /api/contacts (a page of the table the
 * Contacts page shows) and GET /api/contacts/export.csv, which streams
 * the export (the same CSV as `intake export`). Both take the same
 * filters, tag= and q=, with the same meaning.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "intake.h"
#include "web.h"

#define API_CONTACTS_LIMIT	25
#define API_CONTACTS_MAXLIMIT	200

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

/*
 * GET /api/contacts[?q=TEXT][&tag=NAME][&page=N][&limit=N]: newest first,
 * {"contacts": [...], "total", "page", "limit"}.
 */
void
api_contacts_list(struct http *h)
{
	struct dbstmt	*s = NULL;
	json_object	*o = NULL, *a;
	char		*tag, *q, *like;
	long		 page, limit;
	long long	 total = 0;

	tag = http_query(h->query, "tag");
	if (tag != NULL && *tag == '\0') {
		free(tag);
		tag = NULL;
	}
	q = http_query(h->query, "q");
	like = export_like(q);
	page = http_query_long(h, "page", 1, 1, 1000000);
	limit = http_query_long(h, "limit", API_CONTACTS_LIMIT, 1,
	    API_CONTACTS_MAXLIMIT);

	s = db_prepare(h->db, "SELECT COUNT(*) FROM contacts c "
	    "LEFT JOIN accounts a ON a.id = c.account_id WHERE "
	    CONTACTS_FILTER);
	if (s == NULL)
		goto fail;
	export_bind_filter(s, h->se.workspace_id, tag, like);
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
	    " ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?");
	if (s == NULL)
		goto fail;
	export_bind_filter(s, h->se.workspace_id, tag, like);
	db_bind_int(s, 9, limit);
	db_bind_int(s, 10, (long long)(page - 1) * limit);
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
