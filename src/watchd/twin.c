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
 *
 * A review remembers the keys of every batch before those two too, in a
 * Bloom filter of fixed size (twin_remember): its snapshot taken ahead
 * cannot see what those batches wrote, and a row one of whose keys may
 * be among theirs is matched one by one. A false hit costs a query.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

#define TWIN_NONE	SIZE_MAX
#define TWIN_SPACE	0x20
#define TWIN_PREV	((size_t)1 << (sizeof (size_t) * 8 - 1))
#define TWIN_BLOOM_K	4	/* bits a key */

/* One batch's keys. */
struct twinset {
	size_t		 nrows;
	size_t		 cap;
	size_t		*off;	/* [row * TWIN_KINDS + kind]: key in keys */
	size_t		*len;
	struct buf	 keys;
};

struct twins {
	char		*ascii[128];	/* hex weights of each printable char */
	size_t		 alen[128];
	size_t		 amax;		/* the longest of them */
	struct twinset	 set[2];	/* this batch's keys, the last one's */
	int		 cur;
	size_t		*slots;		/* entry + 1 (| TWIN_PREV); 0: empty */
	size_t		 nslots;
	uint64_t	*bloom;		/* keys of older batches, or NULL */
	size_t		 nbits;		/* a power of two */
	int		 older;		/* told against them too */
	int		 recall;	/* ... when kept (twin_recall) */
};

struct twins *
twin_create(void)
{
	struct twins	*t = xcalloc(1, sizeof *t);

	buf_init(&t->set[0].keys, SIZE_MAX / 2);
	buf_init(&t->set[1].keys, SIZE_MAX / 2);
	return (t);
}

void
twin_free(struct twins *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < 128; i++)
		free(t->ascii[i]);
	for (i = 0; i < 2; i++) {
		free(t->set[i].off);
		free(t->set[i].len);
		buf_free(&t->set[i].keys);
	}
	free(t->slots);
	free(t->bloom);
	free(t);
}

/* Remember the keys of older batches in nbits bits (a power of two). */
void
twin_remember(struct twins *t, size_t nbits)
{
	free(t->bloom);
	t->bloom = xcalloc(nbits / 64, sizeof *t->bloom);
	t->nbits = nbits;
}

/* The server's weights for printable ASCII character c (hex). */
void
twin_weight(struct twins *t, int c, const char *hex)
{
	if (c < TWIN_SPACE || c > 0x7e || hex == NULL)
		return;
	free(t->ascii[c]);
	t->ascii[c] = xstrdup(hex);
	t->alen[c] = strlen(hex);
	if (t->alen[c] > t->amax)
		t->amax = t->alen[c];
}

/* Whether every printable character's weights are known, each a whole
 * number of weights, the space's exactly one: else keys cannot be told
 * here. */
int
twin_ready(const struct twins *t)
{
	int	c;

	for (c = TWIN_SPACE; c <= 0x7e; c++)
		if (t->ascii[c] == NULL || t->alen[c] % 4 != 0)
			return (0);
	return (t->alen[TWIN_SPACE] == 4);
}

static uint64_t	twin_hash(const char *, size_t, int);
static size_t	*twin_find(struct twins *, size_t);

/* Whether the next batches kept are told against the filter too: only
 * once older batches wrote keys that the snapshot cannot see (a false
 * hit costs a query, and in an update makes the rest of its batch match
 * one by one). */
void
twin_recall(struct twins *t, int on)
{
	t->recall = on;
}

/* The filter's bit i of key hash h (double hashing). */
static size_t
twin_bit(const struct twins *t, uint64_t h, int i)
{
	return ((size_t)(h + (uint64_t)i * ((h >> 32) | 1)) & (t->nbits - 1));
}

/* Put a batch's keys into the filter. */
static void
twin_fold(struct twins *t, const struct twinset *s)
{
	size_t		e, b;
	uint64_t	h;
	int		i;

	if (t->bloom == NULL)
		return;
	for (e = 0; e < s->nrows * TWIN_KINDS; e++) {
		if (s->off[e] == TWIN_NONE)
			continue;
		h = twin_hash(s->keys.data + s->off[e], s->len[e],
		    e % TWIN_KINDS);
		for (i = 0; i < TWIN_BLOOM_K; i++) {
			b = twin_bit(t, h, i);
			t->bloom[b / 64] |= (uint64_t)1 << (b % 64);
		}
	}
}

/* May a batch before the last two have had key e of the current set? */
static int
twin_older(const struct twins *t, size_t e)
{
	const struct twinset	*c = &t->set[t->cur];
	size_t			 b;
	uint64_t		 h;
	int			 i;

	h = twin_hash(c->keys.data + c->off[e], c->len[e], e % TWIN_KINDS);
	for (i = 0; i < TWIN_BLOOM_K; i++) {
		b = twin_bit(t, h, i);
		if ((t->bloom[b / 64] & ((uint64_t)1 << (b % 64))) == 0)
			return (0);
	}
	return (1);
}

/*
 * A new batch of nrows rows, none with a key yet. keep: the batch before
 * it is not written yet (its snapshot is taken meanwhile), so a key of
 * that batch counts as seen too, and, if remembered, those of all the
 * batches before it; else it is forgotten (into the filter).
 */
