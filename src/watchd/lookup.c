/*
 * Profiles for a batch: which rows of the create flow are identified only
 * by a LinkedIn URL, what the cache already knows, and the provider for the
 * rest, before the batch's transaction begins (enrichment never holds a
 * transaction open). Each answer is cached as soon as it arrives, so a
 * resumed import asks nothing twice. Then, row by row, the profile fills
 * the values the file left empty: the file always wins.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "watchd.h"

struct lookup {
	struct import		*im;
	struct enrich_req	*reqs;
	size_t			 nreqs;
	size_t			 pending;
};

/* Whether a row is identified only by a valid LinkedIn URL; *url gets the
 * normalised URL. */
static int
lookup_needs(struct import *im, struct csvrec *rec, char **url)
{
	static const int	 cols[4] = { COL_FIRST, COL_LAST, COL_ACCOUNT,
	    COL_DOMAIN };
	const char		*v;
	char			*d = NULL;
	size_t			 i;
	int			 complete = 1;

	*url = NULL;
	if (rec->nfields != im->cm.ncols || rec->flags != 0)
		return (0);
	for (i = 0; i < 4; i++) {
		v = row_cell(im, rec, cols[i]);
		if (v == NULL || (cols[i] == COL_DOMAIN &&
		    norm_domain(v, &d) != 0))
			complete = 0;
		free(d);
		d = NULL;
	}
	if (complete)
		return (0);
	return (norm_linkedin(row_cell(im, rec, COL_LINKEDIN), url) == 0);
}

/* A cached answer: 1 found, 0 not there (or stale), -1 error. */
static int
lookup_cached(struct import *im, struct batchrow *br)
{
	struct dbstmt	*s = im->s_cache_get;
	int		 r;

	db_bind_str(s, 0, br->linkedin);
	db_bind_int(s, 1, conf.enrich_cache_ttl);
	if (db_exec(s) == -1)
		return (-1);
	if ((r = db_fetch(s)) != 1)
		return (r);
	if (db_col_int(s, 0)) {
		br->profile = xcalloc(1, sizeof *br->profile);
		if (profile_decode(db_col_str(s, 1), br->profile) == -1)
			return (0);	/* unreadable: ask again */
		br->enrich = ENRICH_FOUND;
	} else
		br->enrich = ENRICH_NOT_FOUND;
	return (1);
}

/* An answer arrived: cache it now (not failures: they are passing). */
static void
lookup_done(void *arg, size_t i)
{
	struct lookup		*lk = arg;
	struct enrich_req	*r = &lk->reqs[i];
	struct dbstmt		*s = lk->im->s_cache_put;
	char			*text = NULL;

	if (lk->pending > 0)
		lk->pending--;
	/* a review writes no cache: the import looks up for itself */
	if ((r->state != ENRICH_FOUND && r->state != ENRICH_NOT_FOUND) ||
	    lk->im->review)
		return;
	if (r->state == ENRICH_FOUND)
		text = profile_encode(&r->profile);
	db_bind_str(s, 0, r->url);
	db_bind_int(s, 1, r->state == ENRICH_FOUND);
	db_bind_str(s, 2, text);
	if (db_exec(s) == -1)
		log_warnx("could not cache the profile of %s", r->url);
	free(text);
}

static void
lookup_progress(void *arg)
{
	struct lookup	*lk = arg;

	lk->im->st.enrich_pending = lk->pending;
	status_write(lk->im->spool, &lk->im->st);
}

/* Copy a request's outcome to every batch row with its URL. */
static void
lookup_apply(struct import *im, struct enrich_req *r)
{
	struct batchrow	*br;
	size_t		 i;

	for (i = 0; i < im->next->n; i++) {
		br = &im->next->rows[i];
		if (br->enrich != ENRICH_PENDING ||
		    strcmp(br->linkedin, r->url) != 0)
			continue;
		br->enrich = r->state;
		if (r->state == ENRICH_FOUND) {
			br->profile = profile_copy(&r->profile);
		} else if (r->state == ENRICH_FAILED)
			br->why = xstrdup(r->why);
		else if (r->state == ENRICH_PENDING)
			br->enrich = ENRICH_FAILED;	/* stopped */
	}
}

/* Has the batch rows lookup_batch would look up? (Without the database:
 * reader.c reads batches in a thread, and leaves these to itself.) */
int
lookup_wanted(struct import *im)
{
	char	*url;
	size_t	 i;
	int	 want = 0;

	if (im->m.flow != FLOW_CREATE || im->enrich == NULL)
		return (0);
	for (i = 0; i < im->next->n && !want; i++) {
		want = lookup_needs(im, &im->next->rows[i].rec, &url);
		free(url);
	}
	return (want);
}

