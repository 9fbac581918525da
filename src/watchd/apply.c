/*
 * Applying a row's decision (decide.c): the contact written (contact.c),
 * the outcome recorded (outcome.c), the row's warnings and what follows a
 * write (tags, flag), and the counters.
 */
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

/* A review's created row, naming whom the import would create (its grid
 * shows and searches it: the contact exists in the review only). */
static int
apply_review_created(struct import *im, const struct rowv *rv,
    const char *code, const char *what, const char *contact, const char *key)
{
	const char	*f = rv->first ? rv->first : "";
	const char	*l = rv->last ? rv->last : "";
	const char	*at = rv->email ? rv->email : rv->linkedin;
	char		*msg;
	int		 r;

	if (at != NULL)
		xasprintf(&msg, "%s: %s%s%s%s<%s>", what, f, *f && *l ? " " : "",
		    l, *f || *l ? " " : "", at);
	else
		xasprintf(&msg, "%s: %s%s%s", what, f, *f && *l ? " " : "", l);
	r = outcome_add(im, rv->row, "created", code, msg, NULL, contact, key);
	free(msg);
	return (r);
}

/* Create a contact from the row, and what follows. */
static int
apply_create(struct import *im, struct rowv *rv)
{
	char		 pubid[INTAKE_ID_MAX];
	long long	 id;

	if ((id = contact_create(im, rv, pubid)) == -1)
		return (-1);
	if (id == 0)
		return (outcome_failed(im, rv->row));
	im->st.created++;
	/* an import's new contacts say so themselves (created_by_import) */
	if (im->review && apply_review_created(im, rv, "created",
	    "A new contact", pubid, NULL) == -1)
		return (-1);
	if (row_warnings(im, rv) == -1)
		return (-1);
	return (contact_after(im, rv, 0, pubid, 0));
}

/* Held warnings that do not apply: the owner is not changed. */
static void
apply_drop_owner_warnings(struct rowv *rv)
{
	size_t	i, j;

	for (i = j = 0; i < rv->nwarn; i++) {
		if (strcmp(rv->warn[i].code, "unknown_owner") == 0) {
			free(rv->warn[i].message);
			continue;
		}
		rv->warn[j++] = rv->warn[i];
	}
	rv->nwarn = j;
}

/* Update the one contact the row matched, and what follows. */
static int
apply_update(struct import *im, const struct decide_opts *o,
    struct rowv *rv, struct decision *d)
{
	struct change_state	before, after;
	int			r, flagged;

	if (d->drop_owner_warnings)
		apply_drop_owner_warnings(rv);
	memset(&before, 0, sizeof before);
	memset(&after, 0, sizeof after);
	if (d->action == DECIDE_UNCHANGED)
		r = 2;
	else if ((change_wanted(im) &&
	    change_state(im, d->target, &before) == -1) ||
	    (r = contact_update(im, rv, d->target, d->owner)) == -1) {
		change_state_clear(&before);
		return (-1);
	}
	/* What it changed, each field before and after (change.c); the
	 * row's own flag is set beside the update (contact_after). */
	flagged = rv->dnt && !d->target_dnt && !im->m.dnt;
	if (change_wanted(im) && (r == 1 || flagged)) {
		if (r != 1 && change_state(im, d->target, &before) == -1)
			r = -1;
		else if (change_state(im, d->target, &after) == -1 ||
		    change_record(im, rv->row, d->contact, &before, &after,
		    flagged) == -1)
			r = -1;
		change_state_clear(&after);
		if (r == -1) {
			change_state_clear(&before);
			return (-1);
		}
	}
	change_state_clear(&before);
	if (r == 0)
		return (outcome_failed(im, rv->row));
	if (r == 1)
		snap_touch(im, d->target);
	/* A row whose values are the contact's already is unchanged, not
	 * updated: its contact, Updated At included, is as it was. */
	decide_written(o, d, r == 1);
	if (r == 1)
		im->st.updated++;
	else
		im->st.unchanged++;
	if (outcome_add(im, rv->row, d->code, d->code, d->message, NULL,
	    d->contact, d->key) == -1 || row_warnings(im, rv) == -1)
		return (-1);
	return (contact_after(im, rv, d->target, NULL, d->target_dnt));
}

/* A contact created from the identified one, overlaid with the row. */
static int
apply_duplicate(struct import *im, struct rowv *rv, struct decision *d)
{
	char		 pubid[INTAKE_ID_MAX];
	long long	 id;

	if ((id = contact_duplicate(im, rv, d->target, pubid)) == -1)
		return (-1);
	if (id == 0)
		return (outcome_failed(im, rv->row));
	im->st.created++;
	if (im->review && apply_review_created(im, rv, "duplicate",
	    "A new contact, a duplicate of the one matched", d->contact,
	    d->key) == -1)
		return (-1);
	if (row_warnings(im, rv) == -1)
		return (-1);
	return (contact_after(im, rv, 0, pubid, d->target_dnt));
}

/*
 * Apply d to the batch's row br. 0 when the row has its outcome
 * (created, updated, unchanged, skipped or failed), -1 when the database
 * failed under it.
 */
int
apply_row(struct import *im, const struct decide_opts *o,
    struct batchrow *br, struct decision *d)
{
	switch (d->action) {
	case DECIDE_SKIP:
		if (d->enrich_failed)
			im->st.enrich_failed++;
		return (outcome_skip(im, br->rvok ? br->rv.row : br->rec.row,
		    d->code, d->message, d->contact, d->key));
	case DECIDE_CREATE:
		return (apply_create(im, &br->rv));
	case DECIDE_UPDATE:
	case DECIDE_UNCHANGED:
		return (apply_update(im, o, &br->rv, d));
	case DECIDE_DUPLICATE:
		return (apply_duplicate(im, &br->rv, d));
	}
	return (-1);
}
