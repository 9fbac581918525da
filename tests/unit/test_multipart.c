/*
 * Unit tests for multipart.c: uploads arrive cut at any byte, parts are
 * reported exactly once with exactly their bytes, and bad bodies fail with
 * a message instead of being half-imported.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib.h"

#define NEARLY		"----TestBoundary7MA4YWxkTrZu0g"
#define BOUNDARY	NEARLY "W"
#define CTYPE		"multipart/form-data; boundary=" BOUNDARY
#define B10		"1234567890"
#define B70		B10 B10 B10 B10 B10 B10 B10	/* longest allowed */

/*
 * What the callbacks saw, as one transcript: "[B name|filename|type]" for
 * begin (a missing value is "-"), the data bytes as they are, "[E]" for
 * end. Data calls run together, so any cut gives the same transcript.
 */
struct rec {
	struct buf	 log;
	int		 nbegin;
	int		 ndata;
	int		 nend;
	int		 fail_begin;	/* fail the Nth call, 0 for never */
	int		 fail_data;
	int		 fail_end;
};

/* Start a transcript. */
static void
rec_init(struct rec *r)
{
	memset(r, 0, sizeof *r);
	buf_init(&r->log, (size_t)1 << 30);
}

static int
rec_begin(void *arg, const char *name, const char *filename,
    const char *type)
{
	struct rec	*r = arg;
	char		*s;

	r->nbegin++;
	xasprintf(&s, "[B %s|%s|%s]", name, filename ? filename : "-",
	    type ? type : "-");
	assert_int_equal(buf_add(&r->log, s, strlen(s)), 0);
	free(s);
	return (r->nbegin == r->fail_begin ? -1 : 0);
}

static int
rec_data(void *arg, const char *p, size_t n)
{
	struct rec	*r = arg;

	/* Empty calls are noise; the parser promises not to make them. */
	assert_true(n > 0);
	r->ndata++;
	assert_int_equal(buf_add(&r->log, p, n), 0);
	return (r->ndata == r->fail_data ? -1 : 0);
}

static int
rec_end(void *arg)
{
	struct rec	*r = arg;

	r->nend++;
	assert_int_equal(buf_add(&r->log, "[E]", 3), 0);
	return (r->nend == r->fail_end ? -1 : 0);
}

static const struct multipart_cb rec_cb = { rec_begin, rec_data, rec_end };

/* Append a string to a test body. */
static void
add(struct buf *b, const char *s)
{
	assert_int_equal(buf_add(b, s, strlen(s)), 0);
}

/* Parse body in chunks of the given size; the result of finish. */
static int
parse_chunks(const char *boundary, const char *body, size_t len,
    size_t chunk, struct rec *r, char **error)
{
	struct multipart	*mp;
	size_t			 off, n;
	int			 rc = 0;

	mp = multipart_create(boundary, &rec_cb, r);
	for (off = 0; off < len && rc == 0; off += n) {
		n = len - off < chunk ? len - off : chunk;
		rc = multipart_feed(mp, body + off, n);
	}
	if (rc == 0)
		rc = multipart_finish(mp);
	if (error != NULL)
		*error = rc == 0 ? NULL : xstrdup(multipart_error(mp));
	if (rc == 0)
		assert_null(multipart_error(mp));
	multipart_free(mp);
	return (rc);
}

/* Parse a whole body and expect it to fail with this message. */
static void
expect_error_len(const char *body, size_t len, const char *error)
{
	struct rec	 r;
	char		*got;

	rec_init(&r);
	assert_int_equal(parse_chunks(BOUNDARY, body, len, SIZE_MAX, &r, &got),
	    -1);
	assert_string_equal(got, error);
	free(got);
	buf_free(&r.log);
}

/* The same for a string. */
static void
expect_error(const char *body, const char *error)
{
	expect_error_len(body, strlen(body), error);
}

