/* Suggesting what columns mean: every tool's real header line maps as a
 * user would expect, values say what a header does not, two columns of
 * one meaning or no header never fail, and the header is found below a
 * preamble. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spool.h"

#define ID	"EG-CON-ID"

/* Split s at '|' into a new array; *n cells. */
static char **
split(const char *s, size_t *n)
{
	char		**v = NULL;
	const char	 *e;

	*n = 0;
	for (;;) {
		e = strchr(s, '|');
		v = realloc(v, (*n + 1) * sizeof *v);
		v[(*n)++] = e == NULL ? strdup(s) : strndup(s, e - s);
		if (e == NULL)
			return (v);
		s = e + 1;
	}
}

static void
freev(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* A sample from a header line and rows, cells apart by '|'. */
static void
sample(struct sample *sm, const char *header, const char **rows)
{
	size_t	r, n, c;
	char	**v;

	memset(sm, 0, sizeof *sm);
	sm->header = split(header, &sm->ncols);
	for (r = 0; rows != NULL && rows[r] != NULL; r++)
		;
	sm->nrows = r;
	sm->cells = calloc(r + 1, sizeof *sm->cells);
	for (r = 0; r < sm->nrows; r++) {
		v = split(rows[r], &n);
		sm->cells[r] = calloc(sm->ncols, sizeof **sm->cells);
		for (c = 0; c < sm->ncols; c++)
			sm->cells[r][c] = strdup(c < n ? v[c] : "");
		freev(v, n);
	}
}

static void
sample_free(struct sample *sm)
{
	size_t	r;

	for (r = 0; r < sm->nrows; r++)
		freev(sm->cells[r], sm->ncols);
	free(sm->cells);
	freev(sm->header, sm->ncols);
}

static const char *
target(const struct suggestion *s)
{
	if (s->col == COL_CUSTOM)
		return ("custom");
	if (s->col == COL_IGNORE)
		return ("ignore");
	return (columns_name(s->col, ID));
}

/* Suggest, and compare the targets with want ('|' apart); 0 if equal. */
static int
check(const char *name, const char *header, const char **rows,
    const char *want, struct suggestion **outp)
{
	struct sample		 sm;
	struct suggestion	*out;
	char			 got[4096] = "";
	size_t			 i;
	int			 rc;

	sample(&sm, header, rows);
	out = calloc(sm.ncols, sizeof *out);
	suggest_columns(&sm, ID, out);
	for (i = 0; i < sm.ncols; i++) {
		if (i > 0)
			strcat(got, "|");
		strcat(got, target(&out[i]));
		assert_non_null(out[i].why);
		if (out[i].col == COL_CUSTOM)
			assert_non_null(out[i].key);
	}
	rc = strcmp(got, want);
	if (rc != 0) {
		print_message("%s:\n  got  %s\n  want %s\n", name, got, want);
		for (i = 0; i < sm.ncols; i++)
			print_message("    %zu %s: %s (%s)\n", i + 1, sm.header[i],
			    target(&out[i]), out[i].why);
	}
	if (outp != NULL)
		*outp = out;
	else {
		suggest_clear(out, sm.ncols);
		free(out);
	}
	sample_free(&sm);
	return (rc);
}

/* Each tool's export header, as the tool writes it (docs/headers.md). */
static void
test_tools(void **state)
{
	static const struct {
		const char	*tool, *header, *want;
	} cases[] = {
		{ "LinkedIn Connections",
		  "First Name|Last Name|URL|Email Address|Company|Position|"
		  "Connected On",
		  "First name|Last name|Contact LinkedIn URL|Email|"
		  "Account Name|custom|custom" },
		{ "LinkedIn Connections (de)",
		  "Vorname|Nachname|URL|E-Mail-Adresse|Unternehmen|Position|"
		  "Verbunden am",
		  "First name|Last name|Contact LinkedIn URL|Email|"
		  "Account Name|custom|custom" },
		{ "LinkedIn Connections (fr)",
		  "Prénom|Nom|URL|Adresse e-mail|Entreprise|Poste|"
		  "Date de connexion",
		  "First name|Last name|Contact LinkedIn URL|Email|"
		  "Account Name|custom|custom" },
		{ "Sales Navigator scraper",
		  "firstName|lastName|fullName|companyName|title|"
		  "linkedInProfileUrl|companyWebsite|location",
		  "First name|Last name|custom|Account Name|custom|"
		  "Contact LinkedIn URL|Domain|custom" },
		{ "HubSpot contacts",
		  "Record ID|First Name|Last Name|Email|Phone Number|"
		  "Company Name|Website URL|Contact owner|Lifecycle Stage|"
		  "Create Date",
		  "custom|First name|Last name|Email|Phone|Account Name|"
		  "Domain|Contact Owner Email|custom|custom" },
		{ "Salesforce contacts report",
		  "Contact Owner|First Name|Last Name|Title|Account Name|"
		  "Mailing City|Mailing Country|Phone|Mobile|Email",
		  "Contact Owner Email|First name|Last name|custom|"
		  "Account Name|custom|custom|Phone|custom|Email" },
		{ "Salesforce leads",
		  "Lead Owner|First Name|Last Name|Company / Account|Email|"
		  "Phone|Website|Lead Status",
		  "Contact Owner Email|First name|Last name|Account Name|"
		  "Email|Phone|Domain|custom" },
		{ "Salesforce Data Loader",
		  "FirstName|LastName|Email|MobilePhone|Account.Name|OwnerId",
		  "First name|Last name|Email|Phone|Account Name|custom" },
		{ "Google Contacts",
		  "First Name|Middle Name|Last Name|Organization Name|"
		  "Organization Title|Labels|E-mail 1 - Label|"
		  "E-mail 1 - Value|Phone 1 - Label|Phone 1 - Value|"
		  "Website 1 - Label|Website 1 - Value",
		  "First name|custom|Last name|Account Name|custom|custom|"
		  "custom|Email|Phone Type|Phone|custom|Domain" },
		{ "Google Contacts (older)",
		  "Name|Given Name|Additional Name|Family Name|"
		  "Group Membership|E-mail 1 - Type|E-mail 1 - Value|"
		  "Phone 1 - Type|Phone 1 - Value|Organization 1 - Type|"
		  "Organization 1 - Name|Organization 1 - Title|"
		  "Website 1 - Type|Website 1 - Value",
		  "custom|First name|custom|Last name|custom|custom|Email|"
		  "Phone Type|Phone|custom|Account Name|custom|custom|"
		  "Domain" },
		{ "Outlook CSV",
		  "First Name|Middle Name|Last Name|Title|E-mail Address|"
		  "E-mail Display Name|Business Phone|Mobile Phone|"
		  "Job Title|Company|Web Page|Notes",
		  "First name|custom|Last name|custom|Email|custom|Phone|"
		  "custom|custom|Account Name|Domain|custom" },
		{ "Mailchimp audience",
		  "Email Address|First Name|Last Name|Address|Phone Number|"
		  "MEMBER_RATING|OPTIN_TIME|LEID|EUID|NOTES|TAGS",
		  "Email|First name|Last name|custom|Phone|custom|custom|"
		  "custom|custom|custom|Tags" },
		{ "Pipedrive people",
		  "Person - Name|Person - First name|Person - Last name|"
		  "Person - Organization|Person - Email - Work|"
		  "Person - Phone - Work|Person - Owner|Person - Labels|"
		  "Organization - Address",
		  "custom|First name|Last name|Account Name|Email|Phone|"
		  "Contact Owner Email|custom|custom" },
		{ "Pipedrive (organization name)",
		  "Person - First name|Person - Last name|"
		  "Person - Email - Work|Organization - Name|"
		  "Organization - Website",
		  "First name|Last name|Email|Account Name|Domain" },
		{ "Zoho CRM contacts",
		  "Record Id|Contact Owner|First Name|Last Name|Account Name|"
		  "Email|Phone|Mobile|Title|Mailing Street|Created Time",
		  "custom|Contact Owner Email|First name|Last name|"
		  "Account Name|Email|Phone|custom|custom|custom|custom" },
		{ "Apollo",
		  "First Name|Last Name|Title|Company|Company Name for Emails|"
		  "Email|Email Status|Contact Owner|Work Direct Phone|"
		  "Corporate Phone|Account Owner|# Employees|"
		  "Person Linkedin Url|Website|Company Linkedin Url|"
		  "Apollo Contact Id",
		  "First name|Last name|custom|Account Name|custom|Email|"
		  "custom|Contact Owner Email|Phone|custom|custom|custom|"
		  "Contact LinkedIn URL|Domain|custom|custom" },
		{ "ZoomInfo",
		  "ZoomInfo Contact ID|Last Name|First Name|Job Title|"
		  "Direct Phone Number|Email Address|Email Domain|"
		  "LinkedIn Contact Profile URL|Company Name|Website",
		  "custom|Last name|First name|custom|Phone|Email|custom|"
		  "Contact LinkedIn URL|Account Name|Domain" },
		{ "Lusha",
		  "First Name|Last Name|Job Title|Company Name|"
		  "Company Domain|Email 1|Phone 1|LinkedIn URL",
		  "First name|Last name|custom|Account Name|Domain|Email|"
		  "Phone|Contact LinkedIn URL" },
		{ "Cognism",
		  "First Name|Last Name|Job Title|Email|Office Phone|"
		  "Company Name|Website|LinkedIn URL|Country",
		  "First name|Last name|custom|Email|Phone|Account Name|"
		  "Domain|Contact LinkedIn URL|custom" },
		{ "Seamless.AI",
		  "First Name|Last Name|Title|Company Name - Cleaned|Website|"
		  "Email 1|Contact Phone 1|Contact LI Profile URL|"
		  "Company LI Profile Url",
		  "First name|Last name|custom|Account Name|Domain|Email|"
		  "Phone|Contact LinkedIn URL|custom" },
		{ "Clay",
		  "First Name|Last Name|Full Name|Job Title|Company Name|"
		  "Company Domain|LinkedIn Profile|Work Email",
		  "First name|Last name|custom|custom|Account Name|Domain|"
		  "Contact LinkedIn URL|Email" },
		{ "Close leads",
		  "lead_name|status_label|primary_contact_first_name|"
		  "primary_contact_last_name|primary_contact_primary_email|"
		  "primary_contact_primary_phone",
		  "Account Name|custom|First name|Last name|Email|Phone" },
		{ "Attio people",
		  "Record ID|First name|Last name|Email addresses|"
		  "Phone numbers|Company|Job title|LinkedIn",
		  "custom|First name|Last name|Email|Phone|Account Name|"
		  "custom|Contact LinkedIn URL" },
		{ "Copper people",
		  "First Name|Last Name|Title|Company|Work Email|Work Phone|"
		  "Owned By|Tags|Website",
		  "First name|Last name|custom|Account Name|Email|Phone|"
		  "Contact Owner Email|Tags|Domain" },
		{ "Freshsales contacts",
		  "First name|Last name|Emails|Work number|Job title|"
		  "Account name|Sales owner|Tags",
		  "First name|Last name|Email|Phone|custom|Account Name|"
		  "Contact Owner Email|Tags" },
		{ "Outreach prospects",
		  "firstName|lastName|emails|workPhones|company|owner|tags|"
		  "linkedInUrl|websiteUrl",
		  "First name|Last name|Email|Phone|Account Name|"
		  "Contact Owner Email|Tags|Contact LinkedIn URL|Domain" },
		{ "Salesloft people",
		  "first_name|last_name|email_address|phone|title|"
		  "person_company_name|person_company_website|linkedin_url|"
		  "do_not_contact|tags",
		  "First name|Last name|Email|Phone|custom|Account Name|"
		  "Domain|Contact LinkedIn URL|Do Not Touch|Tags" },
		{ "intake export",
		  "EG-CON-ID|First name|Last name|Email|Phone|Account Name|"
		  "Domain|Contact LinkedIn URL|Contact Owner Email|"
		  "Phone Verification Result|Phone Verification Provider|"
		  "Phone Type|Phone Intent Score|Tags|Do Not Touch|"
		  "Created At|Updated At",
		  "EG-CON-ID|First name|Last name|Email|Phone|Account Name|"
		  "Domain|Contact LinkedIn URL|Contact Owner Email|"
		  "Phone Verification Result|Phone Verification Provider|"
		  "Phone Type|Phone Intent Score|Tags|Do Not Touch|ignore|"
		  "ignore" },
		{ "intake rejected rows",
		  "Row|Reason|First name|Last name|Email",
		  "ignore|ignore|First name|Last name|Email" },
		{ "Spanish",
		  "Nombre|Apellidos|Correo electrónico|Teléfono|Empresa|"
		  "Sitio web|Propietario|Etiquetas",
		  "First name|Last name|Email|Phone|Account Name|Domain|"
		  "Contact Owner Email|Tags" },
		{ "Portuguese",
		  "Primeiro nome|Sobrenome|Endereço de e-mail|Telefone|"
		  "Nome da empresa|Site|Proprietário do contato",
		  "First name|Last name|Email|Phone|Account Name|Domain|"
		  "Contact Owner Email" },
		{ "Dutch",
		  "Voornaam|Achternaam|E-mailadres|Telefoonnummer|Bedrijf|"
		  "Website|Eigenaar|Niet benaderen",
		  "First name|Last name|Email|Phone|Account Name|Domain|"
		  "Contact Owner Email|Do Not Touch" },
		{ "Italian",
		  "Nome|Cognome|Indirizzo email|Cellulare|Azienda|Sito web|"
		  "Profilo LinkedIn",
		  "First name|Last name|Email|Phone|Account Name|Domain|"
		  "Contact LinkedIn URL" },
		{ "German CRM",
		  "Vorname|Nachname|E-Mail|Telefon|Firma|Webseite|"
		  "LinkedIn-Profil|Kontaktinhaber|Schlagwörter",
		  "First name|Last name|Email|Phone|Account Name|Domain|"
		  "Contact LinkedIn URL|Contact Owner Email|Tags" },
		{ "French, upper case, accents left out",
		  "PRÉNOM|NOM|TELEPHONE|SOCIETE|ETIQUETTES",
		  "First name|Last name|Phone|Account Name|Tags" },
		{ "French CRM",
		  "Prénom|Nom de famille|Courriel|Téléphone|Société|"
		  "Site web|Propriétaire du contact|Ne pas contacter",
		  "First name|Last name|Email|Phone|Account Name|Domain|"
		  "Contact Owner Email|Do Not Touch" },
	};
	size_t	i, bad = 0;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (check(cases[i].tool, cases[i].header, NULL, cases[i].want,
		    NULL) != 0)
			bad++;
	print_message("tools: %zu of %zu header lines differ\n", bad, i);
	assert_int_equal(bad, 0);
}

/* A why, from a suggestion of header and rows. */
static void
why_is(const char *header, const char **rows, size_t col, const char *want,
    const char *wantkey)
{
	struct sample		 sm;
	struct suggestion	*out;

	sample(&sm, header, rows);
	out = calloc(sm.ncols, sizeof *out);
	suggest_columns(&sm, ID, out);
	if (strcmp(out[col].why, want) != 0)
		fail_msg("column %zu of [%s]: why \"%s\", want \"%s\"", col + 1,
		    header, out[col].why, want);
	if (wantkey != NULL) {
		assert_non_null(out[col].key);
		assert_string_equal(out[col].key, wantkey);
	}
	suggest_clear(out, sm.ncols);
	free(out);
	sample_free(&sm);
}

/* Values say what a column is, whatever its header says. */
static void
test_values(void **state)
{
	const char *people[] = {
	    "Ada|https://www.linkedin.com/in/ada-park/|ada@example.com|"
	    "+44 20 7946 0958|https://acme.example/about|Acme",
	    "José|linkedin.com/in/jose-ruiz|jose@example.org|"
	    "(415) 555-0123|www.globex.example|Globex",
	    "Li|https://de.linkedin.com/in/li-wei|li@example.net|"
	    "030 1234567|initech.example|Initech",
	    NULL };
	const char *sites[] = {
	    "Acme|https://acme.example", "Globex|globex.example/", NULL };
	const char *pages[] = {
	    "Acme|https://www.linkedin.com/company/acme",
	    "Globex|https://www.linkedin.com/company/globex", NULL };
	const char *ids[] = {
	    "Ada|1234567890|2024-01-31|1 234 567",
	    "Bo|2345678901|2024-02-01|2 345 678",
	    "Cy|3456789012|2024-02-02|3 456 789", NULL };
	const char *mixed[] = {
	    "Ada|ada@example.com", "Bo|bo@example.com", "Cy|not given",
	    "Di|di@example.com", "Ed|ed@example.com", NULL };
	const char *few[] = {
	    "Ada|ada@example.com", "Bo|", "Cy|", NULL };
	const char *phones[] = {
	    "+1 415 555 0100|Ada", "+1 415 555 0101|Bo", NULL };
	const char *owners[] = {
	    "ada@example.com|Ada", "bo@example.com|Bo", NULL };
	/* Emails as people paste them (norm_emails) */
	const char *pasted[] = {
	    "Ada|Ada Lovelace <ada@example.com>",
	    "Bo|mailto:bo@example.com", "Cy|cy@example.com; c@example.org",
	    NULL };
	size_t	bad = 0;

	bad += check("pasted emails", "Name|Reach", pasted, "custom|Email",
	    NULL) != 0;
	/* Headers that say nothing; the values say it all. */
	bad += check("values", "Who|Profile link|Contact|Reach|Homepage link|"
	    "Note", people, "custom|Contact LinkedIn URL|Email|Phone|Domain|"
	    "custom", NULL) != 0;
	why_is("Who|Profile link|Contact|Reach|Homepage link|Note", people, 1,
	    "values look like LinkedIn profile URLs", NULL);
	why_is("Who|Profile link|Contact|Reach|Homepage link|Note", people, 2,
	    "values look like emails", NULL);
	why_is("Who|Profile link|Contact|Reach|Homepage link|Note", people, 3,
	    "values look like phone numbers", NULL);
	why_is("Who|Profile link|Contact|Reach|Homepage link|Note", people, 4,
	    "values look like domains or site URLs", NULL);
	/* Close's "url" is the lead's site: the values say so. */
	bad += check("url of sites", "lead_name|url", sites,
	    "Account Name|Domain", NULL) != 0;
	/* ZoomInfo's company "LinkedIn URL": pages, not profiles. */
	bad += check("company pages", "Company|LinkedIn URL", pages,
	    "Account Name|custom", NULL) != 0;
	why_is("Company|LinkedIn URL", pages, 1,
	    "values are LinkedIn pages, not profiles", NULL);
	/* Values beat a header they do not fit... */
	bad += check("values win", "Email|Name", phones, "Phone|custom",
	    NULL) != 0;
	why_is("Email|Name", phones, 0, "values look like phone numbers", NULL);
	/* ...IDs, dates and amounts are no phone numbers... */
	bad += check("not phones", "Name|Record|Date|Revenue", ids,
	    "custom|custom|custom|custom", NULL) != 0;
	/* ...80% is enough, one filled sample is not... */
	bad += check("80%", "Name|Reach me", mixed, "custom|Email",
	    NULL) != 0;
	bad += check("one sample", "Name|Reach me", few, "custom|custom",
	    NULL) != 0;
	/* ...and an owner's emails are still an owner's. */
	bad += check("owner", "Contact Owner|Name", owners,
	    "Contact Owner Email|custom", NULL) != 0;
	assert_int_equal(bad, 0);
}

/* Two columns of one meaning: the better filled maps, the other is kept. */
static void
test_duplicates(void **state)
{
	const char *sf[] = {
	    "Ada|+1 415 555 0100|+1 415 555 0101",
	    "Bo||+1 415 555 0102",
	    "Cy||+1 415 555 0103", NULL };
	const char *outlook[] = {
	    "Acme||Ada", "Globex||Bo", NULL };
	const char *same[] = { "a@example.com|b@example.com", NULL };
	const char *byvalue[] = {
	    "a@example.com|c@example.com", "b@example.com|d@example.com",
	    "|e@example.com", NULL };
	/* Freshsales: "Mobile" names Phone and is nearly empty, "Work"
	 * holds the phones */
	const char *fresh[] = {
	    "+27 11 555 0114|", "+55 11 5555 0115|", "+353 1 555 0116|",
	    "+49 89 555 0117|+49 170 5550117", NULL };
	size_t	bad = 0;

	/* Salesforce: Phone and Mobile; Mobile is better filled. */
	bad += check("phone+mobile", "First Name|Phone|Mobile", sf,
	    "First name|custom|Phone", NULL) != 0;
	why_is("First Name|Phone|Mobile", sf, 1,
	    "Phone is column 3's (better filled)", "Phone");
	/* Outlook: Company, and an empty Account. */
	bad += check("company+account", "Company|Account|First Name",
	    outlook, "Account Name|custom|First name", NULL) != 0;
	why_is("Company|Account|First Name", outlook, 1,
	    "Account Name is column 1's (better filled)", "Account");
	/* Equally filled: the field's own name, else the earlier. */
	bad += check("exact name", "E-mail|Email", same, "custom|Email",
	    NULL) != 0;
	why_is("E-mail|Email", same, 0,
	    "Email is column 2's (its header is the field's name)", "E-mail");
	bad += check("earlier", "Work Email|E-mail", same, "Email|custom",
	    NULL) != 0;
	why_is("Work Email|E-mail", same, 1,
	    "Email is column 1's (as filled, and earlier)", NULL);
	/* A header's claim beats a guess from values... */
	bad += check("header over values", "Email|Backup", byvalue,
	    "Email|custom", NULL) != 0;
	why_is("Email|Backup", byvalue, 1,
	    "values look like Email's, but it is column 1's", "Backup");
	/* ...unless it is filled in fewer than half as many rows. */
	bad += check("values over a nearly empty header", "Work|Mobile", fresh,
	    "Phone|custom", NULL) != 0;
	/* Three of one: never a failure. */
	bad += check("three", "Phone|Mobile|Telephone", NULL,
	    "Phone|custom|custom", NULL) != 0;
	assert_int_equal(bad, 0);
}

/* Empty header cells and repeated custom names. */
static void
test_headers(void **state)
{
	const char *pandas[] = {
	    "0|Ada|ada@example.com", "1|Bo|bo@example.com",
	    "2|Cy|cy@example.com", NULL };
	const char *excel[] = { "Ada|ada@example.com||", NULL };
	const char *notes[] = { "a|b|c", NULL };
	size_t	bad = 0;

	/* pandas to_csv() with its index: an empty first header. */
	bad += check("pandas", "|First Name|Email", pandas,
	    "ignore|First name|Email", NULL) != 0;
	/* Excel's trailing empty columns. */
	bad += check("excel", "First Name|Email||", excel,
	    "First name|Email|custom|custom", NULL) != 0;
	why_is("First Name|Email||", excel, 2, "no header", "Column 3");
	why_is("First Name|Email||", excel, 3, "no header", "Column 4");
	/* An empty header whose values are not an index is custom data. */
	why_is("|Email", notes, 0, "no header", "Column 1");
	/* Two custom columns of one name get keys of their own. */
	bad += check("repeated", "Notes|Email|notes|NOTES", notes,
	    "custom|Email|custom|custom", NULL) != 0;
	why_is("Notes|Email|notes|NOTES", notes, 0, "not a field's name",
	    "Notes");
	why_is("Notes|Email|notes|NOTES", notes, 2,
	    "the same header as column 1: its key is numbered", "notes (2)");
	why_is("Notes|Email|notes|NOTES", notes, 3,
	    "the same header as column 1: its key is numbered", "NOTES (3)");
	/* A whole name is said to be one. */
	why_is("Full Name|Email", NULL, 0, "a whole name: First name and "
	    "Last name are fields of their own", "Full Name");
	/* Another tool's Created At is its data, not ours to drop. */
	bad += check("created", "Email|Created At", NULL, "Email|custom",
	    NULL) != 0;
	why_is("EG-CON-ID|Email|Created At", NULL, 2, "set by intake", NULL);
	why_is("Row|Reason|Email", NULL, 0, "intake's rejected-rows column",
	    NULL);
	/* Row and Reason mean nothing special elsewhere. */
	bad += check("row elsewhere", "Email|Row|Reason", NULL,
	    "Email|custom|custom", NULL) != 0;
	assert_int_equal(bad, 0);
}

/* A head from lines, cells apart by '|', records by '\n'. */
static size_t
header_of(const char *text)
{
	struct head	 h;
	char		*copy, *line, *save = NULL;
	size_t		 r, got;

	memset(&h, 0, sizeof h);
	copy = strdup(text);
	h.fields = calloc(SUGGEST_HEAD_RECS, sizeof *h.fields);
	h.nfields = calloc(SUGGEST_HEAD_RECS, sizeof *h.nfields);
	/* strsep keeps empty lines: a blank record of one empty cell. */
	save = copy;
	while ((line = strsep(&save, "\n")) != NULL &&
	    h.nrecs < SUGGEST_HEAD_RECS) {
		if (save == NULL && *line == '\0')
			break;
		h.fields[h.nrecs] = split(line, &h.nfields[h.nrecs]);
		h.nrecs++;
	}
	got = suggest_header(&h, ID);
	for (r = 0; r < h.nrecs; r++)
		freev(h.fields[r], h.nfields[r]);
	free(h.fields);
	free(h.nfields);
	free(copy);
	return (got);
}

/* The header below a preamble; a file that starts with it gives 0. */
static void
test_preamble(void **state)
{
	static const struct {
		const char	*name, *text;
		size_t		 want;
	} cases[] = {
		{ "LinkedIn Connections",
		  "Notes:\n"
		  "When exporting your connection data, you may notice that "
		  "some of the email addresses are missing. You will only see "
		  "email addresses for connections who have allowed their "
		  "connections to see or download their email address using "
		  "this setting https://www.linkedin.com/psettings/privacy/"
		  "email. You can learn more here https://www.linkedin.com/"
		  "help/linkedin/answer/261\n"
		  "\n"
		  "First Name|Last Name|URL|Email Address|Company|Position|"
		  "Connected On\n"
		  "Ada|Park|https://www.linkedin.com/in/ada-park||Acme|CTO|"
		  "03 Jan 2023\n"
		  "José|Ruiz|https://www.linkedin.com/in/jose-ruiz|"
		  "jose@example.com|Globex|Engineer|12 Mar 2024\n", 3 },
		{ "key-value lines",
		  "Report|Contacts\nExported|2024-05-01\n\n"
		  "First Name|Last Name|Email|Phone\n"
		  "Ada|Park|ada@example.com|+1 415 555 0100\n"
		  "Bo|Li|bo@example.com|+1 415 555 0101\n", 3 },
		{ "title line, custom header",
		  "Attendees of the spring fair\n"
		  "Badge|Visitor|Stand\n1|Ada|A4\n2|Bo|B2\n", 1 },
		{ "header first", "First Name|Email\nAda|ada@example.com\n",
		  0 },
		{ "header first, all custom",
		  "Badge|Visitor|Role\n1|Ada|Owner\n2|Bo|Company\n"
		  "3|Cy|Email\n", 0 },
		{ "header first, with data like headers",
		  "Attendee|Interest\nAda|Phone\nBo|Email\nCy|Website\n", 0 },
		{ "header first, rows one cell wider",
		  "First Name|Last Name\nAda|Park|\nBo|Li|\n", 0 },
		{ "header first, short data",
		  "Email||\nada@example.com|x|\n", 0 },
		{ "header only", "First Name|Last Name|Email\n", 0 },
		{ "one column", "Email\nada@example.com\n", 0 },
		{ "pandas", "|First Name|Email\n0|Ada|ada@example.com\n", 0 },
		{ "rejected rows",
		  "Row|Reason|First name|Email\n4|bad email|Ada|x\n", 0 },
		{ "empty", "", 0 },
	};
	size_t	i, bad = 0, got;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if ((got = header_of(cases[i].text)) != cases[i].want) {
			print_message("%s: header %zu, want %zu\n",
			    cases[i].name, got, cases[i].want);
			bad++;
		}
	assert_int_equal(bad, 0);
}

/* A why naming a column outlives suggest_clear, and is made once. */
static void
test_why_lasts(void **state)
{
	const char		*h = "Phone|Mobile";
	struct sample		 sm;
	struct suggestion	 out[2], again[2];

	sample(&sm, h, NULL);
	suggest_columns(&sm, ID, out);
	suggest_clear(out, 2);
	suggest_columns(&sm, ID, again);
	assert_ptr_equal(out[1].why, again[1].why);
	assert_string_equal(out[1].why, "Phone is column 1's (its header is "
	    "the field's name)");
	suggest_clear(again, 2);
	sample_free(&sm);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tools),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_preamble),
		cmocka_unit_test(test_why_lasts),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
