/*
 * A provider's answer, read into a profile: each of our fields is found at
 * a configured path in the response JSON ("data.job_company_name",
 * "experience.0.company.website"). A path step is an object key, or an
 * array index when the value there is an array. Pure: text in, profile out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "watchd.h"

/* The value at a dotted path, or NULL. */
static json_object *
profile_at(json_object *o, const char *path)
{
	char		*copy, *step, *save = NULL, *end;
	long		 idx;

	if (path == NULL || *path == '\0')
		return (NULL);
	copy = xstrdup(path);
	for (step = strtok_r(copy, ".", &save); step != NULL && o != NULL;
	    step = strtok_r(NULL, ".", &save)) {
		if (json_object_is_type(o, json_type_array)) {
			errno = 0;
			idx = strtol(step, &end, 10);
			if (errno != 0 || *end != '\0' || idx < 0 ||
			    (size_t)idx >= json_object_array_length(o))
				o = NULL;
			else
				o = json_object_array_get_idx(o, idx);
		} else if (json_object_is_type(o, json_type_object)) {
			if (!json_object_object_get_ex(o, step, &o))
				o = NULL;
		} else
			o = NULL;
	}
	free(copy);
	return (o);
}

/* A string (or number) at a path, copied; NULL if absent or empty. */
static char *
profile_str(json_object *root, const char *path)
{
	json_object	*v = profile_at(root, path);
	const char	*s;

	if (v == NULL || (!json_object_is_type(v, json_type_string) &&
	    !json_object_is_type(v, json_type_int)))
		return (NULL);
	s = json_object_get_string(v);
	return (s != NULL && *s != '\0' ? xstrdup(s) : NULL);
}

/*
 * Read a response body into p using the configured paths. Returns 0, or
 * -1 if the body is not a JSON object.
 */
int
profile_parse(const char *body, const struct profile_map *map,
    struct profile *p)
{
	json_object	*root;

	memset(p, 0, sizeof *p);
	if ((root = json_tokener_parse(body)) == NULL)
		return (-1);
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return (-1);
	}
	p->first = profile_str(root, map->first);
	p->last = profile_str(root, map->last);
	p->account = profile_str(root, map->account);
	p->domain = profile_str(root, map->domain);
	p->email = profile_str(root, map->email);
	p->phone = profile_str(root, map->phone);
	p->title = profile_str(root, map->title);
	json_object_put(root);
	return (0);
}

static void
profile_put(json_object *o, const char *k, const char *v)
{
	if (v != NULL)
		json_object_object_add(o, k, json_object_new_string(v));
}

/* The profile as our own small JSON, for the cache. */
char *
profile_encode(const struct profile *p)
{
	json_object	*o = json_object_new_object();
	char		*s;

	profile_put(o, "first", p->first);
	profile_put(o, "last", p->last);
	profile_put(o, "account", p->account);
	profile_put(o, "domain", p->domain);
	profile_put(o, "email", p->email);
	profile_put(o, "phone", p->phone);
	profile_put(o, "title", p->title);
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return (s);
}

/* Read back what profile_encode wrote. */
int
profile_decode(const char *text, struct profile *p)
{
	static const struct profile_map map = { "first", "last", "account",
	    "domain", "email", "phone", "title" };

	return (profile_parse(text, &map, p));
}

static char *
profile_dup(const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

/* A copy of a profile, the caller's to clear and free. */
struct profile *
profile_copy(const struct profile *p)
{
	struct profile	*c = xcalloc(1, sizeof *c);

	c->first = profile_dup(p->first);
	c->last = profile_dup(p->last);
	c->account = profile_dup(p->account);
	c->domain = profile_dup(p->domain);
	c->email = profile_dup(p->email);
	c->phone = profile_dup(p->phone);
	c->title = profile_dup(p->title);
	return (c);
}

void
profile_clear(struct profile *p)
{
	if (p == NULL)
		return;
	free(p->first);
	free(p->last);
	free(p->account);
	free(p->domain);
	free(p->email);
	free(p->phone);
	free(p->title);
	memset(p, 0, sizeof *p);
}
