/*
 * Unit tests for normalize.c: one table per normaliser, each row an input
 * as a user would type or paste it, the return we expect and the exact
 * normalised value. A failing row names its input.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

#define NBSP	"\xc2\xa0"

struct strcase {
	const char	*in;
	int		 rc;
	const char	*out;	/* NULL unless rc is 0 */
};

struct intcase {
	const char	*in;
	int		 rc;
	int		 out;	/* -1 unless rc is 0 */
};

typedef int (*test_strfn)(const char *, char **);

/* Print NULL as such in failure messages. */
static const char *
test_show(const char *s)
{
	return (s == NULL ? "(null)" : s);
}

/* Whether two possibly NULL strings are equal. */
static int
test_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/* Run one table through a string normaliser. */
static void
test_strtable(const char *name, test_strfn fn, const struct strcase *t,
    size_t n)
{
	char	 msg[1024];
	char	*out;
	size_t	 i;
	int	 rc;

	for (i = 0; i < n; i++) {
		out = (char *)0x1;	/* must be overwritten */
		rc = fn(t[i].in, &out);
		if (rc == t[i].rc && test_same(out, t[i].out)) {
			free(out);
			continue;
		}
		snprintf(msg, sizeof msg, "%s(\"%s\"): got %d \"%s\", want %d "
		    "\"%s\"", name, test_show(t[i].in), rc,
		    out == (char *)0x1 ? "(unset)" : test_show(out), t[i].rc,
		    test_show(t[i].out));
		if (out != (char *)0x1)
			free(out);
		fail_msg("%s", msg);
	}
}

/* A string of n copies of c; the caller frees. */
static char *
test_repeat(char c, size_t n)
{
	char	*s;

	s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return (s);
}

static const struct strcase name_cases[] = {
	{ "  Ann   Marie \t", 0, "Ann Marie" },
	{ "Ann", 0, "Ann" },
	{ "O'Brien", 0, "O'Brien" },
	{ "van der  Berg", 0, "van der Berg" },
	{ "Jean\r\nLuc", 0, "Jean Luc" },
	{ "Mary" NBSP "Jane", 0, "Mary Jane" },
	{ "Mary " NBSP NBSP "\tJane", 0, "Mary Jane" },
	{ NBSP "Jos\xc3\xa9" NBSP, 0, "Jos\xc3\xa9" },
	{ "\n\rZo\xc3\xab\r\n", 0, "Zo\xc3\xab" },
	{ "McDONALD", 0, "McDONALD" },
	{ "", 0, NULL },
	{ "   ", 0, NULL },
	{ " \t\r\n" NBSP " ", 0, NULL },
	{ NULL, 0, NULL },
};

/* Names are trimmed and inner whitespace, NBSP too, becomes one space. */
static void
test_name_trims_and_collapses_whitespace(void **state)
{
	char	*out;
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++) {
		out = norm_name(name_cases[i].in);
		if (!test_same(out, name_cases[i].out)) {
			print_error("norm_name(\"%s\"): got \"%s\"\n",
			    test_show(name_cases[i].in), test_show(out));
			free(out);
			fail();
		}
		free(out);
	}
}

