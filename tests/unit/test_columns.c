/* Reading a header: forgiving spellings map to our columns, everything
 * else is custom data, and a header that is ambiguous is refused. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "lib.h"

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

/* A header cell as written, trimmed: spaces, a BOM, no-break spaces and
 * zero-width characters around it go; what is inside stays. */
static void
test_trim(void **state)
{
	static const struct {
		const char	*in, *want;
	} cases[] = {
		{ " Company ", "Company" },
		{ "\xef\xbb\xbf" "First name", "First name" },
		{ "\xc2\xa0" "Email\t", "Email" },
		{ "\xe2\x80\x8b\xe2\x80\x8d" "Shoe size", "Shoe size" },
		{ "Shoe  size", "Shoe  size" },
		{ "  ", "" },
	};
	size_t	i;
	char	*t;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t = columns_trim(cases[i].in);
		assert_string_equal(t, cases[i].want);
		free(t);
	}
}

/* The export's header is the table's names in the table's order (an
 * export read back by Update with CSV depends on it). */
static void
test_table_order(void **state)
{
	static const char *want[COL__MAX] = {
		"Contact ID", "First name", "Last name", "Email", "Phone",
		"Account Name", "Domain", "Contact LinkedIn URL",
		"Contact Owner Email", "Phone Verification Result",
		"Phone Verification Provider", "Phone Type",
		"Phone Intent Score", "Tags", "Do Not Touch", "Created At",
		"Updated At",
	};
	int	col;

	for (col = 0; col < COL__MAX; col++) {
		assert_string_equal(columns_name(col, "Contact ID"), want[col]);
		/* and a column's own name finds it */
		assert_int_equal(columns_lookup(want[col], "Contact ID"), col);
	}
	assert_null(columns_get(COL__MAX));
	assert_null(columns_get(COL_CUSTOM));
}

/*
 * The rows of the table agree with what the writes and the snapshot make
 * of them (watchd/contact.c, watchd/snap.c): a column that is written has
 * a contacts column; a cell read as written is text; a flag is only ever
 * set; the snapshot compares (VAL) only what an update writes.
 */
static void
test_table_rows(void **state)
{
	const struct column	*c;
	int			 col, nwritten = 0;

	for (col = 0; col < COL__MAX; col++) {
		c = columns_get(col);
		assert_non_null(c);
		assert_true(col == COL_ID || c->header != NULL);
		if (c->write != COLUMNS_WRITE_NONE) {
			nwritten++;
			if (c->sql[0] == '\0')
				fail_msg("%s: written, but no SQL column",
				    c->header);
		}
		if (c->read == COLUMNS_READ_CELL &&
		    c->type != COLUMNS_TYPE_TEXT)
			fail_msg("%s: a cell as written is text", c->header);
		if ((c->write == COLUMNS_WRITE_FLAG) !=
		    (c->type == COLUMNS_TYPE_FLAG))
			fail_msg("%s: a flag is only ever set", c->header);
		if (c->write == COLUMNS_WRITE_PHONE &&
		    strcmp(c->sql, "phone") != 0)
			fail_msg("%s: the phone rule compares contacts.phone",
			    c->header);
		if (c->cmp == COLUMNS_CMP_VAL &&
		    (c->write == COLUMNS_WRITE_NONE ||
		    c->write == COLUMNS_WRITE_NEW))
			fail_msg("%s: compared, but not updated", c->header);
		if (c->cmp == COLUMNS_CMP_NONE &&
		    c->write != COLUMNS_WRITE_NONE &&
		    c->write != COLUMNS_WRITE_NEW)
			fail_msg("%s: updated, but the snapshot does not "
			    "tell whether it changes", c->header);
	}
	/* public_id ... dnt: the contacts INSERT's columns */
	assert_int_equal(nwritten, 13);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_meaning),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_table_order),
		cmocka_unit_test(test_table_rows),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
