/*
 * Reading a FastCGI request and writing its answer: parameters, cookies,
 * query strings, bodies with a cap, JSON replies. Everything a handler
 * needs so that it never touches libfcgi itself.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "web.h"

#define HTTP_BODY_MAX	(64 * 1024)

/*
 * A streamed body (the upload: nginx passes it on as it arrives) holds a
 * worker while it trickles in, so it must keep a pace: after its first
 * HTTP_STREAM_GRACE seconds it must have averaged HTTP_STREAM_RATE bytes a
 * second, or it is cut off (408). 8 KB/s is a slow modem's 64 kbit/s.
 */
#define HTTP_STREAM_GRACE	20		/* seconds */
#define HTTP_STREAM_RATE	(8 * 1024)	/* bytes a second */

static const char *
http_reason(int status)
{
	switch (status) {
	case 200: return ("OK");
	case 202: return ("Accepted");
	case 204: return ("No Content");
	case 400: return ("Bad Request");
	case 401: return ("Unauthorized");
	case 403: return ("Forbidden");
	case 404: return ("Not Found");
	case 405: return ("Method Not Allowed");
	case 408: return ("Request Timeout");
	case 409: return ("Conflict");
	case 413: return ("Payload Too Large");
	case 415: return ("Unsupported Media Type");
	case 429: return ("Too Many Requests");
	case 503: return ("Service Unavailable");
	case 507: return ("Insufficient Storage");
	}
	return ("Internal Server Error");
}

const char *
http_param(struct http *h, const char *name)
{
	return (FCGX_GetParam(name, h->r->envp));
}

/* The value of a cookie; the caller frees it. */
char *
http_cookie(struct http *h, const char *name)
{
	const char	*c = http_param(h, "HTTP_COOKIE"), *e;
	size_t		 len = strlen(name);

	while (c != NULL && *c != '\0') {
		while (*c == ' ' || *c == ';')
			c++;
		if (strncmp(c, name, len) == 0 && c[len] == '=') {
			c += len + 1;
			e = strchr(c, ';');
			return (xstrndup(c, e ? (size_t)(e - c) : strlen(c)));
		}
		c = strchr(c, ';');
	}
	return (NULL);
}

static int
http_hex(int c)
{
	if (isdigit(c))
		return (c - '0');
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Decode %xx and '+' of a form value of len bytes. */
static char *
http_unescape(const char *s, size_t len)
{
	char	*out = xmalloc(len + 1), *o = out;
	size_t	 i;
	int	 a, b;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			*o++ = ' ';
		else if (s[i] == '%' && i + 2 < len &&
		    (a = http_hex((unsigned char)s[i + 1])) != -1 &&
		    (b = http_hex((unsigned char)s[i + 2])) != -1) {
			*o++ = a * 16 + b;
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	return (out);
}

/* The first value of name in an application/x-www-form-urlencoded string
 * (a query or a form body); the caller frees it. */
char *
http_query(const char *q, const char *name)
{
	size_t		 len = strlen(name);
	const char	*e;

	while (q != NULL && *q != '\0') {
		e = strchr(q, '&');
		if (strncmp(q, name, len) == 0 && q[len] == '=') {
			q += len + 1;
			return (http_unescape(q, e ? (size_t)(e - q) :
			    strlen(q)));
		}
		q = e ? e + 1 : NULL;
	}
	return (NULL);
}

/*
 * Wait at most until the streamed body falls behind its pace for the next
 * part of it. libfcgi blocks in read(2) for a record: the socket's receive
 * timeout is what wakes it (the stream then ends with EAGAIN).
 */
static int
http_stream_wait(struct http *h)
{
	struct timeval	tv;
	long long	left;

	left = h->stream_start + HTTP_STREAM_GRACE * 1000LL +
	    h->stream_got * 1000 / HTTP_STREAM_RATE - mono_ms();
	if (left <= 0)
		return (-1);
	tv.tv_sec = left / 1000;
	tv.tv_usec = (left % 1000) * 1000;
	if (setsockopt(h->r->ipcFd, SOL_SOCKET, SO_RCVTIMEO, &tv,
	    sizeof tv) == -1)
		log_warn("setsockopt SO_RCVTIMEO");
	return (0);
}

/*
 * Up to len bytes of the body; 0 at its end, -1 if it broke off. A
 * streamed body gives what has arrived (at least a byte), so that its
 * pace is checked between any two reads; -1 with h->too_slow set when it
 * fell behind.
 */
ssize_t
http_read(struct http *h, char *buf, size_t len)
{
	FCGX_Stream	*in = h->r->in;
	size_t		 have;
	int		 c, n;

	if (!h->streamed)
		return (FCGX_GetStr(buf, len, in));
	if (len == 0)
		return (0);
	/* What libfcgi holds of the current record needs no wait. */
	if (in->rdNext == in->stop) {
		if (http_stream_wait(h) == -1) {
			h->too_slow = 1;
			return (-1);
		}
		if ((c = FCGX_GetChar(in)) == EOF) {
			switch (FCGX_GetError(in)) {
			case 0:
				return (0);
			case EAGAIN:
				h->too_slow = 1;
				break;
			}
			return (-1);
		}
		buf[0] = c;
		n = 1;
	} else
		n = 0;
	have = in->stop - in->rdNext;
	if (have > len - n)
		have = len - n;
	n += FCGX_GetStr(buf + n, have, in);
	h->stream_got += n;
	return (n);
}

/* Read a small body whole (logins, settings): -1 if it is too large. */
int
http_read_body(struct http *h, struct buf *b)
{
	char	chunk[4096];
	int	n;

	buf_init(b, HTTP_BODY_MAX);
	while ((n = FCGX_GetStr(chunk, sizeof chunk, h->r->in)) > 0)
		if (buf_add(b, chunk, n) == -1) {
			buf_free(b);
			return (-1);
		}
	buf_str(b);
	return (0);
}

/*
 * Read and drop what is left of the body, so the server sees the whole
 * request consumed before our answer. A streamed body (the upload) is not
 * read: a client trickling it would hold the worker. Its connection is
 * closed after the answer instead (h->unread), and nginx answers the
 * client.
 */
void
http_drain(struct http *h)
{
	char	chunk[16384];

	if (h->streamed) {
		h->unread = 1;
		return;
	}
	while (FCGX_GetStr(chunk, sizeof chunk, h->r->in) > 0)
		;
}

void
http_reply(struct http *h, int status, const char *type, const char *body,
    size_t len, const char *extra)
{
	h->status = status;
	FCGX_FPrintF(h->r->out, "Status: %d %s\r\n"
	    "Content-Type: %s\r\n"
	    "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "%s"
	    "\r\n", status, http_reason(status), type, extra ? extra : "");
	if (len > 0)
		FCGX_PutStr(body, len, h->r->out);
}

/* Answer with a JSON value, which this takes over. */
void
http_json(struct http *h, int status, json_object *o)
{
	const char	*s;

	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	http_reply(h, status, "application/json", s, strlen(s), NULL);
	json_object_put(o);
}

/* {"error": code, "message": words for the user}. */
void
http_error(struct http *h, int status, const char *code, const char *message)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "error", json_object_new_string(code));
	json_object_object_add(o, "message", json_object_new_string(message));
	http_json(h, status, o);
}

