/*
 * What an update changed: for each row that updates a contact, each
 * field whose value it changed, before and after (import_changes). A
 * review shows them; an import keeps them in its batch's transaction
 * when keep_changes is set (for undo, #21). The values are read back from
 * the contact just before and just after its UPDATE (in the batch's
 * transaction), so what is kept is what the server did, whatever the
 * update rules are; the two reads make an update of every row about
 * twice as slow, which is why an import does not keep them by default.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "watchd.h"

/*
 * A contact's stored values as the review shows them: the account by its
 * domain, the owner by email. One expression per column an update can
 * change (COLUMNS_WRITE_GIVEN, _PHONE, _FLAG), in the table's order, and
 * the custom data last.
 */
#define CHANGE_OUT_C(sql)	"c." sql ", "
#define CHANGE_OUT_DOMAIN(sql)	"a.domain, "
#define CHANGE_OUT_OWNER(sql)	"u.email, "
#define CHANGE_OUT_YESNO(sql)	"c." sql ", "
#define CHANGE_WRITE_NONE(out, sql)
#define CHANGE_WRITE_NEW(out, sql)
#define CHANGE_WRITE_GIVEN(out, sql)	CHANGE_OUT_##out(sql)
#define CHANGE_WRITE_PHONE(out, sql)	CHANGE_OUT_##out(sql)
#define CHANGE_WRITE_FLAG(out, sql)	CHANGE_OUT_##out(sql)
#define CHANGE_COL(name, header, sql, read, write, type, cmp, out)	\
	CHANGE_WRITE_##write(out, sql)
#define CHANGE_STATE							\
	"SELECT " COLUMNS_TABLE(CHANGE_COL) "c.custom "			\
	"FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id "	\
	"LEFT JOIN users u ON u.id = c.owner_id WHERE c.id = ?"

/* Is col one an update can change (a column of CHANGE_STATE)? */
static int
change_col(int col)
{
	enum columns_write	w = columns_get(col)->write;

	return (w == COLUMNS_WRITE_GIVEN || w == COLUMNS_WRITE_PHONE ||
	    w == COLUMNS_WRITE_FLAG);
}

/* Does this run keep what its updates change? */
int
change_wanted(const struct import *im)
{
	return (im->review || conf.keep_changes);
}

/* The statements, if this run keeps its changes: they go over odb in a
 * review, else with the batch. 0, or -1. */
int
change_open(struct import *im)
{
	if (!change_wanted(im))
		return (0);
	im->s_state = db_prepare(im->db, CHANGE_STATE);
	im->b_change = bulk_prepare(im->review ? im->odb : im->db,
	    "INSERT INTO import_changes (import_id, row_no, contact, field, "
	    "before_value, after_value) VALUES (?, ?, ?, LEFT(?, 255), ?, ?)",
	    "sissss", conf.batch_size);
	return (im->s_state == NULL || im->b_change == NULL ? -1 : 0);
}

/* Write the queued changes. 0, or -1. */
int
change_flush(struct import *im)
{
	return (im->b_change != NULL ? bulk_flush(im->b_change) : 0);
}

/* Forget the queued changes: their batch was rolled back. */
void
change_reset(struct import *im)
{
	if (im->b_change != NULL)
		bulk_reset(im->b_change);
}

void
change_close(struct import *im)
{
	db_close(im->s_state);
	bulk_close(im->b_change);
}

void
change_state_clear(struct change_state *rs)
{
	size_t	i;

	for (i = 0; i < COL__MAX; i++)
		free(rs->v[i]);
	free(rs->custom);
	memset(rs, 0, sizeof *rs);
}

/* Contact id's values now (in the batch's transaction). 0, or -1. */
int
change_state(struct import *im, long long id, struct change_state *rs)
{
	struct dbstmt	*s = im->s_state;
	unsigned	 n = 0;
	int		 col;

	memset(rs, 0, sizeof *rs);
	db_bind_int(s, 0, id);
	if (db_exec(s) == -1)
		return (-1);
	if (db_fetch(s) != 1)
		return (0);		/* gone: nothing to compare */
	for (col = 0; col < COL__MAX; col++)
		if (change_col(col)) {
			if (db_col_str(s, n) != NULL)
				rs->v[col] = xstrdup(db_col_str(s, n));
			n++;
		}
	if (db_col_str(s, n) != NULL)
		rs->custom = xstrdup(db_col_str(s, n));
	return (0);
}

/* NULL and "" are both empty. */
static int
change_same(const char *a, const char *b)
{
	return (strcmp(a != NULL ? a : "", b != NULL ? b : "") == 0);
}

static int
change_add(struct import *im, unsigned long row, const char *pubid,
    const char *field, const char *before, const char *after)
{
	struct bulk	*b = im->b_change;

	bulk_str(b, 0, im->id);
	bulk_int(b, 1, row);
	bulk_str(b, 2, pubid);
	bulk_str(b, 3, field);
	bulk_str(b, 4, before != NULL && *before != '\0' ? before : NULL);
	bulk_str(b, 5, after != NULL && *after != '\0' ? after : NULL);
	return (bulk_next(b));
}

/* A custom-data value as text: a string as it is, else its JSON. */
static const char *
change_json_text(json_object *v)
{
	if (v == NULL)
		return (NULL);
	if (json_object_is_type(v, json_type_string))
		return (json_object_get_string(v));
	return (json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
}

/* The custom-data keys whose values differ, "custom:KEY". 0, or -1. */
static int
change_custom(struct import *im, unsigned long row, const char *pubid,
    const char *before, const char *after)
{
	json_object	*b, *a, *bv;
	char		*field;
	const char	*bt;
	int		 r = 0;

	b = before != NULL ? json_tokener_parse(before) : NULL;
	a = after != NULL ? json_tokener_parse(after) : NULL;
	if (a != NULL && json_object_is_type(a, json_type_object)) {
		json_object_object_foreach(a, key, av) {
			if (b == NULL || !json_object_object_get_ex(b, key,
			    &bv))
				bv = NULL;
			bt = change_json_text(bv);
			if (bt != NULL && strcmp(bt,
			    change_json_text(av)) == 0)
				continue;
			xasprintf(&field, "custom:%s", key);
			r = change_add(im, row, pubid, field, bt,
			    change_json_text(av));
			free(field);
			if (r == -1)
				break;
		}
	}
	json_object_put(a);
	json_object_put(b);
	return (r);
}

/*
 * What an update of row changed on contact pubid: each column whose value
 * differs between before and after, and each custom-data key. flagged:
 * the row set the contact's Do Not Touch flag beside the update
 * (contact_after). 0, or -1.
 */
int
change_record(struct import *im, unsigned long row, const char *pubid,
    const struct change_state *before, const struct change_state *after,
    int flagged)
{
	int	col;

	for (col = 0; col < COL__MAX; col++) {
		if (!change_col(col))
			continue;
		if (col == COL_DNT && flagged && change_same(before->v[col],
		    "0")) {
			if (change_add(im, row, pubid,
			    columns_get(col)->header, "0", "1") == -1)
				return (-1);
			continue;
		}
		if (change_same(before->v[col], after->v[col]))
			continue;
		if (change_add(im, row, pubid, columns_get(col)->header,
		    before->v[col], after->v[col]) == -1)
			return (-1);
	}
	return (change_custom(im, row, pubid, before->custom, after->custom));
}
