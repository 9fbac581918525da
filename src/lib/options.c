/*
 * The options of an import, stated once with their limits: the web form,
 * `intake import`, an SFTP sidecar and the watcher reading a manifest all
 * set and check them here, so that what one entry accepts no other refuses
 * and nothing the database would refuse is ever queued. Pure: no I/O.
 *
 * An entry calls options_set for each option it was given, by the names of
 * the upload form, in any order, then options_finish, which fills the
 * defaults (on_existing follows flow unless it was given) and checks the
 * whole. options_check is the check alone, for a manifest read back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/*
 * Set one option by its form name (flow, tags, workflow, on_existing,
 * dnt, override_owners, mapping, encoding) from the text an entry was given. 0, or -1 with
 * *why for the user (and m unchanged); unknown names are refused too.
 */
int
options_set(struct manifest *m, const char *name, const char *value,
    char **why)
{
	if (strcmp(name, "flow") == 0) {
		if (manifest_flow_parse(value, &m->flow) == -1) {
			xasprintf(why, "flow must be create or update");
			return (-1);
		}
		return (0);
	}
	if (strcmp(name, "tags") == 0 || strcmp(name, "tags[]") == 0 ||
	    strcmp(name, "tag") == 0)
		return (options_tag(m, value, why));
	if (strcmp(name, "workflow") == 0) {
		if (options_text("The workflow", value, OPTIONS_WORKFLOW_MAX,
		    why) == -1)
			return (-1);
		free(m->workflow);
		m->workflow = xstrdup(*value != '\0' ? value : "default");
		return (0);
	}
	if (strcmp(name, "on_existing") == 0) {
		if (manifest_existing_parse(value, &m->on_existing) == -1) {
			xasprintf(why, "on_existing must be skip, update or "
			    "duplicate");
			return (-1);
		}
		m->existing_given = 1;
		return (0);
	}
	if (strcmp(name, "mapping") == 0) {
		/* whole, as JSON; an empty one is no mapping */
		if (value[strspn(value, " \t\r\n")] == '\0')
			return (0);
		if (strlen(value) > OPTIONS_MAPPING_MAX) {
			xasprintf(why, "The mapping is longer than %d bytes",
			    OPTIONS_MAPPING_MAX);
			return (-1);
		}
		if (mapping_check(value, conf.id_header, why) == -1)
			return (-1);
		free(m->mapping);
		m->mapping = xstrdup(value);
		return (0);
	}
	if (strcmp(name, "encoding") == 0) {
		char	canon[TEXTENC_NAME_MAX];

		/* empty: detect it */
		if (*value == '\0') {
			free(m->encoding);
			m->encoding = NULL;
			return (0);
		}
		if (textenc_known(value, canon, sizeof canon) == -1) {
			xasprintf(why, "\"%.40s\" is not an encoding this "
			    "server can read (an iconv name: UTF-8, "
			    "WINDOWS-1252, MACINTOSH, CP932...)", value);
			return (-1);
		}
		free(m->encoding);
		m->encoding = xstrdup(canon);
		return (0);
	}
	if (strcmp(name, "dnt") == 0)
		return (options_bool(name, value, &m->dnt, why));
	if (strcmp(name, "override_owners") == 0)
		return (options_bool(name, value, &m->override_owners, why));
	xasprintf(why, "\"%.40s\" is not an option; the options are flow, "
	    "tags, workflow, on_existing, dnt, override_owners, mapping and "
	    "encoding", name);
	return (-1);
}

/* The defaults of what was not given, then the check of the whole. */
int
options_finish(struct manifest *m, char **why)
{
	if (!m->existing_given)
		m->on_existing = m->flow == FLOW_UPDATE ? EXISTING_UPDATE :
		    EXISTING_SKIP;
	if (m->workflow == NULL)
		m->workflow = xstrdup("default");
	return (options_check(m, why));
}

/*
 * Whether a whole manifest is within every limit: what the entries
 * accept, and what the database's columns hold. 0, or -1 with *why.
 */
int
options_check(const struct manifest *m, char **why)
{
	char	canon[TEXTENC_NAME_MAX];
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
	if (m->workflow != NULL && options_text("The workflow", m->workflow,
	    OPTIONS_WORKFLOW_MAX, why) == -1)
		return (-1);
	if (m->mapping != NULL && strlen(m->mapping) > OPTIONS_MAPPING_MAX) {
		xasprintf(why, "The mapping is longer than %d bytes",
		    OPTIONS_MAPPING_MAX);
		return (-1);
	}
	if (m->mapping != NULL &&
	    mapping_check(m->mapping, conf.id_header, why) == -1)
		return (-1);
	if (m->encoding != NULL && textenc_known(m->encoding, canon,
	    sizeof canon) == -1) {
		xasprintf(why, "\"%.40s\" is not an encoding this server can "
		    "read", m->encoding);
		return (-1);
	}
	if (m->file_name != NULL && options_text("The file name",
	    m->file_name, OPTIONS_FILE_NAME_MAX, why) == -1)
		return (-1);
	return (0);
}
