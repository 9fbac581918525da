/* libFuzzer: the CSV reader with encoding and delimiter detection, over
 * any bytes, in reads of varying size; every record's fields must be
 * within the limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

struct mem {
	const uint8_t	*data;
	size_t		 len;
	size_t		 pos;
	size_t		 chunk;
};

static ssize_t
mem_read(void *arg, void *buf, size_t len)
{
	struct mem	*m = arg;
	size_t		 n = m->len - m->pos;

	if (n > len)
		n = len;
	if (n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	m->chunk = m->chunk * 7 % 61 + 1;	/* vary the read sizes */
	return (n);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct textenc_state	 st;
	struct csvin_limits	 lim = { 256, 32, 0 };
	struct mem		 m = { data, len, 0, 1 };
	struct csvin		*c;
	struct csvrec		*rec;
	size_t			 bom, sep, i;

	memset(&st, 0, sizeof st);
	(void)textenc_bom(data, len, &bom);
	(void)textenc_utf8(&st, data, len);
	if (textenc_sep_line((const char *)data, len, &sep) != 0)
		m.pos = sep;
	lim.delim = textenc_delimiter((const char *)data + m.pos, len - m.pos);
	c = csvin_create(mem_read, &m, &lim, m.pos, 0);
	while (csvin_next(c, &rec) == 1) {
		if (rec->nfields > lim.max_fields)
			abort();
		for (i = 0; i < rec->nfields; i++)
			if (rec->lens[i] > lim.max_field ||
			    strlen(rec->fields[i]) != rec->lens[i])
				abort();
	}
	csvin_free(c);
	return (0);
}
