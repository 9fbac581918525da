/* The CSV reader: quotes, embedded newlines, CRLF, a BOM, offsets that
 * resume exactly, limits, a NUL byte, the rows of recoded lines; and the
 * legacy encoding detected in real text. Input comes from memory in
 * chunks of every size, so records split across reads are covered. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <iconv.h>
#include <string.h>
#include <stdlib.h>

#include "lib.h"

struct mem {
	const char	*data;
	size_t		 len;
	size_t		 pos;
	size_t		 chunk;
};

static ssize_t
mem_read(void *arg, void *buf, size_t len)
{
	struct mem	*m = arg;
	size_t		 n = m->len - m->pos;

	if (n > len)
		n = len;
	if (n > m->chunk)
		n = m->chunk;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (n);
}

static const struct csvin_limits lim = { .max_field = 1024, .max_fields = 64 };

/* Read all records of data as "a|b|c" lines joined by "\n". */
static char *
read_all(const char *data, size_t len, size_t chunk, off_t start,
    unsigned long row, int *rc)
{
	struct mem	 m = { data, len, (size_t)start, chunk };
	struct csvin	*c = csvin_create(mem_read, &m, &lim, start, row);
	struct csvrec	*rec;
	struct buf	 out;
	size_t		 i;
	int		 n;

	buf_init(&out, 1 << 20);
	while ((n = csvin_next(c, &rec)) == 1) {
		char tmp[64];

		snprintf(tmp, sizeof tmp, "%lu@%lld%s%s:", rec->row,
		    (long long)rec->end, rec->flags & CSVREC_TOOLARGE ? "L" :
		    rec->flags & CSVREC_TOOWIDE ? "W" :
		    rec->flags & CSVREC_NUL ? "N" : "",
		    rec->recoded != NULL ? "R" : "");
		buf_add(&out, tmp, strlen(tmp));
		for (i = 0; i < rec->nfields; i++) {
			if (i > 0)
				buf_addc(&out, '|');
			buf_add(&out, rec->fields[i], rec->lens[i]);
		}
		buf_addc(&out, '\n');
	}
	*rc = n;
	buf_str(&out);
	if (n == -1) {
		buf_add(&out, "ERR:", 4);
		buf_add(&out, csvin_error(c), strlen(csvin_error(c)));
	}
	csvin_free(c);
	return (out.data);
}

static void
expect(const char *data, const char *want, int want_rc)
{
	size_t	 chunks[] = { 1, 2, 3, 7, 64, 65536 };
	size_t	 i;
	char	*got;
	int	 rc;

	for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		got = read_all(data, strlen(data), chunks[i], 0, 0, &rc);
		if (strcmp(got, want) != 0 || rc != want_rc) {
			/* got leaks here: fail_msg does not return. */
			fail_msg("chunk %zu:\n got: [%s] rc %d\nwant: [%s] rc %d",
			    chunks[i], got, rc, want, want_rc);
		}
		free(got);
	}
}

static void
test_simple(void **state)
{
	expect("a,b,c\n1,2,3\n", "1@6:a|b|c\n2@12:1|2|3\n", 0);
}

static void
test_quotes(void **state)
{
	expect("name,note\n\"Doe, John\",\"say \"\"hi\"\"\"\n",
	    "1@10:name|note\n2@35:Doe, John|say \"hi\"\n", 0);
}

static void
test_embedded_newline(void **state)
{
	expect("a,b\n\"line1\nline2\",x\r\ny,z\n",
	    "1@4:a|b\n2@20:line1\nline2|x\n3@25:y|z\n", 0);
}

static void
test_crlf(void **state)
{
	/* A record ends on its CR; the LF after it is part of no record. */
	expect("a,b\r\n1,2\r\n", "1@4:a|b\n2@9:1|2\n", 0);
}

static void
test_last_line_without_newline(void **state)
{
	expect("a,b\n1,2", "1@4:a|b\n2@7:1|2\n", 0);
}

static void
test_bom_and_blank_lines(void **state)
{
	expect("\xef\xbb\xbf" "a,b\n\n1,2\n\n", "1@7:a|b\n2@12:1|2\n", 0);
}

static void
test_empty_fields(void **state)
{
	expect("a,b,c\n,,\n", "1@6:a|b|c\n2@9:||\n", 0);
}

static void
test_unterminated_quote(void **state)
{
	expect("a,b\n\"open,2\n3,4\n",
	    "1@4:a|b\nERR:row 2: a quoted field is not closed before the end "
	    "of the file", -1);
}

