/*
 * The column map an import uses: what each column of the file means.
 * Three layers, each over the one before: the suggestion (suggest.c, from
 * the header and the values), the workspace's remembered mapping for the
 * same headers ("as last time"), and the mapping the user chose ("chosen").
 * A field goes to one column at most; a column that loses its field to a
 * stronger layer is kept as custom data. Pure: the caller reads the file
 * and the remembered mapping.
 *
 * A mapping as it travels (manifest, upload field, sidecar, --map) is a
 * JSON object: a header as written, or "#N" (1-based), to a target: a
 * field's name, "Tags", "Do Not Touch", "custom", "custom:KEY", "ignore".
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "lib.h"

#define MAPPING_KEY_MAX		255	/* characters of a custom-data key */

/* Layers, weakest first: a stronger one takes a field from a weaker. */
enum { MAPPING_SUGGESTED, MAPPING_REMEMBERED, MAPPING_CHOSEN };

/* The name of what a column is mapped to. */
const char *
mapping_target_name(int col, const char *id_header)
{
	if (col == COL_CUSTOM)
		return ("custom");
	if (col == COL_IGNORE)
		return ("ignore");
	return (columns_name(col, id_header));
}

/* Whether a field may be chosen: the ones intake sets itself may not. */
static int
mapping_settable(int col)
{
	return (col != COL_CREATED_AT && col != COL_UPDATED_AT);
}

/*
 * A target by name: *col, and for "custom:KEY" *key (owned). 0, or -1
 * with *why.
 */
int
mapping_target(const char *s, const char *id_header, int *col, char **key,
    char **why)
{
	const char	*n;
	size_t		 i;

	*key = NULL;
	if (strcasecmp(s, "ignore") == 0) {
		*col = COL_IGNORE;
		return (0);
	}
	if (strcasecmp(s, "custom") == 0) {
		*col = COL_CUSTOM;
		return (0);
	}
	if (strncasecmp(s, "custom:", 7) == 0) {
		n = s + 7;
		while (*n == ' ')
			n++;
		if (*n == '\0' || strlen(n) > MAPPING_KEY_MAX) {
			xasprintf(why, "\"%.40s\": a custom-data key is 1 to "
			    "%d characters", s, MAPPING_KEY_MAX);
			return (-1);
		}
		*col = COL_CUSTOM;
		*key = xstrdup(n);
		return (0);
	}
	for (i = 0; i < COL__MAX; i++) {
		if (!mapping_settable(i))
			continue;
		if (strcasecmp(s, columns_name(i, id_header)) == 0) {
			*col = i;
			return (0);
		}
	}
	xasprintf(why, "\"%.40s\" is not something a column can be mapped to; "
	    "say a field (First name, Last name, Email, Phone, Account Name, "
	    "Domain, Contact LinkedIn URL, Contact Owner Email, %s, ...), "
	    "Tags, Do Not Touch, custom, custom:KEY or ignore", s, id_header);
	return (-1);
}

/* Parse a mapping's text: a JSON object of strings to known targets. */
static json_object *
mapping_parse(const char *text, const char *id_header, char **why)
{
	json_object	*o;
	char		*key;
	int		 col;

	if ((o = json_tokener_parse(text)) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		*why = xstrdup("The mapping is not a JSON object of column "
		    "names to fields");
		goto fail;
	}
	json_object_object_foreach(o, k, v) {
		if (!json_object_is_type(v, json_type_string)) {
			xasprintf(why, "In the mapping, \"%.40s\" must name "
			    "a field as text", k);
			goto fail;
		}
		if (mapping_target(json_object_get_string(v), id_header, &col,
		    &key, why) == -1)
			goto fail;
		free(key);
	}
	return (o);

fail:
	json_object_put(o);
	return (NULL);
}

/* Whether a mapping's text is well formed (what an entry can tell before
 * the file is read). 0, or -1 with *why. */
int
mapping_check(const char *text, const char *id_header, char **why)
{
	json_object	*o;

	if ((o = mapping_parse(text, id_header, why)) == NULL)
		return (-1);
	json_object_put(o);
	return (0);
}

