/*
 * The CSV reader: libcsv does the tokenising, this file turns its push
 * callbacks into a pull interface (csvin_next) and knows where each record
 * ends in the file, so an import can checkpoint "row N ends at byte B" and
 * resume there.
 *
 * How the offset is exact: input is fed to libcsv in segments that end at
 * the next CR or LF. A record can only end on such a byte, so when libcsv
 * reports the end of a record, it ended at the end of the segment just fed.
 *
 * Pure: bytes come from a read callback; nothing here does I/O itself.
 * Memory is bounded: one read buffer, the current record's fields (capped
 * by max_field and max_fields) and libcsv's field buffer (checked against
 * max_field after every segment). A record over a limit is not an error:
 * it comes back flagged (CSVREC_TOOLARGE, CSVREC_TOOWIDE) with what was
 * kept, so the importer skips that row and goes on; a 1 GB line costs no
 * more memory than a 64 KB one. So does a record with a NUL byte
 * (CSVREC_NUL, the NULs left out of its fields): one such row in a text
 * file costs that row, not the file (sniff.c refuses binary files).
 *
 * A record that holds the start of one of the lines prepare.c decoded
 * otherwise than the rest of the file (lim.recoded, offsets) comes back
 * with recoded set to their encoding, for the importer to warn on.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "lib.h"

#define CSVIN_BUFSIZE	65536

struct csvin {
	struct csv_parser	 p;
	csvin_readfn		 readfn;
	void			*arg;
	struct csvin_limits	 lim;

	char			 buf[CSVIN_BUFSIZE];
	size_t			 len;
	size_t			 pos;
	int			 eof;
	int			 done;
	int			 started;
	off_t			 off;		/* bytes fed to libcsv */

	/* The record being built: field i lives in fields[i], capacity
	 * caps[i]; buffers are kept for the next record. */
	char			**fields;
	size_t			 *lens;
	size_t			 *caps;
	size_t			  nfields;
	size_t			  nalloc;
	int			  ready;
	int			  flags;
	int			  skipping;	/* past a too-large field */
	int			  inq;		/* skipping: inside quotes */
	int			  pendq;	/* skipping: quote seen in quotes */
	unsigned long		  row;
	struct csvrec		  rec;
	char			  error[256];

	off_t			 *recoded;	/* copied from lim */
	size_t			  nrecoded;
	size_t			  ri;		/* the next one to look at */
	char			  recoded_as[TEXTENC_NAME_MAX];
};

static void
csvin_field(void *s, size_t len, void *arg)
{
	struct csvin	*c = arg;
	size_t		 i = c->nfields;

	char		*d;
	size_t		 j;

	if (c->error[0] != '\0')
		return;
	if (len > 0 && memchr(s, '\0', len) != NULL)
		c->flags |= CSVREC_NUL;
	if (i >= c->lim.max_fields) {
		c->flags |= CSVREC_TOOWIDE;
		return;
	}
	if (len > c->lim.max_field) {
		c->flags |= CSVREC_TOOLARGE;
		len = 0;
	}
	if (i == c->nalloc) {
		size_t n = c->nalloc ? c->nalloc * 2 : 16;

		c->fields = xreallocarray(c->fields, n, sizeof *c->fields);
		c->lens = xreallocarray(c->lens, n, sizeof *c->lens);
		c->caps = xreallocarray(c->caps, n, sizeof *c->caps);
		memset(c->fields + i, 0, (n - i) * sizeof *c->fields);
		memset(c->caps + i, 0, (n - i) * sizeof *c->caps);
		c->nalloc = n;
	}
	if (c->caps[i] < len + 1) {
		c->caps[i] = len + 1 < 32 ? 32 : len + 1;
		c->fields[i] = xreallocarray(c->fields[i], 1, c->caps[i]);
	}
	if (len > 0 && (c->flags & CSVREC_NUL)) {
		/* Fields stay C strings: the NULs are left out. */
		for (d = c->fields[i], j = 0; j < len; j++)
			if (((char *)s)[j] != '\0')
				*d++ = ((char *)s)[j];
		len = d - c->fields[i];
	} else if (len > 0)
		memcpy(c->fields[i], s, len);
	c->fields[i][len] = '\0';
	c->lens[i] = len;
	c->nfields++;
}

