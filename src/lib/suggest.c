/*
 * Suggesting what a file's columns mean, from the header and the values
 * under it, so that exports of other tools import as they are: which
 * record is the header (lines of notes may come first), and for each
 * column a field, custom data (under which key) or nothing, with why.
 * docs/headers.md states the rules. Pure: the caller reads the file and
 * the database.
 *
 * A suggestion never fails: two columns that mean one field give it to
 * the better one and keep the other as custom data, a column without a
 * header is custom data under "Column N", and two custom columns of one
 * name get distinct keys.
 *
 * Every why is a string that lives as long as the process: the fixed
 * ones are literals, the ones that name a column ("Phone is column 5's")
 * are made once and kept in suggest_whys (bounded: fields x columns x
 * kinds), so a caller may keep the pointer past suggest_clear().
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

#define SUGGEST_SHARE	80	/* percent of filled samples that must agree */
#define SUGGEST_MIN	2	/* filled samples a value rule needs */

/* What a cell's value looks like. */
enum suggest_kind {
	KIND_NONE,
	KIND_EMAIL,
	KIND_LINKEDIN,		/* a person's profile */
	KIND_LINKEDIN_PAGE,	/* LinkedIn, but not a profile */
	KIND_DOMAIN,		/* a domain or a site's URL */
	KIND_PHONE,
	KIND__MAX
};

/* What we know of one column while deciding. */
struct suggest_col {
	int	 hcol;		/* the header's meaning, COL_CUSTOM, COL_IGNORE */
	int	 how;		/* COLUMNS_EXACT, ... */
	int	 vcol;		/* the field the values look like, or -1 */
	int	 pages;		/* values are LinkedIn pages, not profiles */
	int	 index;		/* no header, and values count rows */
	size_t	 filled;	/* non-empty samples */
	int	 want;		/* the field proposed, or -1 */
	int	 byvalue;	/* ... because of its values */
};

/* Whys that name a column, made once (see the top of the file). */
struct suggest_why {
	struct suggest_why	*next;
	char			 text[];
};
static struct suggest_why	*suggest_whys;
static pthread_mutex_t		 suggest_lock = PTHREAD_MUTEX_INITIALIZER;

/* The lasting copy of a why. */
static const char *
suggest_why(const char *buf)
{
	struct suggest_why	*w;
	size_t			 len;

	pthread_mutex_lock(&suggest_lock);
	for (w = suggest_whys; w != NULL; w = w->next)
		if (strcmp(w->text, buf) == 0)
			break;
	if (w == NULL) {
		len = strlen(buf) + 1;
		w = xmalloc(sizeof *w + len);
		memcpy(w->text, buf, len);
		w->next = suggest_whys;
		suggest_whys = w;
	}
	pthread_mutex_unlock(&suggest_lock);
	return (w->text);
}

/* Whether a folded-ASCII host is a social site's (a profile, not a site). */
static int
suggest_social(const char *host)
{
	static const char *social[] = {
		"facebook.com", "twitter.com", "x.com", "instagram.com",
		"youtube.com", "tiktok.com", "xing.com", "github.com",
	};
	size_t	i, hl = strlen(host), sl;

	for (i = 0; i < sizeof social / sizeof social[0]; i++) {
		sl = strlen(social[i]);
		if (hl >= sl && strcmp(host + hl - sl, social[i]) == 0 &&
		    (hl == sl || host[hl - sl - 1] == '.'))
			return (1);
	}
	return (0);
}

/*
 * Whether s looks like a phone number: an optional '+', 7 to 15 digits in
 * groups apart by spaces, '-', '.', '/' or parentheses, and an optional
 * extension ("x12", "ext. 12"). A bare run of digits is not taken (an ID
 * looks the same), nor are dates (2024-01-31, 31/01/2024, 31.01.2024),
 * dotted quads or numbers with thousands apart (1 234 567).
 */
