/*
 * Streaming multipart/form-data parser (RFC 7578, RFC 2046). Pure: it takes
 * buffers and calls back, and never does I/O.
 *
 * Memory stays the same whatever the size of a part. Body bytes go to the
 * data callback as they arrive, in spans as large as the input allows. The
 * only body state kept between calls is how many bytes at the end of the
 * last input matched the start of the delimiter ("\r\n--" boundary). A
 * valid boundary has no CR, so the delimiter has a CR only at its start.
 * That makes a partial match one count, and the held bytes are a prefix of
 * the delimiter itself. Only part headers are buffered, up to
 * MULTIPART_HEADERS_MAX bytes per part.
 *
 * The body is parsed as if it began with CRLF, so a first delimiter with
 * nothing before it needs no special case.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib.h"

#define MULTIPART_HEADERS_MAX	8192
#define MULTIPART_PARTS_MAX	100
#define MULTIPART_BOUNDARY_MAX	70

enum multipart_state {
	MP_PREAMBLE,	/* before the first delimiter: ignored */
	MP_BODY,	/* in a part's body */
	MP_DELIM,	/* just past a delimiter */
	MP_DASH,	/* past a delimiter and one '-' */
	MP_PAD,		/* transport padding after a delimiter */
	MP_CR,		/* the CR that ends a delimiter line */
	MP_HEADERS,	/* in a part's headers */
	MP_EPILOGUE	/* after the close delimiter: ignored */
};

struct multipart {
	struct multipart_cb	 cb;
	void			*arg;

	char			*delim;		/* "\r\n--" boundary */
	size_t			 dlen;
	size_t			 held;		/* delim bytes matched so far */

	enum multipart_state	 state;
	struct buf		 hdr;		/* this part's headers */
	size_t			 line;		/* start of the current line */
	u_int			 nparts;
	int			 inpart;	/* begin called, end not yet */

	const char		*error;
};

static int	multipart_fail(struct multipart *, const char *);

/* Skip spaces and tabs. */
static const char *
multipart_lws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return (p);
}

/*
 * Length of the token at p. Parameter names and media types stop at '=';
 * parameter values do not, because boundaries such as "=_Part" are sent
 * unquoted in the wild.
 */
static size_t
multipart_token(const char *p, int value)
{
	const unsigned char	*s = (const unsigned char *)p;
	size_t			 n = 0;

	while (s[n] > 0x20 && s[n] != 0x7f && s[n] != ';' && s[n] != '"') {
		if (s[n] == '=' && !value)
			break;
		n++;
	}
	return (n);
}

/*
 * Read the next "; key=value" of a header value into two new strings:
 * 1 if one was read, 0 at the end, -1 if malformed. A backslash escapes
 * only '"' and '\' in a quoted value: browsers send Windows paths with raw
 * backslashes and never a raw '"'.
 */
static int
multipart_param(const char **pp, char **key, char **value)
{
	const char	*p = *pp, *k;
	char		*v;
	size_t		 kn, n, o;

	p = multipart_lws(p);
	if (*p == '\0')
		return (0);
	if (*p != ';')
		return (-1);
	do
		p = multipart_lws(p + 1);
	while (*p == ';');
	if (*p == '\0')
		return (0);

	k = p;
	if ((kn = multipart_token(p, 0)) == 0)
		return (-1);
	p = multipart_lws(p + kn);
	if (*p != '=')
		return (-1);
	p = multipart_lws(p + 1);

	if (*p == '"') {
		v = xmalloc(strlen(p) + 1);
		o = 0;
		for (p++; *p != '"'; p++) {
			if (*p == '\0') {
				free(v);
				return (-1);
			}
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			v[o++] = *p;
		}
		v[o] = '\0';
		p++;
	} else {
		if ((n = multipart_token(p, 1)) == 0)
			return (-1);
		v = xstrndup(p, n);
		p += n;
	}

	*key = xstrndup(k, kn);
	*value = v;
	*pp = p;
	return (1);
}

