/*
 * Understanding a file's header: which column is which. Forgiving and
 * explainable: case, surrounding and repeated whitespace, a BOM, and '_'
 * or '-' for a space are ignored, then the name is looked up in one alias
 * table (docs/import-rules.md lists it). Anything not found is custom data.
 * Pure.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

static const char *columns_canonical[COL__MAX] = {
	[COL_ID] = NULL,	/* conf.id_header */
	[COL_FIRST] = "First name",
	[COL_LAST] = "Last name",
	[COL_EMAIL] = "Email",
	[COL_PHONE] = "Phone",
	[COL_ACCOUNT] = "Account Name",
	[COL_DOMAIN] = "Domain",
	[COL_LINKEDIN] = "Contact LinkedIn URL",
	[COL_OWNER] = "Contact Owner Email",
	[COL_PV_RESULT] = "Phone Verification Result",
	[COL_PV_PROVIDER] = "Phone Verification Provider",
	[COL_PHONE_TYPE] = "Phone Type",
	[COL_PHONE_INTENT] = "Phone Intent Score",
	[COL_TAGS] = "Tags",
	[COL_DNT] = "Do Not Touch",
	[COL_CREATED_AT] = "Created At",
	[COL_UPDATED_AT] = "Updated At",
};

/* Normalised header → column. Canonical names are found by normalising
 * them, so only the extra spellings are listed here. */
static const struct {
	const char	*alias;
	int		 col;
} columns_aliases[] = {
	{ "firstname", COL_FIRST },
	{ "first", COL_FIRST },
	{ "given name", COL_FIRST },
	{ "lastname", COL_LAST },
	{ "last", COL_LAST },
	{ "surname", COL_LAST },
	{ "family name", COL_LAST },
	{ "email address", COL_EMAIL },
	{ "e mail", COL_EMAIL },
	{ "e mail address", COL_EMAIL },
	{ "work email", COL_EMAIL },
	{ "contact email", COL_EMAIL },
	{ "phone number", COL_PHONE },
	{ "telephone", COL_PHONE },
	{ "mobile", COL_PHONE },
	{ "mobile phone", COL_PHONE },
	{ "direct phone", COL_PHONE },
	{ "account", COL_ACCOUNT },
	{ "company", COL_ACCOUNT },
	{ "company name", COL_ACCOUNT },
	{ "organization", COL_ACCOUNT },
	{ "organisation", COL_ACCOUNT },
	{ "website", COL_DOMAIN },
	{ "web site", COL_DOMAIN },
	{ "company domain", COL_DOMAIN },
	{ "company website", COL_DOMAIN },
	{ "account domain", COL_DOMAIN },
	{ "linkedin url", COL_LINKEDIN },
	{ "linkedin", COL_LINKEDIN },
	{ "linkedin profile", COL_LINKEDIN },
	{ "linkedin profile url", COL_LINKEDIN },
	{ "person linkedin url", COL_LINKEDIN },
	{ "contact linkedin", COL_LINKEDIN },
	{ "owner email", COL_OWNER },
	{ "owner", COL_OWNER },
	{ "contact owner", COL_OWNER },
};

/* Fold a header for comparison: "  E_mail  Address" → "e mail address". */
void
columns_normalize(const char *in, char *out, size_t size)
{
	size_t	n = 0;
	int	space = 0;

	if (strncmp(in, "\xef\xbb\xbf", 3) == 0)
		in += 3;
	for (; *in != '\0' && n + 1 < size; in++) {
		unsigned char c = *in;

		/* Invisible characters people's tools leave in headers:
		 * zero-width space and joiners, a BOM mid-line (skipped),
		 * and the no-break space (a space). */
		if (strncmp(in, "\xe2\x80\x8b", 3) == 0 ||
		    strncmp(in, "\xe2\x80\x8c", 3) == 0 ||
		    strncmp(in, "\xe2\x80\x8d", 3) == 0 ||
		    strncmp(in, "\xef\xbb\xbf", 3) == 0) {
			in += 2;
			continue;
		}
		if (strncmp(in, "\xc2\xa0", 2) == 0) {
			in++;
			space = 1;
			continue;
		}
		if (c == '_' || c == '-' || isspace(c)) {
			space = 1;
			continue;
		}
		if (space && n > 0)
			out[n++] = ' ';
		space = 0;
		if (n + 1 < size)
			out[n++] = tolower(c);
	}
	out[n] = '\0';
}