/* A field over the limit is cut and its record flagged; the next record
 * is read normally, and memory does not follow the field's size. */
static void
test_field_too_large(void **state)
{
	size_t	 big = 3 << 20;
	char	*data = xmalloc(big + 64), *got;
	int	 rc;

	memcpy(data, "a,b\n", 4);
	memset(data + 4, 'x', 2000);
	strcpy(data + 2004, ",1\nok,2\n");
	got = read_all(data, strlen(data), 65536, 0, 0, &rc);
	assert_int_equal(rc, 0);
	assert_string_equal(got, "1@4:a|b\n2@2007L:|1\n3@2012:ok|2\n");
	free(got);
	/* A quoted field of 3 MB, with newlines in it. */
	memcpy(data, "a\n\"", 3);
	memset(data + 3, 'y', big);
	data[1000] = '\n';
	strcpy(data + 3 + big, "\"\nnext\n");
	got = read_all(data, strlen(data), 4096, 0, 0, &rc);
	assert_int_equal(rc, 0);
	/* Flagged; what is left of the field is meaningless, the row will
	 * be skipped. */
	if (strstr(got, "\n2@3145733L:") == NULL)
		fail_msg("got [%.200s]", got);
	assert_non_null(strstr(got, ":next\n"));
	free(got);
	free(data);
}

static void
test_too_many_fields(void **state)
{
	struct buf	 b;
	char		*got;
	int		 i, rc;

	buf_init(&b, 4096);
	buf_add(&b, "a\n", 2);
	for (i = 0; i < 70; i++)
		buf_add(&b, "x,", 2);
	buf_add(&b, "x\nz\n", 4);
	got = read_all(b.data, b.len, 100, 0, 0, &rc);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(got, "\n2@144W:x|x"));
	assert_non_null(strstr(got, "\n3@146:z\n"));
	free(got);
	buf_free(&b);
}

/* A NUL byte costs its record (flagged, the NULs left out so fields stay
 * C strings), not the file. */
static void
test_nul_byte(void **state)
{
	static const char data[] = "a,b\n1,2\n3,\0004\0\n5,6\n";
	size_t	 chunks[] = { 1, 2, 5, 64 };
	size_t	 i;
	char	*got;
	int	 rc;

	for (i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
		got = read_all(data, sizeof data - 1, chunks[i], 0, 0, &rc);
		assert_int_equal(rc, 0);
		assert_string_equal(got,
		    "1@4:a|b\n2@8:1|2\n3@14N:3|4\n4@18:5|6\n");
		free(got);
	}
}

/* Read data with the lines that start at recoded[] marked. */
static char *
read_recoded(const char *data, const off_t *recoded, size_t n, off_t start,
    unsigned long row)
{
	struct csvin_limits	 l = lim;
	struct mem		 m = { data, strlen(data), (size_t)start, 3 };
	struct csvin		*c;
	struct csvrec		*rec;
	struct buf		 out;
	char			 tmp[64];

	l.recoded = recoded;
	l.nrecoded = n;
	l.recoded_as = "WINDOWS-1252";
	c = csvin_create(mem_read, &m, &l, start, row);
	buf_init(&out, 1 << 20);
	while (csvin_next(c, &rec) == 1) {
		snprintf(tmp, sizeof tmp, "%lu%s ", rec->row,
		    rec->recoded != NULL ? strcmp(rec->recoded,
		    "WINDOWS-1252") == 0 ? "R" : "?" : "");
		buf_add(&out, tmp, strlen(tmp));
	}
	csvin_free(c);
	buf_str(&out);
	return (out.data);
}

/* A record is flagged when one of the lines recoded starts in it: a
 * line of a quoted field too, and after a resume as before. */
static void
test_recoded_rows(void **state)
{
	/* records end at 4, 8, 16, 20 and 24 */
	static const char data[] = "a,b\n1,2\n\"x\ny\",3\n4,5\n6,7\n";
	static const off_t rec1[] = { 11, 20 };	/* "y" and "6,7" */
	static const off_t rec2[] = { 0 };	/* the header */
	char	*got;

	got = read_recoded(data, rec1, 2, 0, 0);
	assert_string_equal(got, "1 2 3R 4 5R ");
	free(got);
	/* resumed after row 3: row 5 still, nothing before */
	got = read_recoded(data, rec1, 2, 16, 3);
	assert_string_equal(got, "4 5R ");
	free(got);
	got = read_recoded(data, rec2, 1, 0, 0);
	assert_string_equal(got, "1R 2 3 4 5 ");
	free(got);
	got = read_recoded(data, NULL, 0, 0, 0);
	assert_string_equal(got, "1 2 3 4 5 ");
	free(got);
}

