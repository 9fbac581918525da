/* A row's decision (decide.c), as a table: the import's options, the row
 * as read (or why its record is not one: test_record), what it matched; the match it asks for, what is done, the
 * outcome's code and message. Every outcome code decide.c writes and
 * every policy: flow create/update x on_existing skip/update/duplicate x
 * matched or not, by which key, one or several; identity missing;
 * unchanged; owners overridden or not. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

/* The rows. */
enum rowkind {
	R_UNREAD,	/* not read: nul_byte */
	R_ENRICH,	/* not read: enrichment_failed */
	R_FULL,		/* first, last, account, domain */
	R_OWNER,	/* R_FULL, naming owner 42 */
	R_NOFIRST,
	R_NONAME,	/* no first, no last */
	R_BADDOMAIN,	/* "nope" is not a domain, no LinkedIn URL */
	R_LIONLY,	/* only a LinkedIn URL */
	R_BADLI		/* a bad LinkedIn URL, no first name */
};

/* The matches. */
enum matchkind {
	M_NULL,		/* none asked for */
	M_ZERO,		/* asked, none found */
	M_LI,		/* one, by LinkedIn URL */
	M_EMAIL,	/* one, by email */
	M_NAME,		/* one, by name at the domain */
	M_ID,		/* one, by id */
	M_TWO,		/* two namesakes */
	M_MANY		/* more than MATCH_MAX */
};

#define C	FLOW_CREATE
#define U	FLOW_UPDATE
#define SKIP	EXISTING_SKIP
#define UPD	EXISTING_UPDATE
#define DUP	EXISTING_DUPLICATE

struct dcase {
	const char		*name;
	enum flow		 flow;
	enum on_existing	 existing;
	int			 override;
	enum rowkind		 row;
	const char		*id;		/* the id cell */
	int			 same;
	int			 trusted;
	enum matchkind		 match;
	enum decide_match	 want;		/* expected */
	enum decide_action	 action;
	const char		*code;
	const char		*msg;		/* NULL: none */
	const char		*contact;
	const char		*key;
	long long		 owner;
	int			 stale;
};

