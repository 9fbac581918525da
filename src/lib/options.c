/*
 * The options of an import, stated once with their limits: the web form,
 * `intake import`, an SFTP sidecar and the watcher reading a manifest all
 * set and check them here, so that what one entry accepts no other refuses
 * and nothing the database would refuse is ever queued. Pure: no I/O.
 *
 * options_table names each option once: its form field, sidecar key and
 * manifest member, its `intake import` flag, its default, its limits and
 * its parser. An entry calls options_set (text: a form field, a flag) or
 * options_set_json (a sidecar's or a manifest's member) for each option it
 * was given, in any order, then options_finish, which fills the defaults
 * (on_existing follows flow unless it was given) and checks the whole.
 * options_check is the check alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "lib.h"

#define OPTIONS_NAME_KEEP	200	/* bytes of a file name kept */

/* How many characters (code points) s holds; -1 if it is not UTF-8 or
 * has control characters, which no name of ours may hold. */
static long
options_chars(const char *s)
{
	struct textenc_state	 st;
	const unsigned char	*p;
	long			 n = 0;

	memset(&st, 0, sizeof st);
	if (textenc_utf8(&st, (const unsigned char *)s, strlen(s)) == -1 ||
	    st.need != 0)
		return (-1);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return (-1);
		if ((*p & 0xc0) != 0x80)
			n++;
	}
	return (n);
}

/* A name of at most max characters, as text; else -1 with *why. */
static int
options_text(const char *what, const char *s, long max, char **why)
{
	long	n;

	if ((n = options_chars(s)) == -1) {
		xasprintf(why, "%s is not plain text (UTF-8, no control "
		    "characters)", what);
		return (-1);
	}
	if (n > max) {
		xasprintf(why, "%s \"%.40s…\" is longer than %ld characters",
		    what, s, max);
		return (-1);
	}
	return (0);
}

/* A yes/no field as forms, flags and JSON send it. */
static int
options_bool(const char *name, const char *v, int *out, char **why)
{
	static const char *const yes[] = { "1", "on", "true", "yes" };
	static const char *const no[] = { "", "0", "off", "false", "no" };
	size_t	i;

	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (strcasecmp(v, yes[i]) == 0) {
			*out = 1;
			return (0);
		}
	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		if (strcasecmp(v, no[i]) == 0) {
			*out = 0;
			return (0);
		}
	xasprintf(why, "%s must be true or false", name);
	return (-1);
}

/* One tag for the import, as manifest_add_tag keeps it (trimmed, inner
 * runs of space made one): a blank one is dropped, a repeat kept once. */
static int
options_tag(struct manifest *m, const char *v, char **why)
{
	char	*t;
	int	 r = -1;

	if ((t = norm_name(v)) == NULL)
		return (0);
	if (options_text("The tag", t, OPTIONS_TAG_MAX, why) == -1)
		goto out;
	manifest_add_tag(m, t);
	if (m->ntags > OPTIONS_MAX_TAGS) {
		free(m->tags[--m->ntags]);
		xasprintf(why, "An import takes at most %d tags",
		    OPTIONS_MAX_TAGS);
		goto out;
	}
	r = 0;
out:
	free(t);
	return (r);
}

/*
 * The length of the UTF-8 character at s (at most n bytes): 1 to 4, or 0
 * if s does not start a valid one (overlong forms, surrogates and values
 * past U+10FFFF are not valid).
 */
static size_t
options_utf8_len(const unsigned char *s, size_t n)
{
	size_t		len, i;
	unsigned	c;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return (0);
	if (len > n)
		return (0);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return (0);
	return (len);
}

/*
 * A file name as a client or a folder gave it is metadata, shown in the task list and never used
 * as a path (the spool names the file data.csv): its last path part,
 * valid UTF-8 without control characters (C0, DEL, C1) or bidirectional
 * overrides (which can make "x.exe" read as "x.csv"), cut at a character
 * boundary to at most OPTIONS_NAME_KEEP bytes. Invalid bytes are dropped.
 */
