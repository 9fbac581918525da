/* One sniffing decision for the web, the CLI and SFTP: the same bytes
 * give the same answer however they are cut into chunks (a multipart
 * upload can split anywhere, even inside a byte order mark). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib.h"

/* Feed len bytes in chunks of step; 0 if taken as CSV. */
static int
feed(const char *buf, size_t len, size_t step, const char **why)
{
	struct sniff	sn;
	size_t		off, n;

	sniff_init(&sn);
	for (off = 0; off < len; off += n) {
		n = len - off < step ? len - off : step;
		if (sniff_feed(&sn, buf + off, n, why) == -1)
			return (-1);
	}
	return (sniff_end(&sn, why));
}

static void
test_chunks(void **state)
{
	static const struct {
		const char	*what;
		const char	*buf;
		size_t		 len;
		int		 ok;
	} cases[] = {
		{ "plain CSV", "a,b\n1,2\n", 8, 1 },
		{ "UTF-8 BOM", "\xef\xbb\xbf" "a,b\n1,2\n", 11, 1 },
		{ "UTF-16LE with BOM", "\xff\xfe" "a\0,\0b\0\n\0" "1\0,\0" "2\0\n\0",
		    18, 1 },
		{ "UTF-16BE with BOM", "\xfe\xff" "\0a\0,\0b\0\n" "\0" "1\0,\0" "2\0\n",
		    18, 1 },
		{ "a stray NUL in a text head", "First,Last,Email\nAnn,Nul,"
		    "a\0@acme.example\nBob,Ok,b@acme.example\n", 58, 1 },
		{ "NULs in a short head", "a\0b\n", 4, 0 },
		{ "a binary head", "\x01\0\0\0\x02\0\0\0data\0\0\0\0", 16, 0 },
		{ "a short file", "a\n", 2, 1 },
		{ "XLSX", "PK\x03\x04" "\x14\0\x06\0rest", 12, 0 },
		{ "PDF, short", "%PDF", 4, 0 },
	};
	static const size_t steps[] = { 1, 2, 3, 7, 8, 9, 4096 };
	const char	*why;
	size_t		 i, j;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (j = 0; j < sizeof steps / sizeof steps[0]; j++)
			if ((feed(cases[i].buf, cases[i].len, steps[j],
			    &why) == 0) != cases[i].ok)
				fail_msg("%s in chunks of %zu", cases[i].what,
				    steps[j]);
}

/* The head decides: NULs past it are the rows' business (csvin), and
 * sixteen NULs in it, or one byte in 32, make it binary. */
static void
test_head(void **state)
{
	static const size_t steps[] = { 1, 7, 1000, 4096 };
	char		 buf[4096];
	const char	*why;
	size_t		 j;

	for (j = 0; j < sizeof steps / sizeof steps[0]; j++) {
		memset(buf, 'x', sizeof buf);
		memset(buf + SNIFF_HEAD, '\0', 100);
		if (feed(buf, sizeof buf, steps[j], &why) != 0)
			fail_msg("NULs after the head, chunks of %zu",
			    steps[j]);
		memset(buf, 'x', sizeof buf);
		memset(buf + 500, '\0', 15);
		if (feed(buf, sizeof buf, steps[j], &why) != 0)
			fail_msg("15 NULs in the head, chunks of %zu",
			    steps[j]);
		buf[600] = '\0';
		if (feed(buf, sizeof buf, steps[j], &why) == 0)
			fail_msg("16 NULs in the head, chunks of %zu",
			    steps[j]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_head),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