static const struct dcase cases[] = {
	/* Not read: skipped as the reader said, whatever the options. */
	{ "unread", C, UPD, 0, R_UNREAD, NULL, 0, 0, M_NULL,
	  DECIDE_MATCH_NONE, DECIDE_SKIP, "nul_byte", "a NUL byte",
	  NULL, NULL, 0, 0 },
	{ "unread/update", U, UPD, 0, R_UNREAD, "C-1", 0, 0, M_NULL,
	  DECIDE_MATCH_NONE, DECIDE_SKIP, "nul_byte", "a NUL byte",
	  NULL, NULL, 0, 0 },
	{ "enrichment failed", C, SKIP, 0, R_ENRICH, NULL, 0, 0, M_NULL,
	  DECIDE_MATCH_NONE, DECIDE_SKIP, "enrichment_failed", "timed out",
	  NULL, NULL, 0, 0 },

	/* Create: no match, created if identified. */
	{ "new", C, SKIP, 0, R_FULL, NULL, 0, 0, M_ZERO,
	  DECIDE_MATCH_KEYS, DECIDE_CREATE, NULL, NULL, NULL, NULL, 0, 0 },
	{ "new/update", C, UPD, 0, R_FULL, NULL, 0, 0, M_ZERO,
	  DECIDE_MATCH_KEYS, DECIDE_CREATE, NULL, NULL, NULL, NULL, 0, 0 },
	{ "duplicate: never matched", C, DUP, 0, R_FULL, NULL, 0, 0, M_NULL,
	  DECIDE_MATCH_NONE, DECIDE_CREATE, NULL, NULL, NULL, NULL, 0, 0 },
	{ "missing first", C, SKIP, 0, R_NOFIRST, NULL, 0, 0, M_ZERO,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "missing_required",
	  "Missing First name (or a Contact LinkedIn URL)", NULL, NULL, 0,
	  0 },
	{ "missing names", C, UPD, 0, R_NONAME, NULL, 0, 0, M_ZERO,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "missing_required",
	  "Missing First name, Last name (or a Contact LinkedIn URL)", NULL,
	  NULL, 0, 0 },
	{ "missing, duplicate", C, DUP, 0, R_NOFIRST, NULL, 0, 0, M_NULL,
	  DECIDE_MATCH_NONE, DECIDE_SKIP, "missing_required",
	  "Missing First name (or a Contact LinkedIn URL)", NULL, NULL, 0,
	  0 },
	{ "invalid domain", C, SKIP, 0, R_BADDOMAIN, NULL, 0, 0, M_ZERO,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "invalid_domain",
	  "\"nope\" is not a domain", NULL, NULL, 0, 0 },
	{ "LinkedIn only", C, SKIP, 0, R_LIONLY, NULL, 0, 0, M_ZERO,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "enrichment_unavailable",
	  "Only a LinkedIn URL identifies this contact, and no enrichment "
	  "provider is configured to look it up", NULL, NULL, 0, 0 },
	{ "invalid LinkedIn URL", C, UPD, 0, R_BADLI, NULL, 0, 0, M_ZERO,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "invalid_linkedin_url",
	  "The LinkedIn URL is not a profile URL (linkedin.com/in/...), and "
	  "First name is missing", NULL, NULL, 0, 0 },

	/* Create, matched once: skip leaves it, update updates it. */
	{ "exists by LinkedIn", C, SKIP, 0, R_FULL, NULL, 0, 0, M_LI,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "exists",
	  "This contact already exists as C-1 (matched by LinkedIn URL); "
	  "it was left unchanged", "C-1", "linkedin", 0, 0 },
	{ "exists by email", C, SKIP, 0, R_FULL, NULL, 0, 0, M_EMAIL,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "exists",
	  "This contact already exists as C-1 (matched by email); it was "
	  "left unchanged", "C-1", "email", 0, 0 },
	{ "exists by name", C, SKIP, 0, R_NOFIRST, NULL, 0, 0, M_NAME,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "exists",
	  "This contact already exists as C-1 (matched by first name, last "
	  "name and domain); it was left unchanged", "C-1", "name", 0, 0 },
	{ "update by email", C, UPD, 0, R_FULL, NULL, 0, 1, M_EMAIL,
	  DECIDE_MATCH_KEYS, DECIDE_UPDATE, NULL, NULL, "C-1", "email", 0,
	  0 },
	{ "update, identity missing", C, UPD, 0, R_NOFIRST, NULL, 0, 1,
	  M_LI, DECIDE_MATCH_KEYS, DECIDE_UPDATE, NULL, NULL, "C-1",
	  "linkedin", 0, 0 },
	{ "update, matched one by one", C, UPD, 0, R_FULL, NULL, 0, 0,
	  M_NAME, DECIDE_MATCH_KEYS, DECIDE_UPDATE, NULL, NULL, "C-1",
	  "name", 0, 1 },
	{ "unchanged", C, UPD, 0, R_FULL, NULL, 1, 1, M_EMAIL,
	  DECIDE_MATCH_KEYS, DECIDE_UNCHANGED, NULL, NULL, "C-1", "email",
	  0, 0 },
	{ "override: the row's owner", C, UPD, 1, R_OWNER, NULL, 0, 1,
	  M_EMAIL, DECIDE_MATCH_KEYS, DECIDE_UPDATE, NULL, NULL, "C-1",
	  "email", 42, 0 },
	{ "override: the uploader", C, UPD, 1, R_FULL, NULL, 0, 1, M_EMAIL,
	  DECIDE_MATCH_KEYS, DECIDE_UPDATE, NULL, NULL, "C-1", "email", 7,
	  0 },
	{ "no override: owner kept", C, UPD, 0, R_OWNER, NULL, 0, 1,
	  M_EMAIL, DECIDE_MATCH_KEYS, DECIDE_UPDATE, NULL, NULL, "C-1",
	  "email", 0, 0 },

	/* Create, matched several times. */
	{ "namesakes, skip", C, SKIP, 0, R_FULL, NULL, 0, 0, M_TWO,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "exists",
	  "More than one existing contact matches by first name, last name "
	  "and domain (C-1, C-2); the row was not imported", NULL, "name",
	  0, 0 },
	{ "namesakes, update", C, UPD, 0, R_FULL, NULL, 0, 0, M_TWO,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "ambiguous_match",
	  "More than one existing contact matches by first name, last name "
	  "and domain (C-1, C-2); none was updated", NULL, "name", 0, 0 },
	{ "many, update", C, UPD, 0, R_FULL, NULL, 0, 0, M_MANY,
	  DECIDE_MATCH_KEYS, DECIDE_SKIP, "ambiguous_match",
	  "More than one existing contact matches by email (C-1, C-2, C-3, "
	  "C-4, C-5, C-6, C-7, C-8, C-9, C-10, ...); none was updated", NULL,
	  "email", 0, 0 },

	/* Update with CSV: by the id column. */
	{ "no id", U, UPD, 0, R_FULL, NULL, 0, 0, M_NULL,
	  DECIDE_MATCH_NONE, DECIDE_SKIP, "missing_id",
	  "This row has no EG-CON-ID, so it cannot be matched to a contact",
	  NULL, NULL, 0, 0 },
	{ "unknown id", U, UPD, 0, R_FULL, "C-404", 0, 0, M_ZERO,
	  DECIDE_MATCH_ID, DECIDE_SKIP, "unknown_id",
	  "No contact of this workspace has the EG-CON-ID \"C-404\"", NULL,
	  NULL, 0, 0 },
	{ "unknown long id", U, SKIP, 0, R_FULL,
	  "C-0123456789012345678901234567890123456789XYZ", 0, 0, M_ZERO,
	  DECIDE_MATCH_ID, DECIDE_SKIP, "unknown_id",
	  "No contact of this workspace has the EG-CON-ID "
	  "\"C-01234567890123456789012345678901234567\"", NULL, NULL, 0, 0 },
	{ "id exists, skip", U, SKIP, 0, R_FULL, "C-1", 0, 0, M_ID,
	  DECIDE_MATCH_ID, DECIDE_SKIP, "exists",
	  "C-1 exists and was left unchanged", "C-1", "id", 0, 0 },
	{ "id, duplicate", U, DUP, 0, R_FULL, "C-1", 0, 0, M_ID,
	  DECIDE_MATCH_ID, DECIDE_DUPLICATE, NULL, NULL, NULL, NULL, 0, 0 },
	{ "id, update", U, UPD, 0, R_NONAME, "C-1", 0, 0, M_ID,
	  DECIDE_MATCH_ID, DECIDE_UPDATE, NULL, NULL, "C-1", "id", 0, 0 },
	{ "id, unchanged", U, UPD, 0, R_FULL, "C-1", 1, 0, M_ID,
	  DECIDE_MATCH_ID, DECIDE_UNCHANGED, NULL, NULL, "C-1", "id", 0, 0 },
	{ "id, override", U, UPD, 1, R_FULL, "C-1", 0, 0, M_ID,
	  DECIDE_MATCH_ID, DECIDE_UPDATE, NULL, NULL, "C-1", "id", 7, 0 },
};