char *
options_file_name(const char *name)
{
	const unsigned char	*p;
	const char		*base;
	char			*out;
	size_t			 len, o = 0, n;

	if ((base = strrchr(name, '/')) != NULL)
		name = base + 1;
	if ((base = strrchr(name, '\\')) != NULL)
		name = base + 1;
	n = strlen(name);
	out = xmalloc(OPTIONS_NAME_KEEP + 1);
	for (p = (const unsigned char *)name; *p != '\0'; p += len, n -= len) {
		if ((len = options_utf8_len(p, n)) == 0) {
			len = 1;
			continue;
		}
		if (p[0] < 0x20 || p[0] == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) ||
		    (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa &&
		    p[2] <= 0xae) ||
		    (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
		    p[2] <= 0xa9))
			continue;
		if (o + len > OPTIONS_NAME_KEEP)
			break;
		memcpy(out + o, p, len);
		o += len;
	}
	out[o] = '\0';
	if (o == 0) {
		free(out);
		out = xstrdup("upload.csv");
	}
	return (out);
}

static int
options_set_flow(struct manifest *m, const char *v, char **why)
{
	if (manifest_flow_parse(v, &m->flow) == -1) {
		xasprintf(why, "flow must be create or update");
		return (-1);
	}
	return (0);
}

static int
options_set_workflow(struct manifest *m, const char *v, char **why)
{
	if (options_text("The workflow", v, OPTIONS_WORKFLOW_MAX, why) == -1)
		return (-1);
	free(m->workflow);
	m->workflow = xstrdup(*v != '\0' ? v : "default");
	return (0);
}

static int
options_set_existing(struct manifest *m, const char *v, char **why)
{
	if (manifest_existing_parse(v, &m->on_existing) == -1) {
		xasprintf(why, "on_existing must be skip, update or duplicate");
		return (-1);
	}
	m->existing_given = 1;
	return (0);
}

static int
options_set_dnt(struct manifest *m, const char *v, char **why)
{
	return (options_bool("dnt", v, &m->dnt, why));
}

static int
options_set_owners(struct manifest *m, const char *v, char **why)
{
	return (options_bool("override_owners", v, &m->override_owners, why));
}

static int
options_set_review(struct manifest *m, const char *v, char **why)
{
	return (options_bool("review", v, &m->review, why));
}

static int
options_mapping_size(const char *v, char **why)
{
	if (strlen(v) > OPTIONS_MAPPING_MAX) {
		xasprintf(why, "The mapping is longer than %d bytes",
		    OPTIONS_MAPPING_MAX);
		return (-1);
	}
	return (0);
}

/* The mapping, whole, as JSON text; an empty one is no mapping. */
static int
options_set_mapping(struct manifest *m, const char *v, char **why)
{
	if (v[strspn(v, " \t\r\n")] == '\0')
		return (0);
	if (options_mapping_size(v, why) == -1 ||
	    mapping_check(v, conf.id_header, why) == -1)
		return (-1);
	free(m->mapping);
	m->mapping = xstrdup(v);
	return (0);
}

/* An iconv name, kept as iconv spells it; empty: detect it. */
static int
options_set_encoding(struct manifest *m, const char *v, char **why)
{
	char	canon[TEXTENC_NAME_MAX];

	if (*v == '\0') {
		free(m->encoding);
		m->encoding = NULL;
		return (0);
	}
	if (textenc_known(v, canon, sizeof canon) == -1) {
		xasprintf(why, "\"%.40s\" is not an encoding this server can "
		    "read (an iconv name: UTF-8, WINDOWS-1252, MACINTOSH, "
		    "CP932...)", v);
		return (-1);
	}
	free(m->encoding);
	m->encoding = xstrdup(canon);
	return (0);
}

/* The defaults that are not the zero of their field. */
static void
options_default_workflow(struct manifest *m)
{
	if (m->workflow == NULL)
		m->workflow = xstrdup("default");
}

/* on_existing follows the flow unless it was given. */
static void
options_default_existing(struct manifest *m)
{
	if (!m->existing_given)
		m->on_existing = m->flow == FLOW_UPDATE ? EXISTING_UPDATE :
		    EXISTING_SKIP;
}

/* The limits of a whole manifest, for one read back: what the entries
 * accept and what the database's columns hold. */
static int
options_check_tags(const struct manifest *m, char **why)
{
	size_t	i;

	if (m->ntags > OPTIONS_MAX_TAGS) {
		xasprintf(why, "An import takes at most %d tags",
		    OPTIONS_MAX_TAGS);
		return (-1);
	}
	for (i = 0; i < m->ntags; i++)
		if (options_text("The tag", m->tags[i], OPTIONS_TAG_MAX,
		    why) == -1)
			return (-1);
	return (0);
}

