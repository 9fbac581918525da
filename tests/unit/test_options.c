/* The import options: what every entry (web, CLI, SFTP sidecar, a
 * manifest read back) accepts and refuses, with the limits the database
 * holds, so nothing refused later is ever queued. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "lib.h"

/* n copies of s. */
static char *
rep(const char *s, size_t n)
{
	char	*out = xmalloc(strlen(s) * n + 1);
	size_t	 i;

	out[0] = '\0';
	for (i = 0; i < n; i++)
		strcat(out, s);
	return (out);
}

static void
test_set_values(void **state)
{
	static const struct {
		const char	*name;
		const char	*value;
		int		 ok;
		const char	*why;	/* start of the message */
	} cases[] = {
		{ "flow", "create", 1, NULL },
		{ "flow", "update", 1, NULL },
		{ "flow", "merge", 0, "flow must be create or update" },
		{ "on_existing", "duplicate", 1, NULL },
		{ "on_existing", "overwrite", 0, "on_existing must be" },
		{ "dnt", "on", 1, NULL },
		{ "dnt", "TRUE", 1, NULL },
		{ "dnt", "", 1, NULL },
		{ "dnt", "maybe", 0, "dnt must be true or false" },
		{ "override_owners", "2", 0, "override_owners must be" },
		{ "workflow", "Welcome sequence", 1, NULL },
		{ "workflow", "a\x01" "b", 0, "The workflow is not plain text" },
		{ "tags", "Fair 2026", 1, NULL },
		{ "tags", "   ", 1, NULL },
		{ "tags", "caf\xc3", 0, "The tag is not plain text" },
		{ "tags", "bell\x07", 0, "The tag is not plain text" },
		{ "color", "red", 0, "\"color\" is not an option" },
	};
	struct manifest	 m;
	char		*why;
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&m, 0, sizeof m);
		why = NULL;
		r = options_set(&m, cases[i].name, cases[i].value, &why);
		if ((r == 0) != cases[i].ok)
			fail_msg("%s=%s: got %d (%s)", cases[i].name,
			    cases[i].value, r, why ? why : "");
		if (!cases[i].ok && strncmp(why, cases[i].why,
		    strlen(cases[i].why)) != 0)
			fail_msg("%s=%s: message [%s]", cases[i].name,
			    cases[i].value, why);
		free(why);
		manifest_clear(&m);
	}
}

/* A tag of 128 characters is taken, 129 is not; characters, not bytes
 * (the column is VARCHAR(128) in utf8mb4). */
static void
test_tag_length(void **state)
{
	struct manifest	 m;
	char		*t, *why = NULL;

	memset(&m, 0, sizeof m);
	t = rep("é", 128);
	assert_int_equal(options_set(&m, "tags", t, &why), 0);
	free(t);
	t = rep("a", 129);
	assert_int_equal(options_set(&m, "tags", t, &why), -1);
	assert_non_null(strstr(why, "longer than 128 characters"));
	assert_int_equal(m.ntags, 1);
	free(t);
	free(why);
	manifest_clear(&m);
}

/* 50 distinct tags are taken, the 51st is refused; repeats (any case)
 * and blanks do not count. */
static void
test_tag_count(void **state)
{
	struct manifest	 m;
	char		 t[16], *why = NULL;
	int		 i;

	memset(&m, 0, sizeof m);
	for (i = 0; i < OPTIONS_MAX_TAGS; i++) {
		snprintf(t, sizeof t, "tag %d", i);
		assert_int_equal(options_set(&m, "tags", t, &why), 0);
	}
	assert_int_equal(options_set(&m, "tags", "TAG 7", &why), 0);
	assert_int_equal(options_set(&m, "tags", " ", &why), 0);
	assert_int_equal(options_set(&m, "tags", "one more", &why), -1);
	assert_string_equal(why, "An import takes at most 50 tags");
	assert_int_equal(m.ntags, OPTIONS_MAX_TAGS);
	assert_int_equal(options_check(&m, &why), 0);
	free(why);
	manifest_clear(&m);
}

/* on_existing follows flow unless it was given, whatever the order. */
static void
test_finish_defaults(void **state)
{
	struct manifest	 m;
	char		*why = NULL;

	memset(&m, 0, sizeof m);
	assert_int_equal(options_set(&m, "flow", "update", &why), 0);
	assert_int_equal(options_finish(&m, &why), 0);
	assert_int_equal(m.on_existing, EXISTING_UPDATE);
	assert_string_equal(m.workflow, "default");
	manifest_clear(&m);

	memset(&m, 0, sizeof m);
	assert_int_equal(options_set(&m, "on_existing", "skip", &why), 0);
	assert_int_equal(options_set(&m, "flow", "update", &why), 0);
	assert_int_equal(options_finish(&m, &why), 0);
	assert_int_equal(m.on_existing, EXISTING_SKIP);
	manifest_clear(&m);

	memset(&m, 0, sizeof m);
	assert_int_equal(options_finish(&m, &why), 0);
	assert_int_equal(m.flow, FLOW_CREATE);
	assert_int_equal(m.on_existing, EXISTING_SKIP);
	manifest_clear(&m);
}