static void
row_of(enum rowkind k, struct rowv *rv)
{
	memset(rv, 0, sizeof *rv);
	rv->row = 2;
	rv->intent = -1;
	rv->first = "Ada";
	rv->last = "Lovelace";
	rv->account = "Analytical";
	rv->domain = "example.com";
	switch (k) {
	case R_OWNER:
		rv->owner_id = 42;
		break;
	case R_NOFIRST:
		rv->first = NULL;
		break;
	case R_NONAME:
		rv->first = rv->last = NULL;
		break;
	case R_BADDOMAIN:
		rv->domain = NULL;
		rv->domain_state = -1;
		rv->domain_cell = "nope";
		break;
	case R_LIONLY:
		rv->first = rv->last = rv->account = rv->domain = NULL;
		rv->linkedin = "https://www.linkedin.com/in/ada";
		break;
	case R_BADLI:
		rv->first = NULL;
		rv->linkedin_state = -1;
		rv->linkedin_cell = "example.com/ada";
		break;
	default:
		break;
	}
}

static void
match_of(enum matchkind k, struct match *m)
{
	static const char *keys[] = { NULL, NULL, "linkedin", "email",
	    "name", "id", "name", "email" };
	size_t	i;

	memset(m, 0, sizeof *m);
	m->key = keys[k];
	m->n = k == M_NULL || k == M_ZERO ? 0 : k == M_TWO ? 2 :
	    k == M_MANY ? MATCH_MAX + 1 : 1;
	for (i = 0; i < m->n; i++) {
		m->id[i] = 100 + i;
		snprintf(m->pub[i], sizeof m->pub[i], "C-%zu", i + 1);
		m->dnt[i] = i == 0;
	}
}

