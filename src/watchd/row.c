/*
 * One data row: its cells read by column, normalised, and checked. An
 * invalid optional value is not guessed: it is left empty and a warning is
 * held for the row, to be recorded only if the row is imported.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "watchd.h"

#define ROW_OTHER_EMAILS	"Other emails"	/* custom key: an Email cell's rest */
#define ROW_OTHER_PHONES	"Other phones"	/* ... and a Phone cell's */

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

/* Custom data: the non-empty cells of the columns kept as custom data,
 * under their keys (an ignored column is never stored). */
static char *
row_custom(struct import *im, struct csvrec *rec)
{
	json_object	*o = NULL;
	const char	*key;
	char		*s;
	size_t		 i;

	for (i = 0; i < im->cm.ncols && i < rec->nfields; i++) {
		if (im->cm.kind[i] != COL_CUSTOM || rec->fields[i][0] == '\0')
			continue;
		key = im->cm.key != NULL && im->cm.key[i] != NULL ?
		    im->cm.key[i] : im->cm.header[i];
		if (o == NULL)
			o = json_object_new_object();
		json_object_object_add(o, key,
		    json_object_new_string(rec->fields[i]));
	}
	if (o == NULL)
		return (NULL);
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return (s);
}

/*
 * A user of the workspace by email (name NULL), or by name: id, 0 if
 * none, -2 if two users have that name, -1 on error. A file names the
 * same few owners on every row: the answers are kept for the import
 * (ROW_OWNERS of them, the oldest making room; a name is kept after a
 * newline, which no email holds).
 */
static long long
row_owner_id(struct import *im, const char *email, const char *name)
{
	struct row_owner	*o;
	struct dbstmt		*s = im->s_owner;
	long long		 id = 0;
	char			*key;
	size_t			 i;

	if (name != NULL)
		xasprintf(&key, "\n%s", name);
	else
		key = xstrdup(email);
	for (i = 0; i < ROW_OWNERS; i++)
		if (im->owners[i].email != NULL &&
		    strcmp(im->owners[i].email, key) == 0) {
			free(key);
			return (im->owners[i].id);
		}
	if (name != NULL) {
		/* The collation finds it in any case, and with other
		 * accents too: the bytes of both in lower case must be
		 * the same. */
		if (im->s_owner_name == NULL && (im->s_owner_name =
		    db_prepare(im->rdb, "SELECT id FROM users "
		    "WHERE workspace_id = ? AND name = ? "
		    "AND BINARY LOWER(name) = BINARY LOWER(?) "
		    "ORDER BY id LIMIT 2")) == NULL)
			goto fail;
		s = im->s_owner_name;
		db_bind_str(s, 2, name);
	}
	db_bind_int(s, 0, im->ws_id);
	db_bind_str(s, 1, name != NULL ? name : email);
	if (db_exec(s) == -1)
		goto fail;
	if (db_fetch(s) == 1)
		id = db_col_int(s, 0);
	if (name != NULL && id > 0 && db_fetch(s) == 1)
		id = -2;
	o = &im->owners[im->nowners++ % ROW_OWNERS];
	free(o->email);
	o->email = key;
	o->id = id;
	return (id);

fail:
	free(key);
	return (-1);
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
	db_close(im->s_owner_name);
	im->s_owner_name = NULL;
}

/*
 * The owner a row names: a user of the workspace by email, else by name
 * ("Ada Park", as Salesforce reports write the owner; any case, inner
 * spaces made one). Else the uploader owns the contact, with a warning.
 */
static int
row_owner(struct import *im, struct rowv *rv)
{
	char		*email = NULL, *others = NULL, *name, *msg;
	long long	 id = 0;

	if (rv->owner_cell == NULL)
		return (0);
	/* Read as an Email cell is: "Ada Park <ada@w.test>" too. */
	if (norm_emails(rv->owner_cell, &email, &others) == 0) {
		id = row_owner_id(im, email, NULL);
		free(email);
		free(others);
	}
	if (id == 0 && (name = norm_name(rv->owner_cell)) != NULL) {
		id = row_owner_id(im, NULL, name);
		free(name);
	}
	if (id == -1)
		return (-1);
	if (id > 0) {
		rv->owner_id = id;
		return (0);
	}
	/* (the code of an unknown owner: an update that keeps owners
	 * drops it, as it does that one) */
	if (id == -2)
		xasprintf(&msg, "\"%s\" is the name of more than one user of "
		    "this workspace (ambiguous); the uploader owns the contact",
		    rv->owner_cell);
	else
		xasprintf(&msg, "\"%s\" is not a user of this workspace; the "
		    "uploader owns the contact", rv->owner_cell);
	row_warn(rv, "unknown_owner", "Contact Owner Email", msg);
	return (0);
}

/* Characters (code points) in UTF-8 s; -1 if it has control characters,
 * which no tag may hold. */
