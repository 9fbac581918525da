/* Reading a provider's answer through configured paths: objects, arrays,
 * numbers, nulls and missing steps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "watchd.h"

static const struct profile_map pdl = {
	"data.first_name", "data.last_name", "data.job_company_name",
	"data.experience.0.company.website", "data.emails.1.address",
	"data.phone_numbers.0", "data.job_title"
};

static void
test_paths(void **state)
{
	struct profile	p;
	const char	*body = "{\"status\":200,\"data\":{\"first_name\":\"Ada\","
	    "\"last_name\":\"Lovelace\",\"job_company_name\":null,"
	    "\"experience\":[{\"company\":{\"website\":\"analytical.example\"}}],"
	    "\"emails\":[{\"address\":\"a@x.example\"},{\"address\":"
	    "\"b@x.example\"}],\"phone_numbers\":[442079460001],"
	    "\"job_title\":\"\"}}";

	assert_int_equal(profile_parse(body, &pdl, &p), 0);
	assert_string_equal(p.first, "Ada");
	assert_string_equal(p.last, "Lovelace");
	assert_null(p.account);			/* JSON null */
	assert_string_equal(p.domain, "analytical.example");
	assert_string_equal(p.email, "b@x.example");	/* array index */
	assert_string_equal(p.phone, "442079460001");	/* a number */
	assert_null(p.title);			/* empty string */
	profile_clear(&p);
}

static void
test_missing_and_wrong_types(void **state)
{
	static const struct profile_map odd = {
		"a.b.c", "list.9", "list.x", "n.k", "", NULL, "obj"
	};
	struct profile	p;

	assert_int_equal(profile_parse("{\"a\":{\"b\":1},\"list\":[1,2],"
	    "\"n\":5,\"obj\":{\"k\":1}}", &odd, &p), 0);
	assert_null(p.first);	/* through a number */
	assert_null(p.last);	/* index out of range */
	assert_null(p.account);	/* not an index */
	assert_null(p.domain);
	assert_null(p.email);
	assert_null(p.phone);
	assert_null(p.title);	/* an object is not a value */
	profile_clear(&p);
	assert_int_equal(profile_parse("[1]", &odd, &p), -1);
	assert_int_equal(profile_parse("not json", &odd, &p), -1);
}

static void
test_cache_round_trip(void **state)
{
	struct profile	a, b;
	char		*text;

	memset(&a, 0, sizeof a);
	a.first = xstrdup("Zoë");
	a.domain = xstrdup("x.example");
	a.title = xstrdup("Head of \"Growth\"");
	text = profile_encode(&a);
	assert_int_equal(profile_decode(text, &b), 0);
	assert_string_equal(b.first, "Zoë");
	assert_null(b.last);
	assert_string_equal(b.domain, "x.example");
	assert_string_equal(b.title, "Head of \"Growth\"");
	free(text);
	profile_clear(&a);
	profile_clear(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths),
		cmocka_unit_test(test_missing_and_wrong_types),
		cmocka_unit_test(test_cache_round_trip),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