static const char three_parts[] =
    "This is the preamble; it may say --" BOUNDARY "x\r\n"
    "--" BOUNDARY "x and -- " BOUNDARY "\r\n"
    "--" BOUNDARY "\r\n"
    "Content-Disposition: form-data; name=\"flow\"\r\n"
    "\r\n"
    "create\r\n"
    "--" BOUNDARY "\r\n"
    "Content-Disposition: form-data; name=\"tags\"\r\n"
    "\r\n"
    "spring, \"vip\"\r\nline two\r\n"
    "--" BOUNDARY "\r\n"
    "Content-Disposition: form-data; name=\"file\";"
    " filename=\"contacts.csv\"\r\n"
    "Content-Type: text/csv\r\n"
    "\r\n"
    "email,first\r\n"
    "a@example.com,Ann\r\n"
    "--" NEARLY "-not-the-end,\r\n"
    "\r\n"
    "--" BOUNDARY "--\r\n"
    "epilogue, ignored --" BOUNDARY "\r\n";

static const char three_parts_log[] =
    "[B flow|-|-]create[E]"
    "[B tags|-|-]spring, \"vip\"\r\nline two[E]"
    "[B file|contacts.csv|text/csv]"
    "email,first\r\n"
    "a@example.com,Ann\r\n"
    "--" NEARLY "-not-the-end,\r\n"
    "[E]";

/* Two fields and a file, fed whole: each part's data in one call. */
static void
test_three_parts_whole(void **state)
{
	struct rec	r;

	(void)state;
	rec_init(&r);
	assert_int_equal(parse_chunks(BOUNDARY, three_parts,
	    sizeof three_parts - 1, SIZE_MAX, &r, NULL), 0);
	assert_string_equal(buf_str(&r.log), three_parts_log);
	assert_int_equal(r.nbegin, 3);
	assert_int_equal(r.ndata, 3);
	assert_int_equal(r.nend, 3);
	buf_free(&r.log);
}

/* The same body cut in two at every byte, then fed a byte at a time. */
static void
test_three_parts_every_split(void **state)
{
	struct multipart	*mp;
	struct rec		 r;
	size_t			 len = sizeof three_parts - 1, i;

	(void)state;
	for (i = 1; i <= len; i++) {
		rec_init(&r);
		mp = multipart_create(BOUNDARY, &rec_cb, &r);
		assert_int_equal(multipart_feed(mp, three_parts, i), 0);
		assert_int_equal(multipart_feed(mp, three_parts + i, len - i),
		    0);
		assert_int_equal(multipart_finish(mp), 0);
		assert_string_equal(buf_str(&r.log), three_parts_log);
		assert_int_equal(r.nbegin, 3);
		assert_int_equal(r.nend, 3);
		multipart_free(mp);
		buf_free(&r.log);
	}

	rec_init(&r);
	assert_int_equal(parse_chunks(BOUNDARY, three_parts, len, 1, &r, NULL),
	    0);
	assert_string_equal(buf_str(&r.log), three_parts_log);
	buf_free(&r.log);
}

/* Lower-case header names, folding, padding, bare LF and an empty part. */
static void
test_tolerant_headers(void **state)
{
	static const char body[] =
	    "--" BOUNDARY " \t\r\n"
	    "content-DISPOSITION :  Form-Data ;name=a;\r\n"
	    "\t filename = \"C:\\dir\\x \\\"y\\\".csv\" ; ;\r\n"
	    "CONTENT-TYPE:   text/plain; charset=utf-8  \r\n"
	    "X-Other: ignored\r\n"
	    "\r\n"
	    "one\r\n"
	    "--" BOUNDARY "\n"
	    "Content-Disposition: form-data; name=\"\"; filename=\"\"\n"
	    "\n"
	    "\r\n"
	    "--" BOUNDARY "--";
	struct rec	r;

	(void)state;
	rec_init(&r);
	assert_int_equal(parse_chunks(BOUNDARY, body, sizeof body - 1,
	    SIZE_MAX, &r, NULL), 0);
	assert_string_equal(buf_str(&r.log),
	    "[B a|C:\\dir\\x \"y\".csv|text/plain; charset=utf-8]one[E]"
	    "[B ||-][E]");
	assert_int_equal(r.ndata, 1);
	buf_free(&r.log);
}