static const struct strcase email_cases[] = {
	/* accepted */
	{ "john@acme.com", 0, "john@acme.com" },
	{ "  John.Doe@ACME.com \t", 0, "john.doe@acme.com" },
	{ NBSP "bob@acme.com" NBSP, 0, "bob@acme.com" },
	{ "a+tag@sub.acme.co.uk", 0, "a+tag@sub.acme.co.uk" },
	{ "o'neil@acme.io", 0, "o'neil@acme.io" },
	{ "first_last-1@acme-corp.com", 0, "first_last-1@acme-corp.com" },
	{ "!#$%&'*+-/=?^_`{|}~@acme.com", 0, "!#$%&'*+-/=?^_`{|}~@acme.com" },
	{ "x@123.acme.com", 0, "x@123.acme.com" },
	{ "x@acme.xn--p1ai", 0, "x@acme.xn--p1ai" },
	{ "anna@M\xc3\xbcller.de", 0, "anna@m\xc3\xbcller.de" },
	/* blank */
	{ "", 1, NULL },
	{ " \t\r\n", 1, NULL },
	{ NBSP, 1, NULL },
	{ NULL, 1, NULL },
	/* invalid */
	{ "john", -1, NULL },
	{ "john.acme.com", -1, NULL },
	{ "john@@acme.com", -1, NULL },
	{ "a@b@acme.com", -1, NULL },
	{ "@acme.com", -1, NULL },
	{ "john@", -1, NULL },
	{ ".john@acme.com", -1, NULL },
	{ "john.@acme.com", -1, NULL },
	{ "jo..hn@acme.com", -1, NULL },
	{ "john doe@acme.com", -1, NULL },
	{ "\"john\"@acme.com", -1, NULL },
	{ "j\xc3\xb6hn@acme.com", -1, NULL },
	{ "John Doe <john@acme.com>", -1, NULL },
	{ "john@acme", -1, NULL },
	{ "john@acme.c", -1, NULL },
	{ "john@-acme.com", -1, NULL },
	{ "john@acme-.com", -1, NULL },
	{ "john@acme..com", -1, NULL },
	{ "john@.acme.com", -1, NULL },
	{ "john@acme.com.", -1, NULL },
	{ "john@acme_corp.com", -1, NULL },
	{ "john@acme.com;", -1, NULL },
	{ "john@acme" NBSP ".com", -1, NULL },
	{ "john@acme\xff.com", -1, NULL },
	{ "john@acme\xc3.com", -1, NULL },
	{ "john@192.168.0.1", -1, NULL },
	{ "john@10.0.0.10", -1, NULL },
	{ "john@acme.42", -1, NULL },
	{ "john@[192.168.0.1]", -1, NULL },
};

/* E-mail addresses are trimmed, lower-cased and checked for syntax. */
static void
test_email_cases(void **state)
{
	(void)state;
	test_strtable("norm_email", norm_email, email_cases,
	    sizeof email_cases / sizeof email_cases[0]);
}

/* The local part may be 64 bytes, the address 254. */
static void
test_email_length_limits(void **state)
{
	char	*l64, *l65, *a63, *d57, *d58, *in, *out;

	(void)state;
	l64 = test_repeat('a', 64);
	l65 = test_repeat('a', 65);
	a63 = test_repeat('b', 63);
	d57 = test_repeat('d', 57);
	d58 = test_repeat('d', 58);

	if (asprintf(&in, "%s@acme.com", l64) == -1)
		fail();
	assert_int_equal(norm_email(in, &out), 0);
	assert_string_equal(out, in);
	free(out);
	free(in);

	if (asprintf(&in, "%s@acme.com", l65) == -1)
		fail();
	assert_int_equal(norm_email(in, &out), -1);
	assert_null(out);
	free(in);

	/* 64 + 1 + 63 + 1 + 63 + 1 + 57 + 4 = 254 */
	if (asprintf(&in, "%s@%s.%s.%s.com", l64, a63, a63, d57) == -1)
		fail();
	assert_int_equal(strlen(in), 254);
	assert_int_equal(norm_email(in, &out), 0);
	assert_string_equal(out, in);
	free(out);
	free(in);

	if (asprintf(&in, "%s@%s.%s.%s.com", l64, a63, a63, d58) == -1)
		fail();
	assert_int_equal(norm_email(in, &out), -1);
	assert_null(out);
	free(in);

	free(l64);
	free(l65);
	free(a63);
	free(d57);
	free(d58);
}

struct emailscase {
	const char	*in;
	int		 rc;
	const char	*out;		/* NULL unless rc is 0 */
	const char	*others;	/* NULL if none */
};

#define ADA	"ada@example.com"
#define ADAL	"ada.l@example.org"