static int
options_check_workflow(const struct manifest *m, char **why)
{
	if (m->workflow == NULL)
		return (0);
	return (options_text("The workflow", m->workflow,
	    OPTIONS_WORKFLOW_MAX, why));
}

static int
options_check_mapping(const struct manifest *m, char **why)
{
	if (m->mapping == NULL)
		return (0);
	if (options_mapping_size(m->mapping, why) == -1)
		return (-1);
	return (mapping_check(m->mapping, conf.id_header, why));
}

static int
options_check_encoding(const struct manifest *m, char **why)
{
	char	canon[TEXTENC_NAME_MAX];

	if (m->encoding != NULL && textenc_known(m->encoding, canon,
	    sizeof canon) == -1) {
		xasprintf(why, "\"%.40s\" is not an encoding this server can "
		    "read", m->encoding);
		return (-1);
	}
	return (0);
}

/* Each option as the manifest holds it. */
static void
options_put_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void
options_put_flow(const struct manifest *m, struct json_object *o)
{
	options_put_str(o, "flow", manifest_flow_name(m->flow));
}

static void
options_put_tags(const struct manifest *m, struct json_object *o)
{
	struct json_object	*tags;
	size_t			 i;

	tags = json_object_new_array();
	for (i = 0; i < m->ntags; i++)
		json_object_array_add(tags, json_object_new_string(m->tags[i]));
	json_object_object_add(o, "tags", tags);
}

static void
options_put_workflow(const struct manifest *m, struct json_object *o)
{
	options_put_str(o, "workflow", m->workflow ? m->workflow : "default");
}

static void
options_put_existing(const struct manifest *m, struct json_object *o)
{
	options_put_str(o, "on_existing",
	    manifest_existing_name(m->on_existing));
}

static void
options_put_dnt(const struct manifest *m, struct json_object *o)
{
	json_object_object_add(o, "dnt", json_object_new_boolean(m->dnt));
}

static void
options_put_owners(const struct manifest *m, struct json_object *o)
{
	json_object_object_add(o, "override_owners",
	    json_object_new_boolean(m->override_owners));
}

/* An import: no member (a manifest of before reviews reads the same). */
static void
options_put_review(const struct manifest *m, struct json_object *o)
{
	if (m->review)
		json_object_object_add(o, "review",
		    json_object_new_boolean(1));
}

/* No mapping: no member. */
static void
options_put_mapping(const struct manifest *m, struct json_object *o)
{
	if (m->mapping != NULL)
		json_object_object_add(o, "mapping",
		    json_tokener_parse(m->mapping));
}

static void
options_put_encoding(const struct manifest *m, struct json_object *o)
{
	options_put_str(o, "encoding", m->encoding);
}

/*
 * Every import option, once. The name is the form field's, the sidecar's
 * key and the manifest's member; the flag is `intake import --FLAG` (with
 * the value a flag without an argument sets). The defaults are those of a
 * zeroed manifest unless dflt says otherwise: flow create, no tags,
 * workflow "default", on_existing from the flow, dnt and override_owners
 * no, no review, no mapping, the encoding detected. Limits: lib.h, OPTIONS_*.
 */