static int
suggest_phone(const char *s)
{
	const char	*p;
	size_t		 digits = 0, groups = 0, glen[16], len = 0;
	int		 plus = 0, paren = 0, sep = 0, seps = 0, dots = 0;

	while (*s == ' ')
		s++;
	if (*s == '+') {
		plus = 1;
		s++;
	}
	for (p = s; *p != '\0'; p++) {
		if (*p >= '0' && *p <= '9') {
			digits++;
			len++;
			continue;
		}
		if (len > 0) {
			if (groups < 16)
				glen[groups] = len;
			groups++;
			len = 0;
		}
		if (*p == '(' || *p == ')')
			paren = 1;
		else if (*p == ' ' || *p == '-' || *p == '/' || *p == '.') {
			if (*p != ' ')
				sep = sep == 0 || sep == *p ? *p : -1;
			if (*p == '.')
				dots++;
			seps++;
		} else if (*p == 'x' || *p == 'e')
			break;	/* an extension */
		else
			return (0);
	}
	if (len > 0) {
		if (groups < 16)
			glen[groups] = len;
		groups++;
	}
	while (*p == 'e' || *p == 'x' || *p == 't' || *p == '.' || *p == ' ')
		p++;
	if (p[strspn(p, "0123456789")] != '\0' || digits < 7 || digits > 15 ||
	    groups > 16)
		return (0);
	if (!plus && !paren && seps == 0)
		return (0);
	if (plus || paren)
		return (1);
	/* Dates: three groups, one separator, a year at one end. */
	if (groups == 3 && sep > 0 && ((glen[0] == 4 && glen[1] <= 2 &&
	    glen[2] <= 2) || (glen[0] <= 2 && glen[1] <= 2 && glen[2] == 4)))
		return (0);
	if (dots == 3 && groups == 4)
		return (0);
	/* 1 234 567, 12,345,678: thousands, unless it starts with a 0. */
	if (s[0] != '0' && groups >= 2) {
		size_t	i;

		for (i = 1; i < groups && i < 16; i++)
			if (glen[i] != 3)
				break;
		if (i == groups && glen[0] <= 3)
			return (0);
	}
	return (1);
}

/* What one cell looks like. */
static enum suggest_kind
suggest_kind(const char *cell)
{
	char			*o = NULL, *others = NULL;
	enum suggest_kind	 k = KIND_NONE;
	const char		*dot;

	/* an Email cell as people paste it: Name <addr>, mailto:, a list */
	if (norm_linkedin(cell, &o) == 0)
		k = KIND_LINKEDIN;
	else if (norm_emails(cell, &o, &others) == 0)
		k = KIND_EMAIL;
	else if (suggest_phone(cell))
		k = KIND_PHONE;
	else if (norm_domain(cell, &o) == 0) {
		dot = strrchr(o, '.');
		if (strcmp(o, "linkedin.com") == 0 ||
		    (strlen(o) > 13 &&
		    strcmp(o + strlen(o) - 13, ".linkedin.com") == 0))
			k = KIND_LINKEDIN_PAGE;
		else if (!suggest_social(o) && dot != NULL &&
		    strspn(dot + 1, "abcdefghijklmnopqrstuvwxyz") ==
		    strlen(dot + 1))
			k = KIND_DOMAIN;
	}
	free(o);
	free(others);
	return (k);
}

/* Whether a cell is empty: nothing but spaces. */
static int
suggest_empty(const char *s)
{
	return (s == NULL || s[strspn(s, " \t\r\n")] == '\0');
}

/* The field a kind of value means. */
static int
suggest_kind_col(enum suggest_kind k)
{
	switch (k) {
	case KIND_EMAIL:
		return (COL_EMAIL);
	case KIND_LINKEDIN:
		return (COL_LINKEDIN);
	case KIND_DOMAIN:
		return (COL_DOMAIN);
	case KIND_PHONE:
		return (COL_PHONE);
	default:
		return (-1);
	}
}

