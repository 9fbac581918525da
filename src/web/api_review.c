/*
 * Reviews (#20): GET /api/imports/ID/rows, the grid of what each row of a
 * review (or an import) came to, with the contact a row matched and each
 * field an update changes; POST /api/imports/ID/import, the file a review
 * read imported with its options (submit_reviewed: the one way in).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "web.h"

#define API_REVIEW_OUTCOMES \
	"created", "updated", "unchanged", "skipped", "failed", "warning"

/* Is import id of the session's workspace (and a finished review, if
 * review)? 1, 0, -1 on error; *state and *imported (an import made from
 * it) when it is. */
static int
api_review_find(struct http *h, const char *id, int *review, char *state,
    size_t statesz, char *imported, size_t impsz)
{
	struct dbstmt	*s;
	int		 r;

	*imported = '\0';
	if (!randid_drop_valid(id))
		return (0);
	s = db_prepare(h->db, "SELECT i.review, i.state, (SELECT MIN(n.id) "
	    "FROM imports n WHERE n.from_review = i.id) FROM imports i "
	    "WHERE i.id = ? AND i.workspace_id = ?");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, id);
	db_bind_int(s, 1, h->se.workspace_id);
	if ((r = db_exec(s)) == 0 && (r = db_fetch(s)) == 1) {
		*review = db_col_int(s, 0) != 0;
		snprintf(state, statesz, "%s", db_col_str(s, 1));
		if (db_col_str(s, 2) != NULL)
			snprintf(imported, impsz, "%s", db_col_str(s, 2));
	}
	db_close(s);
	return (r);
}

static void
api_review_put(json_object *e, const char *k, const char *v)
{
	json_object_object_add(e, k, v != NULL ? json_object_new_string(v) :
	    NULL);
}

/* The counts of each outcome, and the skipped rows by reason. */
static int
api_review_counts(struct http *h, const char *id, json_object *o)
{
	struct dbstmt	*s;
	json_object	*c, *by;

	s = db_prepare(h->db, "SELECT severity, code, COUNT(*) FROM "
	    "import_rows WHERE import_id = ? GROUP BY severity, code");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, id);
	if (db_exec(s) == -1) {
		db_close(s);
		return (-1);
	}
	c = json_object_new_object();
	by = json_object_new_object();
	while (db_fetch(s) == 1) {
		json_object	*v;
		long long	 n = db_col_int(s, 2);

		if (json_object_object_get_ex(c, db_col_str(s, 0), &v))
			n += json_object_get_int64(v);
		json_object_object_add(c, db_col_str(s, 0),
		    json_object_new_int64(n));
		if (strcmp(db_col_str(s, 0), "skipped") == 0)
			json_object_object_add(by, db_col_str(s, 1),
			    json_object_new_int64(db_col_int(s, 2)));
	}
	db_close(s);
	json_object_object_add(o, "counts", c);
	json_object_object_add(o, "skipped_by", by);
	return (0);
}

/* The row number and outcome of the grid's row i. */
static long long
api_review_at(json_object *rows, size_t i, const char **outcome)
{
	json_object	*e = json_object_array_get_idx(rows, i);

	*outcome = json_object_get_string(json_object_object_get(e,
	    "outcome"));
	return (json_object_get_int64(json_object_object_get(e, "row")));
}

/* Each updated row's changes on the page (rows lo..hi), on its outcome
 * (not on its warnings). Both lists are in row order. */
static int
api_review_changes(struct http *h, const char *id, json_object *rows,
    long long lo, long long hi)
{
	struct dbstmt	*s;
	json_object	*c;
	const char	*out;
	size_t		 i = 0, n = json_object_array_length(rows);
	long long	 row;

	s = db_prepare(h->db, "SELECT row_no, field, before_value, "
	    "after_value FROM import_changes WHERE import_id = ? AND "
	    "row_no BETWEEN ? AND ? ORDER BY row_no, id");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, id);
	db_bind_int(s, 1, lo);
	db_bind_int(s, 2, hi);
	if (db_exec(s) == -1) {
		db_close(s);
		return (-1);
	}
	while (db_fetch(s) == 1) {
		row = db_col_int(s, 0);
		while (i < n && (api_review_at(rows, i, &out) < row ||
		    (api_review_at(rows, i, &out) == row &&
		    strcmp(out, "warning") == 0)))
			i++;
		if (i == n)
			break;
		if (api_review_at(rows, i, &out) != row)
			continue;
		c = json_object_new_object();
		api_review_put(c, "field", db_col_str(s, 1));
		api_review_put(c, "before", db_col_str(s, 2));
		api_review_put(c, "after", db_col_str(s, 3));
		json_object_array_add(json_object_object_get(
		    json_object_array_get_idx(rows, i), "changes"), c);
	}
	db_close(s);
	return (0);
}

/* Is c of a contact's id (randid_contact: 24 of these)? */
static int
api_review_idchar(int c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'));
}

/*
 * A row that matched several contacts names them in its message (decide.c,
 * "More than one existing contact matches by ... (ID, ID)"): each as a
 * candidate, with its name and account, from s (by public id).
 */
