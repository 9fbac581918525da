/*
 * Growable byte buffers with a hard cap (curl's dynbuf): every buffer that
 * holds user data says how large it may become, and adding past that fails
 * instead of growing without bound.
 */
#include <stdlib.h>
#include <string.h>

#include "lib.h"

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

/* Room for len more bytes (and a NUL), to be written in place; -1 if the
 * buffer would pass its cap. */
int
buf_room(struct buf *b, size_t len)
{
	size_t	need;

	if (len > b->max || b->len > b->max - len)
		return (-1);
	need = b->len + len + 1;
	if (need > b->size) {
		size_t	size = b->size ? b->size : 64;

		while (size < need)
			size *= 2;
		b->data = xreallocarray(b->data, 1, size);
		b->size = size;
	}
	return (0);
}

/* Append; -1 if the buffer would pass its cap (nothing is added then). */
int
buf_add(struct buf *b, const void *p, size_t len)
{
	if (buf_room(b, len) == -1)
		return (-1);
	if (len > 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
	return (0);
}

int
buf_addc(struct buf *b, char c)
{
	return (buf_add(b, &c, 1));
}

/* The contents as a string; valid until the next change. */
const char *
buf_str(struct buf *b)
{
	if (b->data == NULL && buf_add(b, "", 0) == -1)
		return ("");
	return (b->data);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->size = 0;
}
