/*
 * Value normalisers for imported contacts: names, e-mail addresses, company
 * domains, LinkedIn profile URLs and the Phone Intent Score. Pure: no I/O,
 * no logging, no global state, so they can be unit-tested and fuzzed alone.
 *
 * Every input is a NUL-terminated UTF-8 string; NULL reads as blank. Results
 * are 0 (normalised), 1 (blank: nothing to store, not an error) and -1
 * (present but not acceptable). A string result is the caller's to free;
 * unless 0 is returned *out is NULL (or -1 for norm_intent).
 *
 * "Whitespace" is ASCII space, tab, CR, LF and U+00A0 NO-BREAK SPACE, which
 * spreadsheets paste freely. Only ASCII letters change case: folding the
 * rest needs Unicode tables and IDNA, which we do not carry. Non-ASCII is
 * accepted only as well-formed UTF-8 for U+00A1 and above, so C1 controls
 * and NBSP cannot hide inside a host name or slug.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

#define NORM_EMAIL_MAX	254	/* RFC 5321 forward-path, less the <> */
#define NORM_LOCAL_MAX	64	/* RFC 5321 local part */
#define NORM_HOST_MAX	253	/* RFC 1035, written without the root dot */
#define NORM_LABEL_MAX	63	/* RFC 1035 */
#define NORM_SLUG_MAX	1024	/* encoded; LinkedIn's own cap is 100 chars */
#define NORM_INTENT_MAX	100
#define NORM_EMAILS_MAX	100	/* items of an Email cell */
#define NORM_MEMBER_LEN	39	/* a member id slug, "ACoAA..." */

#define NORM_LINKEDIN	"https://www.linkedin.com/in/"

/* RFC 5322 atext besides letters and digits. */
static const char norm_atext[] = "!#$%&'*+-/=?^_`{|}~";

static const char norm_hex[] = "0123456789ABCDEF";

/* Whether c is an ASCII lower-case letter or digit. */
static int
norm_alnum(unsigned char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'));
}

/* Whether c is an ASCII hex digit, either case. */
static int
norm_xdigit(unsigned char c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F'));
}

/* ASCII upper case, whatever the locale. */
static char
norm_upper(char c)
{
	return (c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
}

/* Length of the whitespace character at p, 0 if there is none. */
static size_t
norm_space(const char *p, const char *end)
{
	if (p >= end)
		return (0);
	if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		return (1);
	if (end - p >= 2 && (unsigned char)p[0] == 0xc2 &&
	    (unsigned char)p[1] == 0xa0)
		return (2);
	return (0);
}

/* Skip whitespace at both ends: the start, and the length in *len. */
static const char *
norm_trim(const char *in, size_t *len)
{
	const char	*p, *end;
	size_t		 n;

	if (in == NULL) {
		*len = 0;
		return ("");
	}
	p = in;
	end = in + strlen(in);
	while ((n = norm_space(p, end)) != 0)
		p += n;
	while (end > p) {
		/* 0xc2 is never a continuation byte, so c2 a0 is an NBSP. */
		if (norm_space(end - 1, end) != 0)
			end--;
		else if (end - p >= 2 && norm_space(end - 2, end) == 2)
			end -= 2;
		else
			break;
	}
	*len = end - p;
	return (p);
}

/* A copy of s[0..len) with ASCII letters lowered. */
static char *
norm_lower(const char *s, size_t len)
{
	char	*out;
	size_t	 i;

	out = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (s[i] >= 'A' && s[i] <= 'Z')
			out[i] = s[i] - 'A' + 'a';
		else
			out[i] = s[i];
	}
	out[len] = '\0';
	return (out);
}

/*
 * Length of the well-formed UTF-8 sequence at p if it encodes U+00A1 or
 * above, else 0: stray continuation bytes, truncated and overlong forms,
 * surrogates, C1 controls and NBSP are all refused.
 */
static size_t
norm_utf8(const unsigned char *p, size_t left)
{
	uint32_t	cp, min;
	size_t		n, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		cp = p[0] & 0x1f;
		min = 0xa1;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		cp = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		cp = p[0] & 0x07;
		min = 0x10000;
	} else
		return (0);
	if (left < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return (0);
	return (n);
}