void
twin_clear(struct twins *t, size_t nrows, int keep)
{
	struct twinset	*c, *p;
	size_t		 i, n, *slot;

	if (keep)
		t->cur ^= 1;
	c = &t->set[t->cur];
	p = &t->set[t->cur ^ 1];
	twin_fold(t, c);
	if (!keep) {
		twin_fold(t, p);
		p->nrows = 0;
	}
	t->older = keep && t->bloom != NULL && t->recall;
	if (nrows > c->cap) {
		c->off = xreallocarray(c->off, nrows * TWIN_KINDS,
		    sizeof *c->off);
		c->len = xreallocarray(c->len, nrows * TWIN_KINDS,
		    sizeof *c->len);
		c->cap = nrows;
	}
	c->nrows = nrows;
	for (i = 0; i < nrows * TWIN_KINDS; i++)
		c->off[i] = TWIN_NONE;
	buf_reset(&c->keys);
	for (n = 16; n < 4 * TWIN_KINDS * (c->cap + p->cap); n *= 2)
		;
	if (n != t->nslots) {
		free(t->slots);
		t->slots = xcalloc(n, sizeof *t->slots);
		t->nslots = n;
	} else
		memset(t->slots, 0, n * sizeof *t->slots);
	for (i = 0; i < p->nrows * TWIN_KINDS; i++)
		if (p->off[i] != TWIN_NONE && *(slot = twin_find(t,
		    i | TWIN_PREV)) == 0)
			*slot = (i | TWIN_PREV) + 1;
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
twin_trim(struct twins *t, struct buf *k, size_t start)
{
	const char	*sp = t->ascii[TWIN_SPACE];

	while (k->len - start >= 4 &&
	    memcmp(k->data + k->len - 4, sp, 4) == 0)
		k->len -= 4;
}

/* Note the key just written to the current set from start. */
static void
twin_set(struct twins *t, size_t row, int kind, size_t start)
{
	struct twinset	*c = &t->set[t->cur];

	c->off[row * TWIN_KINDS + kind] = start;
	c->len[row * TWIN_KINDS + kind] = c->keys.len - start;
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
	struct buf	*k = &t->set[t->cur].keys;
	size_t		 i, n, start = k->len, part, need = 0;
	const char	*p;
	char		*w;

	for (i = 0; i < nparts; i++) {
		if (parts[i] == NULL)
			return (0);
		if (!twin_tame(parts[i]))
			return (1);
		need += strlen(parts[i]) * t->amax + 1;
	}
	/* room first, then the weights written straight in */
	if (buf_room(k, need) == -1)
		return (1);
	for (i = 0; i < nparts; i++) {
		if (i > 0)
			k->data[k->len++] = '|';
		part = k->len;
		w = k->data + part;
		for (p = parts[i]; *p != '\0'; p++) {
			n = t->alen[(unsigned char)*p];
			memcpy(w, t->ascii[(unsigned char)*p], n);
			w += n;
		}
		k->len = w - k->data;
		twin_trim(t, k, part);
	}
	twin_set(t, row, kind, start);
	return (0);
}

/* The same from the server's weights of each value (hex, NULL: none). */
void
twin_key_hex(struct twins *t, size_t row, int kind, const char *const *hex,
    size_t nparts)
{
	struct twinset	*c = &t->set[t->cur];
	size_t		 i, start = c->keys.len, part;

	if (c->off[row * TWIN_KINDS + kind] != TWIN_NONE)
		return;		/* told from ASCII already */
	for (i = 0; i < nparts; i++)
		if (hex[i] == NULL)
			return;
	for (i = 0; i < nparts; i++) {
		if (i > 0)
			buf_addc(&c->keys, '|');
		part = c->keys.len;
		buf_add(&c->keys, hex[i], strlen(hex[i]));
		twin_trim(t, &c->keys, part);
	}
	twin_set(t, row, kind, start);
}

/* Eight bytes a step: keys are long (four hex digits a character). */
static uint64_t
twin_hash(const char *p, size_t len, int kind)
{
	uint64_t	h = 14695981039346656037ULL ^ (uint64_t)kind, w;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
		h ^= h >> 29;
	}
	while (len-- > 0)
		h = (h ^ (unsigned char)*p++) * 1099511628211ULL;
	h ^= h >> 32;
	return (h);
}

/* Entry e's key (| TWIN_PREV: of the last batch). */
static const char *
twin_entry(struct twins *t, size_t e, size_t *len)
{
	struct twinset	*s = &t->set[(e & TWIN_PREV) ? t->cur ^ 1 : t->cur];

	e &= ~TWIN_PREV;
	*len = s->len[e];
	return (s->keys.data + s->off[e]);
}

/* The slot of entry e's key: the one holding an equal key, or the empty
 * one where it would go. */
static size_t *
twin_find(struct twins *t, size_t e)
{
	const char	*key, *other;
	size_t		 len, olen, i, f;
	int		 kind = (e & ~TWIN_PREV) % TWIN_KINDS;

	key = twin_entry(t, e, &len);
	i = twin_hash(key, len, kind) % t->nslots;
	for (; t->slots[i] != 0; i = (i + 1) % t->nslots) {
		f = t->slots[i] - 1;
		if ((int)((f & ~TWIN_PREV) % TWIN_KINDS) != kind)
			continue;
		other = twin_entry(t, f, &olen);
		if (olen == len && memcmp(other, key, len) == 0)
			break;
	}
	return (&t->slots[i]);
}

/* Row row's keys, told in row order: 1 if an earlier row (or a row of the
 * last batch, kept; or maybe of an older one, remembered) had one. */
int
twin_seen(struct twins *t, size_t row)
{
	struct twinset	*c = &t->set[t->cur];
	size_t		 k, e, *slot;
	int		 seen = 0;

	for (k = 0; k < TWIN_KINDS; k++) {
		e = row * TWIN_KINDS + k;
		if (c->off[e] == TWIN_NONE)
			continue;
		if (*(slot = twin_find(t, e)) != 0)
			seen = 1;
		else
			*slot = e + 1;
		if (t->older && twin_older(t, e))
			seen = 1;
	}
	return (seen);
}