static long
row_chars(const char *s)
{
	const unsigned char	*p;
	long			 n = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return (-1);
		if ((*p & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

/* One name of a Tags cell, taken over: kept unless blank, a repeat (any
 * ASCII case; the database folds the rest), too long, or past the
 * row's limit. */
static void
row_tag(struct rowv *rv, char *t, int *over)
{
	char	*name, *msg;
	long	 n;
	size_t	 i;

	name = norm_name(t);
	free(t);
	if (name == NULL)
		return;
	for (i = 0; i < rv->ntags; i++)
		if (strcasecmp(rv->tags[i], name) == 0) {
			free(name);
			return;
		}
	if ((n = row_chars(name)) == -1 || n > OPTIONS_TAG_MAX) {
		if (n == -1)
			xasprintf(&msg, "A tag holds control characters; it "
			    "was left out");
		else
			xasprintf(&msg, "The tag \"%.40s…\" is longer than %d "
			    "characters; it was left out", name,
			    OPTIONS_TAG_MAX);
		row_warn(rv, "invalid_tag", "Tags", msg);
		free(name);
		return;
	}
	if (rv->ntags == ROW_MAX_TAGS) {
		if (!*over) {
			xasprintf(&msg, "A row adds at most %d tags; the ones "
			    "after the %dth were left out", ROW_MAX_TAGS,
			    ROW_MAX_TAGS);
			row_warn(rv, "too_many_tags", "Tags", msg);
		}
		*over = 1;
		free(name);
		return;
	}
	if (rv->tags == NULL)
		rv->tags = xcalloc(ROW_MAX_TAGS, sizeof *rv->tags);
	rv->tags[rv->ntags++] = name;
}

/*
 * The Tags cell: names separated by ';' or ',', each trimmed. A name in
 * double quotes is taken as it is, separators and all ("" is a quote):
 * Mailchimp writes "VIP","Customer".
 */
static void
row_tags(struct rowv *rv, const char *cell)
{
	struct buf	 t;
	const char	*p = cell;
	int		 over = 0, quoted;

	buf_init(&t, strlen(cell) + 1);
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		quoted = *p == '"';
		if (quoted)
			p++;
		for (; *p != '\0'; p++) {
			if (quoted && *p == '"') {
				if (p[1] != '"') {
					quoted = 0;
					continue;
				}
				p++;
			} else if (!quoted && (*p == ';' || *p == ','))
				break;
			buf_addc(&t, *p);
		}
		row_tag(rv, xstrdup(buf_str(&t)), &over);
		buf_reset(&t);
		if (*p == '\0')
			break;
		p++;
	}
	buf_free(&t);
}

/* Does a Do Not Touch cell say yes? 1, 0 for a no, -1 for neither. The
 * export writes Yes and No; the rest are what people's tools write. */
static int
row_yes(const char *v)
{
	static const char *const yes[] = { "yes", "y", "true", "1", "x",
	    "on", "ja", "oui", "si", "sí", "SÍ", "sim" };
	static const char *const no[] = { "no", "n", "false", "0", "off",
	    "nein", "non", "não", "NÃO", "nao", "-" };
	size_t	i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (strcasecmp(v, yes[i]) == 0)
			return (1);
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		if (strcasecmp(v, no[i]) == 0)
			return (0);
	return (-1);
}

/*
 * A cell's other values (an Email cell's other addresses, a Phone cell's
 * other numbers), as custom data under name: after the row's own cell of
 * that name (in any case), if it has one.
 */
static void
row_other(struct rowv *rv, const char *name, const char *others)
{
	json_object	*o = NULL, *v;
	const char	*key = name;
	char		*s = NULL;

	if (rv->custom != NULL)
		o = json_tokener_parse(rv->custom);
	if (o == NULL)
		o = json_object_new_object();
	json_object_object_foreach(o, k, val) {
		if (strcasecmp(k, name) == 0) {
			key = k;
			if (json_object_is_type(val, json_type_string))
				xasprintf(&s, "%s; %s",
				    json_object_get_string(val), others);
			break;
		}
	}
	v = json_object_new_string(s != NULL ? s : others);
	/* (key may be o's own: the new value replaces it in place) */
	json_object_object_add(o, key, v);
	free(s);
	free(rv->custom);
	rv->custom = xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* Digits in s[0..n). */
static size_t
row_digits(const char *s, size_t n)
{
	size_t	i, d = 0;

	for (i = 0; i < n; i++)
		d += s[i] >= '0' && s[i] <= '9';
	return (d);
}

/*
 * A Phone cell with several numbers ("+7 495 555 0104, +1 555 0150", as
 * Attio and Google write them): cut after the first, in place; the rest
 * (owned), or NULL. Only when every part separated by ',' or ';' has a
 * phone number's 7 digits or more: "555 0100, ext. 12" is one number.
 */
static char *
row_phones(char *cell)
{
	char	*p, *e, *rest;

	for (p = cell; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, ",;");
		if (row_digits(p, e - p) < 7)
			return (NULL);
	}
	if ((p = cell + strcspn(cell, ",;")) == cell + strlen(cell))
		return (NULL);
	*p++ = '\0';
	while (*p == ' ' || *p == ',' || *p == ';')
		p++;
	rest = xstrdup(p);
	for (e = cell + strlen(cell); e > cell && e[-1] == ' '; )
		*--e = '\0';
	return (rest);
}

/*
 * Read a row into rv. Returns 0, or -1 if the database failed (looking up
 * the owner).
 */
int
row_read(struct import *im, struct csvrec *rec, struct rowv *rv)
{
	const char	*v;
	char		*msg, *others = NULL, *phones = NULL;
	int		 col;

	memset(rv, 0, sizeof *rv);
	rv->row = rec->row;
	rv->intent = -1;
	rv->first = (v = row_cell(im, rec, COL_FIRST)) ? norm_name(v) : NULL;
	rv->last = (v = row_cell(im, rec, COL_LAST)) ? norm_name(v) : NULL;
	rv->account = (v = row_cell(im, rec, COL_ACCOUNT)) ? norm_name(v) :
	    NULL;
	rv->domain_cell = row_cell(im, rec, COL_DOMAIN);
	rv->domain_state = norm_domain(rv->domain_cell, &rv->domain);
	v = rv->linkedin_cell = row_cell(im, rec, COL_LINKEDIN);
	if ((rv->linkedin_state = norm_linkedin(v, &rv->linkedin)) == -1) {
		xasprintf(&msg, "The LinkedIn URL is %s; it was left empty",
		    norm_linkedin_why(v));
		row_warn(rv, "invalid_linkedin_url", "Contact LinkedIn URL",
		    msg);
	}

	/* The first address of the cell is Email, the others are kept. */
	if ((v = row_cell(im, rec, COL_EMAIL)) != NULL &&
	    norm_emails(v, &rv->email, &others) == -1) {
		xasprintf(&msg, "\"%s\" is not an email address; Email was "
		    "left empty", v);
		row_warn(rv, "invalid_email", "Email", msg);
	}
	if (others != NULL) {
		xasprintf(&msg, "\"%s\" holds more than one email address: "
		    "%s was taken as Email, the others were kept as custom "
		    "data \"Other emails\"", v, rv->email);
		row_warn(rv, "several_emails", "Email", msg);
	}
	if ((v = row_cell(im, rec, COL_PHONE_INTENT)) != NULL &&
	    norm_intent(v, &rv->intent) != 0) {
		rv->intent = -1;
		xasprintf(&msg, "\"%s\" is not a whole number from 0 to 100; "
		    "Phone Intent Score was left empty", v);
		row_warn(rv, "invalid_intent_score", "Phone Intent Score", msg);
	}
	if ((rv->phone = row_cell(im, rec, COL_PHONE)) != NULL &&
	    (phones = row_phones((char *)rv->phone)) != NULL) {
		xasprintf(&msg, "The Phone cell holds more than one number: "
		    "%s was taken as Phone, the others were kept as custom "
		    "data \"%s\"", rv->phone, ROW_OTHER_PHONES);
		row_warn(rv, "several_phones", "Phone", msg);
	}
	/* the columns taken as written (lib.h's COLUMNS_TABLE) */
	for (col = 0; col < COL__MAX; col++)
		if (columns_get(col)->read == COLUMNS_READ_CELL)
			rv->cell[col] = row_cell(im, rec, col);
	rv->owner_cell = row_cell(im, rec, COL_OWNER);
	rv->custom = row_custom(im, rec);
	if (others != NULL) {
		row_other(rv, ROW_OTHER_EMAILS, others);
		free(others);
	}
	if (phones != NULL) {
		row_other(rv, ROW_OTHER_PHONES, phones);
		free(phones);
	}
	if ((v = row_cell(im, rec, COL_TAGS)) != NULL)
		row_tags(rv, v);
	/* A file sets the flag, and never clears it. */
	if ((v = row_cell(im, rec, COL_DNT)) != NULL &&
	    (rv->dnt = row_yes(v)) == -1) {
		rv->dnt = 0;
		xasprintf(&msg, "\"%s\" is neither yes nor no; Do Not Touch "
		    "was left as it was", v);
		row_warn(rv, "invalid_dnt", "Do Not Touch", msg);
	}
	return (row_owner(im, rv));
}

/* Record the row's held warnings: it was imported after all. */
int
row_warnings(struct import *im, struct rowv *rv)
{
	size_t	i;

	for (i = 0; i < rv->nwarn; i++)
		if (outcome_add(im, rv->row, "warning", rv->warn[i].code,
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
	for (i = 0; i < rv->ntags; i++)
		free(rv->tags[i]);
	free(rv->tags);
	for (i = 0; i < rv->nwarn; i++)
		free(rv->warn[i].message);
	memset(rv, 0, sizeof *rv);
}