/* Is this a boundary RFC 2046 allows: 1-70 bchars, not ending in a space? */
static int
multipart_valid(const char *b)
{
	static const char	 extra[] = "'()+_,-./:=? ";
	size_t			 len, i;
	unsigned char		 c;

	len = strlen(b);
	if (len == 0 || len > MULTIPART_BOUNDARY_MAX || b[len - 1] == ' ')
		return (0);
	for (i = 0; i < len; i++) {
		c = b[i];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z'))
			continue;
		if (strchr(extra, c) == NULL)
			return (0);
	}
	return (1);
}

/* The boundary of a multipart/form-data Content-Type, or NULL. */
char *
multipart_boundary(const char *content_type)
{
	static const char	 type[] = "multipart/form-data";
	const char		*p;
	char			*key, *value, *boundary = NULL;
	size_t			 n;
	int			 rc;

	if (content_type == NULL)
		return (NULL);
	p = multipart_lws(content_type);
	n = multipart_token(p, 0);
	if (n != sizeof type - 1 || strncasecmp(p, type, n) != 0)
		return (NULL);
	p += n;

	while ((rc = multipart_param(&p, &key, &value)) == 1) {
		if (strcasecmp(key, "boundary") == 0) {
			/* Two boundaries: which one would the client use? */
			if (boundary != NULL) {
				free(key);
				free(value);
				goto fail;
			}
			boundary = value;
			value = NULL;
		}
		free(key);
		free(value);
	}
	if (rc == -1 || boundary == NULL || !multipart_valid(boundary))
		goto fail;
	return (boundary);

fail:
	free(boundary);
	return (NULL);
}

/*
 * Start a parser. It never fails: a bad boundary leaves it in error, so
 * the first feed says why.
 */
struct multipart *
multipart_create(const char *boundary, const struct multipart_cb *cb,
    void *arg)
{
	struct multipart	*mp;

	mp = xcalloc(1, sizeof *mp);
	if (cb != NULL)
		mp->cb = *cb;
	mp->arg = arg;
	buf_init(&mp->hdr, MULTIPART_HEADERS_MAX);
	mp->state = MP_PREAMBLE;

	/* The no-CR rule is what lets the scanner hold a count, not bytes. */
	if (boundary == NULL || !multipart_valid(boundary)) {
		multipart_fail(mp, "invalid boundary");
		return (mp);
	}
	mp->dlen = xasprintf(&mp->delim, "\r\n--%s", boundary);
	mp->held = 2;	/* the CRLF the body is taken to start with */
	return (mp);
}

/* Stop with an error; the first one is the one reported. */
static int
multipart_fail(struct multipart *mp, const char *error)
{
	if (mp->error == NULL)
		mp->error = error;
	return (-1);
}

/* Hand body bytes to the caller; preamble bytes go nowhere. */
static int
multipart_emit(struct multipart *mp, const char *p, size_t n)
{
	if (mp->state != MP_BODY || n == 0 || mp->cb.data == NULL)
		return (0);
	if (mp->cb.data(mp->arg, p, n) < 0)
		return (multipart_fail(mp, "stopped by callback"));
	return (0);
}

/*
 * Scan preamble or body for the delimiter. Everything before a possible
 * partial match at the end goes out in one call.
 */
static int
multipart_scan(struct multipart *mp, const char **pp, const char *end)
{
	const char	*p = *pp, *q;
	size_t		 n, tail;

	/* Finish a delimiter split across calls. */
	if (mp->held > 0) {
		n = mp->dlen - mp->held;
		if (n > (size_t)(end - p))
			n = end - p;
		if (memcmp(p, mp->delim + mp->held, n) == 0) {
			mp->held += n;
			*pp = p + n;
			if (mp->held == mp->dlen) {
				mp->held = 0;
				mp->state = MP_DELIM;
			}
			return (0);
		}
		/*
		 * Not a delimiter. No later byte of the held prefix is a CR,
		 * so none of it can start one: it is all data.
		 */
		if (multipart_emit(mp, mp->delim, mp->held) == -1)
			return (-1);
		mp->held = 0;
	}

	q = memmem(p, end - p, mp->delim, mp->dlen);
	if (q != NULL) {
		if (multipart_emit(mp, p, q - p) == -1)
			return (-1);
		*pp = q + mp->dlen;
		mp->state = MP_DELIM;
		return (0);
	}

	/* Only the last CR in the tail can start a partial delimiter. */
	tail = mp->dlen - 1;
	if (tail > (size_t)(end - p))
		tail = end - p;
	q = memrchr(end - tail, '\r', tail);
	if (q != NULL && memcmp(q, mp->delim, end - q) == 0)
		mp->held = end - q;
	else
		q = end;
	if (multipart_emit(mp, p, q - p) == -1)
		return (-1);
	*pp = end;
	return (0);
}

