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

#include <openssl/evp.h>

#include "spool.h"

#define PREPARE_BUF		65536
#define PREPARE_OUT		(4 * PREPARE_BUF)
#define PREPARE_SAMPLE		(256 * 1024)	/* bad lines' bytes detected on */
#define PREPARE_RECODED_MAX	100000		/* lines recoded in a UTF-8 file */

/* What the scan of a file's lines found (prepare_scan_*). */
struct prepare_scan {
	unsigned long	 good;		/* valid UTF-8 lines, not all ASCII */
	unsigned long	 bad;		/* lines that are not valid UTF-8 */
	off_t		*badoff;	/* where the first of them start */
	size_t		 nbad;
	unsigned char	*text;		/* their bytes, up to PREPARE_SAMPLE */
	size_t		 textlen;
	int		 cr_only;	/* CR line ends and no LF */

	/* Where it is: the bytes are scanned in chunks of PREPARE_BUF
	 * from the first scanned on, as read(2) of a plain file gives
	 * them, whoever reads the file. */
	unsigned char	*chunk;
	size_t		 chunklen;
	struct textenc_state st;	/* of the line it is in */
	off_t		 off;		/* of chunk[0] */
	off_t		 lstart;	/* of the line it is in */
	size_t		 cr, lf;
	int		 inbad, high;	/* the line is bad, has bytes >= 0x80 */
};

/*
 * One read of the original file for what needs all of its bytes: the
 * SHA-256 that shows it is the file received, and the scan of its lines
 * (from scan_from on). Who reads the file (the row count, the conversion)
 * reads through it (prepare_pass_read); what nobody read is read at the
 * end (prepare_pass_fill). Bytes read twice are taken once.
 */
struct prepare_pass {
	int			 fd;
	off_t			 pos;		/* of the next read */
	off_t			 done;		/* bytes taken, from 0 on */
	EVP_MD_CTX		*sha;		/* NULL: no checksum */
	struct prepare_scan	*sc;		/* NULL: no scan */
	off_t			 scan_from;
};

