/*
 * The options manifest of a drop (manifest.json): what the uploader asked
 * for. A pure codec: strings in, strings out, no files.
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
	json_object	*o, *tags;
	char		*s;
	size_t		 i;

	o = json_object_new_object();
	json_object_object_add(o, "version", json_object_new_int(MANIFEST_VERSION));
	manifest_put_str(o, "id", m->id);
	manifest_put_str(o, "workspace", m->workspace);
	manifest_put_str(o, "uploader", m->uploader);
	manifest_put_str(o, "flow", manifest_flow_name(m->flow));
	tags = json_object_new_array();
	for (i = 0; i < m->ntags; i++)
		json_object_array_add(tags, json_object_new_string(m->tags[i]));
	json_object_object_add(o, "tags", tags);
	manifest_put_str(o, "workflow", m->workflow ? m->workflow : "default");
	manifest_put_str(o, "on_existing", manifest_existing_name(m->on_existing));
	json_object_object_add(o, "dnt", json_object_new_boolean(m->dnt));
	json_object_object_add(o, "override_owners",
	    json_object_new_boolean(m->override_owners));
	if (m->mapping != NULL)
		json_object_object_add(o, "mapping",
		    json_tokener_parse(m->mapping));
	manifest_put_str(o, "file_name", m->file_name);
	manifest_put_str(o, "encoding", m->encoding);
	manifest_put_str(o, "source", m->source);
	json_object_object_add(o, "size", json_object_new_int64(m->size));
	manifest_put_str(o, "sha256", m->sha256[0] ? m->sha256 : NULL);
	manifest_put_str(o, "received_at", m->received_at);
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

static int
manifest_get_bool(json_object *o, const char *k, int *out, char **cause)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, k, &v) || v == NULL)
		return (0);
	if (json_object_is_type(v, json_type_boolean) ||
	    json_object_is_type(v, json_type_int)) {
		*out = json_object_get_boolean(v);
		return (0);
	}
	xasprintf(cause, "manifest: %s is not true or false", k);
	return (-1);
}

/* Fill m from JSON text; on error cause says why and m is cleared. */
int
manifest_decode(struct manifest *m, const char *text, char **cause)
{
	json_object	*o, *v;
	char		*s = NULL;
	size_t		 i;

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
	    manifest_get_str(o, "workflow", &m->workflow, 0, cause) == -1 ||
	    manifest_get_str(o, "file_name", &m->file_name, 0, cause) == -1 ||
	    manifest_get_str(o, "encoding", &m->encoding, 0, cause) == -1 ||
	    manifest_get_str(o, "source", &m->source, 0, cause) == -1 ||
	    manifest_get_str(o, "received_at", &m->received_at, 0, cause) == -1)
		goto fail;
	if (manifest_get_str(o, "flow", &s, 0, cause) == -1)
		goto fail;
	if (s != NULL && manifest_flow_parse(s, &m->flow) == -1) {
		xasprintf(cause, "manifest: unknown flow %s", s);
		goto fail;
	}
	free(s);
	s = NULL;
	m->on_existing = m->flow == FLOW_UPDATE ? EXISTING_UPDATE : EXISTING_SKIP;
	if (manifest_get_str(o, "on_existing", &s, 0, cause) == -1)
		goto fail;
	if (s != NULL && manifest_existing_parse(s, &m->on_existing) == -1) {
		xasprintf(cause, "manifest: unknown on_existing %s", s);
		goto fail;
	}
	m->existing_given = s != NULL;
	free(s);
	s = NULL;
	if (manifest_get_bool(o, "dnt", &m->dnt, cause) == -1 ||
	    manifest_get_bool(o, "override_owners", &m->override_owners,
	    cause) == -1)
		goto fail;
	if (json_object_object_get_ex(o, "tags", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_array) ||
		    json_object_array_length(v) > OPTIONS_MAX_TAGS) {
			xasprintf(cause, "manifest: tags must be a list of at "
			    "most %d names", OPTIONS_MAX_TAGS);
			goto fail;
		}
		for (i = 0; i < json_object_array_length(v); i++) {
			json_object *t = json_object_array_get_idx(v, i);

			if (!json_object_is_type(t, json_type_string)) {
				xasprintf(cause, "manifest: a tag is not a string");
				goto fail;
			}
			manifest_add_tag(m, json_object_get_string(t));
		}
	}
	if (json_object_object_get_ex(o, "mapping", &v) && v != NULL) {
		if (!json_object_is_type(v, json_type_object)) {
			xasprintf(cause, "manifest: mapping is not an object");
			goto fail;
		}
		m->mapping = xstrdup(json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	}
	if (json_object_object_get_ex(o, "size", &v) && v != NULL)
		m->size = json_object_get_int64(v);
	if (manifest_get_str(o, "sha256", &s, 0, cause) == -1)
		goto fail;
	if (s != NULL)
		snprintf(m->sha256, sizeof m->sha256, "%s", s);
	free(s);
	s = NULL;
	if (m->workflow == NULL)
		m->workflow = xstrdup("default");
	/* What every entry checks, checked again: a manifest is input. */
	if (options_check(m, &s) == -1) {
		xasprintf(cause, "manifest: %s", s);
		free(s);
		s = NULL;
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
	memset(m, 0, sizeof *m);
}