/* Why a column maps by its values. */
static const char *
suggest_kind_why(int col)
{
	switch (col) {
	case COL_EMAIL:
		return ("values look like emails");
	case COL_LINKEDIN:
		return ("values look like LinkedIn profile URLs");
	case COL_DOMAIN:
		return ("values look like domains or site URLs");
	default:
		return ("values look like phone numbers");
	}
}

/* Whether values of field v suit a column whose header says h. */
static int
suggest_fits(int h, int v)
{
	return (h == v || (h == COL_OWNER && v == COL_EMAIL) ||
	    (h == COL_ACCOUNT && v == COL_DOMAIN));
}

/*
 * Look at column c's samples: how filled, what the values look like, and
 * whether they count the rows from 0 or 1 (pandas' index, a row number).
 */
static void
suggest_values(const struct sample *sm, size_t c, struct suggest_col *sc)
{
	size_t		 n[KIND__MAX], r, k;
	const char	*v;
	long		 first = 0, num;
	int		 counts = 1;
	char		*end;

	memset(n, 0, sizeof n);
	sc->filled = 0;
	sc->vcol = -1;
	for (r = 0; r < sm->nrows; r++) {
		v = sm->cells[r][c];
		if (suggest_empty(v)) {
			counts = 0;
			continue;
		}
		sc->filled++;
		n[suggest_kind(v)]++;
		num = strtol(v, &end, 10);
		if (r == 0)
			first = num;
		if (end == v || *end != '\0' || first < 0 || first > 1 ||
		    num != first + (long)r)
			counts = 0;
	}
	if (sc->filled < SUGGEST_MIN)
		return;
	sc->index = counts && sc->filled == sm->nrows;
	for (k = 0; k < KIND__MAX; k++) {
		if (k == KIND_NONE || n[k] * 100 < sc->filled * SUGGEST_SHARE)
			continue;
		if (k == KIND_LINKEDIN_PAGE)
			sc->pages = 1;
		else
			sc->vcol = suggest_kind_col(k);
	}
}

/* Why a column lost its field to another: for suggest_better(). */
static const char *suggest_lost[] = {
	"%s is column %zu's (its header names it)",
	"%s is column %zu's (better filled)",
	"%s is column %zu's (its header is the field's name)",
	"%s is column %zu's (as filled, and earlier)",
};

/*
 * Whether a is better than b for the field both propose: named by its
 * header over guessed from its values (unless the named one is filled in
 * fewer than half as many rows: Freshsales' "Mobile" names Phone, its
 * "Work" holds the phones), then the better filled, then the one whose
 * header is the field's own name, then the earlier (a: callers go left
 * to right). *reason indexes suggest_lost.
 */
static int
suggest_better(const struct suggest_col *a, const struct suggest_col *b,
    int *reason)
{
	if (a->byvalue != b->byvalue &&
	    2 * (a->byvalue ? b->filled : a->filled) >=
	    (a->byvalue ? a->filled : b->filled)) {
		*reason = 0;
		return (!a->byvalue);
	}
	if (a->filled != b->filled) {
		*reason = 1;
		return (a->filled > b->filled);
	}
	if ((a->how == COLUMNS_EXACT) != (b->how == COLUMNS_EXACT)) {
		*reason = 2;
		return (a->how == COLUMNS_EXACT);
	}
	*reason = 3;
	return (1);
}

/*
 * Give each custom column a key of its own: a second "Notes" is kept as
 * "Notes (2)", and says so. Keys compare as columns_normalize() folds.
 */
