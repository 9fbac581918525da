/*
 * Matching a row to existing contacts of its workspace ("If an contact
 * already exists"). Keys are tried in order (watchd.h's MATCH_KEYS, which
 * snap.c's batch matching follows too), and the first key that finds
 * anyone decides:
 *
 *   1. the normalised LinkedIn profile URL,
 *   2. the email (case-insensitive),
 *   3. first name + last name + the account's domain (case-insensitive),
 *      looked up within the account that has the domain, but only among
 *      contacts whose email does not contradict the row's: when the row
 *      has an email and a namesake has another one, they are two people
 *      who share a name (a namesake without an email may be the row's).
 *
 * Rows earlier in the same file count as existing: they were written in
 * this connection, in this or an earlier committed batch, and a query
 * sees them.
 */
#include <stdio.h>
#include <string.h>

#include "watchd.h"

/* The keys are numbered by their place in MATCH_KEYS (watchd.h). */
#define MATCH_POS_ENUM(name, kind, key)	MATCH_POS_##name,
enum { MATCH_KEYS(MATCH_POS_ENUM) MATCH__POS };
#define MATCH_POS_CHECK(name, kind, key)				\
	_Static_assert(MATCH_POS_##name == kind,			\
	    "MATCH_KEYS: " key "'s number is not its place");
MATCH_KEYS(MATCH_POS_CHECK)

static const char *const match_keys[] = { MATCH_KEYS(MATCH_KEY_NAMES) };

static int
match_run(struct import *im, int k, const char *key, struct match *m)
{
	struct dbstmt	*s = im->s_match[k];

	m->n = 0;
	if (db_exec(s) == -1)
		return (-1);
	while (db_fetch(s) == 1 && m->n <= MATCH_MAX) {
		m->id[m->n] = db_col_int(s, 0);
		snprintf(m->pub[m->n], sizeof m->pub[m->n], "%s",
		    db_col_str(s, 1));
		m->dnt[m->n] = db_col_int(s, 2);
		m->n++;
	}
	if (m->n > 0)
		m->key = key;
	return (0);
}

/* Bind key k of the row to its statement: 1, 0 if the row has none (or
 * it can find no one), -1 on error. */
static int
match_bind(struct import *im, const struct rowv *rv, int k)
{
	struct dbstmt	*s = im->s_match[k];
	long long	 acct;

	switch (k) {
	case MATCH_KEY_LINKEDIN:
		if (rv->linkedin == NULL)
			return (0);
		db_bind_int(s, 0, im->ws_id);
		db_bind_str(s, 1, rv->linkedin);
		return (1);
	case MATCH_KEY_EMAIL:
		if (rv->email == NULL)
			return (0);
		db_bind_int(s, 0, im->ws_id);
		db_bind_str(s, 1, rv->email);
		return (1);
	case MATCH_KEY_NAME:
		if (rv->first == NULL || rv->last == NULL || rv->domain == NULL)
			return (0);
		/* The domain's account holds the candidates; no account, no
		 * match. */
		if ((acct = contact_account_find(im, rv->domain)) <= 0)
			return (acct == -1 ? -1 : 0);
		db_bind_int(s, 0, acct);
		db_bind_str(s, 1, rv->last);
		db_bind_str(s, 2, rv->first);
		db_bind_str(s, 3, rv->email);
		db_bind_str(s, 4, rv->email);
		return (1);
	}
	fatalx("match_bind: key %d", k);
}

/* Fill m with the contacts the row matches (m->n == 0: none): its keys
 * in MATCH_KEYS's order, the first that finds anyone deciding. */
int
match_find(struct import *im, const struct rowv *rv, struct match *m)
{
	int	k, r;

	memset(m, 0, sizeof *m);
	for (k = 0; k < MATCH__KEYS; k++) {
		if ((r = match_bind(im, rv, k)) == -1)
			return (-1);
		if (r == 0)
			continue;
		if (match_run(im, k, match_keys[k], m) == -1)
			return (-1);
		if (m->n > 0)
			return (0);
	}
	return (0);
}