static const struct emailscase emails_cases[] = {
	/* one address, as norm_email() reads it */
	{ "ada@example.com", 0, ADA, NULL },
	{ "  Ada@Example.COM" NBSP, 0, ADA, NULL },
	{ "a/b@example.com", 0, "a/b@example.com", NULL },
	{ "/ada@example.com", 0, "/ada@example.com", NULL },
	{ "ada@example.com;", 0, ADA, NULL },
	{ " ; ada@example.com , ", 0, ADA, NULL },
	/* display names */
	{ "Ada Lovelace <ada@example.com>", 0, ADA, NULL },
	{ "\"Lovelace, Ada\" <ada@example.com>", 0, ADA, NULL },
	{ "\"Ada \\\"The Countess\\\" L.\" <ada@example.com>", 0, ADA,
	    NULL },
	{ "Lovelace, Ada <Ada@Example.com>", 0, ADA, NULL },
	{ "Ada Lovelace<ada@example.com>", 0, ADA, NULL },
	{ "<ada@example.com>", 0, ADA, NULL },
	{ "< ada@example.com >", 0, ADA, NULL },
	{ "Ada L\xc3\xb6velace <ada@example.com>", 0, ADA, NULL },
	{ "ada@example.com <ada@example.com>", 0, ADA, NULL },
	{ "ada@example.com (work)", 0, ADA, NULL },
	{ "Ada (the (first)) Lovelace <ada@example.com>", 0, ADA, NULL },
	/* mailto: */
	{ "mailto:ada@example.com", 0, ADA, NULL },
	{ "MAILTO:Ada@Example.com", 0, ADA, NULL },
	{ "mailto:ada@example.com?subject=Hello%20there&body=x", 0, ADA,
	    NULL },
	{ "mailto:ada%40example.com", 0, ADA, NULL },
	{ "<mailto:ada@example.com>", 0, ADA, NULL },
	{ "Ada <MailTo:ada@example.com?subject=Hi>", 0, ADA, NULL },
	{ "mailto:ada@example.com,ada.l@example.org", 0, ADA, ADAL },
	/* several */
	{ "ada@example.com; ada.l@example.org", 0, ADA, ADAL },
	{ "ada@example.com, ada.l@example.org", 0, ADA, ADAL },
	{ "ada@example.com ada.l@example.org", 0, ADA, ADAL },
	{ "ada@example.com\nada.l@example.org", 0, ADA, ADAL },
	{ "ada@example.com / ada.l@example.org", 0, ADA, ADAL },
	{ "ada@example.com/ada.l@example.org", 0, ADA, ADAL },
	{ "ada@example.com;;Ada.L@example.org;", 0, ADA, ADAL },
	{ "Ada <ada@example.com>, \"L, Ada\" <ada.l@example.org>", 0, ADA,
	    ADAL },
	{ "ada@example.com; ada.l@example.org; x@example.net", 0, ADA,
	    ADAL "; x@example.net" },
	/* the first valid one; invalid others kept as written */
	{ "ada@example; ada@example.com", 0, ADA, "ada@example" },
	{ "Bob <Bob@Acme>; ada@example.com", 0, ADA, "Bob <Bob@Acme>" },
	{ "ada@example.com; Ada.L@example", 0, ADA, "Ada.L@example" },
	/* each address once, and never the first again */
	{ "ada@example.com; ADA@example.com", 0, ADA, NULL },
	{ "ada@example.com; ada.l@example.org; ada.l@example.org; "
	    "ada@example.com", 0, ADA, ADAL },
	{ "Ada <ada@example.com>; ada@example.com", 0, ADA, NULL },
	/* blank */
	{ "", 1, NULL, NULL },
	{ " \t" NBSP, 1, NULL, NULL },
	{ NULL, 1, NULL, NULL },
	/* not an address: the whole cell, not a guess */
	{ "john", -1, NULL, NULL },
	{ "Ada Lovelace", -1, NULL, NULL },
	{ "john doe@acme.com", -1, NULL, NULL },
	{ "ada@example.com Ada", -1, NULL, NULL },
	{ "ada@example.com; call me", -1, NULL, NULL },
	{ "ada@example.com/n/a", -1, NULL, NULL },
	{ "\"Ada\" ada@example.com", -1, NULL, NULL },
	{ "Ada <ada@example.com", -1, NULL, NULL },
	{ "\"Ada <ada@example.com>", -1, NULL, NULL },
	{ "ada@example.com (work", -1, NULL, NULL },
	{ "Ada Lovelace <ada@example>", -1, NULL, NULL },
	{ "bob@acme; carl@acme", -1, NULL, NULL },
	{ ";", -1, NULL, NULL },
	{ "(none)", -1, NULL, NULL },
	{ "<>", -1, NULL, NULL },
	{ "mailto:", -1, NULL, NULL },
	{ "mailto:?subject=x", -1, NULL, NULL },
	{ "mailto:ada%00@example.com", -1, NULL, NULL },
	{ "mailto:ada%40@example.com", -1, NULL, NULL },
	{ "ada%40example.com", -1, NULL, NULL },
	{ "john@@acme.com", -1, NULL, NULL },
};