static void
suggest_keys(const struct sample *sm, struct suggestion *out)
{
	char	 a[256], b[256], buf[128], *k;
	size_t	 i, j, n, first;
	int	 clash;

	for (i = 0; i < sm->ncols; i++) {
		if (out[i].col != COL_CUSTOM)
			continue;
		first = 0;
		for (n = 1;; n++) {
			if (n == 1)
				k = xstrdup(out[i].key);
			else
				xasprintf(&k, "%s (%zu)", out[i].key, n);
			columns_normalize(k, a, sizeof a);
			clash = 0;
			for (j = 0; j < i && !clash; j++) {
				if (out[j].col != COL_CUSTOM)
					continue;
				columns_normalize(out[j].key, b, sizeof b);
				clash = strcmp(a, b) == 0;
			}
			if (!clash)
				break;
			if (n == 1)
				first = j;	/* j - 1 clashed; 1-based */
			free(k);
		}
		if (n > 1) {
			snprintf(buf, sizeof buf, "the same header as column "
			    "%zu: its key is numbered", first);
			out[i].why = suggest_why(buf);
		}
		free(out[i].key);
		out[i].key = k;
	}
}

/* Fill out[ncols]. A field is suggested for one column at most. */
void
suggest_columns(const struct sample *sm, const char *id_header,
    struct suggestion *out)
{
	struct suggest_col	*sc;
	int			 owner[COL__MAX], f, reason, rejected, ours;
	char			 buf[160];
	const char		*name;
	size_t			 i;

	sc = xcalloc(sm->ncols ? sm->ncols : 1, sizeof *sc);
	for (f = 0; f < COL__MAX; f++)
		owner[f] = -1;

	/* intake's own rejected-rows file: "Row", "Reason", then the row;
	 * its export: the id column, and Created At, Updated At it sets. */
	rejected = sm->ncols >= 2 && strcmp(sm->header[0], "Row") == 0 &&
	    strcmp(sm->header[1], "Reason") == 0;
	ours = 0;
	for (i = 0; i < sm->ncols; i++)
		if (columns_lookup(sm->header[i], id_header) == COL_ID)
			ours = 1;

	for (i = 0; i < sm->ncols; i++) {
		memset(&out[i], 0, sizeof out[i]);
		sc[i].want = -1;
		sc[i].hcol = columns_meaning(sm->header[i], id_header,
		    &sc[i].how);
		if (((sc[i].hcol == COL_CREATED_AT ||
		    sc[i].hcol == COL_UPDATED_AT) && ours) || (rejected && i < 2))
			sc[i].hcol = COL_IGNORE;
		else if (sc[i].hcol == COL_CREATED_AT ||
		    sc[i].hcol == COL_UPDATED_AT)
			sc[i].hcol = COL_CUSTOM;	/* another tool's dates */
		suggest_values(sm, i, &sc[i]);
		if (sc[i].hcol == COL_IGNORE)
			continue;
		if (sc[i].hcol == COL_LINKEDIN && sc[i].pages)
			continue;	/* company pages, Sales Navigator links */
		/* The values say otherwise than the header: they win. */
		if (sc[i].vcol != -1 && (sc[i].hcol < 0 ||
		    (sc[i].hcol != COL_ID &&
		    !suggest_fits(sc[i].hcol, sc[i].vcol)))) {
			sc[i].want = sc[i].vcol;
			sc[i].byvalue = 1;
		} else if (sc[i].hcol >= 0)
			sc[i].want = sc[i].hcol;
	}

	/* Each field to its best column. */
	for (i = 0; i < sm->ncols; i++) {
		if ((f = sc[i].want) == -1)
			continue;
		if (owner[f] == -1 ||
		    !suggest_better(&sc[owner[f]], &sc[i], &reason))
			owner[f] = i;
	}