/*
 * Check a lower-cased host name: 1-253 bytes; two or more labels of 1-63
 * bytes, each made of [a-z0-9-] and non-ASCII UTF-8 (IDN as typed; lengths
 * are bytes, not the punycode form), not starting or ending with '-'; the
 * last label at least 2 bytes and not all digits, which keeps IPv4
 * addresses out.
 */
static int
norm_host(const char *h, size_t len)
{
	const unsigned char	*p, *end, *label;
	size_t			 labels = 0, n = 0;
	int			 digits;

	if (len == 0 || len > NORM_HOST_MAX)
		return (-1);
	p = (const unsigned char *)h;
	end = p + len;
	for (;;) {
		label = p;
		digits = 1;
		while (p < end && *p != '.') {
			if (*p >= '0' && *p <= '9')
				p++;
			else if ((*p >= 'a' && *p <= 'z') || *p == '-') {
				digits = 0;
				p++;
			} else if ((n = norm_utf8(p, end - p)) != 0) {
				digits = 0;
				p += n;
			} else
				return (-1);
		}
		n = p - label;
		if (n == 0 || n > NORM_LABEL_MAX)
			return (-1);
		if (label[0] == '-' || p[-1] == '-')
			return (-1);
		labels++;
		if (p == end)
			break;
		p++;
	}
	if (labels < 2 || n < 2 || digits)
		return (-1);
	return (0);
}

/* Trim a name and collapse each inner run of whitespace to one space. */
char *
norm_name(const char *in)
{
	const char	*p, *end;
	char		*out, *o;
	size_t		 len, n;

	p = norm_trim(in, &len);
	if (len == 0)
		return (NULL);
	end = p + len;
	o = out = xmalloc(len + 1);
	while (p < end) {
		if (norm_space(p, end) == 0) {
			*o++ = *p++;
			continue;
		}
		while ((n = norm_space(p, end)) != 0)
			p += n;
		*o++ = ' ';
	}
	*o = '\0';
	return (out);
}

/*
 * Normalise an e-mail address: trimmed and lower-cased (the local part too:
 * no mailbox provider we meet is case-sensitive, and duplicates must match).
 * A practical check, not RFC 5322: no quoted strings, comments, IP literals
 * or display names. Exactly one '@'; a local part of 1-64 bytes of letters,
 * digits, "!#$%&'*+-/=?^_`{|}~" and dots, with no leading, trailing or
 * double dot; a domain as norm_host() accepts; at most 254 bytes in all.
 */
int
norm_email(const char *in, char **out)
{
	const char	*p, *c;
	char		*s = NULL, *at;
	size_t		 len;

	*out = NULL;
	p = norm_trim(in, &len);
	if (len == 0)
		return (1);
	if (len > NORM_EMAIL_MAX)
		goto fail;
	s = norm_lower(p, len);

	if ((at = strchr(s, '@')) == NULL || strchr(at + 1, '@') != NULL)
		goto fail;
	if (at == s || at - s > NORM_LOCAL_MAX)
		goto fail;
	if (s[0] == '.' || at[-1] == '.')
		goto fail;
	for (c = s; c < at; c++) {
		if (*c == '.') {
			if (c[1] == '.')
				goto fail;
		} else if (!norm_alnum(*c) && strchr(norm_atext, *c) == NULL)
			goto fail;
	}
	if (norm_host(at + 1, strlen(at + 1)) != 0)
		goto fail;

	*out = s;
	return (0);

fail:
	free(s);
	return (-1);
}

/* One address of an Email cell: normalised (NULL if not an address) and
 * the span it was written in. */
struct norm_item {
	char		*addr;
	size_t		 off;
	size_t		 len;
};

/* Whether p ends a word of an Email cell. */
static int
norm_cell_stop(const char *p, const char *end)
{
	return (p >= end || norm_space(p, end) != 0 || *p == ',' ||
	    *p == ';' || *p == '<' || *p == '(' || *p == '"');
}

/* The value of hex digit c. */
static int
norm_hexval(char c)
{
	return (strchr(norm_hex, norm_upper(c)) - norm_hex);
}

/*
 * One address of a lower-cased Email cell, s[0..len): after "mailto:"
 * the address ends at '?' (the subject and the rest go) and its %xx
 * escapes are decoded (RFC 6068); else the address as norm_email()
 * takes it. The normalised address, or NULL.
 */