/* An Email cell: its first valid address, and the rest kept. */
static void
test_emails_cases(void **state)
{
	const struct emailscase	*t;
	char			*out, *others;
	size_t			 i;
	int			 rc;

	(void)state;
	for (i = 0; i < sizeof emails_cases / sizeof emails_cases[0]; i++) {
		t = &emails_cases[i];
		out = others = (char *)0x1;
		rc = norm_emails(t->in, &out, &others);
		if (rc != t->rc || !test_same(out, t->out) ||
		    !test_same(others, t->others))
			fail_msg("norm_emails(\"%s\"): got %d \"%s\" \"%s\", "
			    "want %d \"%s\" \"%s\"", test_show(t->in), rc,
			    test_show(out), test_show(others), t->rc,
			    test_show(t->out), test_show(t->others));
		free(out);
		free(others);
	}
}

/* A bare address reads the same in a cell as norm_email() reads it. */
static void
test_emails_agrees_with_email(void **state)
{
	char	*a, *b, *others;
	size_t	 i;
	int	 rc;

	(void)state;
	for (i = 0; i < sizeof email_cases / sizeof email_cases[0]; i++) {
		if (email_cases[i].rc != 0)
			continue;
		rc = norm_emails(email_cases[i].in, &b, &others);
		assert_int_equal(norm_email(email_cases[i].in, &a), 0);
		if (rc != 0 || strcmp(a, b) != 0 || others != NULL)
			fail_msg("norm_emails(\"%s\") differs", email_cases[i].in);
		free(a);
		free(b);
	}
}

/* At most 100 items in a cell: the 101st refuses it. */
static void
test_emails_item_limit(void **state)
{
	char	 in[101 * 17 + 1], *out, *others;
	size_t	 i;

	(void)state;
	in[0] = '\0';
	for (i = 0; i < 100; i++)
		snprintf(in + strlen(in), sizeof in - strlen(in),
		    "a%03zu@example.com;", i);
	assert_int_equal(norm_emails(in, &out, &others), 0);
	assert_string_equal(out, "a000@example.com");
	assert_int_equal(strlen(others), 99 * 16 + 98 * 2);
	free(out);
	free(others);
	strcat(in, "a100@example.com");
	assert_int_equal(norm_emails(in, &out, &others), -1);
	assert_null(out);
	assert_null(others);
}

static const struct strcase domain_cases[] = {
	/* accepted */
	{ "acme.com", 0, "acme.com" },
	{ "https://www.Acme.com/about", 0, "acme.com" },
	{ "ACME.COM.", 0, "acme.com" },
	{ "http://acme.com:8080/x?y#z", 0, "acme.com" },
	{ "www.acme.co.uk", 0, "acme.co.uk" },
	{ "  HTTPS://WWW.ACME.COM  ", 0, "acme.com" },
	{ "WWW.ACME.COM.", 0, "acme.com" },
	{ "acme.com?ref=x", 0, "acme.com" },
	{ "acme.com#top", 0, "acme.com" },
	{ "acme.com:443", 0, "acme.com" },
	{ "sub.acme.io/", 0, "sub.acme.io" },
	{ "www.com", 0, "www.com" },
	{ "www.www.w.iin.iin", 0, "w.iin.iin" },	/* fuzz: idempotent */
	{ "www.www.com", 0, "www.com" },
	{ "www2.acme.com", 0, "www2.acme.com" },
	{ "acme-corp.com", 0, "acme-corp.com" },
	{ "xn--mller-kva.de", 0, "xn--mller-kva.de" },
	{ "M\xc3\xbcller.de", 0, "m\xc3\xbcller.de" },
	{ "3m.com", 0, "3m.com" },
	/* blank */
	{ "", 1, NULL },
	{ " \t", 1, NULL },
	{ NULL, 1, NULL },
	/* invalid */
	{ "user@acme.com", -1, NULL },
	{ "http://user@acme.com/", -1, NULL },
	{ "acme", -1, NULL },
	{ "localhost", -1, NULL },
	{ "acme..com", -1, NULL },
	{ ".acme.com", -1, NULL },
	{ "-acme.com", -1, NULL },
	{ "acme-.com", -1, NULL },
	{ "acme.com..", -1, NULL },
	{ "acme .com", -1, NULL },
	{ "acme_corp.com", -1, NULL },
	{ "acme.com\\evil", -1, NULL },
	{ "acme.c", -1, NULL },
	{ "ftp://acme.com", -1, NULL },
	{ "acme.com:", -1, NULL },
	{ "acme.com:abc", -1, NULL },
	{ "acme.com:99999", -1, NULL },
	{ "acme.com:123456", -1, NULL },
	{ "acme.com:80x", -1, NULL },
	{ "https://", -1, NULL },
	{ "http:///acme.com", -1, NULL },
	{ "192.168.0.1", -1, NULL },
	{ "http://10.0.0.10:8080/", -1, NULL },
	{ "acme.123", -1, NULL },
	{ "[::1]", -1, NULL },
	{ "acme\xff.com", -1, NULL },
};

