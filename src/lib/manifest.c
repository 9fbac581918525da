/*
 * The options manifest of a drop (manifest.json): what the uploader asked
 * for. A pure codec: strings in, strings out, no files. The options are
 * written and read by options.c's table, as every entry reads them.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>

#include <json-c/json.h>

#include "lib.h"

#define MANIFEST_VERSION	1

static const char *manifest_flows[] = { "create", "update" };
static const char *manifest_existing[] = { "skip", "update", "duplicate" };

const char *
manifest_flow_name(enum flow f)
{
	return (manifest_flows[f]);
}

const char *
manifest_existing_name(enum on_existing e)
{
	return (manifest_existing[e]);
}

int
manifest_flow_parse(const char *s, enum flow *f)
{
	size_t	i;

	for (i = 0; i < 2; i++)
		if (strcmp(s, manifest_flows[i]) == 0) {
			*f = i;
			return (0);
		}
	return (-1);
}

int
manifest_existing_parse(const char *s, enum on_existing *e)
{
	size_t	i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, manifest_existing[i]) == 0) {
			*e = i;
			return (0);
		}
	return (-1);
}

/* Add a tag name once (case-insensitively); blank names are dropped. */
void
manifest_add_tag(struct manifest *m, const char *tag)
{
	size_t	i;
	char	*t;

	if ((t = norm_name(tag)) == NULL)
		return;
	for (i = 0; i < m->ntags; i++)
		if (strcasecmp(m->tags[i], t) == 0) {
			free(t);
			return;
		}
	m->tags = xreallocarray(m->tags, m->ntags + 1, sizeof *m->tags);
	m->tags[m->ntags++] = t;
}

static void
manifest_put_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

/* The manifest as JSON text; the caller frees it. */
char *
manifest_encode(const struct manifest *m)
{
	json_object	*o;
	char		*s;

	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(MANIFEST_VERSION));
	manifest_put_str(o, "id", m->id);
	manifest_put_str(o, "workspace", m->workspace);
	manifest_put_str(o, "uploader", m->uploader);
	options_encode(m, o);
	manifest_put_str(o, "file_name", m->file_name);
	manifest_put_str(o, "source", m->source);
	json_object_object_add(o, "size", json_object_new_int64(m->size));
	manifest_put_str(o, "sha256", m->sha256[0] ? m->sha256 : NULL);
	manifest_put_str(o, "received_at", m->received_at);
	if (m->from_review != NULL)
		manifest_put_str(o, "from_review", m->from_review);
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return (s);
}

/* A string member, copied; -1 if present but not a string. */
static int
manifest_get_str(json_object *o, const char *k, char **out, int required,
    char **cause)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, k, &v) || v == NULL) {
		if (required) {
			xasprintf(cause, "manifest: %s is missing", k);
			return (-1);
		}
		return (0);
	}
	if (!json_object_is_type(v, json_type_string)) {
		xasprintf(cause, "manifest: %s is not a string", k);
		return (-1);
	}
	free(*out);
	*out = xstrdup(json_object_get_string(v));
	return (0);
}

/* The options, each as options.c reads it; an option missing or null
 * was not given. */
static int
manifest_get_options(struct manifest *m, json_object *o, char **cause)
{
	const struct options_def	*d;
	json_object			*v;
	char				*why = NULL;

	for (d = options_table; d->name != NULL; d++) {
		if (!json_object_object_get_ex(o, d->name, &v) || v == NULL)
			continue;
		switch (options_set_json(m, d->name, v, OPTIONS_STRICT, &why)) {
		case OPTIONS_OK:
			continue;
		case OPTIONS_REFUSED:
			if (d->kind == OPTIONS_CHOICE)
				xasprintf(cause, "manifest: unknown %s %s",
				    d->name, json_object_get_string(v));
			else
				xasprintf(cause, "manifest: %s", why);
			break;
		case OPTIONS_TYPE:
			xasprintf(cause, "manifest: %s %s", d->name,
			    d->type_why);
			break;
		case OPTIONS_ITEM:
			xasprintf(cause, "manifest: a %s is not a string",
			    d->item);
			break;
		}
		free(why);
		return (-1);
	}
	return (0);
}

/* Fill m from JSON text; on error cause says why and m is cleared. */
int
manifest_decode(struct manifest *m, const char *text, char **cause)
{
	json_object	*o, *v;
	char		*s = NULL;

	memset(m, 0, sizeof *m);
	if ((o = json_tokener_parse(text)) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		xasprintf(cause, "manifest: not a JSON object");
		json_object_put(o);
		return (-1);
	}
	if (json_object_object_get_ex(o, "version", &v))
		m->version = json_object_get_int(v);
	if (m->version != MANIFEST_VERSION) {
		xasprintf(cause, "manifest: unsupported version %d", m->version);
		goto fail;
	}
	if (manifest_get_str(o, "id", &m->id, 0, cause) == -1 ||
	    manifest_get_str(o, "workspace", &m->workspace, 1, cause) == -1 ||
	    manifest_get_str(o, "uploader", &m->uploader, 1, cause) == -1 ||
	    manifest_get_str(o, "file_name", &m->file_name, 0, cause) == -1 ||
	    manifest_get_str(o, "source", &m->source, 0, cause) == -1 ||
	    manifest_get_str(o, "received_at", &m->received_at, 0, cause) == -1 ||
	    manifest_get_str(o, "from_review", &m->from_review, 0, cause) == -1)
		goto fail;
	if (manifest_get_options(m, o, cause) == -1)
		goto fail;
	if (json_object_object_get_ex(o, "size", &v) && v != NULL)
		m->size = json_object_get_int64(v);
	if (manifest_get_str(o, "sha256", &s, 0, cause) == -1)
		goto fail;
	if (s != NULL)
		snprintf(m->sha256, sizeof m->sha256, "%s", s);
	free(s);
	s = NULL;
	/* The defaults, and what every entry checks, checked again: a
	 * manifest is input. */
	if (options_finish(m, &s) == -1) {
		xasprintf(cause, "manifest: %s", s);
		goto fail;
	}
	json_object_put(o);
	return (0);

fail:
	free(s);
	json_object_put(o);
	manifest_clear(m);
	return (-1);
}

void
manifest_clear(struct manifest *m)
{
	size_t	i;

	free(m->id);
	free(m->workspace);
	free(m->uploader);
	for (i = 0; i < m->ntags; i++)
		free(m->tags[i]);
	free(m->tags);
	free(m->workflow);
	free(m->mapping);
	free(m->file_name);
	free(m->encoding);
	free(m->source);
	free(m->received_at);
	free(m->from_review);
	memset(m, 0, sizeof *m);
}