static char *
norm_cell_addr(const char *s, size_t len)
{
	char	*a, *o, *out = NULL;
	size_t	 i;
	int	 mailto = 0;

	if (len >= 7 && memcmp(s, "mailto:", 7) == 0) {
		mailto = 1;
		s += 7;
		len -= 7;
		if ((o = memchr(s, '?', len)) != NULL)
			len = o - s;
	}
	o = a = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (mailto && s[i] == '%' && len - i >= 3 &&
		    norm_xdigit(s[i + 1]) && norm_xdigit(s[i + 2])) {
			*o = norm_hexval(s[i + 1]) << 4 | norm_hexval(s[i + 2]);
			/* "%00" would cut the address short. */
			if (*o++ == '\0')
				goto done;
			i += 2;
		} else
			*o++ = s[i];
	}
	*o = '\0';
	if (norm_email(a, &out) != 0)
		out = NULL;
done:
	free(a);
	return (out);
}

/* Add an item to the list; addr is taken over. -1 if the list is full:
 * no one means a hundred addresses in one cell. */
static int
norm_cell_add(struct norm_item **items, size_t *n, char *addr, size_t off,
    size_t len)
{
	if (*n == NORM_EMAILS_MAX) {
		free(addr);
		return (-1);
	}
	if (*n == 0)
		*items = xreallocarray(NULL, NORM_EMAILS_MAX, sizeof **items);
	(*items)[*n].addr = addr;
	(*items)[*n].off = off;
	(*items)[*n].len = len;
	(*n)++;
	return (0);
}

/*
 * A word of a lower-cased Email cell, s[0..len) at off, that holds an
 * '@' or starts "mailto:": one address, or (when it is not one as a
 * whole) several separated by '/', each holding an '@'. The list grows;
 * -1 if a piece between slashes is no address at all, or it is full.
 */
static int
norm_cell_word(const char *s, size_t off, size_t len,
    struct norm_item **items, size_t *n)
{
	const char	*w = s + off, *q, *end = w + len;
	char		*a;

	/* '/' is atext: a/b@example.com is one address. */
	if ((a = norm_cell_addr(w, len)) != NULL ||
	    memchr(w, '/', len) == NULL ||
	    (len >= 7 && memcmp(w, "mailto:", 7) == 0)) {
		return (norm_cell_add(items, n, a, off, len));
	}
	while (w < end) {
		if ((q = memchr(w, '/', end - w)) == NULL)
			q = end;
		if (q > w) {
			if (memchr(w, '@', q - w) == NULL)
				return (-1);
			if (norm_cell_add(items, n, norm_cell_addr(w, q - w),
			    w - s, q - w) == -1)
				return (-1);
		}
		w = q + 1;
	}
	return (0);
}

/*
 * The items of an Email cell other than the first address, joined by
 * "; ": valid ones each once, invalid ones as written. NULL if none.
 */
static char *
norm_emails_others(const struct norm_item *items, size_t ni, size_t first,
    const char *base, size_t len)
{
	char	*o, *r;
	size_t	 i, j, n;

	/* No address is longer than it was written; each adds "; ". */
	o = r = xmalloc(len + 2 * ni + 1);
	for (i = 0; i < ni; i++) {
		if (i == first)
			continue;
		if (items[i].addr != NULL) {
			for (j = 0; j < i; j++)
				if (items[j].addr != NULL &&
				    strcmp(items[j].addr, items[i].addr) == 0)
					break;
			if (j < i || strcmp(items[first].addr,
			    items[i].addr) == 0)
				continue;
		}
		if (o > r) {
			memcpy(o, "; ", 2);
			o += 2;
		}
		if (items[i].addr != NULL) {
			n = strlen(items[i].addr);
			memcpy(o, items[i].addr, n);
		} else
			memcpy(o, base + items[i].off, (n = items[i].len));
		o += n;
	}
	*o = '\0';
	if (o > r)
		return (r);
	free(r);
	return (NULL);
}

/*
 * Read an Email cell as people paste it: a list of addresses separated
 * by ',', ';', '/' or whitespace, each of them bare, "mailto:" (any
 * case, with or without "?subject=..."), or in angle brackets after a
 * display name, quoted or not ("Lovelace, Ada" <ada@example.com>,
 * Ada Lovelace <ada@example.com>); (comments) are skipped. *out is the
 * first valid address, normalised as by norm_email(); *others the other
 * items joined by "; " (valid ones normalised, each once and never the
 * first again; invalid ones as written), or NULL if there are none.
 * Text that is neither an address nor a display name before one (a
 * stray word, an unclosed quote, bracket or comment) makes the whole
 * cell -1, as does a cell without a valid address: it is not guessed
 * at. A cell norm_email() accepts is read as it reads it.
 */
