/*
 * Is this a CSV file? Judged by name and by content, before anything is
 * queued: spreadsheets, archives, PDFs, images and programs are refused
 * with a message that says what the file looks like. Pure.
 *
 * The web upload, `intake import` and the SFTP folders all feed a file's
 * bytes, in whatever chunks they come, through sniff_feed and then
 * sniff_end: one decision for the three (a UTF-16 file, which has NUL
 * bytes, was once refused by the web alone).
 *
 * The decision is the head's (SNIFF_HEAD bytes): a magic number, or NUL
 * bytes more than a stray one (one byte in 32 of the head, or 16) where
 * no UTF-16 byte order mark says they are text. Real binary formats put
 * NULs in their first kilobyte in plenty; a stray NUL in a text file
 * costs its row (csvin.c), not the file.
 */
#include <string.h>
#include <strings.h>

#include "lib.h"

static const struct {
	const char	*magic;
	size_t		 len;
	const char	*what;
} sniff_magic[] = {
	{ "PK\x03\x04", 4, "a ZIP archive or an Excel workbook (.xlsx)" },
	{ "\xd0\xcf\x11\xe0", 4, "an old Office document (.xls)" },
	{ "%PDF", 4, "a PDF document" },
	{ "\x89PNG", 4, "a PNG image" },
	{ "\xff\xd8\xff", 3, "a JPEG image" },
	{ "GIF8", 4, "a GIF image" },
	{ "\x7f" "ELF", 4, "a program" },
	{ "MZ", 2, "a Windows program" },
	{ "\x1f\x8b", 2, "a gzip archive" },
	{ "Rar!", 4, "a RAR archive" },
	{ "7z\xbc\xaf", 4, "a 7-Zip archive" },
};

/* 0 if a file name may be a CSV file, else -1 with *why. */
int
sniff_name(const char *name, const char **why)
{
	size_t	len = name ? strlen(name) : 0;

	if (len < 4 || strcasecmp(name + len - 4, ".csv") != 0) {
		*why = "Only .csv files can be imported";
		return (-1);
	}
	return (0);
}

/*
 * Look at the first bytes of a file (head, at least the first 8 bytes
 * when the file is that long): 0 if it may be CSV, else -1 with *why.
 */
static int
sniff_head(const char *head, size_t len, const char **why)
{
	size_t	i;

	for (i = 0; i < sizeof sniff_magic / sizeof sniff_magic[0]; i++) {
		if (len >= sniff_magic[i].len &&
		    memcmp(head, sniff_magic[i].magic, sniff_magic[i].len) == 0) {
			*why = sniff_magic[i].what;
			return (-1);
		}
	}
	return (0);
}

/* Whether a file starts with a UTF-16 byte order mark: text that has NUL
 * bytes, so its chunks are not checked for them. */
static int
sniff_utf16(const char *head, size_t len)
{
	return (len >= 2 && ((head[0] == '\xff' && head[1] == '\xfe') ||
	    (head[0] == '\xfe' && head[1] == '\xff')));
}

/* The head of a file that is not UTF-16: many NUL bytes mean binary. */
static int
sniff_nuls(const char *buf, size_t len, const char **why)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++)
		n += buf[i] == '\0';
	if (n > 0 && (n * 32 > len || n >= 16)) {
		*why = "a binary file (it contains NUL bytes)";
		return (-1);
	}
	return (0);
}

/* Decide on the head: magic numbers, UTF-16, NUL bytes in it. */
static int
sniff_decide(struct sniff *sn, const char **why)
{
	sn->decided = 1;
	sn->utf16 = sniff_utf16(sn->head, sn->headlen);
	if (sniff_head(sn->head, sn->headlen, why) == -1)
		return (-1);
	if (!sn->utf16 && sniff_nuls(sn->head, sn->headlen, why) == -1)
		return (-1);
	return (0);
}

void
sniff_init(struct sniff *sn)
{
	memset(sn, 0, sizeof *sn);
}

/*
 * The next bytes of a file, cut anywhere: 0 while it may be CSV, else -1
 * with *why. The head is judged once its first SNIFF_HEAD bytes are in;
 * the rest is not looked at.
 */
int
sniff_feed(struct sniff *sn, const char *buf, size_t len, const char **why)
{
	size_t	n = 0;

	if (!sn->decided) {
		n = SNIFF_HEAD - sn->headlen;
		if (n > len)
			n = len;
		memcpy(sn->head + sn->headlen, buf, n);
		sn->headlen += n;
		if (sn->headlen < SNIFF_HEAD)
			return (0);
		if (sniff_decide(sn, why) == -1)
			return (-1);
	}
	return (0);
}

/* The end of the file: a file shorter than the head is judged now. */
int
sniff_end(struct sniff *sn, const char **why)
{
	if (!sn->decided)
		return (sniff_decide(sn, why));
	return (0);
}