/* Fill p with n bytes that look like a boundary but are not one. */
static void
make_tricky(char *p, size_t n, const char *boundary)
{
	char		 traps[8][160];
	size_t		 blen = strlen(boundary), ntraps, i, t, tl;
	uint32_t	 x = 12345;
	char		 last = boundary[blen - 1];

	ntraps = 0;
	/* The delimiter minus its last byte. */
	snprintf(traps[ntraps++], sizeof traps[0], "\r\n--%.*s",
	    (int)blen - 1, boundary);
	/* The boundary at the start of a line without the CRLF. */
	snprintf(traps[ntraps++], sizeof traps[0], "--%s", boundary);
	/* A near miss right after another: its CR is looked at twice. */
	snprintf(traps[ntraps++], sizeof traps[0], "\r\n--%.*s\r\n--%.*s",
	    (int)blen - 1, boundary, (int)blen - 2, boundary);
	snprintf(traps[ntraps++], sizeof traps[0], "\r\n-");
	snprintf(traps[ntraps++], sizeof traps[0], "\r\r\n\r\n--%.*s",
	    (int)blen - 2, boundary);
	/* The whole delimiter with its last byte changed. */
	snprintf(traps[ntraps++], sizeof traps[0], "\r\n--%.*s%c",
	    (int)blen - 1, boundary, last ^ 0x20);
	/* LF or CR alone is not a line break here. */
	snprintf(traps[ntraps++], sizeof traps[0], "\n--%s", boundary);
	snprintf(traps[ntraps++], sizeof traps[0], "\r--%s", boundary);

	i = 0;
	t = 0;
	while (i < n) {
		x = x * 1103515245 + 12345;
		if ((x >> 16) % 97 == 0) {
			tl = strlen(traps[t]);
			/* 'x' either side: no CRLF before, no match after. */
			if (i + tl + 2 > n)
				break;
			p[i++] = 'x';
			memcpy(p + i, traps[t], tl);
			i += tl;
			p[i++] = 'x';
			t = (t + 1) % ntraps;
		} else
			p[i++] = (char)(x >> 24);
	}
	while (i < n)
		p[i++] = 'y';

	/* Start and end on a near miss too: held across begin and end. */
	tl = strlen(traps[0]);
	memcpy(p, traps[0], tl);
	p[tl] = 'x';
	memcpy(p + n - tl, traps[0], tl);
	p[n - tl - 1] = 'x';
}

/* A 5 MB file full of near-delimiters comes through byte for byte. */
static void
test_big_file_near_boundaries(void **state)
{
	static const char head[] =
	    "--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"flow\"\r\n"
	    "\r\n"
	    "update\r\n"
	    "--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"file\";"
	    " filename=\"big.bin\"\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "\r\n";
	static const char tail[] = "\r\n--" BOUNDARY "--\r\n";
	static const char logh[] =
	    "[B flow|-|-]update[E]"
	    "[B file|big.bin|application/octet-stream]";
	static const size_t chunks[] = { 7, 65536, 4096 + 3 };
	size_t		 size = 5 * 1024 * 1024 + 17, len, i;
	char		*file, *body;
	struct rec	 r;

	(void)state;
	file = xmalloc(size);
	make_tricky(file, size, BOUNDARY);
	/* The generator must not have made a real delimiter by chance. */
	assert_null(memmem(file, size, "\r\n--" BOUNDARY,
	    strlen("\r\n--" BOUNDARY)));

	len = sizeof head - 1 + size + sizeof tail - 1;
	body = xmalloc(len);
	memcpy(body, head, sizeof head - 1);
	memcpy(body + sizeof head - 1, file, size);
	memcpy(body + sizeof head - 1 + size, tail, sizeof tail - 1);

	for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		rec_init(&r);
		assert_int_equal(parse_chunks(BOUNDARY, body, len, chunks[i],
		    &r, NULL), 0);
		assert_int_equal(r.nbegin, 2);
		assert_int_equal(r.nend, 2);
		assert_int_equal(r.log.len, sizeof logh - 1 + size + 3);
		assert_memory_equal(r.log.data, logh, sizeof logh - 1);
		assert_memory_equal(r.log.data + sizeof logh - 1, file, size);
		assert_memory_equal(r.log.data + sizeof logh - 1 + size, "[E]",
		    3);
		/* Large spans: a few calls per chunk, never one per byte. */
		assert_true((size_t)r.ndata <= 1 + 2 * (len / chunks[i] + 1));
		buf_free(&r.log);
	}
	free(body);
	free(file);
}