/* Websites reduce to a bare lower-case host; junk is refused. */
static void
test_domain_cases(void **state)
{
	(void)state;
	test_strtable("norm_domain", norm_domain, domain_cases,
	    sizeof domain_cases / sizeof domain_cases[0]);
}

/* A label may be 63 bytes, a host 253. */
static void
test_domain_length_limits(void **state)
{
	char	*a63, *a64, *d57, *d58, *in, *out;

	(void)state;
	a63 = test_repeat('a', 63);
	a64 = test_repeat('a', 64);
	d57 = test_repeat('d', 57);
	d58 = test_repeat('d', 58);

	if (asprintf(&in, "%s.com", a63) == -1)
		fail();
	assert_int_equal(norm_domain(in, &out), 0);
	assert_string_equal(out, in);
	free(out);
	free(in);

	if (asprintf(&in, "%s.com", a64) == -1)
		fail();
	assert_int_equal(norm_domain(in, &out), -1);
	assert_null(out);
	free(in);

	/* 63 * 3 + 3 dots + 57 + 4 = 253, and 254 with one more */
	if (asprintf(&in, "%s.%s.%s.%s.com", a63, a63, a63, d57) == -1)
		fail();
	assert_int_equal(strlen(in), 253);
	assert_int_equal(norm_domain(in, &out), 0);
	assert_string_equal(out, in);
	free(out);
	free(in);

	if (asprintf(&in, "%s.%s.%s.%s.com", a63, a63, a63, d58) == -1)
		fail();
	assert_int_equal(norm_domain(in, &out), -1);
	assert_null(out);
	free(in);

	free(a63);
	free(a64);
	free(d57);
	free(d58);
}

#define LI	"https://www.linkedin.com/in/"