/* Real text, made with iconv from UTF-8, detected as what wrote it. */
static void
test_detect(void **state)
{
	static const struct {
		const char	*to;		/* iconv -t */
		const char	*want;
		int		 cr_only;
		const char	*text;
	} cases[] = {
		{ "WINDOWS-1252", "WINDOWS-1252", 0, "José,García Márquez,"
		    "Société Générale\nFrançoise,Lefèvre,Crédit Agricole\n"
		    "Jürgen,Müller,Größe GmbH,5 €\n" },
		{ "WINDOWS-1251", "WINDOWS-1251", 0, "Иван,Петров,Газпром,Москва"
		    "\nОльга,Смирнова,Сбербанк России,Санкт-Петербург\n" },
		{ "KOI8-R", "KOI8-R", 0, "Иван,Петров,Газпром,Москва\n"
		    "Ольга,Смирнова,Сбербанк России,Санкт-Петербург\n" },
		{ "WINDOWS-1253", "WINDOWS-1253", 0, "Γιώργος,Παπαδόπουλος,"
		    "Τράπεζα Πειραιώς,Αθήνα\nΆννα,Αλεξίου,Αεροπορία Αιγαίου\n" },
		{ "WINDOWS-1254", "WINDOWS-1254", 0, "Ayşe,Yılmaz,Türk Hava "
		    "Yolları,İstanbul\nŞükrü,Çelik,Doğuş Grubu,İzmir\n" },
		{ "WINDOWS-1250", "WINDOWS-1250", 0, "Jiří,Dvořák,Škoda Auto,"
		    "Plzeň\nMałgorzata,Wiśniewska,Żywiec Zdrój,Łódź\n" },
		{ "SHIFT_JIS", "CP932", 0, "太郎,山田,株式会社トヨタ自動車,東京\n"
		    "花子,佐藤,ソニーグループ株式会社,大阪\n" },
		{ "EUC-JP", "EUC-JP", 0, "太郎,山田,株式会社トヨタ自動車,東京\n"
		    "花子,佐藤,ソニーグループ株式会社,大阪\n" },
		{ "GB18030", "GB18030", 0, "伟,王,华为技术有限公司,深圳\n"
		    "娜,李,阿里巴巴集团,杭州\n" },
		{ "BIG5", "CP950", 0, "志明,陳,台灣積體電路製造,新竹\n"
		    "淑芬,林,鴻海精密工業,台北\n" },
		{ "EUC-KR", "UHC", 0, "민준,김,삼성전자,서울\n서연,이,현대자동차,"
		    "부산\n" },
		{ "MACINTOSH", "MACINTOSH", 1, "José,García Márquez,Café Olé\r"
		    "Françoise,Lefèvre,Crédit Agricole\r" },
		{ "MACINTOSH", "MACINTOSH", 0, "José,García Márquez,Café Olé\n"
		    "Françoise,Lefèvre,Crédit Agricole\nJürgen,Müller\n" },
		{ "WINDOWS-1252", "WINDOWS-1252", 0, "Ann,O’Brien,“Best” Ltd"
		    "\n" },
		{ "ISO-8859-1", "WINDOWS-1252", 0, "Béa,Latin\n" },
		/* one accent: uchardet says Mac Central European */
		{ "WINDOWS-1252", "WINDOWS-1252", 0, "First name,Last name\r\n"
		    "José,Codage\r\n" },
	};
	char		 out[512], *ip, *op;
	size_t		 i, il, ol;
	const char	*got;
	iconv_t		 cd;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		if ((cd = iconv_open(cases[i].to, "UTF-8")) == (iconv_t)-1)
			fail_msg("iconv %s", cases[i].to);
		ip = (char *)cases[i].text;
		il = strlen(ip);
		op = out;
		ol = sizeof out;
		if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1)
			fail_msg("iconv %s: %s", cases[i].to, cases[i].text);
		iconv_close(cd);
		got = textenc_detect((unsigned char *)out, op - out,
		    cases[i].cr_only);
		if (strcmp(got, cases[i].want) != 0)
			fail_msg("%s (%s): got %s", cases[i].to, cases[i].want,
			    got);
	}
}

