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

#include "intake.h"

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
		{ "a NUL byte late", "a,b\n1,2\n3,\0\n", 12, 0 },
		{ "a NUL byte in the head", "a\0b\n", 4, 0 },
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chunks),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
