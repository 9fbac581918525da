/*
 * A row's decision: what becomes of it (created, updated, a duplicate
 * made, skipped and why), from its record (decide_record), the row as
 * read, the contacts it matched and the import's options. Pure: no database, no struct import, so that
 * every outcome can be told by a table test (tests/unit/test_decide.c).
 * Applying it is apply.c's; asking for the match, batch.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

#define DECIDE_ROW_MAX		(8 << 20)	/* bytes of cells in a row */

/* A matching key, in the words of a message. */
static const char *
decide_key_words(const struct decide_opts *o, const char *key)
{
	if (strcmp(key, "linkedin") == 0)
		return ("LinkedIn URL");
	if (strcmp(key, "email") == 0)
		return ("email");
	if (strcmp(key, "id") == 0)
		return (o->id_header);
	return ("first name, last name and domain");
}

static void
decide_skip(struct decision *d, const char *code, char *message,
    const char *contact, const char *key)
{
	d->action = DECIDE_SKIP;
	d->code = code;
	d->message = message;		/* given */
	d->contact = contact;
	d->key = key;
}

/* Why a row cannot be created: the columns it lacks, named. */
static void
decide_identity(const struct decide_opts *o, const struct rowv *rv,
    struct decision *d)
{
	const char	*have[4] = { rv->first, rv->last, rv->account,
	    rv->domain };
	static const int cols[4] = { COL_FIRST, COL_LAST, COL_ACCOUNT,
	    COL_DOMAIN };
	struct buf	 missing;
	char		*msg;
	size_t		 i;

	if (rv->domain_state == -1 && rv->linkedin == NULL) {
		xasprintf(&msg, "\"%s\" is not a domain", rv->domain_cell);
		decide_skip(d, "invalid_domain", msg, NULL, NULL);
		return;
	}
	if (rv->linkedin != NULL) {
		decide_skip(d, "enrichment_unavailable", xstrdup("Only a "
		    "LinkedIn URL identifies this contact, and no enrichment "
		    "provider is configured to look it up"), NULL, NULL);
		return;
	}
	buf_init(&missing, 1024);
	for (i = 0; i < 4; i++) {
		const char *n = columns_name(cols[i], o->id_header);

		if (have[i] != NULL)
			continue;
		if (missing.len > 0)
			buf_add(&missing, ", ", 2);
		buf_add(&missing, n, strlen(n));
	}
	if (rv->linkedin_state == -1) {
		xasprintf(&msg, "The LinkedIn URL is %s, and %s %s missing",
		    norm_linkedin_why(rv->linkedin_cell), buf_str(&missing),
		    strchr(buf_str(&missing), ',') ? "are" : "is");
		decide_skip(d, "invalid_linkedin_url", msg, NULL, NULL);
	} else {
		xasprintf(&msg, "Missing %s (or a Contact LinkedIn URL)",
		    buf_str(&missing));
		decide_skip(d, "missing_required", msg, NULL, NULL);
	}
	buf_free(&missing);
}

/* Update the one contact matched; unchanged if the snapshot says the
 * update would change nothing. */
static void
decide_update(const struct decide_opts *o, const struct decide_row *in,
    const struct match *m, struct decision *d)
{
	d->action = in->same ? DECIDE_UNCHANGED : DECIDE_UPDATE;
	d->target = m->id[0];
	d->target_dnt = m->dnt[0];
	d->contact = m->pub[0];
	d->key = m->key;
	/* Owners are changed only when asked; else an unknown owner is
	 * nothing to warn about. */
	if (o->override_owners)
		d->owner = in->rv->owner_id > 0 ? in->rv->owner_id :
		    o->uploader_id;
	else
		d->drop_owner_warnings = 1;
}

/* Several match (namesakes, and the row has no email to tell them
 * apart): skip leaves them alone, update cannot guess. */
static void
decide_ambiguous(const struct decide_opts *o, const struct match *m,
    struct decision *d)
{
	struct buf	 ids;
	char		*msg;
	size_t		 i;

	buf_init(&ids, 1024);
	for (i = 0; i < m->n && i < MATCH_MAX; i++) {
		if (i > 0)
			buf_add(&ids, ", ", 2);
		buf_add(&ids, m->pub[i], strlen(m->pub[i]));
	}
	xasprintf(&msg, "More than one existing contact matches by %s "
	    "(%s%s); %s", decide_key_words(o, m->key), buf_str(&ids),
	    m->n > MATCH_MAX ? ", ..." : "", o->on_existing ==
	    EXISTING_SKIP ? "the row was not imported" : "none was updated");
	buf_free(&ids);
	decide_skip(d, o->on_existing == EXISTING_SKIP ? "exists" :
	    "ambiguous_match", msg, NULL, m->key);
}

/* Update with CSV: the row names its contact by the id column, in this
 * workspace only. */