/* Set key to target in the mapping text *map (owned; NULL: none yet). */
static int
mapping_put(char **map, const char *key, const char *target,
    const char *id_header, char **why)
{
	json_object	*o;
	char		*k2;
	int		 col;

	if (mapping_target(target, id_header, &col, &k2, why) == -1)
		return (-1);
	free(k2);
	o = *map != NULL ? json_tokener_parse(*map) : json_object_new_object();
	json_object_object_add(o, key, json_object_new_string(target));
	free(*map);
	*map = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return (0);
}

/* One "Header=Target" (the CLI's --map): split at the first '='. */
int
mapping_add(char **map, const char *pair, const char *id_header, char **why)
{
	const char	*eq = strchr(pair, '=');
	char		*k;
	int		 r;

	if (eq == NULL || eq == pair || eq[1] == '\0') {
		xasprintf(why, "\"%.60s\": say HEADER=FIELD (or #N=FIELD)",
		    pair);
		return (-1);
	}
	k = xstrndup(pair, eq - pair);
	r = mapping_put(map, k, eq + 1, id_header, why);
	free(k);
	return (r);
}

/* A mapping file (--map-file): the JSON object a sidecar takes, or lines
 * of HEADER=FIELD, '#' starting a comment line. */
int
mapping_add_text(char **map, const char *text, const char *id_header,
    char **why)
{
	json_object	*o;
	const char	*p, *e;
	char		*line;
	int		 r = 0;

	p = text + strspn(text, " \t\r\n");
	if (*p == '{') {
		if ((o = mapping_parse(p, id_header, why)) == NULL)
			return (-1);
		json_object_object_foreach(o, k, v) {
			if (mapping_put(map, k, json_object_get_string(v),
			    id_header, why) == -1) {
				r = -1;
				break;
			}
		}
		json_object_put(o);
		return (r);
	}
	for (; *p != '\0' && r == 0; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		line = xstrndup(p, e - p);
		line[strcspn(line, "\r")] = '\0';
		if (line[strspn(line, " \t")] != '\0' &&
		    line[strspn(line, " \t")] != '#')
			r = mapping_add(map, line, id_header, why);
		free(line);
	}
	return (r);
}

/* The file column a mapping's key names: "#N", else the header as
 * written, else the header as columns.c folds it. -1 if none. */
static long
mapping_column(const struct sample *sm, const char *k)
{
	char	 a[256], b[256], *end;
	long	 n;
	size_t	 i;

	if (k[0] == '#' && isdigit((unsigned char)k[1])) {
		n = strtol(k + 1, &end, 10);
		if (*end == '\0' && n >= 1 && (size_t)n <= sm->ncols)
			return (n - 1);
		return (-1);
	}
	for (i = 0; i < sm->ncols; i++)
		if (strcmp(sm->header[i], k) == 0)
			return (i);
	columns_normalize(k, a, sizeof a);
	for (i = 0; i < sm->ncols && a[0] != '\0'; i++) {
		columns_normalize(sm->header[i], b, sizeof b);
		if (strcmp(a, b) == 0)
			return (i);
	}
	return (-1);
}

/* Lay one mapping over the columns. -1 with *why (chosen mappings only:
 * a remembered one that no longer fits is simply not used). */
static int
mapping_layer(const struct sample *sm, const char *text, const char *id_header,
    int layer, int *col, char **key, int *from, const char **why_col,
    char **why)
{
	json_object	*o;
	char		*k2;
	long		 c;
	int		 t;

	if ((o = mapping_parse(text, id_header, why)) == NULL)
		return (-1);
	json_object_object_foreach(o, k, v) {
		if ((c = mapping_column(sm, k)) == -1) {
			if (layer == MAPPING_CHOSEN) {
				xasprintf(why, "The mapping names a column "
				    "\"%.60s\" that the file does not have", k);
				json_object_put(o);
				return (-1);
			}
			continue;
		}
		/* checked by mapping_parse */
		(void)mapping_target(json_object_get_string(v), id_header, &t,
		    &k2, why);
		col[c] = t;
		free(key[c]);
		key[c] = k2;
		from[c] = layer;
		why_col[c] = layer == MAPPING_CHOSEN ? "chosen" : "as last time";
	}
	json_object_put(o);
	return (0);
}

