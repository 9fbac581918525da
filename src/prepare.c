/*
 * Getting a drop's file ready to read: whatever encoding it came in, the
 * importer reads UTF-8. A file with a UTF-16 byte order mark, or one that
 * is not valid UTF-8 (read as Windows-1252, as Excel writes it in Western
 * locales), is converted with iconv into data.utf8.csv beside it, written
 * under a temporary name and renamed, so a resumed import finds the same
 * bytes and its checkpoint offsets stay true. Then the delimiter (an Excel
 * "sep=" line, or the header line's most frequent candidate) is found, and
 * the records are counted once: rows_total is known from the start, and a
 * file that cannot be read to its end (an open quote, a NUL byte) fails
 * before any row is imported.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake.h"
#include "db.h"

#define PREPARE_BUF	65536

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

/* Whether the whole file is valid UTF-8. */
static int
prepare_is_utf8(int fd)
{
	struct textenc_state	 st;
	unsigned char		*buf = xmalloc(PREPARE_BUF);
	ssize_t			 n;
	int			 ok = 1;

	memset(&st, 0, sizeof st);
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, PREPARE_BUF)) > 0)
		if (textenc_utf8(&st, buf, n) == -1) {
			ok = 0;
			break;
		}
	if (n == -1 || st.need != 0)
		ok = 0;
	free(buf);
	lseek(fd, 0, SEEK_SET);
	return (ok);
}

/*
 * Convert fd (from byte skip on) into a new UTF-8 file at path. Bytes the
 * source encoding does not define become U+FFFD. Returns the new fd.
 */
static int
prepare_convert(int fd, off_t skip, const char *from, const char *path,
    char **cause)
{
	char		*tmp, *in, *out, *ip, *op;
	size_t		 il = 0, ol;
	ssize_t		 n;
	iconv_t		 cd;
	int		 ofd = -1, eof = 0, saved;

	if ((cd = iconv_open("UTF-8", from)) == (iconv_t)-1) {
		xasprintf(cause, "cannot read %s text (iconv)", from);
		return (-1);
	}
	xasprintf(&tmp, "%s.tmp", path);
	in = xmalloc(PREPARE_BUF);
	out = xmalloc(4 * PREPARE_BUF);
	if ((ofd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || lseek(fd, skip, SEEK_SET) == -1)
		goto fail;
	/* A UTF-8 byte order mark first, so the result reads like any
	 * Excel export. */
	if (prepare_write_all(ofd, "\xef\xbb\xbf", 3) == -1)
		goto fail;
	while (!eof || il > 0) {
		if (!eof) {
			n = read(fd, in + il, PREPARE_BUF - il);
			if (n == -1)
				goto fail;
			if (n == 0)
				eof = 1;
			il += n;
		}
		ip = in;
		op = out;
		ol = 4 * PREPARE_BUF;
		while (il > 0) {
			if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
				break;
			if (errno == EINVAL && !eof)
				break;	/* a sequence split by the read */
			if (errno == E2BIG)
				break;
			/* Undefined or cut off at the end: U+FFFD. */
			if (ol < 3)
				break;
			memcpy(op, "\xef\xbf\xbd", 3);
			op += 3;
			ol -= 3;
			ip += strcmp(from, "WINDOWS-1252") == 0 || il < 2 ? 1 : 2;
			il -= strcmp(from, "WINDOWS-1252") == 0 || il < 2 ? 1 : 2;
		}
		if (prepare_write_all(ofd, out, op - out) == -1)
			goto fail;
		memmove(in, ip, il);
		if (eof && il > 0 && ip == in)
			il = 0;	/* nothing more can be made of it */
	}
	if (fsync(ofd) == -1 || close(ofd) == -1) {
		ofd = -1;
		goto fail;
	}
	ofd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	iconv_close(cd);
	free(tmp);
	free(in);
	free(out);
	return (open(path, O_RDONLY | O_CLOEXEC));

fail:
	saved = errno;
	xasprintf(cause, "cannot convert the file to UTF-8: %s",
	    strerror(saved));
	if (ofd != -1)
		close(ofd);
	unlink(tmp);
	iconv_close(cd);
	free(tmp);
	free(in);
	free(out);
	errno = saved;
	return (-1);
}

/* A trimmed copy of a header cell. */
static char *
prepare_trim(const char *s)
{
	const char	*e;

	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		e--;
	return (xstrndup(s, e - s));
}

static void
prepare_limits(const struct prepared *p, struct csvin_limits *lim)
{
	memset(lim, 0, sizeof *lim);
	lim->max_field = conf.max_field;
	lim->max_fields = conf.max_fields;
	lim->delim = p->delim;
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
		*cause = xstrdup(rec->flags & CSVREC_TOOWIDE ?
		    "The header has more columns than this server accepts "
		    "(max_fields)" : "A header cell is larger than this server "
		    "accepts (max_field)");
		csvin_free(in);
		return (-1);
	}
	sm->ncols = rec->nfields;
	sm->header = xcalloc(sm->ncols + 1, sizeof *sm->header);
	for (j = 0; j < sm->ncols; j++)
		sm->header[j] = prepare_trim(rec->fields[j] +
		    (strncmp(rec->fields[j], "\xef\xbb\xbf", 3) == 0 ? 3 : 0));
	sm->cells = xcalloc(SUGGEST_ROWS, sizeof *sm->cells);
	while (sm->nrows < SUGGEST_ROWS && (n = csvin_next(in, &rec)) == 1) {
		if (row_empty(rec))
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
		blank = row_empty(rec);
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
 * closes it), the encoding it came in, the delimiter and the offset of the
 * header; with count, also the number of data rows, reading the file to
 * its end once. -1 with cause if it cannot be read.
 */
int
prepare_file(const char *dir, int count, struct prepared *p, char **cause)
{
	struct stat	 sb;
	char		*path = NULL, *conv = NULL;
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
	/* Converted before? That file is complete (it was renamed into
	 * place): read it, without judging the original again. Without a
	 * byte order mark it was converted from Windows-1252. */
	p->fd = open(conv, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (p->fd != -1 && enc == TEXTENC_UNKNOWN)
		enc = TEXTENC_CP1252;
	if (enc == TEXTENC_UNKNOWN)
		enc = prepare_is_utf8(fd) ? TEXTENC_UTF8 : TEXTENC_CP1252;
	p->enc = enc;
	if (enc != TEXTENC_UTF8) {
		if (p->fd == -1) {
			p->fd = prepare_convert(fd, bom, textenc_name(enc), conv,
			    cause);
			/* The spool full for a moment is not the file's
			 * fault: the import waits and tries again. */
			p->nospace = p->fd == -1 &&
			    (errno == ENOSPC || errno == EDQUOT);
		}
		close(fd);
		fd = -1;
		if (p->fd == -1)
			goto fail;
		n = read(p->fd, head, sizeof head);
		bom = 3;
	} else {
		p->fd = fd;
		fd = -1;
	}
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
		r = prepare_file(dir, 0, p, &cause);
		free(dir);
		free(cause);
		cause = NULL;
		if (r == 0)
			return (p->fd);
	}
	return (-1);
}
