/* Reading a header: forgiving spellings map to our columns, everything
 * else is custom data, and a header that is ambiguous is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "intake.h"

static void
test_lookup(void **state)
{
	static const struct {
		const char	*header;
		int		 col;
	} cases[] = {
		{ "First name", COL_FIRST },
		{ "  FIRST_NAME ", COL_FIRST },
		{ "first-name", COL_FIRST },
		{ "First   Name", COL_FIRST },
		{ "\xef\xbb\xbf" "First name", COL_FIRST },
		{ "Last name", COL_LAST },
		{ "Email Address", COL_EMAIL },
		{ "E-mail", COL_EMAIL },
		{ "email", COL_EMAIL },
		{ "Company", COL_ACCOUNT },
		{ "Company Name", COL_ACCOUNT },
		{ "Account Name", COL_ACCOUNT },
		{ "Website", COL_DOMAIN },
		{ "Domain", COL_DOMAIN },
		{ "LinkedIn URL", COL_LINKEDIN },
		{ "Person Linkedin Url", COL_LINKEDIN },
		{ "Contact LinkedIn URL", COL_LINKEDIN },
		{ "Owner Email", COL_OWNER },
		{ "Contact Owner Email", COL_OWNER },
		{ "Phone Intent Score", COL_PHONE_INTENT },
		{ "phone_verification_result", COL_PV_RESULT },
		{ "EG-CON-ID", COL_ID },
		{ "eg con id", COL_ID },
		{ "Tags", COL_TAGS },
		{ "Do Not Touch", COL_DNT },
		{ "First\xc2\xa0name", COL_FIRST },		/* NBSP */
		{ "E\xe2\x80\x8b" "mail", COL_EMAIL },	/* zero-width */
		{ "\xe2\x80\x8b" "Domain", COL_DOMAIN },
		/* Split names: camelCase, snake_case, "Group - Field". */
		{ "linkedInProfileUrl", COL_LINKEDIN },
		{ "firstName", COL_FIRST },
		{ "companyWebsite", COL_DOMAIN },
		{ "person_company_name", COL_ACCOUNT },
		{ "Person - Email - Work", COL_EMAIL },
		{ "Person - Phone - Mobile", COL_PHONE },
		{ "Organization - Name", COL_ACCOUNT },
		{ "Organization - Website", COL_DOMAIN },
		{ "Organization - Address", COL_CUSTOM },
		{ "E-mail 1 - Value", COL_EMAIL },
		{ "E-mail 1 - Type", COL_CUSTOM },
		{ "Phone 1 - Value", COL_PHONE },
		{ "Website 1 - Value", COL_DOMAIN },
		{ "Organization 1 - Name", COL_ACCOUNT },
		{ "E-mail 2 Address", COL_EMAIL },
		{ "Account.Name", COL_ACCOUNT },
		{ "Company Name - Cleaned", COL_ACCOUNT },
		{ "Deal - Title", COL_CUSTOM },
		/* Languages, accents folded. */
		{ "E-Mail-Adresse", COL_EMAIL },
		{ "Prénom", COL_FIRST },
		{ "PRÉNOM", COL_FIRST },
		{ "Téléphone", COL_PHONE },
		{ "Correo electrónico", COL_EMAIL },
		{ "Schlagwörter", COL_TAGS },
		{ "Nom de l'entreprise", COL_ACCOUNT },
		/* Look-alikes that are not ours. */
		{ "Company LinkedIn URL", COL_CUSTOM },
		{ "Account Owner", COL_CUSTOM },
		{ "Email Status", COL_CUSTOM },
		{ "Email 1 Validation", COL_CUSTOM },
		{ "Full Name", COL_CUSTOM },
		{ "Person - Name", COL_CUSTOM },
		{ "Favourite colour", COL_CUSTOM },
		{ "Emails", COL_EMAIL },
		{ "Emailing", COL_CUSTOM },
		{ "", COL_CUSTOM },
	};
	size_t	i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (columns_lookup(cases[i].header, "EG-CON-ID") != cases[i].col)
			fail_msg("[%s] -> %d, want %d", cases[i].header,
			    columns_lookup(cases[i].header, "EG-CON-ID"),
			    cases[i].col);
	/* The id column's header is configurable. */
	assert_int_equal(columns_lookup("Contact ID", "Contact ID"), COL_ID);
	assert_int_equal(columns_lookup("EG-CON-ID", "Contact ID"), COL_CUSTOM);
}

static int
map(const char **h, size_t n, struct colmap *cm, char **cause)
{
	struct csvrec	rec;

	memset(&rec, 0, sizeof rec);
	rec.nfields = n;
	rec.fields = (char **)h;
	return (columns_map(cm, &rec, "EG-CON-ID", cause));
}

/* How a header was understood: its name, an alias, split, a whole name. */
static void
test_meaning(void **state)
{
	int	how;

	assert_int_equal(columns_meaning("Email", "EG-CON-ID", &how),
	    COL_EMAIL);
	assert_int_equal(how, COLUMNS_EXACT);
	assert_int_equal(columns_meaning(" email ", "EG-CON-ID", &how),
	    COL_EMAIL);
	assert_int_equal(how, COLUMNS_EXACT);
	assert_int_equal(columns_meaning("E-mail", "EG-CON-ID", &how),
	    COL_EMAIL);
	assert_int_equal(how, COLUMNS_ALIAS);
	assert_int_equal(columns_meaning("Person - Email - Work", "EG-CON-ID",
	    &how), COL_EMAIL);
	assert_int_equal(how, COLUMNS_SPLIT);
	assert_int_equal(columns_meaning("Full Name", "EG-CON-ID", &how),
	    COL_CUSTOM);
	assert_int_equal(how, COLUMNS_WHOLENAME);
	assert_int_equal(columns_meaning("Shoe size", "EG-CON-ID", &how),
	    COL_CUSTOM);
	assert_int_equal(how, COLUMNS_NOTFOUND);
}

static void
test_map(void **state)
{
	const char	*h[] = { " Company ", "E-mail", "Shoe size", "First" };
	struct colmap	 cm;
	char		*cause = NULL;

	assert_int_equal(map(h, 4, &cm, &cause), 0);
	assert_int_equal(cm.pos[COL_ACCOUNT], 0);
	assert_int_equal(cm.pos[COL_EMAIL], 1);
	assert_int_equal(cm.pos[COL_FIRST], 3);
	assert_int_equal(cm.pos[COL_LAST], -1);
	assert_int_equal(cm.kind[2], COL_CUSTOM);
	assert_string_equal(cm.header[0], "Company");
	assert_string_equal(cm.header[2], "Shoe size");
	columns_clear(&cm);
}

static void
test_refused(void **state)
{
	const char	*dup[] = { "Email", "E-mail" };
	const char	*dupc[] = { "Shoe size", "shoe_size" };
	const char	*blank[] = { "Email", "  " };
	struct colmap	 cm;
	char		*cause = NULL;

	assert_int_equal(map(dup, 2, &cm, &cause), -1);
	assert_string_equal(cause,
	    "columns \"Email\" and \"E-mail\" both mean Email");
	free(cause);
	assert_int_equal(map(dupc, 2, &cm, &cause), -1);
	assert_string_equal(cause,
	    "columns \"Shoe size\" and \"shoe_size\" have the same name");
	free(cause);
	assert_int_equal(map(blank, 2, &cm, &cause), -1);
	assert_string_equal(cause, "column 2 of the header has no name");
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_meaning),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_refused),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
