/*
 * What kind of text a file is, from its bytes: a byte order mark, whether
 * bytes are valid UTF-8, which legacy encoding the lines that are not
 * were written in (uchardet, with our rules over its answer), an Excel
 * "sep=;" first line, and the delimiter of the header line (comma,
 * semicolon, tab or pipe, counted outside quotes). Pure: buffers in,
 * answers out (uchardet and iconv compute; they read no file).
 */
#include <ctype.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include <uchardet/uchardet.h>

#include "lib.h"

#define TEXTENC_FEW	16	/* non-ASCII bytes too few to tell by */

/* The encodings the window offers, most used first within a script. The
 * names are iconv's; any other name iconv knows may be asked for too. */
static const struct {
	const char	*name;
	const char	*label;
} textenc_choices[] = {
	{ "UTF-8",		"Unicode (UTF-8)" },
	{ "UTF-16LE",		"Unicode (UTF-16LE)" },
	{ "UTF-16BE",		"Unicode (UTF-16BE)" },
	{ "WINDOWS-1252",	"Western European (Windows)" },
	{ "MACINTOSH",		"Western European (Mac)" },
	{ "ISO-8859-15",	"Western European (ISO-8859-15)" },
	{ "WINDOWS-1250",	"Central European (Windows)" },
	{ "ISO-8859-2",		"Central European (ISO-8859-2)" },
	{ "WINDOWS-1251",	"Cyrillic (Windows)" },
	{ "KOI8-R",		"Cyrillic (KOI8-R)" },
	{ "ISO-8859-5",		"Cyrillic (ISO-8859-5)" },
	{ "WINDOWS-1253",	"Greek (Windows)" },
	{ "ISO-8859-7",		"Greek (ISO-8859-7)" },
	{ "WINDOWS-1254",	"Turkish (Windows)" },
	{ "WINDOWS-1257",	"Baltic (Windows)" },
	{ "WINDOWS-1255",	"Hebrew (Windows)" },
	{ "WINDOWS-1256",	"Arabic (Windows)" },
	{ "WINDOWS-1258",	"Vietnamese (Windows)" },
	{ "CP874",		"Thai (Windows)" },
	{ "CP932",		"Japanese (Shift_JIS)" },
	{ "EUC-JP",		"Japanese (EUC-JP)" },
	{ "GB18030",		"Chinese, Simplified (GB18030, GBK)" },
	{ "CP950",		"Chinese, Traditional (Big5)" },
	{ "UHC",		"Korean (EUC-KR, UHC)" },
};

/*
 * uchardet's answers as we decode them: the encoding Windows writes when
 * it reads the same (a superset: CP932 has the NEC row, ㈱ and ①, that
 * Japanese company names use), and for an ISO-8859 answer its Windows
 * sibling, taken when it reads the file's bytes the same or when the
 * file has bytes that are control codes in ISO-8859 (text never has
 * them; Windows puts letters and punctuation there).
 */
static const struct {
	const char	*answer;
	const char	*use;
	const char	*sibling;
} textenc_answers[] = {
	{ "SHIFT_JIS",		"CP932",	NULL },
	{ "BIG5",		"CP950",	NULL },
	{ "EUC-KR",		"UHC",		NULL },
	{ "UHC",		"UHC",		NULL },
	{ "GB18030",		"GB18030",	NULL },
	{ "EUC-JP",		"EUC-JP",	NULL },
	{ "KOI8-R",		"KOI8-R",	NULL },
	{ "IBM866",		"IBM866",	NULL },
	{ "IBM855",		"IBM855",	NULL },
	{ "MAC-CYRILLIC",	"MAC-CYRILLIC",	NULL },
	{ "MAC-CENTRALEUROPE",	"MAC-CENTRALEUROPE", NULL },
	{ "ISO-8859-1",		"ISO-8859-1",	"WINDOWS-1252" },
	{ "ISO-8859-2",		"ISO-8859-2",	"WINDOWS-1250" },
	{ "ISO-8859-3",		"ISO-8859-3",	"WINDOWS-1252" },
	{ "ISO-8859-4",		"ISO-8859-4",	"WINDOWS-1257" },
	{ "ISO-8859-5",		"ISO-8859-5",	"WINDOWS-1251" },
	{ "ISO-8859-6",		"ISO-8859-6",	"WINDOWS-1256" },
	{ "ISO-8859-7",		"ISO-8859-7",	"WINDOWS-1253" },
	{ "ISO-8859-8",		"ISO-8859-8",	"WINDOWS-1255" },
	{ "ISO-8859-9",		"ISO-8859-9",	"WINDOWS-1254" },
	{ "ISO-8859-10",	"ISO-8859-10",	"WINDOWS-1252" },
	{ "ISO-8859-13",	"ISO-8859-13",	"WINDOWS-1257" },
	{ "ISO-8859-15",	"ISO-8859-15",	"WINDOWS-1252" },
	{ "ISO-8859-16",	"ISO-8859-16",	"WINDOWS-1250" },
	{ "TIS-620",		"TIS-620",	"CP874" },
};