/* The column a header names, or COL_CUSTOM. */
int
columns_lookup(const char *header, const char *id_header)
{
	char	h[256], c[256];
	size_t	i;

	columns_normalize(header, h, sizeof h);
	if (h[0] == '\0')
		return (COL_CUSTOM);
	for (i = 0; i < COL__MAX; i++) {
		columns_normalize(columns_name(i, id_header), c, sizeof c);
		if (strcmp(h, c) == 0)
			return (i);
	}
	for (i = 0; i < sizeof columns_aliases / sizeof columns_aliases[0]; i++)
		if (strcmp(h, columns_aliases[i].alias) == 0)
			return (columns_aliases[i].col);
	return (COL_CUSTOM);
}

/* The name we show and export for a column. */
const char *
columns_name(int col, const char *id_header)
{
	if (col == COL_ID)
		return (id_header);
	if (col < 0 || col >= COL__MAX)
		return (NULL);
	return (columns_canonical[col]);
}

/* Trimmed copy of a header cell. */
static char *
columns_trim(const char *s)
{
	const char	*e;

	if (strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (isspace((unsigned char)*s) || strncmp(s, "\xc2\xa0", 2) == 0 ||
	    strncmp(s, "\xe2\x80\x8b", 3) == 0)
		s += isspace((unsigned char)*s) ? 1 : s[0] == '\xc2' ? 2 : 3;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return (xstrndup(s, e - s));
}

/*
 * Map a header record. Fails, with cause, on a blank header name or two
 * headers that mean the same column.
 */
int
columns_map(struct colmap *cm, const struct csvrec *hdr, const char *id_header,
    char **cause)
{
	char	 a[256], b[256];
	size_t	 i, j;
	int	 k;

	memset(cm, 0, sizeof *cm);
	for (i = 0; i < COL__MAX; i++)
		cm->pos[i] = -1;
	cm->ncols = hdr->nfields;
	cm->kind = xcalloc(hdr->nfields ? hdr->nfields : 1, sizeof *cm->kind);
	cm->header = xcalloc(hdr->nfields ? hdr->nfields : 1,
	    sizeof *cm->header);
	for (i = 0; i < hdr->nfields; i++) {
		cm->header[i] = columns_trim(hdr->fields[i]);
		if (cm->header[i][0] == '\0') {
			xasprintf(cause, "column %zu of the header has no name",
			    i + 1);
			goto fail;
		}
		k = columns_lookup(cm->header[i], id_header);
		cm->kind[i] = k;
		if (k != COL_CUSTOM) {
			if (cm->pos[k] != -1) {
				xasprintf(cause, "columns \"%s\" and \"%s\" both "
				    "mean %s", cm->header[cm->pos[k]],
				    cm->header[i], columns_name(k, id_header));
				goto fail;
			}
			cm->pos[k] = i;
			continue;
		}
		columns_normalize(cm->header[i], a, sizeof a);
		for (j = 0; j < i; j++) {
			if (cm->kind[j] != COL_CUSTOM)
				continue;
			columns_normalize(cm->header[j], b, sizeof b);
			if (strcmp(a, b) == 0) {
				xasprintf(cause, "columns \"%s\" and \"%s\" have "
				    "the same name", cm->header[j],
				    cm->header[i]);
				goto fail;
			}
		}
	}
	return (0);

fail:
	columns_clear(cm);
	return (-1);
}

void
columns_clear(struct colmap *cm)
{
	size_t	i;

	for (i = 0; i < cm->ncols; i++)
		if (cm->header != NULL)
			free(cm->header[i]);
	free(cm->header);
	free(cm->kind);
	memset(cm, 0, sizeof *cm);
}