/* A body cut short is an error at finish, wherever it was cut. */
static void
test_truncated(void **state)
{
	static const struct {
		const char	*body;
		int		 nend;
	} cases[] = {
		{ "", 0 },
		{ "just a preamble\r\n", 0 },
		{ "--" BOUNDARY, 0 },
		{ "--" BOUNDARY "\r\nContent-Disposition: form-data; name=a",
		    0 },
		{ "--" BOUNDARY "\r\nContent-Disposition: form-data; name=a\r\n"
		    "\r\nvalue", 0 },
		{ "--" BOUNDARY "\r\nContent-Disposition: form-data; name=a\r\n"
		    "\r\nvalue\r\n--" BOUNDARY, 0 },
		{ "--" BOUNDARY "\r\nContent-Disposition: form-data; name=a\r\n"
		    "\r\nvalue\r\n--" BOUNDARY "-", 0 },
		/* The part is over, but the body is not. */
		{ "--" BOUNDARY "\r\nContent-Disposition: form-data; name=a\r\n"
		    "\r\nvalue\r\n--" BOUNDARY "\r\n", 1 },
	};
	struct multipart	*mp;
	struct rec		 r;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rec_init(&r);
		mp = multipart_create(BOUNDARY, &rec_cb, &r);
		assert_int_equal(multipart_feed(mp, cases[i].body,
		    strlen(cases[i].body)), 0);
		assert_null(multipart_error(mp));
		assert_int_equal(multipart_finish(mp), -1);
		assert_string_equal(multipart_error(mp), "truncated");
		/* A part without its delimiter is not reported as ended. */
		assert_int_equal(r.nend, cases[i].nend);
		multipart_free(mp);
		buf_free(&r.log);
	}
}

/* Content-Type values: which give a boundary and which do not. */
static void
test_boundary_from_content_type(void **state)
{
	static const struct {
		const char	*ct;
		const char	*want;
	} cases[] = {
		{ CTYPE, BOUNDARY },
		{ "multipart/form-data; boundary=\"a b:c\"", "a b:c" },
		{ "Multipart/Form-Data ; charset=utf-8; "
		  "BOUNDARY = \"x'()+_,-./:=?y\"", "x'()+_,-./:=?y" },
		{ "multipart/form-data;boundary=----=_Part_0", "----=_Part_0" },
		{ "  multipart/form-data; boundary=abc  ", "abc" },
		{ "multipart/form-data; boundary=abc; charset=utf-8", "abc" },
		{ "multipart/form-data; boundary=\"a\\\"b\"", NULL },
		{ "multipart/form-data; boundary=" B70, B70 },
		{ "multipart/form-data; boundary=" B70 "1", NULL },
		{ "multipart/form-data; boundary=\"\"", NULL },
		{ "multipart/form-data; boundary=", NULL },
		{ "multipart/form-data; boundary=\"ends in space \"", NULL },
		{ "multipart/form-data; boundary=\"a\rb\"", NULL },
		{ "multipart/form-data; boundary=a; boundary=b", NULL },
		{ "multipart/form-data; boundary=\"abc", NULL },
		{ "multipart/form-data", NULL },
		{ "multipart/mixed; boundary=abc", NULL },
		{ "multipart/form-datax; boundary=abc", NULL },
		{ "text/plain; boundary=abc", NULL },
		{ "", NULL },
		{ NULL, NULL },
	};
	char	*got;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		got = multipart_boundary(cases[i].ct);
		if (cases[i].want == NULL) {
			if (got != NULL)
				fail_msg("%s: got \"%s\"", cases[i].ct, got);
		} else {
			if (got == NULL)
				fail_msg("%s: got NULL", cases[i].ct);
			assert_string_equal(got, cases[i].want);
		}
		free(got);
	}
}

/* A quoted boundary with a space is used as written. */
static void
test_quoted_boundary_body(void **state)
{
	static const char body[] =
	    "--a b:c\r\n"
	    "Content-Disposition: form-data; name=\"x\"\r\n"
	    "\r\n"
	    "--a b:\r\n--a b:\r\n-- a b:c\r\n"
	    "--a b:c--";
	struct rec	 r;
	char		*b;
	size_t		 chunk;

	(void)state;
	b = multipart_boundary("multipart/form-data; boundary=\"a b:c\"");
	assert_non_null(b);
	assert_string_equal(b, "a b:c");
	for (chunk = 1; chunk <= sizeof body; chunk++) {
		rec_init(&r);
		assert_int_equal(parse_chunks(b, body, sizeof body - 1, chunk,
		    &r, NULL), 0);
		assert_string_equal(buf_str(&r.log),
		    "[B x|-|-]--a b:\r\n--a b:\r\n-- a b:c[E]");
		buf_free(&r.log);
	}
	free(b);
}