/* An error to try again after seconds: Retry-After, and "retry_after" in
 * the JSON for the page. */
void
http_error_retry(struct http *h, int status, const char *code,
    const char *message, long long seconds)
{
	json_object	*o = json_object_new_object();
	const char	*s;
	char		*hdr;

	json_object_object_add(o, "error", json_object_new_string(code));
	json_object_object_add(o, "message", json_object_new_string(message));
	json_object_object_add(o, "retry_after", json_object_new_int64(seconds));
	s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	xasprintf(&hdr, "Retry-After: %lld\r\n", seconds);
	http_reply(h, status, "application/json", s, strlen(s), hdr);
	free(hdr);
	json_object_put(o);
}

/* Whether a state-changing request carries this session's CSRF token, in
 * the X-CSRF-Token header or as form (given, may be NULL). */
int
http_csrf_ok(struct http *h, const char *form)
{
	const char	*t = http_param(h, "HTTP_X_CSRF_TOKEN");

	if (t == NULL)
		t = form;
	if (!h->has_session || t == NULL || strlen(t) != strlen(h->se.csrf))
		return (0);
	return (CRYPTO_memcmp(t, h->se.csrf, strlen(t)) == 0);
}

/* A whole-number query parameter within [min, max]; def if absent or
 * out of range. */
long
http_query_long(struct http *h, const char *name, long def, long min,
    long max)
{
	char	*v, *end;
	long	 n;

	if ((v = http_query(h->query, name)) == NULL)
		return (def);
	n = strtol(v, &end, 10);
	if (end == v || *end != '\0' || n < min || n > max)
		n = def;
	free(v);
	return (n);
}

/*
 * A small JSON object body (settings, tags), or a form body turned into
 * one (its fields as strings). NULL with *status set to answer: 413 if too
 * large, 400 if it is not an object.
 */
json_object *
http_body_json(struct http *h, int *status)
{
	struct buf	 b;
	json_object	*o = NULL;
	const char	*type = http_param(h, "CONTENT_TYPE"), *p, *e, *eq;
	char		*k, *v;

	if (http_read_body(h, &b) == -1) {
		*status = 413;
		return (NULL);
	}
	if (type != NULL && strncmp(type, "application/json", 16) == 0) {
		o = json_tokener_parse(buf_str(&b));
		if (o != NULL && !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			o = NULL;
		}
	} else {
		o = json_object_new_object();
		for (p = buf_str(&b); p != NULL && *p != '\0'; p = e ? e + 1 : NULL) {
			e = strchr(p, '&');
			eq = memchr(p, '=', e ? (size_t)(e - p) : strlen(p));
			if (eq == NULL)
				continue;
			k = xstrndup(p, eq - p);
			v = http_query(p, k);
			json_object_object_add(o, k, json_object_new_string(v));
			free(k);
			free(v);
		}
	}
	buf_free(&b);
	if (o == NULL)
		*status = 400;
	return (o);
}

void
http_db_error(struct http *h)
{
	http_error(h, 503, "unavailable", "The service is not available; try "
	    "again in a moment");
}