const struct options_def options_table[] = {
	{ "flow", { NULL }, "update", "update", OPTIONS_CHOICE,
	    "is not a string", NULL, 0,
	    options_set_flow, NULL, NULL, options_put_flow },
	{ "tags", { "tags[]", "tag" }, "tag", NULL, OPTIONS_LIST,
	    "must be a list of at most " OPTIONS_STR(OPTIONS_MAX_TAGS)
	    " names", "tag", OPTIONS_MAX_TAGS,
	    options_tag, NULL, options_check_tags, options_put_tags },
	{ "workflow", { NULL }, "workflow", NULL, OPTIONS_TEXT,
	    "is not a string", NULL, 0,
	    options_set_workflow, options_default_workflow,
	    options_check_workflow, options_put_workflow },
	{ "on_existing", { NULL }, "on-existing", NULL, OPTIONS_CHOICE,
	    "is not a string", NULL, 0,
	    options_set_existing, options_default_existing, NULL,
	    options_put_existing },
	{ "dnt", { NULL }, "dnt", "true", OPTIONS_YESNO,
	    "is not true or false", NULL, 0,
	    options_set_dnt, NULL, NULL, options_put_dnt },
	{ "override_owners", { NULL }, "override-owners", "true",
	    OPTIONS_YESNO, "is not true or false", NULL, 0,
	    options_set_owners, NULL, NULL, options_put_owners },
	/* Review first: what the import would do, writing nothing. */
	{ "review", { NULL }, "review", "true", OPTIONS_YESNO,
	    "is not true or false", NULL, 0,
	    options_set_review, NULL, NULL, options_put_review },
	/* The CLI builds its mapping of --map and --map-file. */
	{ "mapping", { NULL }, NULL, NULL, OPTIONS_OBJECT,
	    "is not an object", NULL, 0,
	    options_set_mapping, NULL, options_check_mapping,
	    options_put_mapping },
	{ "encoding", { NULL }, "encoding", NULL, OPTIONS_TEXT,
	    "is not a string", NULL, 0,
	    options_set_encoding, NULL, options_check_encoding,
	    options_put_encoding },
	{ NULL, { NULL }, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, NULL,
	    NULL }
};

/* The option of a name or an alias (the form's names); NULL if none. */
const struct options_def *
options_find(const char *name)
{
	const struct options_def	*d;
	size_t				 i;

	for (d = options_table; d->name != NULL; d++) {
		if (strcmp(name, d->name) == 0)
			return (d);
		for (i = 0; i < OPTIONS_ALIASES && d->alias[i] != NULL; i++)
			if (strcmp(name, d->alias[i]) == 0)
				return (d);
	}
	return (NULL);
}

/* "flow, tags, ... and encoding", for messages. */
static void
options_names(char *out, size_t len)
{
	const struct options_def	*d;
	size_t				 o = 0;

	out[0] = '\0';
	for (d = options_table; d->name != NULL && o < len; d++)
		o += snprintf(out + o, len - o, "%s%s", d == options_table ?
		    "" : d[1].name == NULL ? " and " : ", ", d->name);
}

static int
options_unknown(const char *name, char **why)
{
	char	names[256];

	options_names(names, sizeof names);
	xasprintf(why, "\"%.40s\" is not an option; the options are %s",
	    name, names);
	return (-1);
}

/*
 * Set one option by its form name from the text an entry was given. 0, or
 * -1 with *why for the user (m unchanged); unknown names are refused too.
 */
int
options_set(struct manifest *m, const char *name, const char *value,
    char **why)
{
	const struct options_def	*d;

	if ((d = options_find(name)) == NULL)
		return (options_unknown(name, why));
	return (d->set(m, value, why));
}

/* Each item of a JSON list, set as one value of d. */
static enum options_rc
options_set_list(struct manifest *m, const struct options_def *d,
    struct json_object *v, int flags, char **why)
{
	struct json_object	*t;
	size_t			 i, n;

	n = json_object_array_length(v);
	if ((flags & OPTIONS_STRICT) && n > d->max)
		return (OPTIONS_TYPE);
	for (i = 0; i < n; i++) {
		t = json_object_array_get_idx(v, i);
		if (!json_object_is_type(t, json_type_string))
			return (OPTIONS_ITEM);
		if (d->set(m, json_object_get_string(t), why) == -1)
			return (OPTIONS_REFUSED);
	}
	return (OPTIONS_OK);
}

/*
 * Set one option from a JSON value (not null). OPTIONS_STRICT: of the type
 * the manifest writes (a string, true or false, a list of strings, an
 * object). Else as a sidecar may give it: any option a string or true or
 * false, a list a JSON list (or a string under a form's one-item alias),
 * the mapping an object. OPTIONS_REFUSED with *why: the value is wrong or
 * the name unknown; OPTIONS_TYPE: v is not of the option's type;
 * OPTIONS_ITEM: an item of the list is not a string.
 */