/* The Latin-script single-byte encodings a MacRoman file is taken for. */
static const char *const textenc_latin[] = {
	"WINDOWS-1250", "WINDOWS-1252", "WINDOWS-1254", "WINDOWS-1257",
	"WINDOWS-1258", "ISO-8859-1", "ISO-8859-2", "ISO-8859-3", "ISO-8859-4", "ISO-8859-9",
	"ISO-8859-10", "ISO-8859-13", "ISO-8859-15", "ISO-8859-16",
	"MAC-CENTRALEUROPE",
};

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

/*
 * The i-th encoding the window offers and its label; NULL past the end.
 */
const char *
textenc_choice(size_t i, const char **label)
{
	if (i >= sizeof textenc_choices / sizeof textenc_choices[0])
		return (NULL);
	if (label != NULL)
		*label = textenc_choices[i].label;
	return (textenc_choices[i].name);
}

/*
 * Whether name is an encoding iconv can read into UTF-8: 0 and its
 * upper-case spelling in canon, else -1. Only letters, digits and "-_.:"
 * (no "//" suffixes), at most TEXTENC_NAME_MAX - 1 bytes.
 */
int
textenc_known(const char *name, char *canon, size_t len)
{
	iconv_t	cd;
	size_t	i;

	if (len > TEXTENC_NAME_MAX)
		len = TEXTENC_NAME_MAX;
	for (i = 0; name[i] != '\0'; i++) {
		if (i + 1 >= len || (!isalnum((unsigned char)name[i]) &&
		    strchr("-_.:", name[i]) == NULL))
			return (-1);
		canon[i] = toupper((unsigned char)name[i]);
	}
	if (i == 0)
		return (-1);
	canon[i] = '\0';
	if ((cd = iconv_open("UTF-8", canon)) == (iconv_t)-1)
		return (-1);
	iconv_close(cd);
	return (0);
}

/* What byte b reads as in encoding cd, as UTF-8 into out (at least 8
 * bytes): its length, or 0 if the encoding does not define it. */
static size_t
textenc_byte(iconv_t cd, unsigned char b, char *out)
{
	char	*ip = (char *)&b, *op = out;
	size_t	 il = 1, ol = 8;

	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
		return (0);
	return (8 - ol);
}

/*
 * Whether every high byte marked in seen reads the same in a as in b
 * (undefined in b counts as different); with undef, whether some byte
 * is undefined in a instead.
 */
static int
textenc_same(const char *a, const char *b, const unsigned char seen[256],
    int *undef)
{
	iconv_t	 ca, cb;
	char	 oa[8], ob[8];
	size_t	 la, lb;
	int	 c, same = 1;

	if (undef != NULL)
		*undef = 0;
	if ((ca = iconv_open("UTF-8", a)) == (iconv_t)-1)
		return (0);
	if (b == NULL)
		cb = (iconv_t)-1;
	else if ((cb = iconv_open("UTF-8", b)) == (iconv_t)-1) {
		iconv_close(ca);
		return (0);
	}
	for (c = 0x80; c < 0x100; c++) {
		if (!seen[c])
			continue;
		la = textenc_byte(ca, c, oa);
		if (la == 0 && undef != NULL)
			*undef = 1;
		if (cb == (iconv_t)-1)
			continue;
		lb = textenc_byte(cb, c, ob);
		if (la == 0 || la != lb || memcmp(oa, ob, la) != 0)
			same = 0;
	}
	iconv_close(ca);
	if (cb != (iconv_t)-1)
		iconv_close(cb);
	return (same);
}

/* Whether Unicode code point u is a small Latin letter (Latin-1 and
 * Latin Extended-A, where capitals and small letters alternate). */
static int
textenc_small(unsigned long u)
{
	if (u >= 'a' && u <= 'z')
		return (1);
	if (u >= 0xdf && u <= 0xff)
		return (u != 0xf7);
	if ((u >= 0x100 && u <= 0x137) || (u >= 0x14a && u <= 0x177))
		return (u & 1);
	if ((u >= 0x139 && u <= 0x148) || (u >= 0x179 && u <= 0x17e))
		return (!(u & 1));
	return (u == 0x138 || u == 0x17f || u == 0x192);
}

/*
 * How many bytes of text in 0x80-0x9F, between two small ASCII letters,
 * encoding enc does not read as a small letter (nor as ’, which
 * "don’t" has there): in MacRoman these bytes are small accented letters
 * ("Garc\x92a", "Jos\x8e"), in the Windows code pages mostly punctuation
 * and capitals ("Garc’a", "M‡rquez").
 */