int
norm_emails(const char *in, char **out, char **others)
{
	struct norm_item	*items = NULL;
	const char		*p, *w, *q, *end, *base;
	char			*s = NULL;
	size_t			 len, ni = 0, i, sp, first = 0;
	size_t			 names = 0, name_off = 0;
	int			 depth, rc = -1;

	*out = NULL;
	*others = NULL;
	base = norm_trim(in, &len);
	if (len == 0)
		return (1);
	/* One address as norm_email() takes it is that address, whatever
	 * atext ('/' among it) it holds. */
	if (norm_email(in, out) == 0)
		return (0);
	s = norm_lower(base, len);
	p = s;
	end = s + len;
	for (;;) {
		/* A '/' alone is one between addresses ("a@x / b@y"). */
		while (p < end && ((sp = norm_space(p, end)) != 0 ||
		    *p == ',' || *p == ';' || (*p == '/' &&
		    (p[1] == '/' || norm_cell_stop(p + 1, end)))))
			p += sp != 0 ? sp : 1;
		if (p == end)
			break;
		if (*p == '"') {
			/* A quoted display name: \" and \\ are escapes. */
			for (q = p + 1; q < end && *q != '"'; q++)
				if (*q == '\\' && q + 1 < end)
					q++;
			if (q == end)
				goto fail;
			if (names++ == 0)
				name_off = p - s;
			p = q + 1;
		} else if (*p == '(') {
			for (depth = 0, q = p; q < end; q++) {
				if (*q == '(')
					depth++;
				else if (*q == ')' && --depth == 0)
					break;
			}
			if (q == end)
				goto fail;
			p = q + 1;
		} else if (*p == '<') {
			if ((q = memchr(p, '>', end - p)) == NULL)
				goto fail;
			/* (norm_email trims the end) */
			for (w = p + 1; (sp = norm_space(w, q)) != 0; w += sp)
				;
			/* The display name goes with its address. */
			i = names > 0 ? name_off : (size_t)(p - s);
			if (norm_cell_add(&items, &ni, norm_cell_addr(w, q - w),
			    i, q + 1 - s - i) == -1)
				goto fail;
			names = 0;
			p = q + 1;
		} else {
			/* (q > p: what stops a word was taken above) */
			for (q = p; !norm_cell_stop(q, end); q++)
				;
			if (memchr(p, '@', q - p) != NULL ||
			    (q - p >= 7 && memcmp(p, "mailto:", 7) == 0)) {
				/* Words before an address are no name. */
				if (names > 0 || norm_cell_word(s, p - s,
				    q - p, &items, &ni) != 0)
					goto fail;
			} else if (names++ == 0)
				name_off = p - s;
			p = q;
		}
	}
	if (names > 0)
		goto fail;
	for (first = 0; first < ni && items[first].addr == NULL; first++)
		;
	if (first == ni)
		goto fail;

	*others = norm_emails_others(items, ni, first, base, len);
	*out = items[first].addr;
	items[first].addr = NULL;
	rc = 0;

fail:
	for (i = 0; i < ni; i++)
		free(items[i].addr);
	free(items);
	free(s);
	return (rc);
}

/*
 * Reduce a website or domain as people type it to the bare host: drop an
 * http:// or https:// scheme, then everything from the first '/', '?' or
 * '#', a ":port" (1-5 digits, at most 65535), one trailing root dot, and a
 * leading "www." (each of them) while what follows still has two labels
 * ("www.com" stays).
 * User info ('@') and other schemes are refused; the rest is norm_host().
 */