static void
api_review_candidates(struct http *h, struct dbstmt *s, json_object *e)
{
	const char	*m, *p, *q;
	json_object	*a, *c;
	char		 id[32];

	m = json_object_get_string(json_object_object_get(e, "message"));
	if (m == NULL || strncmp(m, "More than one existing contact", 30) != 0 ||
	    (p = strchr(m, '(')) == NULL)
		return;
	a = json_object_new_array();
	for (p++; *p != '\0' && *p != ')'; p = q) {
		for (q = p; api_review_idchar((unsigned char)*q); q++)
			;
		if (q - p == 24) {
			memcpy(id, p, 24);
			id[24] = '\0';
			db_bind_int(s, 0, h->se.workspace_id);
			db_bind_str(s, 1, id);
			if (db_exec(s) == 0 && db_fetch(s) == 1) {
				c = json_object_new_object();
				api_review_put(c, "contact", id);
				api_review_put(c, "name", db_col_str(s, 0));
				api_review_put(c, "account", db_col_str(s, 1));
				json_object_array_add(a, c);
			}
		}
		if (q == p)
			q++;
	}
	json_object_object_add(e, "candidates", a);
}

/* Each row's candidates, where it had several (api_review_candidates). */
static int
api_review_candidates_all(struct http *h, json_object *rows)
{
	struct dbstmt	*s;
	size_t		 i, n = json_object_array_length(rows);

	s = db_prepare(h->db, "SELECT NULLIF(CONCAT_WS(' ', c.first_name, "
	    "c.last_name), ''), a.name FROM contacts c LEFT JOIN accounts a "
	    "ON a.id = c.account_id WHERE c.workspace_id = ? AND "
	    "c.public_id = ?");
	if (s == NULL)
		return (-1);
	for (i = 0; i < n; i++)
		api_review_candidates(h, s, json_object_array_get_idx(rows, i));
	db_close(s);
	return (0);
}

#define API_REVIEW_WHERE						\
	"WHERE r.import_id = ? AND (? IS NULL OR r.severity = ?) AND "	\
	"(? IS NULL OR r.message LIKE ? OR r.contact = ? OR "		\
	"c.email LIKE ? OR CONCAT_WS(' ', c.first_name, c.last_name) "	\
	"LIKE ? OR EXISTS (SELECT 1 FROM import_changes ch WHERE "	\
	"ch.import_id = r.import_id AND ch.row_no = r.row_no AND "	\
	"(ch.before_value LIKE ? OR ch.after_value LIKE ?))) "
#define API_REVIEW_FROM							\
	"FROM import_rows r LEFT JOIN contacts c ON c.workspace_id = ? "	\
	"AND c.public_id = r.contact LEFT JOIN accounts a ON "		\
	"a.id = c.account_id "

/* Bind the filter from parameter n of s on (its order in the WHERE). */
static void
api_review_bind(struct dbstmt *s, struct http *h, const char *id,
    const char *outcome, const char *like, const char *q)
{
	unsigned	i;

	db_bind_int(s, 0, h->se.workspace_id);
	db_bind_str(s, 1, id);
	db_bind_str(s, 2, outcome);
	db_bind_str(s, 3, outcome);
	db_bind_str(s, 4, like);
	db_bind_str(s, 5, like);
	db_bind_str(s, 6, q);
	for (i = 7; i < 11; i++)
		db_bind_str(s, i, like);
}

/* One row of the grid from the current result of s. */
static json_object *
api_review_row(struct dbstmt *s)
{
	json_object	*e = json_object_new_object();

	json_object_object_add(e, "row",
	    json_object_new_int64(db_col_int(s, 0)));
	api_review_put(e, "outcome", db_col_str(s, 1));
	api_review_put(e, "code", db_col_str(s, 2));
	api_review_put(e, "message", db_col_str(s, 3));
	api_review_put(e, "column", db_col_str(s, 4));
	api_review_put(e, "contact", db_col_str(s, 5));
	api_review_put(e, "key", db_col_str(s, 6));
	api_review_put(e, "name", db_col_str(s, 7));
	api_review_put(e, "account", db_col_str(s, 8));
	api_review_put(e, "domain", db_col_str(s, 9));
	json_object_object_add(e, "changes", json_object_new_array());
	return (e);
}

/*
 * GET /api/imports/ID/rows[?outcome=O][&q=TEXT][&page=N][&limit=N]: every
 * row's outcome by row, {"rows": [{"row", "outcome", "code", "message",
 * "column", "contact", "key", "name", "account", "domain", "changes":
 * [{"field", "before", "after"}], and "candidates": [{"contact", "name",
 * "account"}] where several contacts matched}], "total", "page", "limit",
 * "counts", "skipped_by"}.
 */
