/*
 * A batch: the next rows of a file, copied out of the reader so that the
 * work that must not hold a transaction open (looking profiles up) can
 * run over all of them before the transaction that writes them begins.
 *
 * Buffers are kept from batch to batch: in the steady state reading a
 * batch allocates nothing. Memory is bounded by the batch size times the
 * reader's limits on a record.
 */
#include <stdlib.h>
#include <string.h>

#include "watchd.h"

/* Copy a record into slot i, reusing its buffers. */
static void
batch_copy(struct batch *b, size_t i, const struct csvrec *rec)
{
	struct batchrow	*br = &b->rows[i];
	size_t		 f;

	if (br->nalloc < rec->nfields) {
		br->fields = xreallocarray(br->fields, rec->nfields,
		    sizeof *br->fields);
		br->lens = xreallocarray(br->lens, rec->nfields,
		    sizeof *br->lens);
		br->caps = xreallocarray(br->caps, rec->nfields,
		    sizeof *br->caps);
		memset(br->fields + br->nalloc, 0,
		    (rec->nfields - br->nalloc) * sizeof *br->fields);
		memset(br->caps + br->nalloc, 0,
		    (rec->nfields - br->nalloc) * sizeof *br->caps);
		br->nalloc = rec->nfields;
	}
	for (f = 0; f < rec->nfields; f++) {
		if (br->caps[f] < rec->lens[f] + 1) {
			br->caps[f] = rec->lens[f] + 1 < 32 ? 32 :
			    rec->lens[f] + 1;
			br->fields[f] = xreallocarray(br->fields[f], 1,
			    br->caps[f]);
		}
		memcpy(br->fields[f], rec->fields[f], rec->lens[f] + 1);
		br->lens[f] = rec->lens[f];
	}
	br->rec.nfields = rec->nfields;
	br->rec.fields = br->fields;
	br->rec.lens = br->lens;
	br->rec.row = rec->row;
	br->rec.end = rec->end;
	br->rec.flags = rec->flags;
	br->rec.recoded = rec->recoded;
	br->enrich = ENRICH_NONE;
	free(br->linkedin);
	br->linkedin = NULL;
	free(br->why);
	br->why = NULL;
	profile_clear(br->profile);
	free(br->profile);
	br->profile = NULL;
	row_clear(&br->rv);
	free(br->skip_msg);
	br->skip_msg = NULL;
	br->skip_code = NULL;
	br->rvok = br->snap = br->collide = br->chg = 0;
	br->id = NULL;
}

/*
 * Read up to max non-empty rows. Returns 1 if the file may hold more, 0 at
 * its end, -1 on a reading error (csvin_error says which row). last_row
 * and last_off tell where the batch ends, blank rows included; last_off
 * is -1 if it read no row at all (the file ended with the batch before).
 */
int
batch_read(struct batch *b, struct csvin *in, size_t max)
{
	struct csvrec	*rec;
	int		 n;

	b->n = 0;
	b->last_row = 0;
	b->last_off = -1;
	while (b->n < max && (n = csvin_next(in, &rec)) == 1) {
		b->last_row = rec->row;
		b->last_off = rec->end;
		if (csvin_empty(rec))
			continue;
		if (b->n == b->cap) {
			size_t cap = b->cap ? b->cap * 2 : 64;

			b->rows = xreallocarray(b->rows, cap, sizeof *b->rows);
			memset(b->rows + b->cap, 0,
			    (cap - b->cap) * sizeof *b->rows);
			b->cap = cap;
		}
		batch_copy(b, b->n++, rec);
	}
	if (b->n == max)
		return (1);
	return (n);
}

void
batch_free(struct batch *b)
{
	size_t	i, f;

	for (i = 0; i < b->cap; i++) {
		for (f = 0; f < b->rows[i].nalloc; f++)
			free(b->rows[i].fields[f]);
		free(b->rows[i].fields);
		free(b->rows[i].lens);
		free(b->rows[i].caps);
		free(b->rows[i].linkedin);
		free(b->rows[i].why);
		profile_clear(b->rows[i].profile);
		free(b->rows[i].profile);
		row_clear(&b->rows[i].rv);
		free(b->rows[i].skip_msg);
	}
	free(b->rows);
	memset(b, 0, sizeof *b);
}