int
norm_domain(const char *in, char **out)
{
	const char	*p, *e;
	char		*s = NULL, *h;
	size_t		 len, hlen, ndigits;
	long		 port;

	*out = NULL;
	p = norm_trim(in, &len);
	if (len == 0)
		return (1);
	s = norm_lower(p, len);

	h = s;
	if (strncmp(h, "http://", 7) == 0)
		h += 7;
	else if (strncmp(h, "https://", 8) == 0)
		h += 8;
	hlen = strcspn(h, ":/?#");

	e = h + hlen;
	if (*e == ':') {
		port = 0;
		for (ndigits = 0, e++; *e >= '0' && *e <= '9'; e++) {
			if (++ndigits > 5)
				goto fail;
			port = port * 10 + (*e - '0');
		}
		if (ndigits == 0 || port > 65535)
			goto fail;
		if (*e != '\0' && *e != '/' && *e != '?' && *e != '#')
			goto fail;
	}

	if (hlen > 0 && h[hlen - 1] == '.')
		hlen--;
	/* Every leading "www." goes, so the result normalises to itself
	 * (found by fuzzing: "www.www.w.example"). */
	while (hlen > 4 && strncmp(h, "www.", 4) == 0 &&
	    memchr(h + 4, '.', hlen - 4) != NULL) {
		h += 4;
		hlen -= 4;
	}
	if (norm_host(h, hlen) != 0)
		goto fail;

	*out = xstrndup(h, hlen);
	free(s);
	return (0);

fail:
	free(s);
	return (-1);
}

/*
 * Whether a lower-cased host is LinkedIn's: linkedin.com itself or one
 * subdomain of 2-3 letters (www, or a country such as uk or de), or m
 * (the mobile site). Matching the whole name keeps out
 * linkedin.com.evil.com and evillinkedin.com.
 */
static int
norm_linkedin_host(const char *h, size_t len)
{
	static const char	 base[] = "linkedin.com";
	size_t			 blen = sizeof base - 1, sub, i;

	if (len < blen || memcmp(h + len - blen, base, blen) != 0)
		return (0);
	if (len == blen)
		return (1);
	sub = len - blen - 1;
	if (h[sub] != '.')
		return (0);
	if (sub == 1 && h[0] == 'm')
		return (1);
	if (sub < 2 || sub > 3)
		return (0);
	for (i = 0; i < sub; i++) {
		if (h[i] < 'a' || h[i] > 'z')
			return (0);
	}
	return (1);
}

/*
 * The path of a LinkedIn URL, lower-cased s: after the scheme (http://,
 * https:// or none) and a host norm_linkedin_host() accepts (so no port
 * or user info), less LinkedIn Lite's "/mwlite" prefix. NULL if it is
 * not LinkedIn's.
 */
static const char *
norm_linkedin_path(const char *s)
{
	const char	*h = s;
	size_t		 hlen;

	if (strncmp(h, "http://", 7) == 0)
		h += 7;
	else if (strncmp(h, "https://", 8) == 0)
		h += 8;
	hlen = strcspn(h, "/?#");
	if (!norm_linkedin_host(h, hlen))
		return (NULL);
	h += hlen;
	if (strncmp(h, "/mwlite/", 8) == 0)
		h += 7;
	return (h);
}

/*
 * Whether a slug as written, p[0..n), is a member id rather than a
 * vanity name: LinkedIn's URLs for a profile without its public name
 * (search results, messages, Sales Navigator's "view profile") carry
 * the profile URN's id, "ACoAA" and 34 more characters of base64url.
 * It encodes a binary record (the member number among it), so its case
 * is significant, where a vanity name's is not (docs/import-rules.md).
 */
static int
norm_linkedin_member(const char *p, size_t n)
{
	size_t	i;

	if (n != NORM_MEMBER_LEN || strncmp(p, "ACoAA", 5) != 0)
		return (0);
	for (i = 0; i < n; i++) {
		if (!norm_alnum(p[i]) && !(p[i] >= 'A' && p[i] <= 'Z') &&
		    p[i] != '-' && p[i] != '_')
			return (0);
	}
	return (1);
}

/*
 * Normalise a LinkedIn person profile URL to
 * https://www.linkedin.com/in/<slug>. Scheme, host and /mwlite as
 * norm_linkedin_path() takes them; the path must then start "/in/<slug>"
 * (any case), and whatever follows the slug from '/', '?' or '#' (a
 * locale such as /en, a query, a fragment) is dropped. A vanity slug is
 * lower-cased (LinkedIn reads it in any case) and made of [a-z0-9_-],
 * %xx escapes (kept, hex made upper case) and non-ASCII UTF-8, which is
 * percent-encoded so the result is ASCII; a member id keeps its case.
 * Company pages, /pub/, Sales Navigator and every other path are refused
 * (norm_linkedin_why() says what they are).
 */
