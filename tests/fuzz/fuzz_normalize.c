/* libFuzzer: the value normalisers; an accepted value normalises to
 * itself again (they are idempotent), and an Email cell's reading agrees
 * with norm_email(). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

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

/* An Email cell: its first address is one norm_email() accepts as it
 * is, and reads alone as itself; a bare address reads as norm_email()
 * reads it. */
static void
cell(const char *in)
{
	char	*a = NULL, *o = NULL, *b = NULL, *o2 = NULL, *e = NULL;
	int	 rc;

	rc = norm_emails(in, &a, &o);
	if (rc == 0) {
		if (a == NULL || norm_email(a, &e) != 0 || strcmp(a, e) != 0)
			abort();
		if (norm_emails(a, &b, &o2) != 0 || strcmp(a, b) != 0 ||
		    o2 != NULL)
			abort();
		if (o != NULL && (*o == '\0' || strlen(o) > 3 * strlen(in)))
			abort();
	} else if (a != NULL || o != NULL)
		abort();
	free(e);
	e = NULL;
	if (norm_email(in, &e) == 0 && (rc != 0 || strcmp(a, e) != 0 ||
	    o != NULL))
		abort();
	free(a);
	free(o);
	free(b);
	free(o2);
	free(e);
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
	cell(in);
	if (norm_linkedin_why(in) == NULL)
		abort();
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