static const struct strcase linkedin_cases[] = {
	/* accepted */
	{ "http://uk.linkedin.com/in/John-Doe/?trk=x#a", 0, LI "john-doe" },
	{ "https://www.linkedin.com/in/janedoe", 0, LI "janedoe" },
	{ "linkedin.com/in/janedoe", 0, LI "janedoe" },
	{ "www.linkedin.com/in/janedoe/", 0, LI "janedoe" },
	{ "HTTPS://WWW.LINKEDIN.COM/IN/JaneDoe", 0, LI "janedoe" },
	{ "https://de.linkedin.com/in/max_mustermann-123", 0,
	    LI "max_mustermann-123" },
	{ "https://fra.linkedin.com/in/x", 0, LI "x" },
	{ "https://www.linkedin.com/in/janedoe?originalSubdomain=uk", 0,
	    LI "janedoe" },
	{ "https://www.linkedin.com/in/janedoe#about", 0, LI "janedoe" },
	{ "https://www.linkedin.com/in/janedoe/details/experience/", 0,
	    LI "janedoe" },
	{ "https://www.linkedin.com/in/jos%c3%a9-garc%C3%ADa", 0,
	    LI "jos%C3%A9-garc%C3%ADa" },
	{ "https://www.linkedin.com/in/Jos\xc3\xa9", 0, LI "jos%C3%A9" },
	{ "https://www.linkedin.com/in/\xe6\x9d\x8e\xe5\x9b\x9b", 0,
	    LI "%E6%9D%8E%E5%9B%9B" },
	{ " \tlinkedin.com/in/ann" NBSP, 0, LI "ann" },
	/* mobile and lite */
	{ "https://m.linkedin.com/in/Jane-Doe", 0, LI "jane-doe" },
	{ "m.linkedin.com/in/janedoe/", 0, LI "janedoe" },
	{ "https://www.linkedin.com/mwlite/in/janedoe", 0, LI "janedoe" },
	{ "https://m.linkedin.com/mwlite/in/JaneDoe?trk=x", 0, LI "janedoe" },
	{ "HTTPS://WWW.LINKEDIN.COM/MWLITE/IN/JANEDOE", 0, LI "janedoe" },
	/* a locale after the slug */
	{ "https://www.linkedin.com/in/janedoe/en", 0, LI "janedoe" },
	{ "https://de.linkedin.com/in/janedoe/de-de/?trk=x#y", 0,
	    LI "janedoe" },
	/* member ids keep their case; a vanity name that looks alike not */
	{ "https://www.linkedin.com/in/ACoAABh375cB7ns6fzmNnSkbbc2PHqeMbvQTKhA",
	    0, LI "ACoAABh375cB7ns6fzmNnSkbbc2PHqeMbvQTKhA" },
	{ "linkedin.com/in/ACoAAAJHE7sB5OxuKHuzguZ9L6lfDHqw--cdnJg/?lipi=x", 0,
	    LI "ACoAAAJHE7sB5OxuKHuzguZ9L6lfDHqw--cdnJg" },
	{ "m.linkedin.com/mwlite/in/ACoAAB7am7MBEP8pL_BJk_PSu95vQFKfpC5v76E", 0,
	    LI "ACoAAB7am7MBEP8pL_BJk_PSu95vQFKfpC5v76E" },
	{ "https://www.linkedin.com/in/ACoAAron", 0, LI "acoaaron" },
	{ "https://www.linkedin.com/in/ACoAABh375cB7ns6fzmNnSkbbc2PHqeMbvQTKhAx",
	    0, LI "acoaabh375cb7ns6fzmnnskbbc2phqembvqtkhax" },
	{ "https://www.linkedin.com/in/ACOAABh375cB7ns6fzmNnSkbbc2PHqeMbvQTKhA",
	    0, LI "acoaabh375cb7ns6fzmnnskbbc2phqembvqtkha" },
	/* blank */
	{ "", 1, NULL },
	{ "   ", 1, NULL },
	{ NULL, 1, NULL },
	/* invalid */
	{ "https://www.linkedin.com/company/acme", -1, NULL },
	{ "https://www.linkedin.com/pub/john-doe/1/2/3", -1, NULL },
	{ "https://www.linkedin.com/school/mit", -1, NULL },
	{ "https://www.linkedin.com/feed/", -1, NULL },
	{ "https://www.linkedin.com/", -1, NULL },
	{ "https://www.linkedin.com", -1, NULL },
	{ "https://www.linkedin.com/in", -1, NULL },
	{ "https://www.linkedin.com/in/", -1, NULL },
	{ "https://www.linkedin.com/in//john", -1, NULL },
	{ "https://www.linkedin.com/in/?x=1", -1, NULL },
	{ "https://www.linkedin.com/in.evil/john", -1, NULL },
	{ "https://linkedin.com.evil.com/in/john", -1, NULL },
	{ "https://evillinkedin.com/in/john", -1, NULL },
	{ "https://evil.com/in/john", -1, NULL },
	{ "https://evil.com/linkedin.com/in/john", -1, NULL },
	{ "https://x.linkedin.com/in/john", -1, NULL },
	{ "https://mobile.linkedin.com/in/john", -1, NULL },
	{ "https://mm.linkedin.com.evil.com/in/john", -1, NULL },
	{ "https://n.linkedin.com/in/john", -1, NULL },
	{ "https://www.linkedin.com/mwlite/company/acme", -1, NULL },
	{ "https://www.linkedin.com/mwlite", -1, NULL },
	{ "https://www.linkedin.com/mwliteX/in/john", -1, NULL },
	{ "https://www.linkedin.com/x/mwlite/in/john", -1, NULL },
	{ "https://www.linkedin.com/sales/lead/ACwAAAx,NAME_SEARCH,ab", -1,
	    NULL },
	{ "https://www.linkedin.com/sales/people/ACwAAAx,name", -1, NULL },
	{ "https://a.b.linkedin.com/in/john", -1, NULL },
	{ "https://www.linkedin.com./in/john", -1, NULL },
	{ "https://www.linkedin.com:443/in/john", -1, NULL },
	{ "https://user@www.linkedin.com/in/john", -1, NULL },
	{ "ftp://www.linkedin.com/in/john", -1, NULL },
	{ "//www.linkedin.com/in/john", -1, NULL },
	{ "john-doe", -1, NULL },
	{ "https://www.linkedin.com/in/john doe", -1, NULL },
	{ "https://www.linkedin.com/in/john.doe", -1, NULL },
	{ "https://www.linkedin.com/in/john%zz", -1, NULL },
	{ "https://www.linkedin.com/in/john%4", -1, NULL },
	{ "https://www.linkedin.com/in/jo\xff", -1, NULL },
	{ "https://www.linkedin.com/in/jo" NBSP "hn", -1, NULL },
};