/* End the open part, if any. */
static int
multipart_end(struct multipart *mp)
{
	if (!mp->inpart)
		return (0);
	mp->inpart = 0;
	if (mp->cb.end != NULL && mp->cb.end(mp->arg) < 0)
		return (multipart_fail(mp, "stopped by callback"));
	return (0);
}

/* A delimiter line is complete: the next part's headers follow. */
static int
multipart_next(struct multipart *mp)
{
	if (multipart_end(mp) == -1)
		return (-1);
	if (mp->nparts == MULTIPART_PARTS_MAX)
		return (multipart_fail(mp, "too many parts"));
	mp->nparts++;
	buf_reset(&mp->hdr);
	mp->line = 0;
	mp->state = MP_HEADERS;
	return (0);
}

/*
 * One byte of the rest of a delimiter line: "--" closes, else optional
 * padding and CRLF (or a bare LF). Returns 1 if the byte must be looked at
 * again: in the preamble, a boundary followed by junk was not a delimiter.
 */
static int
multipart_delim(struct multipart *mp, char c)
{
	switch (mp->state) {
	case MP_DELIM:
		if (c == '-') {
			mp->state = MP_DASH;
			return (0);
		}
		/* FALLTHROUGH */
	case MP_PAD:
		if (c == ' ' || c == '\t') {
			mp->state = MP_PAD;
			return (0);
		}
		if (c == '\r') {
			mp->state = MP_CR;
			return (0);
		}
		if (c == '\n')
			return (multipart_next(mp));
		break;
	case MP_DASH:
		if (c == '-') {
			if (multipart_end(mp) == -1)
				return (-1);
			mp->state = MP_EPILOGUE;
			return (0);
		}
		break;
	case MP_CR:
		if (c == '\n')
			return (multipart_next(mp));
		break;
	default:
		fatalx("%s: bad state %d", __func__, mp->state);
	}

	if (mp->nparts == 0) {
		mp->state = MP_PREAMBLE;
		return (1);
	}
	return (multipart_fail(mp, "malformed delimiter"));
}

/*
 * Parse a Content-Disposition value: "form-data" and its name and
 * filename. On error, *cause says why; the caller frees what was set.
 */
static int
multipart_disposition(const char *value, char **name, char **filename,
    const char **cause)
{
	static const char	 type[] = "form-data";
	const char		*p = value;
	char			*key, *v, **to;
	size_t			 n;
	int			 rc;

	n = multipart_token(p, 0);
	if (n != sizeof type - 1 || strncasecmp(p, type, n) != 0) {
		*cause = "part is not form-data";
		return (-1);
	}
	p += n;

	while ((rc = multipart_param(&p, &key, &v)) == 1) {
		to = NULL;
		if (strcasecmp(key, "name") == 0)
			to = name;
		else if (strcasecmp(key, "filename") == 0)
			to = filename;
		free(key);
		if (to == NULL) {
			free(v);
			continue;
		}
		/* A second name could smuggle a field past a check. */
		if (*to != NULL) {
			free(v);
			*cause = "duplicate parameter in Content-Disposition";
			return (-1);
		}
		*to = v;
	}
	if (rc == -1) {
		*cause = "malformed Content-Disposition";
		return (-1);
	}
	return (0);
}