void
api_review_rows(struct http *h, const char *id)
{
	static const char *const outcomes[] = { API_REVIEW_OUTCOMES };
	struct dbstmt	*s = NULL;
	json_object	*o = NULL, *a;
	char		*outcome, *q, *like, state[16], imported[48];
	long		 page, limit;
	long long	 total, lo = 0, hi = 0;
	size_t		 i;
	int		 review;

	outcome = http_query(h->query, "outcome");
	if (outcome != NULL && *outcome == '\0') {	/* every outcome */
		free(outcome);
		outcome = NULL;
	}
	q = http_query(h->query, "q");
	like = export_like(q);
	switch (api_review_find(h, id, &review, state, sizeof state,
	    imported, sizeof imported)) {
	case -1:
		goto fail;
	case 0:
		http_error(h, 404, "not_found", "There is no such import");
		goto out;
	}
	for (i = 0; outcome != NULL && i < sizeof outcomes /
	    sizeof outcomes[0]; i++)
		if (strcmp(outcome, outcomes[i]) == 0)
			break;
	if (outcome != NULL && i == sizeof outcomes / sizeof outcomes[0]) {
		http_error(h, 400, "bad_outcome", "outcome is one of created, "
		    "updated, unchanged, skipped, failed, warning");
		goto out;
	}
	page = http_query_long(h, "page", 1, 1, 1000000);
	limit = http_query_long(h, "limit", 50, 1, 500);

	if ((s = db_prepare(h->db, "SELECT COUNT(*) " API_REVIEW_FROM
	    API_REVIEW_WHERE)) == NULL)
		goto fail;
	api_review_bind(s, h, id, outcome, like, like ? q : NULL);
	if (db_exec(s) == -1 || db_fetch(s) != 1)
		goto fail;
	total = db_col_int(s, 0);
	db_close(s);
	s = db_prepare(h->db, "SELECT r.row_no, r.severity, r.code, "
	    "r.message, r.column_name, r.contact, r.match_key, "
	    "NULLIF(CONCAT_WS(' ', c.first_name, c.last_name), ''), a.name, "
	    "a.domain " API_REVIEW_FROM API_REVIEW_WHERE
	    "ORDER BY r.row_no, r.id LIMIT ? OFFSET ?");
	if (s == NULL)
		goto fail;
	api_review_bind(s, h, id, outcome, like, like ? q : NULL);
	db_bind_int(s, 11, limit);
	db_bind_int(s, 12, (long long)(page - 1) * limit);
	if (db_exec(s) == -1)
		goto fail;
	o = json_object_new_object();
	a = json_object_new_array();
	json_object_object_add(o, "rows", a);
	while (db_fetch(s) == 1) {
		if (lo == 0)
			lo = db_col_int(s, 0);
		hi = db_col_int(s, 0);
		json_object_array_add(a, api_review_row(s));
	}
	db_close(s);
	s = NULL;
	if ((lo > 0 && api_review_changes(h, id, a, lo, hi) == -1) ||
	    api_review_candidates_all(h, a) == -1 ||
	    api_review_counts(h, id, o) == -1)
		goto fail;
	json_object_object_add(o, "review", json_object_new_boolean(review));
	json_object_object_add(o, "total", json_object_new_int64(total));
	json_object_object_add(o, "page", json_object_new_int64(page));
	json_object_object_add(o, "limit", json_object_new_int64(limit));
	if (*imported != '\0')
		api_review_put(o, "imported_as", imported);
	http_json(h, 200, o);
	o = NULL;
	goto out;
fail:
	http_db_error(h);
out:
	json_object_put(o);
	db_close(s);
	free(outcome);
	free(q);
	free(like);
}

/* POST /api/imports/ID/import: import what review ID read. 202 {id}. */
void
api_review_import(struct http *h, const char *id)
{
	struct manifest	 m;
	json_object	*o;
	enum submit_rc	 rc;
	char		*cause = NULL, state[16], imported[48], *msg;
	int		 review = 0;

	memset(&m, 0, sizeof m);
	switch (api_review_find(h, id, &review, state, sizeof state,
	    imported, sizeof imported)) {
	case -1:
		http_db_error(h);
		return;
	case 0:
		http_error(h, 404, "not_found", "There is no such import");
		return;
	}
	if (!review || strcmp(state, "done") != 0) {
		http_error(h, 409, "not_reviewed", review ? "The review has not "
		    "finished" : "This is an import, not a review");
		return;
	}
	if (*imported != '\0') {
		xasprintf(&msg, "This review was imported already, as %s",
		    imported);
		http_error(h, 409, "imported_already", msg);
		free(msg);
		return;
	}
	rc = submit_reviewed(h->db, h->se.workspace_id, id, h->se.email, "web",
	    &m, &cause);
	switch (rc) {
	case SUBMIT_OK:
		log_info("%s: queued from the review %s for %s", m.id, id,
		    m.workspace);
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(m.id));
		http_json(h, 202, o);
		break;
	case SUBMIT_READ:
		http_error(h, 409, "gone", "The reviewed file is no longer "
		    "kept: upload it again");
		break;
	case SUBMIT_BAD_OPTION:
	case SUBMIT_NO_WORKFLOW:
	case SUBMIT_NOT_CSV:
		http_error(h, 409, "options_changed", cause != NULL ? cause :
		    "The review's options no longer hold in this workspace");
		break;
	default:
		if (cause != NULL)
			log_warnx("import of review %s: %s", id, cause);
		http_error(h, 503, "unavailable", "Try again in a moment");
		break;
	}
	free(cause);
	manifest_clear(&m);
}