static size_t
textenc_odd(const char *enc, const unsigned char *text, size_t len)
{
	unsigned long	 u[0x20];
	unsigned char	 b, o[4];
	iconv_t		 cd;
	char		*ip, *op;
	size_t		 i, il, ol, n = 0;

	if ((cd = iconv_open("UTF-32BE", enc)) == (iconv_t)-1)
		return (0);
	for (i = 0; i < 0x20; i++) {
		b = 0x80 + i;
		ip = (char *)&b;
		op = (char *)o;
		il = 1;
		ol = 4;
		iconv(cd, NULL, NULL, NULL, NULL);
		u[i] = iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 ? 0 :
		    (unsigned long)o[1] << 16 | o[2] << 8 | o[3];
	}
	iconv_close(cd);
	for (i = 1; i + 1 < len; i++)
		if (text[i] >= 0x80 && text[i] < 0xa0 &&
		    text[i - 1] >= 'a' && text[i - 1] <= 'z' &&
		    text[i + 1] >= 'a' && text[i + 1] <= 'z' &&
		    !textenc_small(u[text[i] - 0x80]) &&
		    u[text[i] - 0x80] != 0x2019)
			n++;
	return (n);
}

/*
 * The legacy encoding text (lines that are not UTF-8) was written in:
 * uchardet's answer, as textenc_answers decodes it, then MacRoman, which
 * uchardet does not know (it takes Excel for Mac's files for a Windows
 * code page): when most of the high bytes are in 0x80-0x9F (MacRoman's
 * accented small letters, Windows' punctuation), and the lines end in CR
 * alone (as Excel for Mac writes), or a byte is one the Windows code page
 * does not define, or it reads small letters where the code page reads
 * capitals and punctuation (textenc_odd). WINDOWS-1252 when nothing better
 * is known.
 * A static name.
 */
const char *
textenc_detect(const unsigned char *text, size_t len, int cr_only)
{
	char		 answer[TEXTENC_NAME_MAX];
	unsigned char	 seen[256];
	uchardet_t	 ud;
	const char	*a, *use = NULL, *sib = NULL;
	size_t		 i, high = 0, c1 = 0;
	int		 undef;

	memset(seen, 0, sizeof seen);
	for (i = 0; i < len; i++) {
		seen[text[i]] = 1;
		high += text[i] >= 0x80;
		c1 += text[i] >= 0x80 && text[i] < 0xa0;
	}
	if (high == 0)
		return ("WINDOWS-1252");
	if ((ud = uchardet_new()) == NULL)
		fatalx("uchardet_new");
	if (uchardet_handle_data(ud, (const char *)text, len) == 0)
		uchardet_data_end(ud);
	a = uchardet_get_charset(ud);
	snprintf(answer, sizeof answer, "%s", a != NULL ? a : "");
	uchardet_delete(ud);

	for (i = 0; i < sizeof textenc_answers / sizeof textenc_answers[0];
	    i++)
		if (strcasecmp(answer, textenc_answers[i].answer) == 0) {
			use = textenc_answers[i].use;
			sib = textenc_answers[i].sibling;
			break;
		}
	/* Another answer (WINDOWS-125x...) as it is if the window offers
	 * it; one it does not (none, ASCII, UTF-16, EUC-TW...) is no
	 * answer. */
	for (i = 0; use == NULL && textenc_choice(i, NULL) != NULL; i++)
		if (strcasecmp(answer, textenc_choice(i, NULL)) == 0)
			use = textenc_choice(i, NULL);
	if (use == NULL)
		use = "WINDOWS-1252";
	/* On a few non-ASCII bytes of a file with ordinary line ends,
	 * uchardet's Mac Central European or Mac Cyrillic is a guess: a
	 * name or two with an accent written by Windows is far likelier. */
	if (!cr_only && high < TEXTENC_FEW &&
	    (strcmp(use, "MAC-CENTRALEUROPE") == 0 ||
	    strcmp(use, "MAC-CYRILLIC") == 0))
		use = "WINDOWS-1252";
	if (sib != NULL && (c1 > 0 || textenc_same(use, sib, seen, NULL)))
		use = sib;

	for (i = 0; i < sizeof textenc_latin / sizeof textenc_latin[0]; i++)
		if (strcasecmp(use, textenc_latin[i]) == 0)
			break;
	/* A Latin code page that reads the text as Windows-1252 does is
	 * Windows-1252 (uchardet takes French for Vietnamese now and then). */
	if (i < sizeof textenc_latin / sizeof textenc_latin[0] &&
	    textenc_same(use, "WINDOWS-1252", seen, NULL))
		use = "WINDOWS-1252";
	if (i < sizeof textenc_latin / sizeof textenc_latin[0] &&
	    c1 * 2 >= high) {
		textenc_same(use, NULL, seen, &undef);
		if (cr_only || undef || textenc_odd(use, text, len) >
		    textenc_odd("MACINTOSH", text, len))
			use = "MACINTOSH";
	}
	return (use);
}