int
norm_linkedin(const char *in, char **out)
{
	const unsigned char	*c, *slug, *end;
	const char		*p, *path;
	char			*s = NULL, *r = NULL, *o;
	size_t			 len, n;

	*out = NULL;
	p = norm_trim(in, &len);
	if (len == 0)
		return (1);
	s = norm_lower(p, len);
	end = (const unsigned char *)s + len;

	if ((path = norm_linkedin_path(s)) == NULL ||
	    strncmp(path, "/in/", 4) != 0)
		goto fail;

	slug = (const unsigned char *)path + 4;
	for (c = slug; *c != '\0' && *c != '/' && *c != '?' && *c != '#';) {
		if (norm_alnum(*c) || *c == '-' || *c == '_')
			c++;
		else if (*c == '%' && norm_xdigit(c[1]) && norm_xdigit(c[2]))
			c += 3;
		else if ((n = norm_utf8(c, end - c)) != 0)
			c += n;
		else
			goto fail;
	}
	n = c - slug;
	if (n == 0 || n > NORM_SLUG_MAX)
		goto fail;

	/* Each slug byte becomes at most three. */
	r = xmalloc(sizeof NORM_LINKEDIN + 3 * n);
	memcpy(r, NORM_LINKEDIN, sizeof NORM_LINKEDIN - 1);
	o = r + sizeof NORM_LINKEDIN - 1;
	if (norm_linkedin_member(p + ((const char *)slug - s), n)) {
		memcpy(o, p + ((const char *)slug - s), n);
		o += n;
		n = 0;
	}
	for (c = slug; n > 0; c++, n--) {
		if (*c == '%') {
			*o++ = '%';
			*o++ = norm_upper(c[1]);
			*o++ = norm_upper(c[2]);
			c += 2;
			n -= 2;
		} else if (*c >= 0x80) {
			*o++ = '%';
			*o++ = norm_hex[*c >> 4];
			*o++ = norm_hex[*c & 0xf];
		} else
			*o++ = *c;
	}
	*o = '\0';
	if ((size_t)(o - r) - (sizeof NORM_LINKEDIN - 1) > NORM_SLUG_MAX)
		goto fail;

	free(s);
	*out = r;
	return (0);

fail:
	free(r);
	free(s);
	return (-1);
}

/*
 * What a LinkedIn URL norm_linkedin() refuses is, in words that follow
 * "The LinkedIn URL is ": an old public profile (/pub/, which holds no
 * slug we could use), a company page, a Sales Navigator link (its id is
 * Sales Navigator's own, not the profile's), or not a profile URL at
 * all. A static string.
 */
const char *
norm_linkedin_why(const char *in)
{
	const char	*p, *path, *why = "not a profile URL (linkedin.com/in/...)";
	char		*s;
	size_t		 len;

	p = norm_trim(in, &len);
	s = norm_lower(p, len);
	if ((path = norm_linkedin_path(s)) == NULL)
		;
	else if (strncmp(path, "/pub/", 5) == 0)
		why = "an old public-profile URL (linkedin.com/pub/...), "
		    "which names no profile we can use: use the profile's "
		    "linkedin.com/in/... URL instead";
	else if (strncmp(path, "/company/", 9) == 0)
		why = "a company page (linkedin.com/company/...), not a "
		    "person's profile";
	else if (strncmp(path, "/sales/lead/", 12) == 0 ||
	    strncmp(path, "/sales/people/", 14) == 0 ||
	    strncmp(path, "/sales/profile/", 15) == 0)
		why = "a Sales Navigator link (linkedin.com/sales/...), which "
		    "only Sales Navigator opens: use the profile's "
		    "linkedin.com/in/... URL instead";
	free(s);
	return (why);
}

/*
 * Parse a Phone Intent Score: a trimmed whole number 0-100, with an
 * optional '+' and any number of leading zeros. No sign '-', no decimals,
 * no exponent: "50.0" is refused rather than guessed at.
 */
int
norm_intent(const char *in, int *out)
{
	const char	*p, *end;
	size_t		 len;
	int		 v = 0;

	*out = -1;
	p = norm_trim(in, &len);
	if (len == 0)
		return (1);
	end = p + len;
	if (*p == '+')
		p++;
	if (p == end)
		return (-1);
	for (; p < end; p++) {
		if (*p < '0' || *p > '9')
			return (-1);
		/* Stops before any overflow however many digits come. */
		if ((v = v * 10 + (*p - '0')) > NORM_INTENT_MAX)
			return (-1);
	}
	*out = v;
	return (0);
}
