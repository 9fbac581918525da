/* The manifest codec: what the uploader asked for survives the round
 * trip, and a bad manifest is refused with a reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib.h"

static void
test_round_trip(void **state)
{
	struct manifest	 a, b;
	char		*text, *text2, *cause = NULL;

	memset(&a, 0, sizeof a);
	a.id = xstrdup("20261125T140700Z-k3j9f0a2bq");
	a.workspace = xstrdup("acme");
	a.uploader = xstrdup("ed@acme.test");
	a.flow = FLOW_UPDATE;
	manifest_add_tag(&a, "Event 2026");
	manifest_add_tag(&a, "  vip ");
	manifest_add_tag(&a, "VIP");	/* the same tag, any case */
	manifest_add_tag(&a, "   ");	/* blank: dropped */
	a.workflow = xstrdup("Onboarding");
	a.on_existing = EXISTING_DUPLICATE;
	a.dnt = 1;
	a.override_owners = 1;
	a.file_name = xstrdup("../../etc/\"passwd\".csv");
	a.source = xstrdup("web");
	a.size = 1234567890123LL;
	strcpy(a.sha256, "ab12");
	a.received_at = xstrdup("2026-11-25T14:07:00.000Z");

	text = manifest_encode(&a);
	assert_int_equal(manifest_decode(&b, text, &cause), 0);
	assert_string_equal(b.id, a.id);
	assert_string_equal(b.workspace, "acme");
	assert_string_equal(b.uploader, "ed@acme.test");
	assert_int_equal(b.flow, FLOW_UPDATE);
	assert_int_equal(b.ntags, 2);
	assert_string_equal(b.tags[0], "Event 2026");
	assert_string_equal(b.tags[1], "vip");
	assert_string_equal(b.workflow, "Onboarding");
	assert_int_equal(b.on_existing, EXISTING_DUPLICATE);
	assert_int_equal(b.dnt, 1);
	assert_int_equal(b.override_owners, 1);
	assert_string_equal(b.file_name, "../../etc/\"passwd\".csv");
	assert_int_equal(b.size, 1234567890123LL);
	assert_string_equal(b.sha256, "ab12");
	text2 = manifest_encode(&b);
	assert_string_equal(text, text2);
	free(text);
	free(text2);
	manifest_clear(&a);
	manifest_clear(&b);
}

static void
test_defaults(void **state)
{
	struct manifest	 m;
	char		*cause = NULL;

	assert_int_equal(manifest_decode(&m, "{\"version\":1,\"workspace\":"
	    "\"w\",\"uploader\":\"u@x.io\",\"flow\":\"update\"}", &cause), 0);
	assert_int_equal(m.on_existing, EXISTING_UPDATE);
	assert_string_equal(m.workflow, "default");
	assert_int_equal(m.ntags, 0);
	manifest_clear(&m);
	assert_int_equal(manifest_decode(&m, "{\"version\":1,\"workspace\":"
	    "\"w\",\"uploader\":\"u@x.io\"}", &cause), 0);
	assert_int_equal(m.flow, FLOW_CREATE);
	assert_int_equal(m.on_existing, EXISTING_SKIP);
	manifest_clear(&m);
}

static void
test_refused(void **state)
{
	static const struct {
		const char	*json;
		const char	*why;
	} cases[] = {
		{ "", "not a JSON object" },
		{ "[1]", "not a JSON object" },
		{ "{\"version\":2,\"workspace\":\"w\",\"uploader\":\"u\"}",
		    "unsupported version 2" },
		{ "{\"version\":1,\"uploader\":\"u\"}", "workspace is missing" },
		{ "{\"version\":1,\"workspace\":1,\"uploader\":\"u\"}",
		    "workspace is not a string" },
		{ "{\"version\":1,\"workspace\":\"w\",\"uploader\":\"u\","
		    "\"flow\":\"merge\"}", "unknown flow merge" },
		{ "{\"version\":1,\"workspace\":\"w\",\"uploader\":\"u\","
		    "\"on_existing\":\"x\"}", "unknown on_existing x" },
		{ "{\"version\":1,\"workspace\":\"w\",\"uploader\":\"u\","
		    "\"tags\":\"a\"}", "tags must be a list" },
		{ "{\"version\":1,\"workspace\":\"w\",\"uploader\":\"u\","
		    "\"tags\":[1]}", "a tag is not a string" },
		{ "{\"version\":1,\"workspace\":\"w\",\"uploader\":\"u\","
		    "\"dnt\":\"yes\"}", "dnt is not true or false" },
	};
	struct manifest	 m;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cause = NULL;
		if (manifest_decode(&m, cases[i].json, &cause) != -1)
			fail_msg("accepted: %s", cases[i].json);
		if (strstr(cause, cases[i].why) == NULL)
			fail_msg("%s: cause [%s], want [%s]", cases[i].json,
			    cause, cases[i].why);
		free(cause);
	}
}

/* The options of a manifest are read by options.c's table, with the
 * manifest's own words for a member of the wrong type. */
static void
test_options_table(void **state)
{
	static const struct {
		const char	*member;
		const char	*why;
	} cases[] = {
		{ "\"workflow\":true", "manifest: workflow is not a string" },
		{ "\"encoding\":{}", "manifest: encoding is not a string" },
		{ "\"mapping\":[]", "manifest: mapping is not an object" },
		{ "\"override_owners\":\"no\"",
		    "manifest: override_owners is not true or false" },
		{ "\"flow\":1", "manifest: flow is not a string" },
		{ "\"encoding\":\"KLINGON-8\"", "manifest: \"KLINGON-8\" is "
		    "not an encoding" },
		{ "\"workflow\":\"a\\u0001b\"",
		    "manifest: The workflow is not plain text" },
	};
	struct manifest	 m;
	char		*text, *cause;
	size_t		 i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&text, "{\"version\":1,\"workspace\":\"w\","
		    "\"uploader\":\"u@x.io\",%s}", cases[i].member);
		cause = NULL;
		if (manifest_decode(&m, text, &cause) != -1)
			fail_msg("accepted: %s", text);
		if (strncmp(cause, cases[i].why, strlen(cases[i].why)) != 0)
			fail_msg("%s: cause [%s], want [%s]", text, cause,
			    cases[i].why);
		free(cause);
		free(text);
	}

	/* Every option the table names is written and read back. */
	memset(&m, 0, sizeof m);
	assert_int_equal(manifest_decode(&m, "{\"version\":1,\"workspace\":"
	    "\"w\",\"uploader\":\"u@x.io\",\"dnt\":1,\"override_owners\":"
	    "false,\"on_existing\":\"duplicate\",\"encoding\":\"UTF-8\"}",
	    &cause), 0);
	assert_int_equal(m.dnt, 1);
	assert_int_equal(m.override_owners, 0);
	assert_int_equal(m.on_existing, EXISTING_DUPLICATE);
	assert_int_equal(m.existing_given, 1);
	assert_string_equal(m.encoding, "UTF-8");
	text = manifest_encode(&m);
	manifest_clear(&m);
	assert_int_equal(manifest_decode(&m, text, &cause), 0);
	assert_int_equal(m.dnt, 1);
	assert_int_equal(m.on_existing, EXISTING_DUPLICATE);
	assert_string_equal(m.encoding, "UTF-8");
	assert_string_equal(m.workflow, "default");
	free(text);
	manifest_clear(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_options_table),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