/* A part without a name, or not form-data, is refused. */
static void
test_missing_name(void **state)
{
	(void)state;
	expect_error("--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; filename=\"a.csv\"\r\n\r\n"
	    "x\r\n--" BOUNDARY "--", "part has no name");
	expect_error("--" BOUNDARY "\r\n"
	    "Content-Type: text/csv\r\n\r\n"
	    "x\r\n--" BOUNDARY "--", "part has no Content-Disposition");
	expect_error("--" BOUNDARY "\r\n\r\n"
	    "x\r\n--" BOUNDARY "--", "part has no Content-Disposition");
	expect_error("--" BOUNDARY "\r\n"
	    "Content-Disposition: attachment; name=\"a\"\r\n\r\n"
	    "x\r\n--" BOUNDARY "--", "part is not form-data");
	expect_error("--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"a\"; name=\"b\"\r\n\r\n"
	    "x\r\n--" BOUNDARY "--",
	    "duplicate parameter in Content-Disposition");
	expect_error("--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"a\r\n\r\n"
	    "x\r\n--" BOUNDARY "--", "malformed Content-Disposition");
	expect_error("--" BOUNDARY "\r\n"
	    "Content-Disposition form-data; name=\"a\"\r\n\r\n"
	    "x\r\n--" BOUNDARY "--", "malformed part header");
}

/* A callback returning -1 stops everything, and nothing is called after. */
static void
test_callback_stops(void **state)
{
	static const struct {
		int		 begin, data, end;
		const char	*log;
	} cases[] = {
		{ 1, 0, 0, "[B flow|-|-]" },
		{ 2, 0, 0, "[B flow|-|-]create[E][B tags|-|-]" },
		{ 0, 3, 0, "[B flow|-|-]create[E]"
		    "[B tags|-|-]spring, \"vip\"\r\nline two[E]"
		    "[B file|contacts.csv|text/csv]email,first\r\n"
		    "a@example.com,Ann\r\n--" NEARLY "-not-the-end,\r\n" },
		{ 0, 0, 1, "[B flow|-|-]create[E]" },
	};
	struct multipart	*mp;
	struct rec		 r;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		rec_init(&r);
		r.fail_begin = cases[i].begin;
		r.fail_data = cases[i].data;
		r.fail_end = cases[i].end;
		mp = multipart_create(BOUNDARY, &rec_cb, &r);
		assert_int_equal(multipart_feed(mp, three_parts,
		    sizeof three_parts - 1), -1);
		assert_string_equal(multipart_error(mp), "stopped by callback");
		assert_string_equal(buf_str(&r.log), cases[i].log);
		/* Stopped means stopped. */
		assert_int_equal(multipart_feed(mp, "x", 1), -1);
		assert_int_equal(multipart_finish(mp), -1);
		assert_string_equal(multipart_error(mp), "stopped by callback");
		assert_string_equal(buf_str(&r.log), cases[i].log);
		multipart_free(mp);
		buf_free(&r.log);
	}
}

/* Headers past 8 KiB are refused; just under is fine. */
static void
test_headers_too_large(void **state)
{
	struct buf	 b;
	struct rec	 r;
	char		 pad[8192], *got;
	size_t		 fixed, n;

	(void)state;
	memset(pad, 'p', sizeof pad);
	fixed = strlen("Content-Disposition: form-data; name=\"a\"\r\n"
	    "X-Pad: \r\n\r\n");
	for (n = 8192 - fixed - 1; n <= 8192 - fixed + 1; n++) {
		buf_init(&b, 1 << 20);
		add(&b, "--" BOUNDARY "\r\n");
		add(&b, "Content-Disposition: form-data; name=\"a\"\r\n");
		add(&b, "X-Pad: ");
		assert_int_equal(buf_add(&b, pad, n), 0);
		add(&b, "\r\n\r\nv\r\n--" BOUNDARY "--");
		rec_init(&r);
		if (n <= 8192 - fixed) {
			assert_int_equal(parse_chunks(BOUNDARY, b.data, b.len,
			    1000, &r, NULL), 0);
			assert_string_equal(buf_str(&r.log), "[B a|-|-]v[E]");
		} else {
			assert_int_equal(parse_chunks(BOUNDARY, b.data, b.len,
			    1000, &r, &got), -1);
			assert_string_equal(got, "part headers too large");
			assert_int_equal(r.nbegin, 0);
			free(got);
		}
		buf_free(&r.log);
		buf_free(&b);
	}

	/* A header line that never ends is caught too. */
	buf_init(&b, 1 << 20);
	add(&b, "--" BOUNDARY "\r\nX: ");
	assert_int_equal(buf_add(&b, pad, sizeof pad), 0);
	rec_init(&r);
	assert_int_equal(parse_chunks(BOUNDARY, b.data, b.len, 1, &r, &got),
	    -1);
	assert_string_equal(got, "part headers too large");
	free(got);
	buf_free(&r.log);
	buf_free(&b);
}

