/*
 * Suggesting what a file's columns mean, from the header and the values
 * under it, so that exports of other tools import as they are: which
 * record is the header (lines of notes may come first), and for each
 * column a field, custom data (under which key) or nothing, with why.
 * Pure: the caller reads the file and the database.
 *
 * (A first cut: header aliases only. suggest.c grows the rest.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

/* The record of head that is the header: the first, for now. */
size_t
suggest_header(const struct head *h, const char *id_header)
{
	(void)h;
	(void)id_header;
	return (0);
}

/* Fill out[ncols]. A field is suggested for one column at most. */
void
suggest_columns(const struct sample *sm, const char *id_header,
    struct suggestion *out)
{
	int	taken[COL__MAX];
	size_t	i;
	int	k;

	memset(taken, 0, sizeof taken);
	for (i = 0; i < sm->ncols; i++) {
		memset(&out[i], 0, sizeof out[i]);
		if (sm->header[i][0] == '\0') {
			out[i].col = COL_CUSTOM;
			out[i].why = "no header";
			xasprintf(&out[i].key, "Column %zu", i + 1);
			continue;
		}
		k = columns_lookup(sm->header[i], id_header);
		if (k != COL_CUSTOM && !taken[k]) {
			taken[k] = 1;
			out[i].col = k;
			out[i].why = "header alias";
			continue;
		}
		out[i].col = COL_CUSTOM;
		out[i].why = k == COL_CUSTOM ? "not a field's name" :
		    "another column means the same";
		out[i].key = xstrdup(sm->header[i]);
	}
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