/* A manifest written by hand (or by an older intake) over the limits is
 * refused when it is read back, with the reason. */
static void
test_manifest_checked(void **state)
{
	struct manifest	 m;
	char		*text, *tags, *long_tag, *cause = NULL;
	size_t		 i;

	long_tag = rep("x", 129);
	xasprintf(&text, "{\"version\":1,\"workspace\":\"acme\","
	    "\"uploader\":\"ed@acme.test\",\"tags\":[\"%s\"]}", long_tag);
	assert_int_equal(manifest_decode(&m, text, &cause), -1);
	assert_non_null(strstr(cause, "longer than 128 characters"));
	free(cause);
	free(text);
	free(long_tag);

	tags = xstrdup("");
	for (i = 0; i < 51; i++) {
		char *t;

		xasprintf(&t, "%s%s\"t%zu\"", tags, i ? "," : "", i);
		free(tags);
		tags = t;
	}
	xasprintf(&text, "{\"version\":1,\"workspace\":\"acme\","
	    "\"uploader\":\"ed@acme.test\",\"tags\":[%s]}", tags);
	cause = NULL;
	assert_int_equal(manifest_decode(&m, text, &cause), -1);
	assert_non_null(strstr(cause, "at most 50"));
	free(cause);
	free(text);
	free(tags);
}

static void
test_file_name(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} cases[] = {
		{ "/home/ann/leads.csv", "leads.csv" },
		{ "C:\\Users\\ann\\leads.csv", "leads.csv" },
		{ "caf\xc3\xa9.csv", "caf\xc3\xa9.csv" },
		{ "bad\xff.csv", "bad.csv" },
		{ "a\x01\x7f" "b.csv", "ab.csv" },
		{ "x\xe2\x80\xaevsc.exe", "xvsc.exe" },
		{ "", "upload.csv" },
	};
	struct manifest	 m;
	char		*out, *why = NULL;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = options_file_name(cases[i].in);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
	/* Whatever it is given, the kept name passes the check. */
	memset(&m, 0, sizeof m);
	m.file_name = options_file_name("\xc3\xa9\x01\xff\xfe");
	assert_int_equal(options_check(&m, &why), 0);
	manifest_clear(&m);
}

/* The table names each option once: the form's aliases find it, each
 * has its parser and its manifest member, and the CLI's flags are its. */
static void
test_table(void **state)
{
	const struct options_def	*d;
	struct manifest			 m;
	char				*why = NULL;
	size_t				 n = 0;

	for (d = options_table; d->name != NULL; d++, n++) {
		assert_ptr_equal(options_find(d->name), d);
		assert_non_null(d->set);
		assert_non_null(d->encode);
	}
	assert_int_equal(n, 9);
	assert_string_equal(options_find("tags[]")->name, "tags");
	assert_string_equal(options_find("tag")->name, "tags");
	assert_null(options_find("uploader"));
	assert_string_equal(options_find("on_existing")->flag, "on-existing");
	assert_string_equal(options_find("flow")->flag_value, "update");
	assert_null(options_find("mapping")->flag);
	assert_string_equal(options_find("review")->flag_value, "true");
	/* a flag without argument sets what the table says */
	memset(&m, 0, sizeof m);
	d = options_find("dnt");
	assert_int_equal(options_set(&m, d->name, d->flag_value, &why), 0);
	assert_int_equal(m.dnt, 1);
	manifest_clear(&m);
}