/* Only spaces around unquoted fields are trimmed: a tab may be the
 * delimiter, or data. */
static int
csvin_space(unsigned char ch)
{
	return (ch == ' ');
}

static void
csvin_record(int term, void *arg)
{
	struct csvin	*c = arg;

	c->ready = 1;
}

/* (Re)start libcsv with our settings. */
static void
csvin_parser(struct csvin *c)
{
	if (csv_init(&c->p, CSV_STRICT_FINI) != 0)
		fatalx("csv_init");
	csv_set_space_func(&c->p, csvin_space);
	if (c->lim.delim != 0)
		csv_set_delim(&c->p, c->lim.delim);
}

/*
 * Skip the rest of a record whose field was too large, without holding
 * it: follow quotes (a doubled quote inside quotes is data) up to the
 * first line end outside them. Returns 1 when the record ended.
 */
static int
csvin_skip(struct csvin *c)
{
	char	ch;

	while (c->pos < c->len) {
		ch = c->buf[c->pos++];
		c->off++;
		if (c->inq) {
			if (c->pendq) {
				c->pendq = 0;
				if (ch == '"')
					continue;	/* "" inside quotes */
				c->inq = 0;
			} else {
				if (ch == '"')
					c->pendq = 1;
				continue;
			}
		}
		if (ch == '"')
			c->inq = 1;
		else if (ch == '\n' || ch == '\r') {
			c->skipping = 0;
			c->nfields = 0;
			return (1);
		}
	}
	return (0);
}

/*
 * A reader of records from readfn. To resume, start is the byte offset
 * just past the last record read before, and row that record's row number
 * (0 at the start of a file).
 */
struct csvin *
csvin_create(csvin_readfn readfn, void *arg, const struct csvin_limits *lim,
    off_t start, unsigned long row)
{
	struct csvin	*c;

	c = xcalloc(1, sizeof *c);
	c->readfn = readfn;
	c->arg = arg;
	c->lim = *lim;
	if (lim->nrecoded > 0) {
		c->recoded = xreallocarray(NULL, lim->nrecoded,
		    sizeof *c->recoded);
		memcpy(c->recoded, lim->recoded, lim->nrecoded *
		    sizeof *c->recoded);
		c->nrecoded = lim->nrecoded;
		snprintf(c->recoded_as, sizeof c->recoded_as, "%s",
		    lim->recoded_as != NULL && lim->recoded_as[0] != '\0' ?
		    lim->recoded_as : "another encoding");
	}
	c->lim.recoded = NULL;
	c->lim.recoded_as = NULL;
	csvin_parser(c);
	c->off = start;
	c->row = row;
	c->started = start != 0;
	return (c);
}

/* Refill the buffer; skips a UTF-8 byte order mark at the start of a
 * file. */
static int
csvin_fill(struct csvin *c)
{
	ssize_t	n;

	do
		n = c->readfn(c->arg, c->buf, sizeof c->buf);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		snprintf(c->error, sizeof c->error, "read: %s",
		    strerror(errno));
		return (-1);
	}
	c->len = n;
	c->pos = 0;
	if (n == 0)
		c->eof = 1;
	if (!c->started && n > 0) {
		/* Gather three bytes (or the whole file) to see a BOM. */
		while (n > 0 && c->len < 3) {
			do
				n = c->readfn(c->arg, c->buf + c->len,
				    sizeof c->buf - c->len);
			while (n == -1 && errno == EINTR);
			if (n == -1) {
				snprintf(c->error, sizeof c->error, "read: %s",
				    strerror(errno));
				return (-1);
			}
			c->len += n;
		}
		c->started = 1;
		if (c->len >= 3 && memcmp(c->buf, "\xef\xbb\xbf", 3) == 0) {
			c->pos = 3;
			c->off += 3;
		}
	}
	return (0);
}

/*
 * The next record: 1 and *rec set (valid until the next call), 0 at the
 * end of the file, -1 on an error that ends the file (csvin_error says
 * which row and why).
 */
