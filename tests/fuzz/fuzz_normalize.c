/* libFuzzer: the value normalisers; an accepted value normalises to
 * itself again (they are idempotent). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

static void
twice(int (*fn)(const char *, char **), const char *in)
{
	char	*a = NULL, *b = NULL;

	if (fn(in, &a) == 0) {
		if (fn(a, &b) != 0 || strcmp(a, b) != 0)
			abort();
	}
	free(a);
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	char	*in = strndup((const char *)data, len), *n, *n2;
	int	 score;

	twice(norm_email, in);
	twice(norm_domain, in);
	twice(norm_linkedin, in);
	(void)norm_intent(in, &score);
	if ((n = norm_name(in)) != NULL) {
		n2 = norm_name(n);
		if (n2 == NULL || strcmp(n, n2) != 0)
			abort();
		free(n2);
	}
	free(n);
	free(in);
	return (0);
}