/* A sidecar: what it may say, and the words for what it may not. */
static void
test_sidecar(void **state)
{
	static const struct {
		const char	*json;
		const char	*why;	/* NULL: taken */
	} cases[] = {
		{ "{\"flow\":\"update\",\"tags\":[\"a\",\"b\"],\"dnt\":true,"
		    "\"override_owners\":\"yes\",\"workflow\":\"W\"}", NULL },
		{ "{\"tag\":\"one\"}", NULL },
		{ "[1]", "The sidecar is not a JSON object" },
		{ "{\"tags\":\"a\"}", "The sidecar has \"tags\", which is not "
		    "an option (or not of the right type); the options are "
		    "uploader, flow, tags, workflow, on_existing, dnt, "
		    "override_owners, review, mapping and encoding" },
		{ "{\"dnt\":1}", "The sidecar has \"dnt\"" },
		{ "{\"tags\":[1]}", "In the sidecar, tags must be a list of "
		    "names" },
		{ "{\"color\":\"red\"}", "In the sidecar: \"color\" is not an "
		    "option; the options are flow, tags, workflow, on_existing, "
		    "dnt, override_owners, review, mapping and encoding" },
		{ "{\"dnt\":\"maybe\"}", "In the sidecar: dnt must be true or "
		    "false" },
		{ "{\"flow\":true}", "In the sidecar: flow must be create or "
		    "update" },
	};
	struct manifest	 m;
	char		*why, *uploader;
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&m, 0, sizeof m);
		why = uploader = NULL;
		r = options_sidecar(&m, cases[i].json, &uploader, &why);
		if ((r == 0) != (cases[i].why == NULL))
			fail_msg("%s: got %d (%s)", cases[i].json, r,
			    why ? why : "");
		if (cases[i].why != NULL && strncmp(why, cases[i].why,
		    strlen(cases[i].why)) != 0)
			fail_msg("%s: message [%s]", cases[i].json, why);
		free(why);
		free(uploader);
		manifest_clear(&m);
	}

	/* The folder's on_existing gives way to a flow the sidecar names,
	 * unless it names on_existing too; the uploader is kept apart. */
	memset(&m, 0, sizeof m);
	m.existing_given = 1;
	uploader = NULL;
	assert_int_equal(options_sidecar(&m, "{\"flow\":\"update\","
	    "\"uploader\":\"ann@x.io\"}", &uploader, &why), 0);
	assert_int_equal(options_finish(&m, &why), 0);
	assert_int_equal(m.on_existing, EXISTING_UPDATE);
	assert_string_equal(uploader, "ann@x.io");
	assert_int_equal(m.dnt, 0);
	free(uploader);
	manifest_clear(&m);
	m.existing_given = 1;
	uploader = NULL;
	assert_int_equal(options_sidecar(&m, "{\"flow\":\"update\","
	    "\"on_existing\":\"skip\"}", &uploader, &why), 0);
	assert_int_equal(options_finish(&m, &why), 0);
	assert_int_equal(m.on_existing, EXISTING_SKIP);
	manifest_clear(&m);
}

/* A manifest's members: of the type manifest_encode writes, or refused
 * (OPTIONS_TYPE, OPTIONS_ITEM); a wrong value: OPTIONS_REFUSED. */
static void
test_json_strict(void **state)
{
	static const struct {
		const char	*name;
		const char	*json;
		enum options_rc	 strict, lenient;
	} cases[] = {
		{ "dnt", "true", OPTIONS_OK, OPTIONS_OK },
		{ "dnt", "1", OPTIONS_OK, OPTIONS_TYPE },
		{ "dnt", "\"yes\"", OPTIONS_TYPE, OPTIONS_OK },
		{ "workflow", "true", OPTIONS_TYPE, OPTIONS_OK },
		{ "workflow", "\"W\"", OPTIONS_OK, OPTIONS_OK },
		{ "flow", "\"merge\"", OPTIONS_REFUSED, OPTIONS_REFUSED },
		{ "tags", "[\"a\",1]", OPTIONS_ITEM, OPTIONS_ITEM },
		{ "tags", "\"a\"", OPTIONS_TYPE, OPTIONS_TYPE },
		{ "mapping", "\"{}\"", OPTIONS_TYPE, OPTIONS_OK },
		{ "mapping", "[]", OPTIONS_TYPE, OPTIONS_TYPE },
		{ "encoding", "{}", OPTIONS_TYPE, OPTIONS_TYPE },
	};
	struct json_object	*v;
	struct manifest		 m;
	char			*why;
	size_t			 i;
	int			 flags, got, want;

	for (i = 0; i < 2 * (sizeof cases / sizeof cases[0]); i++) {
		flags = i % 2 ? 0 : OPTIONS_STRICT;
		want = i % 2 ? cases[i / 2].lenient : cases[i / 2].strict;
		memset(&m, 0, sizeof m);
		why = NULL;
		v = json_tokener_parse(cases[i / 2].json);
		got = options_set_json(&m, cases[i / 2].name, v, flags, &why);
		if (got != want)
			fail_msg("%s=%s (%s): got %d, want %d", cases[i / 2].name,
			    cases[i / 2].json, flags ? "strict" : "lenient",
			    got, want);
		json_object_put(v);
		free(why);
		manifest_clear(&m);
	}

	/* more tags than an import takes, written in a manifest */
	memset(&m, 0, sizeof m);
	v = json_object_new_array();
	for (i = 0; i < OPTIONS_MAX_TAGS + 1; i++)
		json_object_array_add(v, json_object_new_string("same"));
	assert_int_equal(options_set_json(&m, "tags", v, OPTIONS_STRICT,
	    &why), OPTIONS_TYPE);
	json_object_put(v);
	manifest_clear(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_values),
		cmocka_unit_test(test_tag_length),
		cmocka_unit_test(test_tag_count),
		cmocka_unit_test(test_finish_defaults),
		cmocka_unit_test(test_manifest_checked),
		cmocka_unit_test(test_file_name),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_sidecar),
		cmocka_unit_test(test_json_strict),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