/* What prepare_verify found of the original. */
enum prepare_check {
	PREPARE_SAME,		/* the file received */
	PREPARE_DAMAGED,	/* another size or checksum */
	PREPARE_UNREADABLE	/* it cannot be read to its end */
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

static void
prepare_scan_init(struct prepare_scan *sc, off_t skip)
{
	memset(sc, 0, sizeof *sc);
	sc->text = xmalloc(PREPARE_SAMPLE);
	sc->chunk = xmalloc(PREPARE_BUF);
	sc->off = sc->lstart = skip;
}

/*
 * Scan one chunk (n == 0: the end of the file), line by line (a line ends
 * at CR or LF): count the lines that are valid UTF-8 with non-ASCII bytes
 * and those that are not valid, note where the first
 * PREPARE_RECODED_MAX + 1 bad ones start and keep their bytes to detect
 * their encoding on.
 */
static void
prepare_scan_chunk(struct prepare_scan *sc, const unsigned char *buf,
    size_t n)
{
	size_t	i, ls;

	for (i = ls = 0; i <= n; i++) {
		/* n: the end of the chunk, or of the file */
		if (i < n && buf[i] != '\n' && buf[i] != '\r') {
			sc->high |= buf[i] >= 0x80;
			if (!sc->inbad && textenc_utf8(&sc->st, buf + i, 1) == -1)
				sc->inbad = 1;
			continue;
		}
		if (i == n && n > 0) {
			if (sc->inbad)	/* the line goes on */
				prepare_text(sc, buf + ls, i - ls);
			break;
		}
		if (i < n) {
			sc->cr += buf[i] == '\r';
			sc->lf += buf[i] == '\n';
		}
		if (sc->st.need != 0)
			sc->inbad = 1;
		if (sc->inbad) {
			if (sc->nbad <= PREPARE_RECODED_MAX) {
				sc->badoff = xreallocarray(sc->badoff,
				    sc->nbad + 1, sizeof *sc->badoff);
				sc->badoff[sc->nbad++] = sc->lstart;
			}
			sc->bad++;
			prepare_text(sc, buf + ls, i + (i < n) - ls);
		} else if (sc->high)
			sc->good++;
		memset(&sc->st, 0, sizeof sc->st);
		sc->inbad = sc->high = 0;
		ls = i + 1;
		sc->lstart = sc->off + i + 1;
		if (i == n)
			break;
	}
	sc->off += n;
}

/* Bytes for the scan, in the file's order. */
static void
prepare_scan_add(struct prepare_scan *sc, const unsigned char *p, size_t n)
{
	size_t	k;

	while (n > 0) {
		k = PREPARE_BUF - sc->chunklen < n ? PREPARE_BUF - sc->chunklen :
		    n;
		memcpy(sc->chunk + sc->chunklen, p, k);
		sc->chunklen += k;
		p += k;
		n -= k;
		if (sc->chunklen == PREPARE_BUF) {
			prepare_scan_chunk(sc, sc->chunk, sc->chunklen);
			sc->chunklen = 0;
		}
	}
}

/* The end of the file: its last line. */
static void
prepare_scan_end(struct prepare_scan *sc)
{
	static const unsigned char none[1];

	if (sc->chunklen > 0)
		prepare_scan_chunk(sc, sc->chunk, sc->chunklen);
	sc->chunklen = 0;
	prepare_scan_chunk(sc, none, 0);
	sc->cr_only = sc->cr > 0 && sc->lf == 0;
}

static void
prepare_scan_free(struct prepare_scan *sc)
{
	free(sc->badoff);
	free(sc->text);
	free(sc->chunk);
	memset(sc, 0, sizeof *sc);
}

static void
prepare_pass_init(struct prepare_pass *ps, int fd, int checksum)
{
	memset(ps, 0, sizeof *ps);
	ps->fd = fd;
	if (checksum && ((ps->sha = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ps->sha, EVP_sha256(), NULL) != 1))
		fatalx("sha256 init");
}

static void
prepare_pass_free(struct prepare_pass *ps)
{
	EVP_MD_CTX_free(ps->sha);
	ps->sha = NULL;
}

/* The bytes at [done, done + n) of the file, to what needs them. */
static void
prepare_pass_take(struct prepare_pass *ps, const unsigned char *p, size_t n)
{
	off_t	skip;

	if (ps->sha != NULL)
		EVP_DigestUpdate(ps->sha, p, n);
	if (ps->sc != NULL && ps->done + (off_t)n > ps->scan_from) {
		skip = ps->scan_from > ps->done ? ps->scan_from - ps->done : 0;
		prepare_scan_add(ps->sc, p + skip, n - skip);
	}
	ps->done += n;
}

/* Take what nobody read yet, up to to (-1: the end of the file). */
static int
prepare_pass_fill(struct prepare_pass *ps, off_t to)
{
	unsigned char	*buf;
	size_t		 want;
	ssize_t		 n;
	int		 r = 0;

	if ((ps->sha == NULL && ps->sc == NULL) || (to != -1 && ps->done >= to))
		return (0);
	buf = xmalloc(PREPARE_BUF);
	while (to == -1 || ps->done < to) {
		want = PREPARE_BUF;
		if (to != -1 && to - ps->done < (off_t)want)
			want = to - ps->done;
		if ((n = pread(ps->fd, buf, want, ps->done)) == -1) {
			if (errno == EINTR)
				continue;
			r = -1;
			break;
		}
		if (n == 0)
			break;
		prepare_pass_take(ps, buf, n);
	}
	free(buf);
	return (r);
}

/* Where the next prepare_pass_read reads. */
static void
prepare_pass_seek(struct prepare_pass *ps, off_t off)
{
	ps->pos = off;
}

/* Like read(2), through the pass (a csvin_readfn). */
static ssize_t
prepare_pass_read(void *arg, void *buf, size_t len)
{
	struct prepare_pass	*ps = arg;
	ssize_t			 n;
	off_t			 end;

	if (ps->done < ps->pos && prepare_pass_fill(ps, ps->pos) == -1)
		return (-1);
	do
		n = pread(ps->fd, buf, len, ps->pos);
	while (n == -1 && errno == EINTR);
	if (n <= 0)
		return (n);
	end = ps->pos + n;
	if (end > ps->done && ps->done >= ps->pos)
		prepare_pass_take(ps, (unsigned char *)buf +
		    (ps->done - ps->pos), end - ps->done);
	ps->pos = end;
	return (n);
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
 * Write the UTF-8 file tmp from the original, read through ps (fsynced;
 * the caller renames it): with
 * bad == NULL the bytes from skip
 * on, decoded whole from from (after a UTF-8 byte order mark, so the
 * result reads like any Excel export); else the file as it is, but for
 * the lines that start at the nbad offsets bad (sorted), decoded from
 * from, whose starts in the new file go to *recoded. Returns 0.
 */
static int
prepare_convert(struct prepare_pass *ps, off_t skip, const char *from,
    const off_t *bad, size_t nbad, const char *tmp, off_t **recoded,
    char **cause)
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
		prepare_pass_seek(ps, skip);
		if (prepare_put(&o, "\xef\xbb\xbf", 3) == -1)
			goto fail;
		inoff = skip;
	} else
		prepare_pass_seek(ps, 0);
	while (!eof || il > 0) {
		if (!eof) {
			n = prepare_pass_read(ps, in + il, PREPARE_BUF - il);
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
 * Whether the scanned file is read as it is (1); else (0) the encoding it
 * is read as (from) and, for a mostly UTF-8 file whose bad lines alone
 * are decoded, their encoding (as; NULL: decoded whole). want: the
 * user's encoding or NULL; bomenc: the byte order mark's.
 */
static int
prepare_as_is(const struct prepare_scan *sc, enum textenc bomenc,
    const char *want, const char **from, const char **as)
{
	int	mixed;

	if (sc->bad == 0)
		return (1);
	*as = textenc_detect(sc->text, sc->textlen, sc->cr_only);
	mixed = sc->bad <= PREPARE_RECODED_MAX && (want != NULL ||
	    bomenc == TEXTENC_UTF8 || sc->good >= sc->bad);
	*from = mixed ? "UTF-8" : *as;
	if (!mixed)
		*as = NULL;
	return (0);
}

/*
 * Make data.utf8.csv (conv) from the original (read through ps; skip:
 * the bytes of its byte order mark) and open it as p->fd: decoded whole
 * from from, or (as not NULL) as it is but for the bad lines sc found,
 * decoded from as.
 */
static int
prepare_make(struct prepare_pass *ps, off_t skip, const char *from,
    const char *as, const struct prepare_scan *sc, const char *conv,
    const char *encpath, struct prepared *p, char **cause)
{
	char	*tmp;
	off_t	*recoded = NULL;
	size_t	 nrec = as != NULL ? sc->nbad : 0;

	/* How it was made is renamed into place before what was made:
	 * a data.utf8.csv is never without its data.utf8.enc. */
	xasprintf(&tmp, "%s.tmp", conv);
	if (prepare_convert(ps, skip, as != NULL ? as : from, as != NULL ?
	    sc->badoff : NULL, nrec, tmp, &recoded, cause) == -1) {
		/* The spool full for a moment is not the file's fault: the
		 * import waits and tries again. */
		p->nospace = errno == ENOSPC || errno == EDQUOT;
		free(tmp);
		return (-1);
	}
	if (prepare_enc_write(encpath, from, as, recoded, nrec) == -1 ||
	    rename(tmp, conv) == -1) {
		p->nospace = errno == ENOSPC || errno == EDQUOT;
		xasprintf(cause, "cannot convert the file to UTF-8: %s",
		    strerror(errno));
		unlink(tmp);
		free(tmp);
		free(recoded);
		return (-1);
	}
	free(tmp);
	snprintf(p->encoding, sizeof p->encoding, "%s", from);
	if (as != NULL)
		snprintf(p->recoded_as, sizeof p->recoded_as, "%s", as);
	p->recoded = recoded;
	p->nrecoded = nrec;
	if ((p->fd = open(conv, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		xasprintf(cause, "cannot read the converted file: %s",
		    strerror(errno));
		return (-1);
	}
	return (0);
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
 * Count the data rows, reading the whole file once (through ps, if not
 * NULL, which the file may turn out not to be read as it is: the count
 * then stops). Lines at the end
 * that are not rows (a report's footer: a single cell where the header
 * has several, blank lines between) are left out of the count, and
 * last_row says where the rows end.
 */
static int
prepare_count(struct prepared *p, struct prepare_pass *ps, char **cause)
{
	struct csvin_limits	 lim;
	struct csvin		*in;
	struct csvrec		*rec;
	size_t			 ncols = 0;
	unsigned long		 last = 0, tailn = 0;
	long long		 before = 0;
	int			 n, first = 1, intail = 0, blank, notrow;

	prepare_limits(p, &lim);
	if (ps != NULL) {
		prepare_pass_seek(ps, p->start);
		in = csvin_create(prepare_pass_read, ps, &lim, p->start,
		    p->preamble);
	} else {
		if (lseek(p->fd, p->start, SEEK_SET) == -1)
			return (-1);
		in = csvin_create(prepare_read, &p->fd, &lim, p->start,
		    p->preamble);
	}
	p->rows = 0;
	while ((n = csvin_next(in, &rec)) == 1) {
		/* Not read as it is after all: this count is not the
		 * one that counts. */
		if (ps != NULL && ps->sc != NULL && ps->sc->bad > 0) {
			csvin_free(in);
			return (0);
		}
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
 * Where the file read (p->fd, UTF-8 now) starts: its delimiter (an Excel
 * "sep=" line, or the header line's most frequent candidate), then the
 * header and the sample (prepare_head).
 */
static int
prepare_layout(struct prepared *p, char **cause)
{
	char	 head[4096];
	ssize_t	 n;
	size_t	 bom, sep;
	int	 d;

	if (lseek(p->fd, 0, SEEK_SET) == -1 ||
	    (n = read(p->fd, head, sizeof head)) == -1) {
		xasprintf(cause, "read: %s", strerror(errno));
		return (-1);
	}
	/* What is read is UTF-8 now: only its byte order mark counts. */
	if (textenc_bom((unsigned char *)head, n, &bom) != TEXTENC_UTF8)
		bom = 0;
	if (n <= 0 || (size_t)n <= bom) {
		*cause = xstrdup("The file is empty");
		return (-1);
	}
	if ((d = textenc_sep_line(head + bom, n - bom, &sep)) != 0) {
		p->delim = d;
		p->start = bom + sep;
	} else {
		p->delim = textenc_delimiter(head + bom, n - bom);
		/* csvin skips a BOM only at offset 0. */
		p->start = 0;
	}
	if (prepare_head(p, cause) == -1) {
		if (*cause == NULL)
			*cause = xstrdup("The file cannot be read");
		return (-1);
	}
	return (0);
}

/* The layout, and with count the rows, of what p->fd reads. */
static int
prepare_ready(struct prepared *p, int count, char **cause)
{
	if (prepare_layout(p, cause) == -1)
		return (-1);
	if (count && prepare_count(p, NULL, cause) == -1) {
		if (*cause == NULL)
			*cause = xstrdup("The file cannot be read");
		return (-1);
	}
	return (0);
}

/* Forget what was found of a file that is not read as it is after all. */
static void
prepare_forget(struct prepared *p)
{
	prepare_clear(p);
	p->fd = -1;
	p->delim = 0;
	p->start = 0;
	p->preamble = 0;
	p->rows = 0;
	p->last_row = 0;
	p->footer = 0;
}

/*
 * A file that may be UTF-8 (p's encoding asked for, or no byte order mark
 * of another): its lines scanned in the one read of it (ps), which with
 * count also counts its rows, reading it as it is. If it is read as it
 * is, that is all; else it is converted (a second read) and what is read
 * then is counted.
 */
static int
prepare_utf8(struct prepare_pass *ps, enum textenc bomenc, size_t bom,
    const char *want, int count, const char *conv, const char *encpath,
    struct prepared *p, char **cause)
{
	struct prepare_scan	 sc;
	const char		*from, *as;
	char			*later = NULL;	/* if it is read as it is */
	int			 r = -1;

	ps->scan_from = bomenc == TEXTENC_UTF8 ? bom : 0;
	prepare_scan_init(&sc, ps->scan_from);
	ps->sc = &sc;
	if (count) {
		p->fd = ps->fd;
		if (prepare_layout(p, &later) == 0 &&
		    prepare_count(p, ps, &later) == -1 && later == NULL)
			later = xstrdup("The file cannot be read");
	}
	if (prepare_pass_fill(ps, -1) == -1) {
		xasprintf(cause, "read: %s", strerror(errno));
		goto out;
	}
	prepare_scan_end(&sc);
	if (prepare_as_is(&sc, bomenc, want, &from, &as)) {
		snprintf(p->encoding, sizeof p->encoding, "UTF-8");
		p->fd = ps->fd;
		if (!count)
			r = prepare_ready(p, 0, cause);
		else if (later != NULL) {
			*cause = later;
			later = NULL;
		} else
			r = 0;
		goto out;
	}
	prepare_forget(p);
	if (prepare_make(ps, bomenc != TEXTENC_UNKNOWN ? bom : 0, from, as,
	    &sc, conv, encpath, p, cause) == 0)
		r = prepare_ready(p, count, cause);
out:
	ps->sc = NULL;
	prepare_scan_free(&sc);
	free(later);
	return (r);
}

/*
 * A data.utf8.csv made before, in the encoding asked for (or with none
 * asked), opened as p->fd: that file is complete (it was renamed into
 * place), and is read without judging the original again. -1 if there is
 * none to read. One converted by an older intake has no data.utf8.enc:
 * it was Windows-1252 then, or UTF-16 with a byte order mark (bomenc).
 */
static int
prepare_reuse(const char *conv, const char *encpath, enum textenc bomenc,
    const char *encoding, struct prepared *p)
{
	if ((p->fd = open(conv, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (-1);
	if (prepare_enc_read(encpath, p) == -1)
		snprintf(p->encoding, sizeof p->encoding, "%s",
		    bomenc == TEXTENC_UNKNOWN || bomenc == TEXTENC_UTF8 ?
		    "WINDOWS-1252" : textenc_name(bomenc));
	if (encoding != NULL && strcasecmp(p->encoding, encoding) != 0) {
		close(p->fd);
		p->fd = -1;
		free(p->recoded);
		p->recoded = NULL;
		p->nrecoded = 0;
		p->recoded_as[0] = '\0';
		return (-1);
	}
	return (0);
}

/* Whether the original, read to its end through the checksum, is the
 * file received (its SHA-256 in hex, and its size); else why not. */
static enum prepare_check
prepare_verify(struct prepare_pass *ps, const char *sha256, long long size)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen, i;
	char		 hex[65];

	if (prepare_pass_fill(ps, -1) == -1)
		return (PREPARE_UNREADABLE);
	EVP_DigestFinal_ex(ps->sha, md, &mdlen);
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * i] = '\0';
	if (ps->done != size || strcmp(hex, sha256) != 0)
		return (PREPARE_DAMAGED);
	return (PREPARE_SAME);
}

/*
 * Open a drop's file for reading as UTF-8: p gets the fd (the caller
 * closes it), the encoding it was read as (encoding, NULL: detect it;
 * else an iconv name textenc_known accepted), the lines recoded, the
 * delimiter and the offset of the header; with count, also the number of
 * data rows; with sha256 (the importer's, not NULL), the file must be
 * the one received, of that checksum and size. -1 with cause if it
 * cannot be read.
 *
 * The original is read once for all of it where the data allow: a file
 * read as it is (UTF-8) is scanned, counted and checksummed in one read;
 * one that needs converting is checksummed as it is converted (or as it
 * is scanned), and the converted file is counted.
 */
static int
prepare_run(const char *dir, int count, const char *encoding,
    const char *sha256, long long size, struct prepared *p, char **cause)
{
	struct prepare_pass	 ps;
	struct stat		 sb;
	char			*path, *conv, *encpath, head[4096];
	ssize_t			 n;
	size_t			 bom;
	enum textenc		 enc;
	int			 fd, r = -1;

	memset(p, 0, sizeof *p);
	p->fd = -1;
	*cause = NULL;
	xasprintf(&path, "%s/data.csv", dir);
	xasprintf(&conv, "%s/data.utf8.csv", dir);
	xasprintf(&encpath, "%s/data.utf8.enc", dir);
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
		if (fd != -1)
			close(fd);
		free(path);
		free(conv);
		free(encpath);
		*cause = xstrdup("The uploaded file is missing");
		return (-1);
	}
	prepare_pass_init(&ps, fd, sha256 != NULL);
	if ((n = read(fd, head, sizeof head)) <= 0) {
		*cause = xstrdup("The file is empty");
		goto check;
	}
	enc = textenc_bom((unsigned char *)head, n, &bom);
	if (prepare_reuse(conv, encpath, enc, encoding, p) == 0)
		r = prepare_ready(p, count, cause);
	else if (encoding != NULL ? strcasecmp(encoding, "UTF-8") == 0 :
	    enc == TEXTENC_UTF8 || enc == TEXTENC_UNKNOWN)
		r = prepare_utf8(&ps, enc, bom, encoding, count, conv, encpath,
		    p, cause);
	else if (prepare_make(&ps, enc != TEXTENC_UNKNOWN ? bom : 0,
	    encoding != NULL ? encoding : textenc_name(enc), NULL, NULL,
	    conv, encpath, p, cause) == 0)
		r = prepare_ready(p, count, cause);

check:
	/* The file must be the one that was received (a drop is poison
	 * otherwise): that is said first, whatever else was found. */
	if (sha256 != NULL) {
		switch (prepare_verify(&ps, sha256, size)) {
		case PREPARE_SAME:
			break;
		case PREPARE_UNREADABLE:
			free(*cause);
			*cause = xstrdup("The uploaded file is missing");
			p->nospace = 0;
			r = -1;
			break;
		case PREPARE_DAMAGED:
			free(*cause);
			*cause = xstrdup("The uploaded file is damaged: its size "
			    "or checksum is not what was received");
			p->nospace = 0;
			r = -1;
			break;
		}
	}
	/* Ready to read from the header on. */
	if (r == 0 && lseek(p->fd, p->start, SEEK_SET) == -1) {
		xasprintf(cause, "seek: %s", strerror(errno));
		r = -1;
	}
	prepare_pass_free(&ps);
	if (p->fd != fd)
		close(fd);
	if (r == -1) {
		if (p->fd != -1)
			close(p->fd);
		p->fd = -1;
		prepare_clear(p);
	}
	free(path);
	free(conv);
	free(encpath);
	return (r);
}

/*
 * Open a drop's file for reading as UTF-8 (prepare_run): the preview's,
 * and the importer's until it checks the file through prepare_import.
 */
int
prepare_file(const char *dir, int count, const char *encoding,
    struct prepared *p, char **cause)
{
	return (prepare_run(dir, count, encoding, NULL, 0, p, cause));
}

/*
 * The importer's: the rows counted, and the file checked to be the one
 * received (sha256: its SHA-256 in hex, and its size; NULL: a drop that
 * does not say), in the same read where the data allow.
 */
int
prepare_import(const char *dir, const char *encoding, const char *sha256,
    long long size, struct prepared *p, char **cause)
{
	return (prepare_run(dir, 1, encoding, sha256, size, p, cause));
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