/* A custom column's key: the one given, else its header, else "Column
 * N"; made unique among the keys before it with " (2)", " (3)". */
static char *
mapping_key(const struct sample *sm, size_t i, const char *given,
    char **keys)
{
	char	*k, *u;
	size_t	 j;
	int	 n = 1, clash;

	if (given != NULL)
		k = xstrdup(given);
	else if (sm->header[i][0] != '\0')
		k = xstrdup(sm->header[i]);
	else
		xasprintf(&k, "Column %zu", i + 1);
	u = xstrdup(k);
	do {
		clash = 0;
		for (j = 0; j < i; j++)
			if (keys[j] != NULL && strcasecmp(keys[j], u) == 0)
				clash = 1;
		if (clash) {
			free(u);
			xasprintf(&u, "%s (%d)", k, ++n);
		}
	} while (clash);
	free(k);
	return (u);
}

/*
 * Build the column map of a file from its sample: the suggestion, then
 * remembered (may be NULL), then chosen (may be NULL). 0, or -1 with
 * *cause when the chosen mapping cannot be used.
 */
int
mapping_build(struct colmap *cm, const struct sample *sm,
    const char *id_header, const char *remembered, const char *chosen,
    char **cause)
{
	struct suggestion	*sug;
	int			*col, *from, owner[COL__MAX];
	char			**key;
	const char		**why;
	size_t			 i, n = sm->ncols ? sm->ncols : 1;
	int			 k, r = -1;
	char			*ignored = NULL;

	memset(cm, 0, sizeof *cm);
	sug = xcalloc(n, sizeof *sug);
	col = xcalloc(n, sizeof *col);
	from = xcalloc(n, sizeof *from);
	key = xcalloc(n, sizeof *key);
	why = xcalloc(n, sizeof *why);
	suggest_columns(sm, id_header, sug);
	for (i = 0; i < sm->ncols; i++) {
		col[i] = sug[i].col;
		key[i] = sug[i].key;
		sug[i].key = NULL;
		why[i] = sug[i].why;
		from[i] = MAPPING_SUGGESTED;
	}
	if (remembered != NULL && mapping_layer(sm, remembered, id_header,
	    MAPPING_REMEMBERED, col, key, from, why, &ignored) == -1) {
		/* not ours to fail on: the suggestion stands */
		free(ignored);
		ignored = NULL;
		for (i = 0; i < sm->ncols; i++)
			from[i] = MAPPING_SUGGESTED;
	}
	if (chosen != NULL && mapping_layer(sm, chosen, id_header,
	    MAPPING_CHOSEN, col, key, from, why, cause) == -1)
		goto out;

	/* One column per field: the strongest layer's, else the first. */
	for (k = 0; k < COL__MAX; k++)
		owner[k] = -1;
	for (i = 0; i < sm->ncols; i++) {
		if ((k = col[i]) < 0)
			continue;
		if (owner[k] == -1) {
			owner[k] = i;
			continue;
		}
		if (from[i] == MAPPING_CHOSEN &&
		    from[owner[k]] == MAPPING_CHOSEN) {
			xasprintf(cause, "The mapping maps both \"%s\" and "
			    "\"%s\" to %s", sm->header[owner[k]],
			    sm->header[i], columns_name(k, id_header));
			goto out;
		}
		if (from[i] > from[owner[k]]) {
			col[owner[k]] = COL_CUSTOM;
			why[owner[k]] = MAPPING_WHY_TAKEN;
			owner[k] = i;
		} else {
			col[i] = COL_CUSTOM;
			why[i] = MAPPING_WHY_TAKEN;
		}
	}

	cm->ncols = sm->ncols;
	cm->kind = xcalloc(n, sizeof *cm->kind);
	cm->header = xcalloc(n, sizeof *cm->header);
	cm->key = xcalloc(n, sizeof *cm->key);
	cm->why = xcalloc(n, sizeof *cm->why);
	for (k = 0; k < COL__MAX; k++)
		cm->pos[k] = -1;
	for (i = 0; i < sm->ncols; i++) {
		cm->kind[i] = col[i];
		cm->header[i] = xstrdup(sm->header[i]);
		cm->why[i] = why[i];
		if (col[i] >= 0)
			cm->pos[col[i]] = i;
		else if (col[i] == COL_CUSTOM)
			cm->key[i] = mapping_key(sm, i, key[i], cm->key);
	}
	r = 0;

out:
	for (i = 0; i < sm->ncols; i++)
		free(key[i]);
	suggest_clear(sug, sm->ncols);
	free(sug);
	free(col);
	free(from);
	free(key);
	free(why);
	return (r);
}

