/*
 * In-file twins: which rows of a batch share a key (LinkedIn URL, email,
 * or first and last name at a domain) with an earlier row of it, in the
 * contacts' collation, without asking the server to compare them.
 *
 * Two values are equal in utf8mb4_unicode_ci exactly when their weight
 * strings (WEIGHT_STRING, two bytes a weight) are, once trailing weights
 * of a space are dropped (PAD SPACE). A printable ASCII value's weights
 * are its characters' weights, which snap.c asks the server for once per
 * import; any other value's ("wild": accents, other scripts, controls)
 * the server computes with the batch. Keys here are those weights in hex.
 *
 * No I/O: snap.c feeds it. A row is a twin if a key of it was seen in an
 * earlier row; rows are told in order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "db.h"

#define TWIN_NONE	SIZE_MAX
#define TWIN_SPACE	0x20

struct twins {
	char	*ascii[128];	/* hex weights of each printable char */
	size_t	 nrows;
	size_t	*off;		/* [row * TWIN_KINDS + kind]: key in keys */
	size_t	*len;
	struct buf keys;
	size_t	*slots;		/* hash of off indexes + 1; 0 is empty */
	size_t	 nslots;
};

struct twins *
twin_create(void)
{
	return (xcalloc(1, sizeof (struct twins)));
}

void
twin_free(struct twins *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < 128; i++)
		free(t->ascii[i]);
	free(t->off);
	free(t->len);
	free(t->slots);
	buf_free(&t->keys);
	free(t);
}

/* The server's weights for printable ASCII character c (hex). */
void
twin_weight(struct twins *t, int c, const char *hex)
{
	if (c < TWIN_SPACE || c > 0x7e || hex == NULL)
		return;
	free(t->ascii[c]);
	t->ascii[c] = xstrdup(hex);
}

/* Whether every printable character's weights are known, each a whole
 * number of weights, the space's exactly one: else keys cannot be told
 * here. */
int
twin_ready(const struct twins *t)
{
	int	c;

	for (c = TWIN_SPACE; c <= 0x7e; c++)
		if (t->ascii[c] == NULL || strlen(t->ascii[c]) % 4 != 0)
			return (0);
	return (strlen(t->ascii[TWIN_SPACE]) == 4);
}

/* A new batch of nrows rows, none with a key yet. */
void
twin_clear(struct twins *t, size_t nrows)
{
	size_t	i, n;

	if (nrows > t->nrows) {
		t->off = xreallocarray(t->off, nrows * TWIN_KINDS,
		    sizeof *t->off);
		t->len = xreallocarray(t->len, nrows * TWIN_KINDS,
		    sizeof *t->len);
		for (n = 16; n < 4 * TWIN_KINDS * nrows; n *= 2)
			;
		free(t->slots);
		t->slots = xcalloc(n, sizeof *t->slots);
		t->nslots = n;
		if (t->keys.max == 0)
			buf_init(&t->keys, SIZE_MAX / 2);
	}
	t->nrows = nrows > t->nrows ? nrows : t->nrows;
	for (i = 0; i < t->nrows * TWIN_KINDS; i++)
		t->off[i] = TWIN_NONE;
	memset(t->slots, 0, t->nslots * sizeof *t->slots);
	buf_reset(&t->keys);
}

/* Is every byte of s printable ASCII? */
static int
twin_tame(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s < TWIN_SPACE || *s > 0x7e)
			return (0);
	return (1);
}

/* End the key begun at start: drop trailing space weights. */
static void
twin_trim(struct twins *t, size_t start)
{
	const char	*sp = t->ascii[TWIN_SPACE];

	while (t->keys.len - start >= 4 &&
	    memcmp(t->keys.data + t->keys.len - 4, sp, 4) == 0)
		t->keys.len -= 4;
}

/*
 * Row row's key of kind, of nparts values (all must be there, or it has
 * none). Returns 1 if a value is wild: the caller gives the server's
 * weights with twin_key_hex. 0 otherwise.
 */
int
twin_key(struct twins *t, size_t row, int kind, const char *const *parts,
    size_t nparts)
{
	size_t	i, start = t->keys.len, part;
	const char *p;

	for (i = 0; i < nparts; i++) {
		if (parts[i] == NULL)
			return (0);
		if (!twin_tame(parts[i]))
			return (1);
	}
	for (i = 0; i < nparts; i++) {
		if (i > 0)
			buf_addc(&t->keys, '|');
		part = t->keys.len;
		for (p = parts[i]; *p != '\0'; p++)
			buf_add(&t->keys, t->ascii[(unsigned char)*p],
			    strlen(t->ascii[(unsigned char)*p]));
		twin_trim(t, part);
	}
	t->off[row * TWIN_KINDS + kind] = start;
	t->len[row * TWIN_KINDS + kind] = t->keys.len - start;
	return (0);
}

/* The same from the server's weights of each value (hex, NULL: none). */
void
twin_key_hex(struct twins *t, size_t row, int kind, const char *const *hex,
    size_t nparts)
{
	size_t	i, start = t->keys.len, part;

	if (t->off[row * TWIN_KINDS + kind] != TWIN_NONE)
		return;		/* told from ASCII already */
	for (i = 0; i < nparts; i++)
		if (hex[i] == NULL)
			return;
	for (i = 0; i < nparts; i++) {
		if (i > 0)
			buf_addc(&t->keys, '|');
		part = t->keys.len;
		buf_add(&t->keys, hex[i], strlen(hex[i]));
		twin_trim(t, part);
	}
	t->off[row * TWIN_KINDS + kind] = start;
	t->len[row * TWIN_KINDS + kind] = t->keys.len - start;
}

static uint64_t
twin_hash(const char *p, size_t len, int kind)
{
	uint64_t	h = 14695981039346656037ULL ^ (uint64_t)kind;

	while (len-- > 0)
		h = (h ^ (unsigned char)*p++) * 1099511628211ULL;
	return (h);
}

/* Row row's keys, told in row order: 1 if an earlier row had one of
 * them. */
int
twin_seen(struct twins *t, size_t row)
{
	size_t	 k, e, i, o;
	int	 seen = 0;

	for (k = 0; k < TWIN_KINDS; k++) {
		e = row * TWIN_KINDS + k;
		if ((o = t->off[e]) == TWIN_NONE)
			continue;
		i = twin_hash(t->keys.data + o, t->len[e], k) % t->nslots;
		for (; t->slots[i] != 0; i = (i + 1) % t->nslots) {
			size_t	f = t->slots[i] - 1;

			if (f % TWIN_KINDS == k && t->len[f] == t->len[e] &&
			    memcmp(t->keys.data + t->off[f],
			    t->keys.data + o, t->len[e]) == 0)
				break;
		}
		if (t->slots[i] != 0)
			seen = 1;
		else
			t->slots[i] = e + 1;
	}
	return (seen);
}