int
csvin_next(struct csvin *c, struct csvrec **rec)
{
	size_t	 i, seg, fed;
	off_t	 start = c->off;

	if (c->error[0] != '\0')
		return (-1);
	if (c->done)
		return (0);
	if (c->lim.last_row != 0 && c->row >= c->lim.last_row) {
		c->done = 1;	/* what follows is a footer, not rows */
		return (0);
	}
	c->nfields = 0;
	c->ready = 0;
	c->flags = 0;
	for (;;) {
		if (c->pos == c->len) {
			if (!c->eof && csvin_fill(c) == -1)
				return (-1);
			if (c->eof && c->skipping) {
				/* The too-large record ran to the end. */
				c->done = 1;
				c->skipping = 0;
				c->nfields = 0;
				csv_free(&c->p);
				csvin_parser(c);
				break;
			}
			if (c->eof) {
				c->done = 1;
				/* libcsv reports an open quote at the end only
				 * in strict mode, which would also refuse the
				 * stray quotes people's files have; so look at
				 * its state: 2 is FIELD_BEGUN. */
				if (c->p.quoted && c->p.pstate == 2) {
					snprintf(c->error, sizeof c->error,
					    "row %lu: a quoted field is not "
					    "closed before the end of the file",
					    c->row + 1);
					return (-1);
				}
				if (csv_fini(&c->p, csvin_field, csvin_record,
				    c) != 0) {
					snprintf(c->error, sizeof c->error,
					    "row %lu: a quoted field is not "
					    "closed before the end of the file",
					    c->row + 1);
					return (-1);
				}
				if (c->error[0] != '\0')
					return (-1);
				if (!c->ready)
					return (0);
				break;
			}
			continue;
		}
		if (c->skipping) {
			if (csvin_skip(c))
				break;
			continue;
		}
		for (i = c->pos; i < c->len; i++)
			if (c->buf[i] == '\n' || c->buf[i] == '\r')
				break;
		seg = (i < c->len ? i + 1 : i) - c->pos;
		fed = csv_parse(&c->p, c->buf + c->pos, seg, csvin_field,
		    csvin_record, c);
		if (fed != seg) {
			snprintf(c->error, sizeof c->error, "row %lu: %s",
			    c->row + 1, csv_strerror(csv_error(&c->p)));
			return (-1);
		}
		c->pos += seg;
		c->off += seg;
		if (c->error[0] != '\0')
			return (-1);
		if (!c->ready && c->p.entry_pos > c->lim.max_field) {
			/* A field too large to hold: start libcsv afresh and
			 * skip to the end of this record ourselves. */
			c->flags |= CSVREC_TOOLARGE;
			c->skipping = 1;
			c->inq = c->p.quoted && (c->p.pstate == 2 ||
			    c->p.pstate == 3);
			c->pendq = c->p.quoted && c->p.pstate == 3;
			csv_free(&c->p);
			csvin_parser(c);
			continue;
		}
		if (c->ready)
			break;
	}
	c->row++;
	c->rec.nfields = c->nfields;
	c->rec.fields = c->fields;
	c->rec.lens = c->lens;
	c->rec.row = c->row;
	c->rec.end = c->off;
	c->rec.flags = c->flags;
	/* Lines start only at record starts or inside records: one that
	 * starts before this record belonged to an earlier one. */
	while (c->ri < c->nrecoded && c->recoded[c->ri] < start)
		c->ri++;
	c->rec.recoded = c->ri < c->nrecoded && c->recoded[c->ri] < c->off ?
	    c->recoded_as : NULL;
	*rec = &c->rec;
	return (1);
}

const char *
csvin_error(const struct csvin *c)
{
	return (c->error);
}

/* Bytes consumed so far, for progress. */
off_t
csvin_offset(const struct csvin *c)
{
	return (c->off);
}

void
csvin_free(struct csvin *c)
{
	size_t	i;

	if (c == NULL)
		return;
	csv_free(&c->p);
	free(c->recoded);
	for (i = 0; i < c->nalloc; i++)
		free(c->fields[i]);
	free(c->fields);
	free(c->lens);
	free(c->caps);
	free(c);
}

/* Whether every cell is blank: such rows are ignored. */
int
csvin_empty(const struct csvrec *rec)
{
	size_t	i;

	if (rec->flags != 0)
		return (0);	/* over a limit: a row to skip, not a blank */
	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i][strspn(rec->fields[i], " \t\r\n")] != '\0')
			return (0);
	return (1);
}