/* Whether the columns have what the flow needs; cause names what is
 * missing. 0, or -1. */
int
mapping_required(const struct colmap *cm, enum flow flow, const char *id_header,
    char **cause)
{
	static const int	 ident[4] = { COL_ACCOUNT, COL_DOMAIN,
	    COL_FIRST, COL_LAST };
	struct buf		 b;
	size_t			 i;
	const char		*n;

	if (flow == FLOW_UPDATE) {
		if (cm->pos[COL_ID] != -1)
			return (0);
		xasprintf(cause, "This file has no %s column, so its rows "
		    "cannot be matched to contacts. To get a file with it, "
		    "export your contacts first, edit that file, then import "
		    "it with Update with CSV.", id_header);
		return (-1);
	}
	if (cm->pos[COL_LINKEDIN] != -1)
		return (0);
	buf_init(&b, 1024);
	for (i = 0; i < 4; i++) {
		if (cm->pos[ident[i]] != -1)
			continue;
		n = columns_name(ident[i], id_header);
		if (b.len > 0)
			buf_add(&b, ", ", 2);
		buf_add(&b, n, strlen(n));
	}
	if (b.len == 0) {
		buf_free(&b);
		return (0);
	}
	xasprintf(cause, "The file needs a Contact LinkedIn URL column, or all "
	    "of Account Name, Domain, First name and Last name. Missing: %s",
	    buf_str(&b));
	buf_free(&b);
	return (-1);
}

/* A column map as a mapping to remember: {"#1": "First name", ...}.
 * Owned by the caller. */
char *
mapping_encode(const struct colmap *cm, const char *id_header)
{
	json_object	*o;
	char		 k[32], *t, *s;
	size_t		 i;

	o = json_object_new_object();
	for (i = 0; i < cm->ncols; i++) {
		snprintf(k, sizeof k, "#%zu", i + 1);
		if (cm->kind[i] == COL_CUSTOM)
			xasprintf(&t, "custom:%s", cm->key[i]);
		else
			t = xstrdup(mapping_target_name(cm->kind[i],
			    id_header));
		json_object_object_add(o, k, json_object_new_string(t));
		free(t);
	}
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return (s);
}

/* The key a set of headers is remembered by: SHA-256 of the headers as
 * columns.c folds them, one per line, in order. */
void
mapping_digest(const struct sample *sm, char hex[65])
{
	EVP_MD_CTX	*c;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 len = 0, i;
	char		 h[256];
	size_t		 j;

	if ((c = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1)
		fatalx("sha256");
	for (j = 0; j < sm->ncols; j++) {
		columns_normalize(sm->header[j], h, sizeof h);
		EVP_DigestUpdate(c, h, strlen(h));
		EVP_DigestUpdate(c, "\n", 1);
	}
	EVP_DigestFinal_ex(c, md, &len);
	EVP_MD_CTX_free(c);
	for (i = 0; i < len && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = '\0';
}

void
mapping_clear(struct colmap *cm)
{
	size_t	i;

	for (i = 0; i < cm->ncols; i++) {
		if (cm->header != NULL)
			free(cm->header[i]);
		if (cm->key != NULL)
			free(cm->key[i]);
	}
	free(cm->header);
	free(cm->key);
	free(cm->kind);
	free(cm->why);
	memset(cm, 0, sizeof *cm);
}