enum options_rc
options_set_json(struct manifest *m, const char *name, struct json_object *v,
    int flags, char **why)
{
	const struct options_def	*d = options_find(name);
	const char			*s = NULL;
	int				 is_str;

	if (d != NULL && d->kind == OPTIONS_LIST &&
	    strcmp(name, d->name) == 0 &&
	    json_object_is_type(v, json_type_array))
		return (options_set_list(m, d, v, flags, why));
	if (d != NULL && d->kind == OPTIONS_OBJECT &&
	    json_object_is_type(v, json_type_object))
		return (d->set(m, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
		    why) == -1 ? OPTIONS_REFUSED : OPTIONS_OK);
	if (json_object_is_type(v, json_type_string))
		s = json_object_get_string(v);
	else if (json_object_is_type(v, json_type_boolean) ||
	    ((flags & OPTIONS_STRICT) && json_object_is_type(v, json_type_int)))
		s = json_object_get_boolean(v) ? "true" : "false";
	if (s == NULL)
		return (OPTIONS_TYPE);
	if (d == NULL)
		return (options_unknown(name, why) == -1 ? OPTIONS_REFUSED :
		    OPTIONS_OK);
	if (flags & OPTIONS_STRICT) {
		/* true or false for a yes/no, else a string, as written */
		is_str = json_object_is_type(v, json_type_string);
		if (d->kind == OPTIONS_YESNO ? is_str : !is_str ||
		    d->kind == OPTIONS_LIST || d->kind == OPTIONS_OBJECT)
			return (OPTIONS_TYPE);
	} else if (d->kind == OPTIONS_LIST && strcmp(name, d->name) == 0)
		return (OPTIONS_TYPE);
	return (d->set(m, s, why) == -1 ? OPTIONS_REFUSED : OPTIONS_OK);
}

/*
 * A sidecar NAME.csv.json as text: the options of the upload form, and
 * uploader, an email (into *uploader). m holds the folder's defaults,
 * which the sidecar's options replace. 0, or -1 with *why for people.
 */
int
options_sidecar(struct manifest *m, const char *text, char **uploader,
    char **why)
{
	struct json_object	*o;
	char			*err = NULL, names[256];
	int			 r = -1;

	if ((o = json_tokener_parse(text)) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		xasprintf(why, "The sidecar is not a JSON object");
		goto out;
	}
	json_object_object_foreach(o, k, v) {
		if (strcmp(k, "uploader") == 0 &&
		    json_object_is_type(v, json_type_string)) {
			free(*uploader);
			*uploader = xstrdup(json_object_get_string(v));
			continue;
		}
		switch (options_set_json(m, k, v, 0, &err)) {
		case OPTIONS_OK:
			break;
		case OPTIONS_REFUSED:
			xasprintf(why, "In the sidecar: %s", err);
			goto out;
		case OPTIONS_ITEM:
			xasprintf(why, "In the sidecar, %s must be a list of "
			    "names", k);
			goto out;
		case OPTIONS_TYPE:
			options_names(names, sizeof names);
			xasprintf(why, "The sidecar has \"%.40s\", which is "
			    "not an option (or not of the right type); the "
			    "options are uploader, %s", k, names);
			goto out;
		}
		/* A flow the sidecar names sets on_existing's default
		 * again (the folder's was given), unless the sidecar names
		 * that too. */
		if (strcmp(k, "flow") == 0 &&
		    !json_object_object_get_ex(o, "on_existing", NULL))
			m->existing_given = 0;
	}
	r = 0;
out:
	free(err);
	json_object_put(o);
	return (r);
}

/* Every option into the JSON object o, as the manifest holds them. */
void
options_encode(const struct manifest *m, struct json_object *o)
{
	const struct options_def	*d;

	for (d = options_table; d->name != NULL; d++)
		d->encode(m, o);
}

/* The defaults of what was not given, then the check of the whole. */
int
options_finish(struct manifest *m, char **why)
{
	const struct options_def	*d;

	for (d = options_table; d->name != NULL; d++)
		if (d->dflt != NULL)
			d->dflt(m);
	return (options_check(m, why));
}

/*
 * Whether a whole manifest is within every limit: what the entries
 * accept, and what the database's columns hold. 0, or -1 with *why.
 */
int
options_check(const struct manifest *m, char **why)
{
	const struct options_def	*d;

	for (d = options_table; d->name != NULL; d++)
		if (d->check != NULL && d->check(m, why) == -1)
			return (-1);
	if (m->file_name != NULL && options_text("The file name",
	    m->file_name, OPTIONS_FILE_NAME_MAX, why) == -1)
		return (-1);
	return (0);
}