static void
decide_by_id(const struct decide_opts *o, const struct decide_row *in,
    const struct match *m, struct decision *d)
{
	char	*msg;

	if (in->id == NULL) {
		xasprintf(&msg, "This row has no %s, so it cannot be matched "
		    "to a contact", o->id_header);
		decide_skip(d, "missing_id", msg, NULL, NULL);
		return;
	}
	if (m == NULL || m->n == 0) {
		xasprintf(&msg, "No contact of this workspace has the %s "
		    "\"%.40s\"", o->id_header, in->id);
		decide_skip(d, "unknown_id", msg, NULL, NULL);
		return;
	}
	switch (o->on_existing) {
	case EXISTING_SKIP:
		xasprintf(&msg, "%s exists and was left unchanged", m->pub[0]);
		decide_skip(d, "exists", msg, m->pub[0], m->key);
		return;
	case EXISTING_DUPLICATE:
		d->action = DECIDE_DUPLICATE;
		d->target = m->id[0];
		d->target_dnt = m->dnt[0];
		return;
	case EXISTING_UPDATE:
		break;
	}
	decide_update(o, in, m, d);
}

/*
 * Whether a record cannot be read as a row at all (ncols: the header's;
 * max_field: conf.max_field): 1, with *code and *msg (owned) why; else 0.
 */
int
decide_record(const struct csvrec *rec, size_t ncols, unsigned max_field,
    const char **code, char **msg)
{
	size_t	i, total;

	if (rec->flags & CSVREC_NUL) {
		*code = "nul_byte";
		*msg = xstrdup("This row has a NUL byte: it is not text");
		return (1);
	}
	if (rec->flags & CSVREC_TOOLARGE) {
		*code = "field_too_large";
		xasprintf(msg, "A cell of this row is larger than %u bytes",
		    max_field);
		return (1);
	}
	for (i = total = 0; i < rec->nfields; i++)
		total += rec->lens[i];
	if (total > DECIDE_ROW_MAX) {
		/* One statement carries a row: it must fit the server's
		 * packet limit (16 MB), or the import could never pass it. */
		*code = "row_too_large";
		xasprintf(msg, "This row holds more than %d MB",
		    DECIDE_ROW_MAX >> 20);
		return (1);
	}
	if (rec->flags & CSVREC_TOOWIDE || rec->nfields != ncols) {
		*code = "wrong_field_count";
		xasprintf(msg, "This row has %s%zu fields but the header has "
		    "%zu columns", rec->flags & CSVREC_TOOWIDE ? "more than " :
		    "", rec->nfields, ncols);
		return (1);
	}
	return (0);
}

/* Which contacts a row must be matched to before it is decided. */
enum decide_match
decide_match(const struct decide_opts *o, const struct decide_row *in)
{
	if (in->rv == NULL)
		return (DECIDE_MATCH_NONE);
	if (o->flow == FLOW_UPDATE)
		return (in->id == NULL ? DECIDE_MATCH_NONE : DECIDE_MATCH_ID);
	/* A duplicate is made of no contact: the row is just created. */
	if (o->on_existing == EXISTING_DUPLICATE)
		return (DECIDE_MATCH_NONE);
	return (DECIDE_MATCH_KEYS);
}

/*
 * Decide a row: in, and m (what decide_match asked for; NULL if it asked
 * for nothing). d is the caller's, cleared by decision_clear.
 */
void
decide_row(const struct decide_opts *o, const struct decide_row *in,
    const struct match *m, struct decision *d)
{
	const struct rowv	*rv = in->rv;
	char			*msg;

	memset(d, 0, sizeof *d);
	if (rv == NULL) {
		decide_skip(d, in->skip_code, in->skip_msg != NULL ?
		    xstrdup(in->skip_msg) : NULL, NULL,
		    NULL);
		d->enrich_failed = strcmp(in->skip_code,
		    "enrichment_failed") == 0;
		return;
	}
	if (o->flow == FLOW_UPDATE) {
		decide_by_id(o, in, m, d);
		return;
	}
	if (m == NULL || m->n == 0) {
		if (rv->first == NULL || rv->last == NULL ||
		    rv->account == NULL || rv->domain == NULL)
			decide_identity(o, rv, d);
		else
			d->action = DECIDE_CREATE;
		return;
	}
	if (o->on_existing == EXISTING_SKIP && m->n == 1) {
		xasprintf(&msg, "This contact already exists as %s (matched by "
		    "%s); it was left unchanged", m->pub[0],
		    decide_key_words(o, m->key));
		decide_skip(d, "exists", msg, m->pub[0], m->key);
		return;
	}
	if (m->n > 1) {
		decide_ambiguous(o, m, d);
		return;
	}
	decide_update(o, in, m, d);
	/* The rows after it cannot trust the snapshot if the contact's keys
	 * may have moved. */
	d->stale = !in->trusted;
}

/* An update written: changed, or its values were the contact's already.
 * The outcome's code and message. */
void
decide_written(const struct decide_opts *o, struct decision *d, int changed)
{
	d->action = changed ? DECIDE_UPDATE : DECIDE_UNCHANGED;
	d->code = changed ? "updated" : "unchanged";
	free(d->message);
	xasprintf(&d->message, changed ? "Updated %s, matched by %s" :
	    "Nothing to change on %s, matched by %s", d->contact,
	    decide_key_words(o, d->key));
}

void
decide_clear(struct decision *d)
{
	free(d->message);
	memset(d, 0, sizeof *d);
}
