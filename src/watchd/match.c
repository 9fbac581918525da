/*
 * Matching a row to existing contacts of its workspace ("If an contact
 * already exists"). Keys are tried in order, and the first key that finds
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

/* Fill m with the contacts the row matches (m->n == 0: none). */
int
match_find(struct import *im, const struct rowv *rv, struct match *m)
{
	long long	acct;

	memset(m, 0, sizeof *m);
	if (rv->linkedin != NULL) {
		db_bind_int(im->s_match[0], 0, im->ws_id);
		db_bind_str(im->s_match[0], 1, rv->linkedin);
		if (match_run(im, 0, "linkedin", m) == -1)
			return (-1);
		if (m->n > 0)
			return (0);
	}
	if (rv->email != NULL) {
		db_bind_int(im->s_match[1], 0, im->ws_id);
		db_bind_str(im->s_match[1], 1, rv->email);
		if (match_run(im, 1, "email", m) == -1)
			return (-1);
		if (m->n > 0)
			return (0);
	}
	if (rv->first != NULL && rv->last != NULL && rv->domain != NULL) {
		/* The domain's account holds the candidates; no account, no
		 * match. */
		if ((acct = contact_account_find(im, rv->domain)) == -1)
			return (-1);
		if (acct == 0)
			return (0);
		db_bind_int(im->s_match[2], 0, acct);
		db_bind_str(im->s_match[2], 1, rv->last);
		db_bind_str(im->s_match[2], 2, rv->first);
		db_bind_str(im->s_match[2], 3, rv->email);
		db_bind_str(im->s_match[2], 4, rv->email);
		if (match_run(im, 2, "name", m) == -1)
			return (-1);
	}
	return (0);
}
