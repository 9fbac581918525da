/* libFuzzer: the manifest codec; what decodes must encode and decode to
 * the same thing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct manifest	 a, b;
	char		*text = strndup((const char *)data, len), *cause = NULL;
	char		*e1, *e2;

	if (manifest_decode(&a, text, &cause) == 0) {
		e1 = manifest_encode(&a);
		if (manifest_decode(&b, e1, &cause) != 0)
			abort();
		e2 = manifest_encode(&b);
		if (strcmp(e1, e2) != 0)
			abort();
		free(e1);
		free(e2);
		manifest_clear(&a);
		manifest_clear(&b);
	}
	free(cause);
	free(text);
	return (0);
}
