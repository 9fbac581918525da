/*
 * What kind of text a file is, from its bytes: the encoding (a byte order
 * mark, else UTF-8 if every byte sequence is valid, else Windows-1252 as
 * Excel writes in Western locales), an Excel "sep=;" first line, and the
 * delimiter of the header line (comma, semicolon, tab or pipe, counted
 * outside quotes). Pure: buffers in, answers out.
 */
#include <string.h>
#include <strings.h>

#include "intake.h"

/* A byte order mark at the start of head: its encoding and length. */
enum textenc
textenc_bom(const unsigned char *head, size_t len, size_t *bomlen)
{
	*bomlen = 0;
	if (len >= 3 && head[0] == 0xef && head[1] == 0xbb && head[2] == 0xbf) {
		*bomlen = 3;
		return (TEXTENC_UTF8);
	}
	if (len >= 2 && head[0] == 0xff && head[1] == 0xfe) {
		*bomlen = 2;
		return (TEXTENC_UTF16LE);
	}
	if (len >= 2 && head[0] == 0xfe && head[1] == 0xff) {
		*bomlen = 2;
		return (TEXTENC_UTF16BE);
	}
	return (TEXTENC_UNKNOWN);
}

const char *
textenc_name(enum textenc e)
{
	switch (e) {
	case TEXTENC_UTF8:
		return ("UTF-8");
	case TEXTENC_UTF16LE:
		return ("UTF-16LE");
	case TEXTENC_UTF16BE:
		return ("UTF-16BE");
	case TEXTENC_CP1252:
		return ("WINDOWS-1252");
	case TEXTENC_UNKNOWN:
		break;
	}
	return ("unknown");
}

/*
 * Feed bytes to a UTF-8 validator; *state carries an unfinished sequence
 * across calls (start at 0). Returns 0 while valid, -1 at the first
 * invalid sequence (overlong forms, surrogates and values past U+10FFFF
 * are invalid). At the end of the input the state must be 0 again.
 */
int
textenc_utf8(struct textenc_state *st, const unsigned char *p, size_t len)
{
	size_t	i;
	unsigned char c;

	for (i = 0; i < len; i++) {
		c = p[i];
		if (st->need == 0) {
			if (c < 0x80)
				continue;
			if (c >= 0xc2 && c <= 0xdf) {
				st->need = 1;
				st->lo = 0x80;
				st->hi = 0xbf;
			} else if (c >= 0xe0 && c <= 0xef) {
				st->need = 2;
				st->lo = c == 0xe0 ? 0xa0 : 0x80;
				st->hi = c == 0xed ? 0x9f : 0xbf;
			} else if (c >= 0xf0 && c <= 0xf4) {
				st->need = 3;
				st->lo = c == 0xf0 ? 0x90 : 0x80;
				st->hi = c == 0xf4 ? 0x8f : 0xbf;
			} else
				return (-1);
			continue;
		}
		if (c < st->lo || c > st->hi)
			return (-1);
		st->lo = 0x80;
		st->hi = 0xbf;
		st->need--;
	}
	return (0);
}

/*
 * An Excel "sep=X" first line: the delimiter it names, and how many bytes
 * the line takes (with its line end). 0 if there is none.
 */
int
textenc_sep_line(const char *head, size_t len, size_t *linelen)
{
	size_t	n = 4;
	char	d;

	*linelen = 0;
	if (len < 5 || strncasecmp(head, "sep=", 4) != 0)
		return (0);
	d = head[4];
	if (d == '\r' || d == '\n' || d == '"')
		return (0);
	n = 5;
	if (n < len && head[n] == '\r')
		n++;
	if (n < len && head[n] == '\n')
		n++;
	if (n == 5 && n < len)
		return (0);	/* more on the line: not a sep line */
	*linelen = n;
	return ((unsigned char)d);
}

/*
 * The delimiter of a header line: the candidate that appears most often
 * outside quotes before the first line end; comma when none does or on a
 * tie with comma.
 */
int
textenc_delimiter(const char *head, size_t len)
{
	static const char	 cand[] = { ',', ';', '\t', '|' };
	size_t			 count[4] = { 0 }, i, j, best = 0;
	int			 quoted = 0;

	for (i = 0; i < len; i++) {
		if (head[i] == '"') {
			quoted = !quoted;
			continue;
		}
		if (quoted)
			continue;
		if (head[i] == '\n' || head[i] == '\r')
			break;
		for (j = 0; j < 4; j++)
			if (head[i] == cand[j])
				count[j]++;
	}
	for (j = 1; j < 4; j++)
		if (count[j] > count[best])
			best = j;
	return (cand[best]);
}
