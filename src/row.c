/*
 * One data row: its cells read by column, normalised, and checked. An
 * invalid optional value is not guessed: it is left empty and a warning is
 * held for the row, to be recorded only if the row is imported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "intake.h"
#include "db.h"

/* The trimmed cell of a known column, or NULL if absent or blank. Trims
 * in place: the record is ours until the next row. */
const char *
row_cell(struct import *im, struct csvrec *rec, int col)
{
	int	 pos = im->cm.pos[col];
	char	*s, *e;

	if (pos < 0 || (size_t)pos >= rec->nfields)
		return (NULL);
	s = rec->fields[pos];
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return (*s == '\0' ? NULL : s);
}

/* Whether every cell is blank: such rows are ignored. */
int
row_empty(struct csvrec *rec)
{
	size_t	i;

	if (rec->flags != 0)
		return (0);	/* over a limit: a row to skip, not a blank */
	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i][strspn(rec->fields[i], " \t\r\n")] != '\0')
			return (0);
	return (1);
}

/* Hold a warning for the row; message is taken over. */
void
row_warn(struct rowv *rv, const char *code, const char *column, char *message)
{
	if (rv->nwarn == sizeof rv->warn / sizeof rv->warn[0]) {
		free(message);
		return;
	}
	rv->warn[rv->nwarn].code = code;
	rv->warn[rv->nwarn].column = column;
	rv->warn[rv->nwarn].message = message;
	rv->nwarn++;
}

/* Custom data: every unrecognised column with a non-empty cell. */
static char *
row_custom(struct import *im, struct csvrec *rec)
{
	json_object	*o = NULL;
	char		*s;
	size_t		 i;

	for (i = 0; i < im->cm.ncols && i < rec->nfields; i++) {
		if (im->cm.kind[i] != COL_CUSTOM || rec->fields[i][0] == '\0')
			continue;
		if (o == NULL)
			o = json_object_new_object();
		json_object_object_add(o, im->cm.header[i],
		    json_object_new_string(rec->fields[i]));
	}
	if (o == NULL)
		return (NULL);
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return (s);
}

/* A user of the workspace by email: id, 0 if none, -1 on error. A file
 * names the same few owners on every row: the answers are kept for the
 * import (ROW_OWNERS of them, the oldest making room). */
static long long
row_owner_id(struct import *im, const char *email)
{
	struct row_owner	*o;
	long long		 id = 0;
	size_t			 i;

	for (i = 0; i < ROW_OWNERS; i++)
		if (im->owners[i].email != NULL &&
		    strcmp(im->owners[i].email, email) == 0)
			return (im->owners[i].id);
	db_bind_int(im->s_owner, 0, im->ws_id);
	db_bind_str(im->s_owner, 1, email);
	if (db_exec(im->s_owner) == -1)
		return (-1);
	if (db_fetch(im->s_owner) == 1)
		id = db_col_int(im->s_owner, 0);
	o = &im->owners[im->nowners++ % ROW_OWNERS];
	free(o->email);
	o->email = xstrdup(email);
	o->id = id;
	return (id);
}

void
row_owners_free(struct import *im)
{
	size_t	i;

	for (i = 0; i < ROW_OWNERS; i++) {
		free(im->owners[i].email);
		im->owners[i].email = NULL;
	}
	im->nowners = 0;
}

/* The owner a row names: a user of the workspace, or a warning. */
static int
row_owner(struct import *im, struct rowv *rv)
{
	char		*email = NULL, *msg;
	long long	 id;

	if (rv->owner_cell == NULL)
		return (0);
	if (norm_email(rv->owner_cell, &email) == 0) {
		id = row_owner_id(im, email);
		free(email);
		if (id == -1)
			return (-1);
		if (id > 0) {
			rv->owner_id = id;
			return (0);
		}
	}
	xasprintf(&msg, "\"%s\" is not a user of this workspace; the uploader "
	    "owns the contact", rv->owner_cell);
	row_warn(rv, "unknown_owner", "Contact Owner Email", msg);
	return (0);
}

/*
 * Read a row into rv. Returns 0, or -1 if the database failed (looking up
 * the owner).
 */
int
row_read(struct import *im, struct csvrec *rec, struct rowv *rv)
{
	const char	*v;
	char		*msg;

	memset(rv, 0, sizeof *rv);
	rv->row = rec->row;
	rv->intent = -1;
	rv->first = (v = row_cell(im, rec, COL_FIRST)) ? norm_name(v) : NULL;
	rv->last = (v = row_cell(im, rec, COL_LAST)) ? norm_name(v) : NULL;
	rv->account = (v = row_cell(im, rec, COL_ACCOUNT)) ? norm_name(v) :
	    NULL;
	rv->domain_cell = row_cell(im, rec, COL_DOMAIN);
	rv->domain_state = norm_domain(rv->domain_cell, &rv->domain);
	rv->linkedin_state = norm_linkedin(row_cell(im, rec, COL_LINKEDIN),
	    &rv->linkedin);
	if (rv->linkedin_state == -1)
		row_warn(rv, "invalid_linkedin_url", "Contact LinkedIn URL",
		    xstrdup("The LinkedIn URL is not a profile URL "
		    "(linkedin.com/in/...); it was left empty"));

	if ((v = row_cell(im, rec, COL_EMAIL)) != NULL &&
	    norm_email(v, &rv->email) == -1) {
		xasprintf(&msg, "\"%s\" is not an email address; Email was "
		    "left empty", v);
		row_warn(rv, "invalid_email", "Email", msg);
	}
	if ((v = row_cell(im, rec, COL_PHONE_INTENT)) != NULL &&
	    norm_intent(v, &rv->intent) != 0) {
		rv->intent = -1;
		xasprintf(&msg, "\"%s\" is not a whole number from 0 to 100; "
		    "Phone Intent Score was left empty", v);
		row_warn(rv, "invalid_intent_score", "Phone Intent Score", msg);
	}
	rv->phone = row_cell(im, rec, COL_PHONE);
	rv->pv_result = row_cell(im, rec, COL_PV_RESULT);
	rv->pv_provider = row_cell(im, rec, COL_PV_PROVIDER);
	rv->phone_type = row_cell(im, rec, COL_PHONE_TYPE);
	rv->owner_cell = row_cell(im, rec, COL_OWNER);
	rv->custom = row_custom(im, rec);
	return (row_owner(im, rv));
}

/* Record the row's held warnings: it was imported after all. */
int
row_warnings(struct import *im, struct rowv *rv)
{
	size_t	i;

	for (i = 0; i < rv->nwarn; i++)
		if (import_outcome(im, rv->row, "warning", rv->warn[i].code,
		    rv->warn[i].message, rv->warn[i].column, NULL, NULL) == -1)
			return (-1);
	return (0);
}

void
row_clear(struct rowv *rv)
{
	size_t	i;

	free(rv->first);
	free(rv->last);
	free(rv->account);
	free(rv->domain);
	free(rv->email);
	free(rv->linkedin);
	free(rv->custom);
	for (i = 0; i < rv->nwarn; i++)
		free(rv->warn[i].message);
	memset(rv, 0, sizeof *rv);
}
