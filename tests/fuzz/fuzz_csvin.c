/* libFuzzer: the CSV reader with encoding and delimiter detection, over
 * any bytes, in reads of varying size; every record's fields must be
 * within the limits, a record is marked recoded only if a recoded line
 * starts in it, and the legacy encoding detected is one iconv reads. */
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

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
	struct csvin_limits	 lim = { .max_field = 256, .max_fields = 32 };
	struct mem		 m = { data, len, 0, 1 };
	struct csvin		*c;
	struct csvrec		*rec;
	off_t			 recoded[8], prev;
	size_t			 bom, sep, i, j;
	const char		*enc;
	iconv_t			 cd;

	memset(&st, 0, sizeof st);
	(void)textenc_bom(data, len, &bom);
	(void)textenc_utf8(&st, data, len);
	if (textenc_sep_line((const char *)data, len, &sep) != 0)
		m.pos = sep;
	lim.delim = textenc_delimiter((const char *)data + m.pos, len - m.pos);
	/* The lines after a high byte, as if prepare.c had recoded them. */
	for (i = j = 0; i < len && j < 8; i++)
		if (data[i] >= 0x80)
			while (++i < len)
				if (data[i] == '\n' || data[i] == '\r') {
					if (i + 1 > m.pos)
						recoded[j++] = i + 1;
					break;
				}
	lim.recoded = recoded;
	lim.nrecoded = j;
	lim.recoded_as = "WINDOWS-1252";
	c = csvin_create(mem_read, &m, &lim, m.pos, 0);
	prev = m.pos;
	while (csvin_next(c, &rec) == 1) {
		for (i = 0; i < j && (recoded[i] < prev ||
		    recoded[i] >= rec->end); i++)
			;
		if ((rec->recoded != NULL) != (i < j))
			abort();
		prev = rec->end;
		if (rec->nfields > lim.max_fields)
			abort();
		for (i = 0; i < rec->nfields; i++)
			if (rec->lens[i] > lim.max_field ||
			    strlen(rec->fields[i]) != rec->lens[i])
				abort();
	}
	csvin_free(c);
	enc = textenc_detect(data, len, len > 0 && (data[0] & 1));
	if ((cd = iconv_open("UTF-8", enc)) == (iconv_t)-1)
		abort();
	iconv_close(cd);
	return (0);
}