/* The headers are complete: parse them and begin the part. */
static int
multipart_begin(struct multipart *mp)
{
	char		*name = NULL, *filename = NULL, *ctype = NULL;
	char		*data, *line, *colon, *value, *e;
	const char	*cause = "malformed part header";
	size_t		 len, i;
	int		 seen_cd = 0, seen_ct = 0;

	data = mp->hdr.data;
	len = mp->hdr.len;
	data[len] = '\0';
	if (memchr(data, '\0', len) != NULL)
		goto fail;
	if (data[0] == ' ' || data[0] == '\t')
		goto fail;

	/* Unfold: a line starting with LWS continues the one before. */
	for (i = 0; i + 1 < len; i++) {
		if (data[i] != '\n')
			continue;
		if (data[i + 1] != ' ' && data[i + 1] != '\t')
			continue;
		data[i] = ' ';
		if (i > 0 && data[i - 1] == '\r')
			data[i - 1] = ' ';
	}

	while ((line = strsep(&data, "\n")) != NULL) {
		e = line + strlen(line);
		if (e > line && e[-1] == '\r')
			*--e = '\0';
		if (*line == '\0')
			continue;

		if ((colon = strchr(line, ':')) == NULL)
			goto fail;
		e = colon;
		while (e > line && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e == line)
			goto fail;
		*e = '\0';
		value = (char *)multipart_lws(colon + 1);
		e = value + strlen(value);
		while (e > value && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		*e = '\0';

		if (strcasecmp(line, "Content-Disposition") == 0) {
			if (seen_cd++) {
				cause = "duplicate Content-Disposition";
				goto fail;
			}
			if (multipart_disposition(value, &name, &filename,
			    &cause) == -1)
				goto fail;
		} else if (strcasecmp(line, "Content-Type") == 0) {
			if (seen_ct++) {
				cause = "duplicate Content-Type";
				goto fail;
			}
			if (*value != '\0')
				ctype = xstrdup(value);
		}
	}
	if (!seen_cd) {
		cause = "part has no Content-Disposition";
		goto fail;
	}
	if (name == NULL) {
		cause = "part has no name";
		goto fail;
	}

	buf_reset(&mp->hdr);
	mp->state = MP_BODY;
	mp->held = 0;
	mp->inpart = 1;
	if (mp->cb.begin != NULL &&
	    mp->cb.begin(mp->arg, name, filename, ctype) < 0) {
		/* The caller refused the part: do not call end for it. */
		mp->inpart = 0;
		cause = "stopped by callback";
		goto fail;
	}
	free(name);
	free(filename);
	free(ctype);
	return (0);

fail:
	free(name);
	free(filename);
	free(ctype);
	return (multipart_fail(mp, cause));
}

/* Collect header lines up to the blank line that ends them. */
static int
multipart_headers(struct multipart *mp, const char **pp, const char *end)
{
	const char	*p = *pp, *nl;
	size_t		 n, linelen;

	nl = memchr(p, '\n', end - p);
	n = nl != NULL ? (size_t)(nl - p) + 1 : (size_t)(end - p);
	if (buf_add(&mp->hdr, p, n) == -1)
		return (multipart_fail(mp, "part headers too large"));
	*pp = p + n;
	if (nl == NULL)
		return (0);

	linelen = mp->hdr.len - mp->line;
	if (linelen == 1 || (linelen == 2 && mp->hdr.data[mp->line] == '\r')) {
		mp->hdr.len = mp->line;
		return (multipart_begin(mp));
	}
	mp->line = mp->hdr.len;
	return (0);
}

/* Parse the next bytes of the body, cut anywhere. */
int
multipart_feed(struct multipart *mp, const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len;
	int		 rc;

	if (mp->error != NULL)
		return (-1);
	while (p < end) {
		switch (mp->state) {
		case MP_PREAMBLE:
		case MP_BODY:
			rc = multipart_scan(mp, &p, end);
			break;
		case MP_HEADERS:
			rc = multipart_headers(mp, &p, end);
			break;
		case MP_EPILOGUE:
			return (0);
		default:
			rc = multipart_delim(mp, *p);
			if (rc == 0)
				p++;
			else if (rc == 1)
				rc = 0;
			break;
		}
		if (rc == -1)
			return (-1);
	}
	return (0);
}

/* The body has ended: it must have ended with the close delimiter. */
int
multipart_finish(struct multipart *mp)
{
	if (mp->error != NULL)
		return (-1);
	if (mp->state != MP_EPILOGUE)
		return (multipart_fail(mp, "truncated"));
	return (0);
}

/* Why the parser stopped, or NULL if it has not. */
const char *
multipart_error(const struct multipart *mp)
{
	return (mp->error);
}

void
multipart_free(struct multipart *mp)
{
	if (mp == NULL)
		return;
	buf_free(&mp->hdr);
	free(mp->delim);
	free(mp);
}
