/*
 * Getting a drop's file ready to read: whatever encoding it came in, the
 * importer reads UTF-8.
 *
 * Which encoding: the one the user chose (the encoding option), else a
 * UTF-16 byte order mark, else the file's lines decide. Every line is
 * checked: a file whose lines are all valid UTF-8 is read as it is. A
 * file that is mostly UTF-8 (a UTF-8 byte order mark, or at least as many
 * lines with valid non-ASCII UTF-8 as lines that are not UTF-8) stays
 * UTF-8: only its bad lines are decoded otherwise, in the legacy encoding
 * textenc_detect finds in them (Windows-1252 when it finds none). Any
 * other file is decoded whole in the encoding detected in its lines that
 * are not UTF-8.
 *
 * A file read otherwise than as it is gets converted with iconv into
 * data.utf8.csv beside it, and data.utf8.enc says how: the encoding, the
 * encoding of the recoded lines, and where each recoded line starts in
 * data.utf8.csv. Both are written under temporary names and renamed (the
 * .enc first), so a resumed import finds the same bytes, its checkpoint
 * offsets stay true, and it warns on the same rows: the reader flags a
 * record that holds the start of a recoded line (csvrec.recoded).
 *
 * Then the delimiter (an Excel "sep=" line, or the header line's most
 * frequent candidate) is found, and the records are counted once:
 * rows_total is known from the start, and a file that cannot be read to
 * its end (an open quote) fails before any row is imported.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "spool.h"

#define PREPARE_BUF		65536
#define PREPARE_OUT		(4 * PREPARE_BUF)
#define PREPARE_SAMPLE		(256 * 1024)	/* bad lines' bytes detected on */
#define PREPARE_RECODED_MAX	100000		/* lines recoded in a UTF-8 file */

/* What one pass over a file's lines found. */
struct prepare_scan {
	unsigned long	 good;		/* valid UTF-8 lines, not all ASCII */
	unsigned long	 bad;		/* lines that are not valid UTF-8 */
	off_t		*badoff;	/* where the first of them start */
	size_t		 nbad;
	unsigned char	*text;		/* their bytes, up to PREPARE_SAMPLE */
	size_t		 textlen;
	int		 cr_only;	/* CR line ends and no LF */
};

/* The converted file being written, and where its bytes are. */
struct prepare_out {
	int		 fd;
	char		*buf;
	size_t		 len;
	off_t		 off;		/* bytes written before buf */
};

static ssize_t
prepare_read(void *arg, void *buf, size_t len)
{
	return (read(*(int *)arg, buf, len));
}

static int
prepare_write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return (-1);
		}
		p += n;
		len -= n;
	}
	return (0);
}

static void
prepare_text(struct prepare_scan *sc, const unsigned char *p, size_t len)
{
	if (len > PREPARE_SAMPLE - sc->textlen)
		len = PREPARE_SAMPLE - sc->textlen;
	memcpy(sc->text + sc->textlen, p, len);
	sc->textlen += len;
}

/*
 * Read fd from skip on, line by line (a line ends at CR or LF): count the
 * lines that are valid UTF-8 with non-ASCII bytes and those that are not
 * valid, note where the first PREPARE_RECODED_MAX + 1 bad ones start and
 * keep their bytes to detect their encoding on.
 */