/* An encoding the user names: iconv's, checked and spelled upper-case. */
static void
test_known(void **state)
{
	char	canon[TEXTENC_NAME_MAX];

	assert_int_equal(textenc_known("iso-8859-2", canon, sizeof canon), 0);
	assert_string_equal(canon, "ISO-8859-2");
	assert_int_equal(textenc_known("cp932", canon, sizeof canon), 0);
	assert_int_equal(textenc_known("no-such-thing", canon, sizeof canon),
	    -1);
	assert_int_equal(textenc_known("UTF-8//TRANSLIT", canon, sizeof canon),
	    -1);
	assert_int_equal(textenc_known("", canon, sizeof canon), -1);
	assert_int_equal(textenc_known("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	    canon, sizeof canon), -1);
}

static void
test_delimiters(void **state)
{
	static const struct csvin_limits semi = { .max_field = 1024,
	    .max_fields = 64, .delim = ';' };
	static const struct csvin_limits tab = { .max_field = 1024,
	    .max_fields = 64, .delim = '\t' };
	const char	*d1 = "a;b\n\"x;y\";2\n";
	const char	*d2 = "a\tb\n x \t\"\ty\"\n";
	struct mem	 m1 = { d1, strlen(d1), 0, 3 }, m2 = { d2, strlen(d2), 0, 3 };
	struct csvin	*c;
	struct csvrec	*rec;

	c = csvin_create(mem_read, &m1, &semi, 0, 0);
	assert_int_equal(csvin_next(c, &rec), 1);
	assert_int_equal(csvin_next(c, &rec), 1);
	assert_int_equal(rec->nfields, 2);
	assert_string_equal(rec->fields[0], "x;y");
	csvin_free(c);
	c = csvin_create(mem_read, &m2, &tab, 0, 0);
	assert_int_equal(csvin_next(c, &rec), 1);
	assert_int_equal(csvin_next(c, &rec), 1);
	assert_int_equal(rec->nfields, 2);
	assert_string_equal(rec->fields[0], "x");	/* spaces trimmed */
	assert_string_equal(rec->fields[1], "\ty");	/* a tab is data */
	csvin_free(c);
}

static void
test_old_mac_line_ends(void **state)
{
	expect("a,b\r1,2\r3,4", "1@4:a|b\n2@8:1|2\n3@11:3|4\n", 0);
}

/* Resuming from any record's end offset gives exactly the records after
 * it, with the same row numbers. */
static void
test_resume(void **state)
{
	const char	*data = "h1,h2\r\n\"a\nb\",1\r\nc,2\r\n\r\nd,\"3\"\"\"\r\ne,4";
	struct mem	 m = { data, strlen(data), 0, 3 };
	struct csvin	*c;
	struct csvrec	*rec;
	char		*recs[8], *all, *rest, *want;
	off_t		 offs[8];
	unsigned long	 rows[8];
	size_t		 n = 0, k, i;
	int		 rc;

	c = csvin_create(mem_read, &m, &lim, 0, 0);
	while (csvin_next(c, &rec) == 1) {
		assert_true(n < 8);
		offs[n] = rec->end;
		rows[n] = rec->row;
		xasprintf(&recs[n], "%lu:%s|%s", rec->row, rec->fields[0],
		    rec->nfields > 1 ? rec->fields[1] : "");
		n++;
	}
	csvin_free(c);
	assert_int_equal(n, 5);
	assert_string_equal(recs[1], "2:a\nb|1");
	assert_string_equal(recs[3], "4:d|3\"");
	all = read_all(data, strlen(data), 3, 0, 0, &rc);
	for (k = 0; k < n; k++) {
		rest = read_all(data, strlen(data), 5, offs[k], rows[k], &rc);
		assert_int_equal(rc, 0);
		/* The tail of the full reading after record k. */
		want = all;
		for (i = 0; i <= k; i++) {
			char tag[32];

			snprintf(tag, sizeof tag, "%lu@", rows[i] + 1);
			want = i < n - 1 ? strstr(want, tag) : want + strlen(want);
		}
		assert_non_null(want);
		assert_string_equal(rest, want);
		free(rest);
	}
	free(all);
	for (k = 0; k < n; k++)
		free(recs[k]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_simple),
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_embedded_newline),
		cmocka_unit_test(test_crlf),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_bom_and_blank_lines),
		cmocka_unit_test(test_empty_fields),
		cmocka_unit_test(test_unterminated_quote),
		cmocka_unit_test(test_field_too_large),
		cmocka_unit_test(test_too_many_fields),
		cmocka_unit_test(test_resume),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_recoded_rows),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_delimiters),
		cmocka_unit_test(test_old_mac_line_ends),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
