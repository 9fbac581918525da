/* In-file twins (twin.c), with a made-up weight table: "A" weighs as
 * "a", a space is one weight, "b" is two. What the server's collation
 * says equal, twin_seen says seen; nothing else. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

static struct twins *
table(void)
{
	struct twins	*t = twin_create();
	char		 hex[16];
	int		 c;

	for (c = 0x20; c <= 0x7e; c++) {
		snprintf(hex, sizeof hex, "%04X", 0x1000 + c);
		twin_weight(t, c, hex);
	}
	twin_weight(t, ' ', "0209");
	twin_weight(t, 'A', "1061");		/* as 'a' */
	twin_weight(t, 'b', "10621062");	/* an expansion */
	return (t);
}

static void
one(struct twins *t, size_t row, int kind, const char *v)
{
	assert_int_equal(twin_key(t, row, kind, &v, 1), 0);
}

static void
test_ascii(void **state)
{
	struct twins	*t = table();
	const char	*n1[3] = { "x.example", "ab", "c" };
	const char	*n2[3] = { "x.example", "a", "bc" };

	(void)state;
	assert_true(twin_ready(t));
	twin_clear(t, 8, 0);
	one(t, 0, 1, "abc");
	one(t, 1, 1, "Abc  ");		/* case, trailing spaces */
	one(t, 2, 1, " abc");		/* a leading space counts */
	one(t, 3, 0, "abc");		/* another kind of key */
	assert_int_equal(twin_key(t, 4, 2, n1, 3), 0);
	assert_int_equal(twin_key(t, 5, 2, n2, 3), 0);	/* parts differ */
	n2[2] = NULL;
	assert_int_equal(twin_key(t, 6, 2, n2, 3), 0);	/* no key at all */
	assert_int_equal(twin_key(t, 7, 2, n1, 3), 0);
	assert_int_equal(twin_seen(t, 0), 0);
	assert_int_equal(twin_seen(t, 1), 1);
	assert_int_equal(twin_seen(t, 2), 0);
	assert_int_equal(twin_seen(t, 3), 0);
	assert_int_equal(twin_seen(t, 4), 0);
	assert_int_equal(twin_seen(t, 5), 0);
	assert_int_equal(twin_seen(t, 6), 0);
	assert_int_equal(twin_seen(t, 7), 1);

	/* A new batch, the last one written: forgotten. */
	twin_clear(t, 2, 0);
	one(t, 0, 1, "xyz");
	one(t, 1, 1, "abc");
	assert_int_equal(twin_seen(t, 0), 0);
	assert_int_equal(twin_seen(t, 1), 0);

	/* The last one not written yet: its keys count, the one before
	 * it is forgotten; and taking the batch again forgets both. */
	twin_clear(t, 3, 1);
	one(t, 0, 1, "abc");
	one(t, 1, 1, "mno");
	one(t, 2, 1, "pqr");
	assert_int_equal(twin_seen(t, 0), 1);
	assert_int_equal(twin_seen(t, 1), 0);
	assert_int_equal(twin_seen(t, 2), 0);
	twin_clear(t, 2, 1);
	one(t, 0, 1, "xyz");
	one(t, 1, 1, "mno");
	assert_int_equal(twin_seen(t, 0), 0);	/* two batches ago */
	assert_int_equal(twin_seen(t, 1), 1);
	twin_clear(t, 1, 0);
	one(t, 0, 1, "pqr");
	assert_int_equal(twin_seen(t, 0), 0);
	twin_free(t);
}

static void
test_wild(void **state)
{
	struct twins	*t = table();
	const char	*v = "Zo\xc3\xab", *hex[1];

	(void)state;
	twin_clear(t, 3, 0);
	one(t, 0, 1, "ab");
	/* Not ASCII: the caller brings the server's weights, which may
	 * have trailing space weights (a no-break space, say). */
	assert_int_equal(twin_key(t, 1, 1, &v, 1), 1);
	hex[0] = "106110621062" "0209";
	twin_key_hex(t, 1, 1, hex, 1);
	hex[0] = "1061";
	twin_key_hex(t, 2, 1, hex, 1);
	assert_int_equal(twin_seen(t, 0), 0);
	assert_int_equal(twin_seen(t, 1), 1);
	assert_int_equal(twin_seen(t, 2), 0);
	twin_free(t);
}

/* A review's filter: keys of batches older than the last count too, for
 * a batch taken ahead; other rows stay unseen (the filter is large
 * against these few keys: a false hit would be a 1 in 10^20 chance). */
static void
test_remember(void **state)
{
	struct twins	*t = table();

	(void)state;
	twin_remember(t, (size_t)1 << 16);
	twin_recall(t, 1);
	twin_clear(t, 2, 0);
	one(t, 0, 1, "ald");
	one(t, 1, 0, "ald");		/* a LinkedIn, not an email */
	assert_int_equal(twin_seen(t, 0), 0);
	assert_int_equal(twin_seen(t, 1), 0);
	twin_clear(t, 1, 1);
	one(t, 0, 1, "mid");
	assert_int_equal(twin_seen(t, 0), 0);
	/* three batches on: "ald" is remembered (as "Ald"), "mid" kept */
	twin_clear(t, 4, 1);
	one(t, 0, 1, "Ald");
	one(t, 1, 1, "mid");
	one(t, 2, 1, "new");
	one(t, 3, 2, "ald");		/* another kind of key */
	assert_int_equal(twin_seen(t, 0), 1);
	assert_int_equal(twin_seen(t, 1), 1);
	assert_int_equal(twin_seen(t, 2), 0);
	assert_int_equal(twin_seen(t, 3), 0);
	/* taken after the batch before was written: no filter needed */
	twin_clear(t, 1, 0);
	one(t, 0, 1, "ald");
	assert_int_equal(twin_seen(t, 0), 0);
	twin_clear(t, 1, 1);
	one(t, 0, 1, "ald");
	assert_int_equal(twin_seen(t, 0), 1);
	/* not recalled: only the batch kept counts */
	twin_recall(t, 0);
	twin_clear(t, 1, 1);
	one(t, 0, 1, "ald");
	assert_int_equal(twin_seen(t, 0), 1);
	twin_clear(t, 1, 1);
	one(t, 0, 1, "ald");
	assert_int_equal(twin_seen(t, 0), 1);
	twin_clear(t, 2, 1);
	one(t, 0, 1, "mid");
	one(t, 1, 1, "xyz");
	assert_int_equal(twin_seen(t, 0), 0);
	assert_int_equal(twin_seen(t, 1), 0);
	twin_free(t);
}

static void
test_not_ready(void **state)
{
	struct twins	*t = table();

	(void)state;
	twin_weight(t, ' ', "02090209");	/* not one weight */
	assert_false(twin_ready(t));
	twin_weight(t, ' ', "0209");
	twin_weight(t, 'q', "123");		/* not whole weights */
	assert_false(twin_ready(t));
	twin_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ascii),
		cmocka_unit_test(test_wild),
		cmocka_unit_test(test_remember),
		cmocka_unit_test(test_not_ready),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
