/* Formula escaping: the export's escape and the importer's unescape are
 * exact inverses, whatever the value. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib.h"

static void
test_escape(void **state)
{
	static const struct {
		const char	*v;
		int		 esc;
	} cases[] = {
		{ "=SUM(A1)", 1 }, { "+1 555", 1 }, { "-5", 1 }, { "@x", 1 },
		{ "\tx", 1 }, { "\rx", 1 }, { "'=x", 1 }, { "''+x", 1 },
		{ "plain", 0 }, { "", 0 }, { "'", 0 }, { "'quoted'", 0 },
		{ "a=b", 0 }, { " =x", 0 }, { "1-2", 0 },
	};
	size_t	 i;
	char	*out;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if (formula_needs_escape(cases[i].v) != cases[i].esc)
			fail_msg("[%s]: want %d", cases[i].v, cases[i].esc);
		/* What the export writes, the import reads back. */
		if (cases[i].esc)
			xasprintf(&out, "'%s", cases[i].v);
		else
			out = xstrdup(cases[i].v);
		formula_unescape(out);
		assert_string_equal(out, cases[i].v);
		free(out);
	}
}

static void
test_unescape_only_what_export_writes(void **state)
{
	char	a[] = "'hello", b[] = "'+1", c[] = "+1", d[] = "'''-x";

	assert_int_equal(formula_unescape(a), 0);
	assert_string_equal(a, "'hello");
	assert_int_equal(formula_unescape(b), 1);
	assert_string_equal(b, "+1");
	assert_int_equal(formula_unescape(c), 0);
	assert_int_equal(formula_unescape(d), 1);
	assert_string_equal(d, "''-x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_unescape_only_what_export_writes),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