static void
opts_of(const struct dcase *c, struct decide_opts *o)
{
	memset(o, 0, sizeof *o);
	o->flow = c->flow;
	o->on_existing = c->existing;
	o->override_owners = c->override;
	o->uploader_id = 7;
	o->id_header = "EG-CON-ID";
}

static void
decide_case(const struct dcase *c, struct decision *d)
{
	struct decide_opts	 o;
	struct decide_row	 in;
	struct rowv		 rv;
	struct match		 m;

	opts_of(c, &o);
	row_of(c->row, &rv);
	match_of(c->match, &m);
	memset(&in, 0, sizeof in);
	if (c->row == R_UNREAD) {
		in.skip_code = "nul_byte";
		in.skip_msg = "a NUL byte";
	} else if (c->row == R_ENRICH) {
		in.skip_code = "enrichment_failed";
		in.skip_msg = "timed out";
	} else
		in.rv = &rv;
	in.id = c->id;
	in.same = c->same;
	in.trusted = c->trusted;
	if (decide_match(&o, &in) != c->want)
		fail_msg("%s: asks for match %d, not %d", c->name,
		    decide_match(&o, &in), c->want);
	decide_row(&o, &in, c->match == M_NULL ? NULL : &m, d);
	/* the contact and key are borrowed from m: compare them now */
	if (c->contact == NULL ? d->contact != NULL : d->contact == NULL ||
	    strcmp(d->contact, c->contact) != 0)
		fail_msg("%s: contact %s, not %s", c->name,
		    d->contact ? d->contact : "(none)",
		    c->contact ? c->contact : "(none)");
	if (c->key == NULL ? d->key != NULL : d->key == NULL ||
	    strcmp(d->key, c->key) != 0)
		fail_msg("%s: key %s, not %s", c->name,
		    d->key ? d->key : "(none)", c->key ? c->key : "(none)");
	if (d->action == DECIDE_UPDATE || d->action == DECIDE_UNCHANGED ||
	    d->action == DECIDE_DUPLICATE) {
		if (d->target != m.id[0] || d->target_dnt != m.dnt[0])
			fail_msg("%s: target %lld", c->name, d->target);
	}
	d->contact = d->key = NULL;
}

static void
test_table(void **state)
{
	struct decision	 d;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const struct dcase *c = &cases[i];

		decide_case(c, &d);
		if (d.action != c->action)
			fail_msg("%s: action %d, not %d", c->name, d.action,
			    c->action);
		if (c->code == NULL ? d.code != NULL : d.code == NULL ||
		    strcmp(d.code, c->code) != 0)
			fail_msg("%s: code %s, not %s", c->name,
			    d.code ? d.code : "(none)",
			    c->code ? c->code : "(none)");
		if (c->msg == NULL ? d.message != NULL : d.message == NULL ||
		    strcmp(d.message, c->msg) != 0)
			fail_msg("%s: message \"%s\",\n not \"%s\"", c->name,
			    d.message ? d.message : "(none)",
			    c->msg ? c->msg : "(none)");
		if (d.owner != c->owner)
			fail_msg("%s: owner %lld, not %lld", c->name, d.owner,
			    c->owner);
		if (d.drop_owner_warnings != ((d.action == DECIDE_UPDATE ||
		    d.action == DECIDE_UNCHANGED) && !c->override))
			fail_msg("%s: owner warnings", c->name);
		if (d.stale != c->stale)
			fail_msg("%s: stale %d, not %d", c->name, d.stale,
			    c->stale);
		if (d.enrich_failed != (c->row == R_ENRICH))
			fail_msg("%s: enrich_failed %d", c->name,
			    d.enrich_failed);
		decide_clear(&d);
	}
}