	for (i = 0; i < sm->ncols; i++) {
		f = sc[i].want;
		if (f != -1 && owner[f] == (int)i) {
			out[i].col = f;
			out[i].why = sc[i].byvalue ? suggest_kind_why(f) :
			    "header alias";
			continue;
		}
		if (sc[i].hcol == COL_IGNORE) {
			out[i].col = COL_IGNORE;
			out[i].why = rejected && i < 2 ?
			    "intake's rejected-rows column" : "set by intake";
			continue;
		}
		if (sm->header[i][0] == '\0' && sc[i].index && f == -1) {
			out[i].col = COL_IGNORE;
			out[i].why = "no header, and its values count the rows "
			    "(an index)";
			continue;
		}
		out[i].col = COL_CUSTOM;
		if (sm->header[i][0] == '\0')
			xasprintf(&out[i].key, "Column %zu", i + 1);
		else
			out[i].key = xstrdup(sm->header[i]);
		name = f != -1 ? columns_name(f, id_header) : NULL;
		if (f != -1 && sc[i].byvalue) {
			snprintf(buf, sizeof buf, "values look like %s's, but it "
			    "is column %d's", name, owner[f] + 1);
			out[i].why = suggest_why(buf);
		} else if (f != -1) {
			suggest_better(&sc[owner[f]], &sc[i], &reason);
			snprintf(buf, sizeof buf, suggest_lost[reason], name,
			    (size_t)owner[f] + 1);
			out[i].why = suggest_why(buf);
		} else if (sm->header[i][0] == '\0')
			out[i].why = "no header";
		else if (sc[i].hcol == COL_LINKEDIN && sc[i].pages)
			out[i].why = "values are LinkedIn pages, not profiles";
		else if (sc[i].how == COLUMNS_WHOLENAME)
			out[i].why = "a whole name: First name and Last name "
			    "are fields of their own";
		else
			out[i].why = "not a field's name";
	}
	suggest_keys(sm, out);
	free(sc);
}

void
suggest_clear(struct suggestion *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(s[i].key);
		s[i].key = NULL;
	}
}

/* Whether a cell of a record looks like a value rather than a header. */
static int
suggest_is_value(const char *cell)
{
	return (!suggest_empty(cell) && suggest_kind(cell) != KIND_NONE);
}

/* Whether record r has no non-empty cell. */
static int
suggest_blank(const struct head *h, size_t r)
{
	size_t	c;

	for (c = 0; c < h->nfields[r]; c++)
		if (!suggest_empty(h->fields[r][c]))
			return (0);
	return (1);
}

/*
 * The record of head that is the header (docs/headers.md):
 * - a candidate has 2 or more non-empty cells, as many cells as most of
 *   the records after it (or none come after it), and no cell that looks
 *   like a value (an email, a URL, a phone number);
 * - record 0 is the header when it has a cell that names a field and none
 *   that looks like a value, whatever follows;
 * - else the first candidate, unless it names no field and a later
 *   candidate names 2 or more: then the later one that names the most;
 * - no candidate at all: record 0.
 */
size_t
suggest_header(const struct head *h, const char *id_header)
{
	size_t	 r, j, c, nonempty, best = 0, nc;
	size_t	 mode, modecount, score, bestscore = 0;
	int	 values, found = 0;

	if (h->nrecs == 0)
		return (0);
	for (r = 0; r < h->nrecs; r++) {
		nonempty = score = values = 0;
		for (c = 0; c < h->nfields[r]; c++) {
			const char *cell = h->fields[r][c];

			if (suggest_empty(cell))
				continue;
			nonempty++;
			if (suggest_is_value(cell))
				values = 1;
			else if (columns_lookup(cell, id_header) != COL_CUSTOM)
				score++;
		}
		if (r == 0 && score > 0 && !values)
			break;		/* best is 0 */
		if (nonempty < 2 || values)
			continue;

		/* The most common width of the non-blank records after r. */
		mode = modecount = 0;
		for (j = r + 1; j < h->nrecs; j++) {
			if (suggest_blank(h, j))
				continue;
			nc = 0;
			for (c = r + 1; c < h->nrecs; c++)
				if (h->nfields[c] == h->nfields[j] &&
				    !suggest_blank(h, c))
					nc++;
			if (nc > modecount) {
				modecount = nc;
				mode = h->nfields[j];
			}
		}
		if (modecount > 0 && mode != h->nfields[r])
			continue;

		if (!found) {
			found = 1;
			best = r;
			bestscore = score;
			if (score > 0)
				break;
		} else if (score >= 2 && score > bestscore) {
			best = r;
			bestscore = score;
		}
	}
	return (best);
}