static int
prepare_scan(int fd, off_t skip, struct prepare_scan *sc)
{
	struct textenc_state	 st;
	unsigned char		*buf = xmalloc(PREPARE_BUF);
	ssize_t			 n, i, ls;
	off_t			 off = skip, lstart = skip;
	size_t			 cr = 0, lf = 0;
	int			 bad = 0, high = 0, r = -1;

	memset(sc, 0, sizeof *sc);
	sc->text = xmalloc(PREPARE_SAMPLE);
	memset(&st, 0, sizeof st);
	if (lseek(fd, skip, SEEK_SET) == -1)
		goto out;
	for (;;) {
		if ((n = read(fd, buf, PREPARE_BUF)) == -1) {
			if (errno == EINTR)
				continue;
			goto out;
		}
		for (i = ls = 0; i <= n; i++) {
			/* n: the end of the buffer, or of the file */
			if (i < n && buf[i] != '\n' && buf[i] != '\r') {
				high |= buf[i] >= 0x80;
				if (!bad && textenc_utf8(&st, buf + i, 1) == -1)
					bad = 1;
				continue;
			}
			if (i == n && n > 0) {
				if (bad)	/* the line goes on */
					prepare_text(sc, buf + ls, i - ls);
				break;
			}
			if (i < n) {
				cr += buf[i] == '\r';
				lf += buf[i] == '\n';
			}
			if (st.need != 0)
				bad = 1;
			if (bad) {
				if (sc->nbad <= PREPARE_RECODED_MAX) {
					sc->badoff = xreallocarray(sc->badoff,
					    sc->nbad + 1, sizeof *sc->badoff);
					sc->badoff[sc->nbad++] = lstart;
				}
				sc->bad++;
				prepare_text(sc, buf + ls, i + (i < n) - ls);
			} else if (high)
				sc->good++;
			memset(&st, 0, sizeof st);
			bad = high = 0;
			ls = i + 1;
			lstart = off + i + 1;
			if (i == n)
				break;
		}
		if (n == 0)
			break;
		off += n;
	}
	sc->cr_only = cr > 0 && lf == 0;
	r = 0;
out:
	free(buf);
	lseek(fd, 0, SEEK_SET);
	return (r);
}

static void
prepare_scan_free(struct prepare_scan *sc)
{
	free(sc->badoff);
	free(sc->text);
	memset(sc, 0, sizeof *sc);
}

static int
prepare_flush(struct prepare_out *o)
{
	if (prepare_write_all(o->fd, o->buf, o->len) == -1)
		return (-1);
	o->off += o->len;
	o->len = 0;
	return (0);
}

static int
prepare_put(struct prepare_out *o, const char *p, size_t len)
{
	if (PREPARE_OUT - o->len < len && prepare_flush(o) == -1)
		return (-1);
	memcpy(o->buf + o->len, p, len);
	o->len += len;
	return (0);
}

/*
 * Convert [*ip, end) into o. With final the input ends at end, and a
 * sequence cut short there is undefined; else the conversion stops before
 * it (*ip tells where). Bytes the encoding does not define become U+FFFD
 * (one per unit: 2 bytes in UTF-16, else 1).
 */
static int
prepare_iconv(iconv_t cd, size_t unit, char **ip, char *end, int final,
    struct prepare_out *o)
{
	char	*op;
	size_t	 il, ol, skip;

	while (*ip < end) {
		if (PREPARE_OUT - o->len < 16 && prepare_flush(o) == -1)
			return (-1);
		il = end - *ip;
		op = o->buf + o->len;
		ol = PREPARE_OUT - o->len;
		if (iconv(cd, ip, &il, &op, &ol) != (size_t)-1) {
			o->len = op - o->buf;
			break;
		}
		o->len = op - o->buf;
		if (errno == E2BIG)
			continue;
		if (errno == EINVAL && !final)
			break;	/* a sequence split by the read */
		if (prepare_put(o, "\xef\xbf\xbd", 3) == -1)
			return (-1);
		skip = (size_t)(end - *ip) < unit ? (size_t)(end - *ip) : unit;
		*ip += skip;
	}
	if (final)
		iconv(cd, NULL, NULL, NULL, NULL);
	return (0);
}

/*
 * Write the UTF-8 file tmp from fd (fsynced; the caller renames it): with
 * bad == NULL the bytes from skip
 * on, decoded whole from from (after a UTF-8 byte order mark, so the
 * result reads like any Excel export); else the file as it is, but for
 * the lines that start at the nbad offsets bad (sorted), decoded from
 * from, whose starts in the new file go to *recoded. Returns 0.
 */