/* An update written: updated, or nothing changed; by each key. */
static void
test_written(void **state)
{
	static const struct {
		const char	*key;
		int		 changed;
		const char	*code;
		const char	*msg;
	} w[] = {
		{ "email", 1, "updated", "Updated C-1, matched by email" },
		{ "linkedin", 0, "unchanged",
		  "Nothing to change on C-1, matched by LinkedIn URL" },
		{ "name", 1, "updated", "Updated C-1, matched by first name, "
		  "last name and domain" },
		{ "id", 0, "unchanged",
		  "Nothing to change on C-1, matched by EG-CON-ID" },
	};
	struct decide_opts	 o;
	struct decision		 d;
	size_t			 i;

	(void)state;
	memset(&o, 0, sizeof o);
	o.id_header = "EG-CON-ID";
	for (i = 0; i < sizeof w / sizeof w[0]; i++) {
		memset(&d, 0, sizeof d);
		d.action = DECIDE_UPDATE;
		d.contact = "C-1";
		d.key = w[i].key;
		decide_written(&o, &d, w[i].changed);
		assert_string_equal(d.code, w[i].code);
		assert_string_equal(d.message, w[i].msg);
		assert_int_equal(d.action, w[i].changed ? DECIDE_UPDATE :
		    DECIDE_UNCHANGED);
		decide_clear(&d);
	}
}

/* A record that cannot be a row: each reason, in the order they are
 * told. */
static void
test_record(void **state)
{
	static const struct {
		int		 flags;
		size_t		 nfields;
		size_t		 len;		/* of each field */
		const char	*code;		/* NULL: a row */
		const char	*msg;
	} r[] = {
		{ 0, 3, 5, NULL, NULL },
		{ CSVREC_NUL | CSVREC_TOOLARGE, 3, 5, "nul_byte",
		  "This row has a NUL byte: it is not text" },
		{ CSVREC_TOOLARGE | CSVREC_TOOWIDE, 3, 5, "field_too_large",
		  "A cell of this row is larger than 1000 bytes" },
		{ 0, 3, 3 << 20, "row_too_large",
		  "This row holds more than 8 MB" },
		{ 0, 3, (8 << 20) / 3, NULL, NULL },
		{ 0, 2, 5, "wrong_field_count",
		  "This row has 2 fields but the header has 3 columns" },
		{ CSVREC_TOOWIDE, 3, 5, "wrong_field_count",
		  "This row has more than 3 fields but the header has 3 "
		  "columns" },
	};
	struct csvrec	 rec;
	size_t		 lens[3];
	const char	*code;
	char		*msg;
	size_t		 i, f;

	(void)state;
	for (i = 0; i < sizeof r / sizeof r[0]; i++) {
		memset(&rec, 0, sizeof rec);
		rec.flags = r[i].flags;
		rec.nfields = r[i].nfields;
		for (f = 0; f < 3; f++)
			lens[f] = r[i].len;
		rec.lens = lens;
		code = NULL;
		msg = NULL;
		assert_int_equal(decide_record(&rec, 3, 1000, &code, &msg),
		    r[i].code != NULL);
		if (r[i].code == NULL) {
			assert_null(msg);
			continue;
		}
		assert_string_equal(code, r[i].code);
		assert_string_equal(msg, r[i].msg);
		free(msg);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_written),
		cmocka_unit_test(test_record),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