/* Only person profiles pass, rewritten to one canonical URL. */
static void
test_linkedin_cases(void **state)
{
	(void)state;
	test_strtable("norm_linkedin", norm_linkedin, linkedin_cases,
	    sizeof linkedin_cases / sizeof linkedin_cases[0]);
}

#define WHY_GENERIC	"not a profile URL (linkedin.com/in/...)"

static const struct {
	const char	*in;
	const char	*starts;	/* how the reason starts */
} linkedin_why_cases[] = {
	{ "https://www.linkedin.com/pub/john-doe/1a/2b/3c",
	    "an old public-profile URL (linkedin.com/pub/...)" },
	{ "http://uk.linkedin.com/pub/john-doe/1a/2b/3c/", "an old public" },
	{ "LinkedIn.com/PUB/john-doe/1a/2b/3c", "an old public" },
	{ "https://m.linkedin.com/pub/john-doe/1a/2b/3c", "an old public" },
	{ "https://www.linkedin.com/company/acme/",
	    "a company page (linkedin.com/company/...)" },
	{ "https://de.linkedin.com/company/acme", "a company page" },
	{ "https://www.linkedin.com/mwlite/company/acme", "a company page" },
	{ "https://www.linkedin.com/sales/lead/ACwAAAx,NAME_SEARCH,ab",
	    "a Sales Navigator link (linkedin.com/sales/...)" },
	{ "https://www.linkedin.com/sales/people/ACwAAAx,name",
	    "a Sales Navigator link" },
	{ "https://www.linkedin.com/sales/profile/ACwAAAx,,",
	    "a Sales Navigator link" },
	{ "https://www.linkedin.com/school/mit", WHY_GENERIC },
	{ "https://www.linkedin.com/sales/search", WHY_GENERIC },
	{ "https://evil.com/pub/john-doe/1a/2b/3c", WHY_GENERIC },
	{ "https://evil.com/company/acme", WHY_GENERIC },
	{ "https://www.linkedin.com/in/john doe", WHY_GENERIC },
	{ "john-doe", WHY_GENERIC },
	{ "", WHY_GENERIC },
	{ NULL, WHY_GENERIC },
};

/* A refused URL says what it is: old /pub/, a company, Sales Navigator. */
static void
test_linkedin_why(void **state)
{
	const char	*why;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof linkedin_why_cases /
	    sizeof linkedin_why_cases[0]; i++) {
		why = norm_linkedin_why(linkedin_why_cases[i].in);
		if (strncmp(why, linkedin_why_cases[i].starts,
		    strlen(linkedin_why_cases[i].starts)) != 0)
			fail_msg("norm_linkedin_why(\"%s\"): got \"%s\"",
			    test_show(linkedin_why_cases[i].in), why);
	}
	/* ...and the old and Sales Navigator ones say what to use. */
	assert_non_null(strstr(norm_linkedin_why(
	    "linkedin.com/pub/x/1/2/3"), "use the profile's linkedin.com/in/"));
	assert_non_null(strstr(norm_linkedin_why(
	    "linkedin.com/sales/lead/x"), "use the profile's linkedin.com/in/"));
}