static int
prepare_convert(int fd, off_t skip, const char *from, const off_t *bad,
    size_t nbad, const char *tmp, off_t **recoded, char **cause)
{
	struct prepare_out	 o;
	char			*in, *ip, *end, *e;
	size_t			 il = 0, bi = 0, unit;
	ssize_t			 n;
	off_t			 inoff = 0;	/* of in[0] in fd */
	iconv_t			 cd;
	int			 eof = 0, saved, atstart = 1, inbad = 0, nl;

	*recoded = NULL;
	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1) {
		xasprintf(cause, "cannot read %s text (iconv)", from);
		return (-1);
	}
	unit = strncasecmp(from, "UTF-16", 6) == 0 ? 2 : 1;
	in = xmalloc(PREPARE_BUF);
	memset(&o, 0, sizeof o);
	o.fd = -1;
	o.buf = xmalloc(PREPARE_OUT);
	if ((o.fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		goto fail;
	if (bad == NULL) {
		if (lseek(fd, skip, SEEK_SET) == -1 ||
		    prepare_put(&o, "\xef\xbb\xbf", 3) == -1)
			goto fail;
		inoff = skip;
	} else if (lseek(fd, 0, SEEK_SET) == -1)
		goto fail;
	while (!eof || il > 0) {
		if (!eof) {
			n = read(fd, in + il, PREPARE_BUF - il);
			if (n == -1 && errno == EINTR)
				continue;
			if (n == -1)
				goto fail;
			if (n == 0)
				eof = 1;
			il += n;
		}
		ip = in;
		end = in + il;
		while (ip < end) {
			if (bad == NULL) {
				if (prepare_iconv(cd, unit, &ip, end, eof,
				    &o) == -1)
					goto fail;
				break;
			}
			if (atstart) {
				/* A line starts here: one to decode? */
				atstart = 0;
				inbad = bi < nbad &&
				    bad[bi] == inoff + (ip - in);
				if (inbad) {
					*recoded = xreallocarray(*recoded,
					    bi + 1, sizeof **recoded);
					(*recoded)[bi++] = o.off + o.len;
				}
			}
			for (e = ip; e < end && *e != '\n' && *e != '\r'; e++)
				;
			nl = e < end;
			if (!inbad) {
				if (prepare_put(&o, ip, e + nl - ip) == -1)
					goto fail;
				ip = e + nl;
			} else {
				if (prepare_iconv(cd, 1, &ip, e, nl || eof,
				    &o) == -1)
					goto fail;
				if (ip < e)
					break;	/* the rest after the read */
				if (nl && prepare_put(&o, ip++, 1) == -1)
					goto fail;
			}
			if (nl)
				atstart = 1;
		}
		inoff += ip - in;
		il = end - ip;
		memmove(in, ip, il);
		if (eof && il > 0 && ip == in)
			il = 0;	/* nothing more can be made of it */
	}
	if (prepare_flush(&o) == -1 || fsync(o.fd) == -1 || close(o.fd) == -1) {
		o.fd = -1;
		goto fail;
	}
	o.fd = -1;
	iconv_close(cd);
	free(in);
	free(o.buf);
	return (0);

fail:
	saved = errno;
	xasprintf(cause, "cannot convert the file to UTF-8: %s",
	    strerror(saved));
	if (o.fd != -1)
		close(o.fd);
	unlink(tmp);
	iconv_close(cd);
	free(in);
	free(o.buf);
	free(*recoded);
	*recoded = NULL;
	errno = saved;
	return (-1);
}

/*
 * Write how data.utf8.csv was made (path: data.utf8.enc): the encoding,
 * that of the recoded lines ("-": none), then where each of those starts.
 */
static int
prepare_enc_write(const char *path, const char *enc, const char *as,
    const off_t *recoded, size_t n)
{
	FILE	*f;
	char	*tmp;
	size_t	 i;
	int	 r = -1, saved;

	xasprintf(&tmp, "%s.tmp", path);
	if ((f = fopen(tmp, "we")) == NULL)
		goto out;
	fprintf(f, "%s\n%s\n", enc, as != NULL ? as : "-");
	for (i = 0; i < n; i++)
		fprintf(f, "%lld\n", (long long)recoded[i]);
	if (fflush(f) == EOF || fsync(fileno(f)) == -1) {
		saved = errno;
		fclose(f);
		errno = saved;
		goto out;
	}
	if (fclose(f) == EOF || rename(tmp, path) == -1)
		goto out;
	r = 0;
out:
	if (r == -1) {
		saved = errno;
		unlink(tmp);
		errno = saved;
	}
	free(tmp);
	return (r);
}

/* Read data.utf8.enc into p: 0, or -1 if there is none (or it is not
 * whole). */
static int
prepare_enc_read(const char *path, struct prepared *p)
{
	FILE		*f;
	char		 line[64], as[TEXTENC_NAME_MAX];
	long long	 v;
	char		*ep;
	size_t		 len;

	if ((f = fopen(path, "re")) == NULL)
		return (-1);
	if (fgets(line, sizeof line, f) == NULL ||
	    (len = strcspn(line, "\n")) == 0 || len >= sizeof p->encoding)
		goto bad;
	memcpy(p->encoding, line, len);
	p->encoding[len] = '\0';
	if (fgets(line, sizeof line, f) == NULL ||
	    (len = strcspn(line, "\n")) == 0 || len >= sizeof as)
		goto bad;
	memcpy(as, line, len);
	as[len] = '\0';
	if (strcmp(as, "-") != 0)
		memcpy(p->recoded_as, as, len + 1);
	while (fgets(line, sizeof line, f) != NULL) {
		v = strtoll(line, &ep, 10);
		if (ep == line || *ep != '\n' || v < 0 ||
		    p->nrecoded > PREPARE_RECODED_MAX)
			goto bad;
		p->recoded = xreallocarray(p->recoded, p->nrecoded + 1,
		    sizeof *p->recoded);
		p->recoded[p->nrecoded++] = v;
	}
	fclose(f);
	return (0);
bad:
	fclose(f);
	free(p->recoded);
	p->recoded = NULL;
	p->nrecoded = 0;
	p->encoding[0] = p->recoded_as[0] = '\0';
	return (-1);
}

/*
 * Decide how to read fd (the original, bom bytes of byte order mark of
 * kind bomenc) and make data.utf8.csv (conv) if it is not read as it is:
 * p's encoding, recoded lines and fd. want: the user's encoding or NULL.
 */
static int
prepare_decode(int fd, enum textenc bomenc, size_t bom, const char *want,
    const char *conv, const char *encpath, struct prepared *p, char **cause)
{
	struct prepare_scan	 sc;
	const char		*from, *as = NULL;
	char			*tmp;
	off_t			*recoded = NULL;
	size_t			 nrec = 0;
	int			 utf8, mixed = 0;

	memset(&sc, 0, sizeof sc);
	utf8 = want != NULL ? strcasecmp(want, "UTF-8") == 0 :
	    bomenc == TEXTENC_UTF8 || bomenc == TEXTENC_UNKNOWN;
	if (utf8) {
		if (prepare_scan(fd, bomenc == TEXTENC_UTF8 ? bom : 0,
		    &sc) == -1) {
			xasprintf(cause, "read: %s", strerror(errno));
			goto fail;
		}
		if (sc.bad == 0) {
			/* Read as it is. */
			prepare_scan_free(&sc);
			snprintf(p->encoding, sizeof p->encoding, "UTF-8");
			p->fd = fd;
			return (0);
		}
		as = textenc_detect(sc.text, sc.textlen, sc.cr_only);
		mixed = sc.bad <= PREPARE_RECODED_MAX && (want != NULL ||
		    bomenc == TEXTENC_UTF8 || sc.good >= sc.bad);
		from = mixed ? "UTF-8" : as;
	} else if (want != NULL)
		from = want;
	else
		from = textenc_name(bomenc);

	/* How it was made is renamed into place before what was made:
	 * a data.utf8.csv is never without its data.utf8.enc. */
	xasprintf(&tmp, "%s.tmp", conv);
	if (prepare_convert(fd, bomenc != TEXTENC_UNKNOWN ? bom : 0,
	    mixed ? as : from, mixed ? sc.badoff : NULL, mixed ? sc.nbad : 0,
	    tmp, &recoded, cause) == -1) {
		/* The spool full for a moment is not the file's fault: the
		 * import waits and tries again. */
		p->nospace = errno == ENOSPC || errno == EDQUOT;
		free(tmp);
		goto fail;
	}
	if (mixed)
		nrec = sc.nbad;
	if (prepare_enc_write(encpath, from, mixed ? as : NULL, recoded,
	    nrec) == -1 || rename(tmp, conv) == -1) {
		p->nospace = errno == ENOSPC || errno == EDQUOT;
		xasprintf(cause, "cannot convert the file to UTF-8: %s",
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		free(recoded);
		goto fail;
	}
	free(tmp);
	snprintf(p->encoding, sizeof p->encoding, "%s", from);
	if (mixed)
		snprintf(p->recoded_as, sizeof p->recoded_as, "%s", as);
	p->recoded = recoded;
	p->nrecoded = nrec;
	prepare_scan_free(&sc);
	close(fd);
	if ((p->fd = open(conv, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		xasprintf(cause, "cannot read the converted file: %s",
		    strerror(errno));
		return (-1);
	}
	return (0);

fail:
	prepare_scan_free(&sc);
	close(fd);
	return (-1);
}

static void
prepare_limits(const struct prepared *p, struct csvin_limits *lim)
{
	memset(lim, 0, sizeof *lim);
	lim->max_field = conf.max_field;
	lim->max_fields = conf.max_fields;
	lim->delim = p->delim;
	lim->recoded = p->recoded;
	lim->nrecoded = p->nrecoded;
	lim->recoded_as = p->recoded_as;
}

/*
 * Find the header among the first records (lines of notes may come
 * before it: suggest_header), then take the sample the column map is
 * suggested from: the header and the first SUGGEST_ROWS non-blank rows.
 */
static int
prepare_head(struct prepared *p, char **cause)
{
	struct csvin_limits	 lim;
	struct csvin		*in;
	struct csvrec		*rec;
	struct head		 h;
	struct sample		*sm = &p->sample;
	off_t			 end[SUGGEST_HEAD_RECS];
	size_t			 i, j, k;
	int			 n;

	prepare_limits(p, &lim);
	memset(&h, 0, sizeof h);
	h.nfields = xcalloc(SUGGEST_HEAD_RECS, sizeof *h.nfields);
	h.fields = xcalloc(SUGGEST_HEAD_RECS, sizeof *h.fields);
	if (lseek(p->fd, p->start, SEEK_SET) == -1)
		return (-1);
	in = csvin_create(prepare_read, &p->fd, &lim, p->start, 0);
	while (h.nrecs < SUGGEST_HEAD_RECS &&
	    (n = csvin_next(in, &rec)) == 1) {
		i = h.nrecs++;
		h.nfields[i] = rec->nfields;
		h.fields[i] = xcalloc(rec->nfields + 1, sizeof (char *));
		for (j = 0; j < rec->nfields; j++)
			h.fields[i][j] = xstrdup(rec->fields[j]);
		end[i] = rec->end;
	}
	csvin_free(in);
	k = h.nrecs > 0 ? suggest_header(&h, conf.id_header) : 0;
	if (k > 0 && k < h.nrecs) {
		p->preamble = k;
		p->start = end[k - 1];
	}
	for (i = 0; i < h.nrecs; i++) {
		for (j = 0; j < h.nfields[i]; j++)
			free(h.fields[i][j]);
		free(h.fields[i]);
	}
	free(h.fields);
	free(h.nfields);

	if (lseek(p->fd, p->start, SEEK_SET) == -1)
		return (-1);
	in = csvin_create(prepare_read, &p->fd, &lim, p->start, p->preamble);
	if ((n = csvin_next(in, &rec)) != 1) {
		*cause = xstrdup(n == 0 ? "The file is empty" :
		    csvin_error(in));
		csvin_free(in);
		return (-1);
	}
	if (rec->flags != 0) {
		*cause = xstrdup(rec->flags & CSVREC_NUL ? "The header has a "
		    "NUL byte: this is not a text file" :
		    rec->flags & CSVREC_TOOWIDE ?
		    "The header has more columns than this server accepts "
		    "(max_fields)" : "A header cell is larger than this server "
		    "accepts (max_field)");
		csvin_free(in);
		return (-1);
	}
	sm->ncols = rec->nfields;
	sm->header = xcalloc(sm->ncols + 1, sizeof *sm->header);
	for (j = 0; j < sm->ncols; j++)
		sm->header[j] = columns_trim(rec->fields[j]);
	sm->cells = xcalloc(SUGGEST_ROWS, sizeof *sm->cells);
	while (sm->nrows < SUGGEST_ROWS && (n = csvin_next(in, &rec)) == 1) {
		if (csvin_empty(rec))
			continue;
		i = sm->nrows++;
		sm->cells[i] = xcalloc(sm->ncols + 1, sizeof (char *));
		for (j = 0; j < sm->ncols; j++)
			sm->cells[i][j] = xstrdup(j < rec->nfields ?
			    rec->fields[j] : "");
	}
	csvin_free(in);
	return (0);
}

void
prepare_clear(struct prepared *p)
{
	struct sample	*sm = &p->sample;
	size_t		 i, j;

	for (i = 0; i < sm->nrows; i++) {
		for (j = 0; j < sm->ncols; j++)
			free(sm->cells[i][j]);
		free(sm->cells[i]);
	}
	for (j = 0; j < sm->ncols; j++)
		free(sm->header[j]);
	free(sm->cells);
	free(sm->header);
	memset(sm, 0, sizeof *sm);
	free(p->recoded);
	p->recoded = NULL;
	p->nrecoded = 0;
}

/*
 * Count the data rows, reading the whole file once. Lines at the end
 * that are not rows (a report's footer: a single cell where the header
 * has several, blank lines between) are left out of the count, and
 * last_row says where the rows end.
 */
static int
prepare_count(struct prepared *p, char **cause)
{
	struct csvin_limits	 lim;
	struct csvin		*in;
	struct csvrec		*rec;
	size_t			 ncols = 0;
	unsigned long		 last = 0, tailn = 0;
	long long		 before = 0;
	int			 n, first = 1, intail = 0, blank, notrow;

	prepare_limits(p, &lim);
	if (lseek(p->fd, p->start, SEEK_SET) == -1)
		return (-1);
	in = csvin_create(prepare_read, &p->fd, &lim, p->start, p->preamble);
	p->rows = 0;
	while ((n = csvin_next(in, &rec)) == 1) {
		if (first) {
			first = 0;
			ncols = rec->nfields;
			continue;
		}
		blank = csvin_empty(rec);
		notrow = !blank && ncols > 1 && rec->nfields == 1 &&
		    rec->flags == 0;
		if ((blank || notrow) && last != 0) {
			if (!intail)
				before = p->rows;
			intail = 1;
			tailn += notrow;
		} else if (!blank) {
			intail = 0;
			tailn = 0;
			last = rec->row;
		}
		if (!blank)
			p->rows++;
	}
	if (n != -1 && intail && tailn > 0) {
		p->rows = before;
		p->footer = tailn;
		p->last_row = last;
	}
	if (n == -1)
		*cause = xstrdup(csvin_error(in));
	else if (first)
		*cause = xstrdup("The file is empty");
	csvin_free(in);
	lseek(p->fd, p->start, SEEK_SET);
	return (n == -1 || first ? -1 : 0);
}

/*
 * Open a drop's file for reading as UTF-8: p gets the fd (the caller
 * closes it), the encoding it was read as (encoding, NULL: detect it;
 * else an iconv name textenc_known accepted), the lines recoded, the
 * delimiter and the offset of the header; with count, also the number of
 * data rows, reading the file to its end once. -1 with cause if it cannot
 * be read.
 */
int
prepare_file(const char *dir, int count, const char *encoding,
    struct prepared *p, char **cause)
{
	struct stat	 sb;
	char		*path = NULL, *conv = NULL, *encpath = NULL;
	char		 head[4096];
	ssize_t		 n;
	size_t		 bom, sep;
	enum textenc	 enc;
	int		 fd, d;

	memset(p, 0, sizeof *p);
	p->fd = -1;
	*cause = NULL;
	xasprintf(&path, "%s/data.csv", dir);
	xasprintf(&conv, "%s/data.utf8.csv", dir);
	xasprintf(&encpath, "%s/data.utf8.enc", dir);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
		*cause = xstrdup("The uploaded file is missing");
		goto fail;
	}
	n = read(fd, head, sizeof head);
	if (n <= 0) {
		*cause = xstrdup("The file is empty");
		goto fail;
	}
	enc = textenc_bom((unsigned char *)head, n, &bom);
	/* Converted before, in the encoding asked for (or with none
	 * asked)? That file is complete (it was renamed into place): read
	 * it, without judging the original again. One converted by an
	 * older intake has no data.utf8.enc: it was Windows-1252 then, or
	 * UTF-16 with a byte order mark. */
	p->fd = open(conv, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (p->fd != -1 && prepare_enc_read(encpath, p) == -1)
		snprintf(p->encoding, sizeof p->encoding, "%s",
		    enc == TEXTENC_UNKNOWN || enc == TEXTENC_UTF8 ?
		    "WINDOWS-1252" : textenc_name(enc));
	if (p->fd != -1 && encoding != NULL &&
	    strcasecmp(p->encoding, encoding) != 0) {
		close(p->fd);
		p->fd = -1;
		free(p->recoded);
		p->recoded = NULL;
		p->nrecoded = 0;
		p->recoded_as[0] = '\0';
	}
	if (p->fd != -1) {
		close(fd);
		fd = -1;
	} else {
		d = prepare_decode(fd, enc, bom, encoding, conv, encpath, p,
		    cause);
		fd = -1;	/* p->fd now, or closed */
		if (d == -1)
			goto fail;
	}
	if (lseek(p->fd, 0, SEEK_SET) == -1 ||
	    (n = read(p->fd, head, sizeof head)) == -1) {
		xasprintf(cause, "read: %s", strerror(errno));
		goto fail;
	}
	/* What is read is UTF-8 now: only its byte order mark counts. */
	if (textenc_bom((unsigned char *)head, n, &bom) != TEXTENC_UTF8)
		bom = 0;
	if (n <= 0 || (size_t)n <= bom) {
		*cause = xstrdup("The file is empty");
		goto fail;
	}
	if ((d = textenc_sep_line(head + bom, n - bom, &sep)) != 0) {
		p->delim = d;
		p->start = bom + sep;
	} else {
		p->delim = textenc_delimiter(head + bom, n - bom);
		/* csvin skips a BOM only at offset 0. */
		p->start = 0;
	}
	if (prepare_head(p, cause) == -1 ||
	    (count && prepare_count(p, cause) == -1)) {
		if (*cause == NULL)
			*cause = xstrdup("The file cannot be read");
		goto fail;
	}
	/* Ready to read from the header on. */
	if (lseek(p->fd, p->start, SEEK_SET) == -1) {
		xasprintf(cause, "seek: %s", strerror(errno));
		goto fail;
	}
	free(path);
	free(conv);
	free(encpath);
	return (0);

fail:
	if (fd != -1)
		close(fd);
	if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
	prepare_clear(p);
	free(path);
	free(conv);
	free(encpath);
	return (-1);
}

/* The file of drop id, wherever it is now (done, failed, active or
 * incoming), ready as prepare_file leaves it (no count): its fd, or -1 if
 * it is gone. */
int
prepare_drop(const char *spool, const char *id, struct prepared *p)
{
	static const char *queues[] = { "done", "failed", "active",
	    "incoming" };
	char	*dir, *cause = NULL;
	size_t	 i;
	int	 r;

	for (i = 0; i < sizeof queues / sizeof queues[0]; i++) {
		dir = spool_path(spool, queues[i], id, NULL);
		r = prepare_file(dir, 0, NULL, p, &cause);
		free(dir);
		free(cause);
		cause = NULL;
		if (r == 0)
			return (p->fd);
	}
	return (-1);
}
