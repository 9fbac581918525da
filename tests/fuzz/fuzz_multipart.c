/* libFuzzer: the multipart parser over any body, fed in pieces of varying
 * size; the data handed out never exceeds the body. The first line of the
 * input is the Content-Type header, the rest the body. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

static size_t	total;

static int
cb_begin(void *arg, const char *name, const char *filename, const char *type)
{
	return (name != NULL ? 0 : -1);
}

static int
cb_data(void *arg, const char *p, size_t n)
{
	total += n;
	return (0);
}

static int
cb_end(void *arg)
{
	return (0);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static const struct multipart_cb cb = { cb_begin, cb_data, cb_end };
	const uint8_t		*nl = memchr(data, '\n', len), *body;
	struct multipart	*mp;
	char			*ct, *b;
	size_t			 blen, off = 0, n = 1, take;

	if (nl == NULL)
		return (0);
	ct = strndup((const char *)data, nl - data);
	b = multipart_boundary(ct);
	free(ct);
	if (b == NULL)
		return (0);
	body = nl + 1;
	blen = len - (size_t)(body - data);
	total = 0;
	mp = multipart_create(b, &cb, NULL);
	while (off < blen) {
		take = blen - off < n ? blen - off : n;
		if (multipart_feed(mp, (const char *)body + off, take) == -1)
			break;
		off += take;
		n = n * 3 % 97 + 1;
	}
	(void)multipart_finish(mp);
	if (total > blen)
		abort();
	multipart_free(mp);
	free(b);
	return (0);
}