/*
 * Look up the profiles a batch needs. -1 if the database failed, -2 if
 * the watcher is stopping (the batch was not written; it will be read
 * again).
 */
int
lookup_batch(struct import *im)
{
	struct lookup	 lk;
	struct batchrow	*br;
	size_t		 i, j;
	int		 r = 0;

	if (im->m.flow != FLOW_CREATE || im->enrich == NULL)
		return (0);
	memset(&lk, 0, sizeof lk);
	lk.im = im;
	for (i = 0; i < im->next->n; i++) {
		br = &im->next->rows[i];
		if (!lookup_needs(im, &br->rec, &br->linkedin))
			continue;
		br->enrich = ENRICH_PENDING;
		switch (lookup_cached(im, br)) {
		case -1:
			return (-1);
		case 1:
			continue;
		}
		/* One request per URL, however often the batch has it. */
		for (j = 0; j < lk.nreqs; j++)
			if (strcmp(lk.reqs[j].url, br->linkedin) == 0)
				break;
		if (j < lk.nreqs)
			continue;
		lk.reqs = xreallocarray(lk.reqs, lk.nreqs + 1, sizeof *lk.reqs);
		memset(&lk.reqs[lk.nreqs], 0, sizeof *lk.reqs);
		lk.reqs[lk.nreqs].url = br->linkedin;
		lk.reqs[lk.nreqs].state = ENRICH_PENDING;
		lk.nreqs++;
	}
	if (lk.nreqs == 0)
		return (0);

	lk.pending = lk.nreqs;
	log_info("looking up %zu profiles", lk.nreqs);
	if (enrich_run(im->enrich, lk.reqs, lk.nreqs, lookup_done,
	    lookup_progress, &lk, &import_quit) == -1)
		r = -2;
	for (j = 0; j < lk.nreqs; j++) {
		lookup_apply(im, &lk.reqs[j]);
		enrich_req_clear(&lk.reqs[j]);
	}
	free(lk.reqs);
	im->st.enrich_pending = 0;
	return (r);
}

/* Put a profile's title into the row's custom data, unless it has one. */
static void
lookup_title(struct rowv *rv, const char *title)
{
	json_object	*o, *v;

	o = rv->custom ? json_tokener_parse(rv->custom) : NULL;
	if (o == NULL)
		o = json_object_new_object();
	if (!json_object_object_get_ex(o, "Title", &v))
		json_object_object_add(o, "Title",
		    json_object_new_string(title));
	free(rv->custom);
	rv->custom = xstrdup(json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/*
 * Fill a row from its profile: only what the file left empty. Returns 0,
 * or 1 when the row has no profile to fill from (then *code and *why say
 * why the row is skipped).
 */
int
lookup_fill(struct import *im, struct batchrow *br, struct rowv *rv,
    const char **code, char **why)
{
	struct profile	*p = br->profile;

	*why = NULL;
	switch (br->enrich) {
	case ENRICH_NONE:
		return (0);
	case ENRICH_NOT_FOUND:
		*code = "profile_not_found";
		xasprintf(why, "The enrichment provider has no profile for %s",
		    br->linkedin);
		return (1);
	case ENRICH_FAILED:
	case ENRICH_PENDING:
		*code = "enrichment_failed";
		xasprintf(why, "The profile could not be looked up: %s",
		    br->why ? br->why : "stopped");
		return (1);
	case ENRICH_FOUND:
		break;
	}
	if (rv->first == NULL && p->first != NULL)
		rv->first = norm_name(p->first);
	if (rv->last == NULL && p->last != NULL)
		rv->last = norm_name(p->last);
	if (rv->account == NULL && p->account != NULL)
		rv->account = norm_name(p->account);
	if (rv->domain == NULL && p->domain != NULL)
		rv->domain_state = norm_domain(p->domain, &rv->domain);
	if (rv->email == NULL && p->email != NULL &&
	    norm_email(p->email, &rv->email) != 0)
		rv->email = NULL;
	if (rv->phone == NULL && p->phone != NULL)
		rv->phone = p->phone;
	if (p->title != NULL)
		lookup_title(rv, p->title);
	if (rv->first == NULL || rv->last == NULL || rv->account == NULL ||
	    rv->domain == NULL) {
		*code = "profile_incomplete";
		xasprintf(why, "The profile of %s lacks %s", br->linkedin,
		    rv->first == NULL ? "a first name" : rv->last == NULL ?
		    "a last name" : rv->account == NULL ? "a company name" :
		    "a company domain");
		return (1);
	}
	im->st.enriched++;
	return (0);
}