/* A slug may be 1024 encoded bytes, however it is spelled. */
static void
test_linkedin_slug_limit(void **state)
{
	char	*slug, *in, *out;
	size_t	 i;

	(void)state;
	slug = test_repeat('a', 1024);
	if (asprintf(&in, "linkedin.com/in/%s", slug) == -1)
		fail();
	assert_int_equal(norm_linkedin(in, &out), 0);
	assert_string_equal(out + strlen(LI), slug);
	free(out);
	free(in);
	free(slug);

	slug = test_repeat('a', 1025);
	if (asprintf(&in, "linkedin.com/in/%s", slug) == -1)
		fail();
	assert_int_equal(norm_linkedin(in, &out), -1);
	assert_null(out);
	free(in);
	free(slug);

	/* 342 two-byte characters grow to 2052 bytes once encoded. */
	slug = malloc(342 * 2 + 1);
	assert_non_null(slug);
	for (i = 0; i < 342; i++)
		memcpy(slug + 2 * i, "\xc3\xa9", 2);
	slug[342 * 2] = '\0';
	if (asprintf(&in, "linkedin.com/in/%s", slug) == -1)
		fail();
	assert_int_equal(norm_linkedin(in, &out), -1);
	assert_null(out);
	free(in);
	free(slug);
}

static const struct intcase intent_cases[] = {
	/* accepted */
	{ "0", 0, 0 },
	{ "50", 0, 50 },
	{ "100", 0, 100 },
	{ "+50", 0, 50 },
	{ "+0", 0, 0 },
	{ "007", 0, 7 },
	{ "0100", 0, 100 },
	{ "00000000000000000000042", 0, 42 },
	{ " 42 \t", 0, 42 },
	{ NBSP "75" NBSP, 0, 75 },
	/* blank */
	{ "", 1, -1 },
	{ "  \r\n", 1, -1 },
	{ NULL, 1, -1 },
	/* invalid */
	{ "101", -1, -1 },
	{ "1000", -1, -1 },
	{ "99999999999999999999", -1, -1 },
	{ "-1", -1, -1 },
	{ "-0", -1, -1 },
	{ "50.0", -1, -1 },
	{ "50,5", -1, -1 },
	{ "1e2", -1, -1 },
	{ "0x10", -1, -1 },
	{ "50%", -1, -1 },
	{ "abc", -1, -1 },
	{ "+", -1, -1 },
	{ "++5", -1, -1 },
	{ "+ 5", -1, -1 },
	{ "5 0", -1, -1 },
};

/* The Phone Intent Score is a whole number from 0 to 100. */
static void
test_intent_cases(void **state)
{
	size_t	i;
	int	rc, out;

	(void)state;
	for (i = 0; i < sizeof intent_cases / sizeof intent_cases[0]; i++) {
		out = 12345;
		rc = norm_intent(intent_cases[i].in, &out);
		if (rc != intent_cases[i].rc || out != intent_cases[i].out)
			fail_msg("norm_intent(\"%s\"): got %d %d, want %d %d",
			    test_show(intent_cases[i].in), rc, out,
			    intent_cases[i].rc, intent_cases[i].out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_trims_and_collapses_whitespace),
		cmocka_unit_test(test_email_cases),
		cmocka_unit_test(test_email_length_limits),
		cmocka_unit_test(test_emails_cases),
		cmocka_unit_test(test_emails_agrees_with_email),
		cmocka_unit_test(test_emails_item_limit),
		cmocka_unit_test(test_domain_cases),
		cmocka_unit_test(test_domain_length_limits),
		cmocka_unit_test(test_linkedin_cases),
		cmocka_unit_test(test_linkedin_slug_limit),
		cmocka_unit_test(test_linkedin_why),
		cmocka_unit_test(test_intent_cases),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