/* 100 parts are fine, the 101st is refused. */
static void
test_too_many_parts(void **state)
{
	static const char part[] = "--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"f\"\r\n\r\nv\r\n";
	struct buf	 b;
	struct rec	 r;
	char		*got;
	int		 nparts, i;

	(void)state;
	for (nparts = 100; nparts <= 101; nparts++) {
		buf_init(&b, 1 << 20);
		for (i = 0; i < nparts; i++)
			add(&b, part);
		add(&b, "--" BOUNDARY "--");
		rec_init(&r);
		if (nparts == 100) {
			assert_int_equal(parse_chunks(BOUNDARY, b.data, b.len,
			    SIZE_MAX, &r, NULL), 0);
			assert_int_equal(r.nend, 100);
		} else {
			assert_int_equal(parse_chunks(BOUNDARY, b.data, b.len,
			    SIZE_MAX, &r, &got), -1);
			assert_string_equal(got, "too many parts");
			assert_int_equal(r.nbegin, 100);
			assert_int_equal(r.nend, 100);
			free(got);
		}
		buf_free(&r.log);
		buf_free(&b);
	}
}

/* Junk after a delimiter in a part, a bad boundary, NULL frees. */
static void
test_malformed(void **state)
{
	static const char	 nul[] = "--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"a\"\0\r\n\r\n"
	    "v\r\n--" BOUNDARY "--";
	struct multipart	*mp;
	struct rec		 r;

	(void)state;
	expect_error("--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\n"
	    "v\r\n--" BOUNDARY "-x", "malformed delimiter");
	expect_error("--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\n"
	    "v\r\n--" BOUNDARY "\rx", "malformed delimiter");
	expect_error_len(nul, sizeof nul - 1, "malformed part header");

	rec_init(&r);
	mp = multipart_create("bad\rboundary", &rec_cb, &r);
	assert_int_equal(multipart_feed(mp, "x", 1), -1);
	assert_string_equal(multipart_error(mp), "invalid boundary");
	multipart_free(mp);
	mp = multipart_create(NULL, &rec_cb, &r);
	assert_int_equal(multipart_finish(mp), -1);
	assert_string_equal(multipart_error(mp), "invalid boundary");
	multipart_free(mp);
	assert_int_equal(r.nbegin, 0);
	buf_free(&r.log);

	multipart_free(NULL);
}

/* Only the close delimiter ends the body; nothing after it is parsed. */
static void
test_epilogue_ignored(void **state)
{
	static const char body[] =
	    "--" BOUNDARY "--\r\n"
	    "--" BOUNDARY "\r\n"
	    "Content-Disposition: form-data; name=\"a\"\r\n\r\nv\r\n";
	struct rec	r;

	(void)state;
	rec_init(&r);
	assert_int_equal(parse_chunks(BOUNDARY, body, sizeof body - 1, 5, &r,
	    NULL), 0);
	assert_int_equal(r.nbegin, 0);
	assert_string_equal(buf_str(&r.log), "");
	buf_free(&r.log);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_three_parts_whole),
		cmocka_unit_test(test_three_parts_every_split),
		cmocka_unit_test(test_tolerant_headers),
		cmocka_unit_test(test_big_file_near_boundaries),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_boundary_from_content_type),
		cmocka_unit_test(test_quoted_boundary_body),
		cmocka_unit_test(test_missing_name),
		cmocka_unit_test(test_callback_stops),
		cmocka_unit_test(test_headers_too_large),
		cmocka_unit_test(test_too_many_parts),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_epilogue_ignored),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
