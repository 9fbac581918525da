/*
 * Understanding a file's header: which column is which. Forgiving and
 * explainable: case, surrounding and repeated whitespace, a BOM, and '_'
 * or '-' for a space are ignored, then the name is looked up in one alias
 * table (docs/import-rules.md lists it). Anything not found is custom data.
 * Pure.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

/* The column table (lib.h) as C data, by enum col. */
#define COLUMNS_ROW(name, header, sql, read, write, type, cmp, out)	\
	[COL_##name] = { header, sql, COLUMNS_READ_##read,		\
	    COLUMNS_WRITE_##write, COLUMNS_TYPE_##type, COLUMNS_CMP_##cmp },
static const struct column columns_table[COL__MAX] = {
	COLUMNS_TABLE(COLUMNS_ROW)
};

/*
 * Header spellings → column, as people's tools write them. Compared after
 * columns_fold() and without spaces, so "E-Mail-Adresse", "e_mail adresse"
 * and "emailAdresse" are one entry; canonical names need no entry. The
 * sources of the tool-specific names are in docs/headers.md.
 * COLUMNS_WHOLE marks a header that holds the whole name (not a field).
 * Matching is exact (no prefixes, no contains), so look-alikes such as
 * "Company LinkedIn URL", "Account Owner" or "Email Status" stay custom.
 */
#define COLUMNS_WHOLE	(-3)
static const struct {
	const char	*alias;
	int		 col;
} columns_aliases[] = {
	/* First name */
	{ "first", COL_FIRST }, { "given name", COL_FIRST },
	{ "forename", COL_FIRST }, { "fname", COL_FIRST },
	{ "contact first name", COL_FIRST }, { "person first name", COL_FIRST },
	{ "lead first name", COL_FIRST }, { "executive first name", COL_FIRST },
	{ "primary contact first name", COL_FIRST },
	{ "vorname", COL_FIRST }, { "prénom", COL_FIRST },
	{ "nombre", COL_FIRST }, { "nombre de pila", COL_FIRST },
	{ "primeiro nome", COL_FIRST }, { "nome", COL_FIRST },
	{ "prenome", COL_FIRST }, { "voornaam", COL_FIRST },
	{ "nome di battesimo", COL_FIRST },
	/* Last name */
	{ "last", COL_LAST }, { "surname", COL_LAST }, { "family name", COL_LAST },
	{ "lname", COL_LAST }, { "contact last name", COL_LAST },
	{ "person last name", COL_LAST }, { "lead last name", COL_LAST },
	{ "executive last name", COL_LAST },
	{ "primary contact last name", COL_LAST },
	{ "nachname", COL_LAST }, { "familienname", COL_LAST },
	{ "nom", COL_LAST }, { "nom de famille", COL_LAST },
	{ "apellido", COL_LAST }, { "apellidos", COL_LAST },
	{ "sobrenome", COL_LAST }, { "apelido", COL_LAST },
	{ "último nome", COL_LAST }, { "achternaam", COL_LAST },
	{ "cognome", COL_LAST },
	/* Whole names: not First name, kept as custom data */
	{ "name", COLUMNS_WHOLE }, { "full name", COLUMNS_WHOLE },
	{ "contact name", COLUMNS_WHOLE }, { "person name", COLUMNS_WHOLE },
	{ "contact full name", COLUMNS_WHOLE }, { "display name", COLUMNS_WHOLE },
	{ "prospect name", COLUMNS_WHOLE },
	{ "vollständiger name", COLUMNS_WHOLE }, { "nom complet", COLUMNS_WHOLE },
	{ "nombre completo", COLUMNS_WHOLE }, { "nome completo", COLUMNS_WHOLE },
	{ "volledige naam", COLUMNS_WHOLE }, { "naam", COLUMNS_WHOLE },
	/* Email */
	{ "e mail", COL_EMAIL }, { "mail", COL_EMAIL },
	{ "email address", COL_EMAIL }, { "e mail address", COL_EMAIL },
	{ "emails", COL_EMAIL }, { "email addresses", COL_EMAIL },
	{ "work email", COL_EMAIL }, { "business email", COL_EMAIL },
	{ "primary email", COL_EMAIL }, { "contact email", COL_EMAIL },
	{ "person email", COL_EMAIL }, { "lead email", COL_EMAIL },
	{ "direct email", COL_EMAIL }, { "email work", COL_EMAIL },
	{ "primary contact email", COL_EMAIL },
	{ "primary contact primary email", COL_EMAIL },
	{ "email primary", COL_EMAIL },
	{ "e mail adresse", COL_EMAIL }, { "mailadresse", COL_EMAIL },
	{ "adresse e mail", COL_EMAIL }, { "adresse mail", COL_EMAIL },
	{ "adresse électronique", COL_EMAIL }, { "courriel", COL_EMAIL },
	{ "correo", COL_EMAIL }, { "correo electrónico", COL_EMAIL },
	{ "dirección de correo", COL_EMAIL },
	{ "dirección de correo electrónico", COL_EMAIL },
	{ "endereço de e mail", COL_EMAIL }, { "endereço de email", COL_EMAIL },
	{ "correio eletrónico", COL_EMAIL }, { "correio eletrônico", COL_EMAIL },
	{ "e mailadres", COL_EMAIL }, { "indirizzo email", COL_EMAIL },
	{ "indirizzo e mail", COL_EMAIL }, { "posta elettronica", COL_EMAIL },
	/* Phone */
	{ "phone number", COL_PHONE }, { "phone numbers", COL_PHONE },
	{ "telephone", COL_PHONE }, { "telephone number", COL_PHONE },
	{ "tel", COL_PHONE }, { "mobile", COL_PHONE },
	{ "mobile phone", COL_PHONE }, { "mobile number", COL_PHONE },
	{ "mobile phone number", COL_PHONE }, { "mobile phones", COL_PHONE },
	{ "cell", COL_PHONE }, { "cell phone", COL_PHONE },
	{ "cellphone", COL_PHONE }, { "direct phone", COL_PHONE },
	{ "direct phone number", COL_PHONE }, { "direct dial", COL_PHONE },
	{ "work phone", COL_PHONE }, { "work phones", COL_PHONE },
	{ "work direct phone", COL_PHONE }, { "work number", COL_PHONE },
	{ "business phone", COL_PHONE }, { "office phone", COL_PHONE },
	{ "primary phone", COL_PHONE }, { "home phone", COL_PHONE },
	{ "contact phone", COL_PHONE }, { "contact mobile phone", COL_PHONE },
	{ "person phone", COL_PHONE }, { "lead phone", COL_PHONE },
	{ "phone work", COL_PHONE }, { "phone mobile", COL_PHONE },
	{ "primary contact primary phone", COL_PHONE },
	{ "telefon", COL_PHONE }, { "telefonnummer", COL_PHONE },
	{ "handy", COL_PHONE }, { "mobil", COL_PHONE },
	{ "mobiltelefon", COL_PHONE }, { "mobilnummer", COL_PHONE },
	{ "téléphone", COL_PHONE }, { "tél", COL_PHONE },
	{ "portable", COL_PHONE }, { "numéro de téléphone", COL_PHONE },
	{ "teléfono", COL_PHONE }, { "móvil", COL_PHONE },
	{ "celular", COL_PHONE }, { "número de teléfono", COL_PHONE },
	{ "telefone", COL_PHONE }, { "telemóvel", COL_PHONE },
	{ "número de telefone", COL_PHONE }, { "telefoon", COL_PHONE },
	{ "telefoonnummer", COL_PHONE }, { "mobiel", COL_PHONE },
	{ "mobiele telefoon", COL_PHONE }, { "mobiel nummer", COL_PHONE },
	{ "telefono", COL_PHONE }, { "cellulare", COL_PHONE },
	{ "numero di telefono", COL_PHONE },
	/* Account Name */
	{ "account", COL_ACCOUNT }, { "company", COL_ACCOUNT },
	{ "company name", COL_ACCOUNT }, { "organization", COL_ACCOUNT },
	{ "organisation", COL_ACCOUNT }, { "organization name", COL_ACCOUNT },
	{ "organisation name", COL_ACCOUNT }, { "org", COL_ACCOUNT },
	{ "employer", COL_ACCOUNT }, { "current company", COL_ACCOUNT },
	{ "associated company", COL_ACCOUNT }, { "company account", COL_ACCOUNT },
	{ "person company name", COL_ACCOUNT }, { "contact company", COL_ACCOUNT },
	{ "person organization", COL_ACCOUNT }, { "business name", COL_ACCOUNT },
	{ "firma", COL_ACCOUNT }, { "firmenname", COL_ACCOUNT },
	{ "unternehmen", COL_ACCOUNT }, { "unternehmensname", COL_ACCOUNT },
	{ "entreprise", COL_ACCOUNT }, { "société", COL_ACCOUNT },
	{ "nom de l'entreprise", COL_ACCOUNT }, { "nom de la société", COL_ACCOUNT },
	{ "empresa", COL_ACCOUNT }, { "compañía", COL_ACCOUNT },
	{ "nombre de la empresa", COL_ACCOUNT }, { "organización", COL_ACCOUNT },
	{ "companhia", COL_ACCOUNT }, { "nome da empresa", COL_ACCOUNT },
	{ "organização", COL_ACCOUNT }, { "bedrijf", COL_ACCOUNT },
	{ "bedrijfsnaam", COL_ACCOUNT }, { "organisatie", COL_ACCOUNT },
	{ "azienda", COL_ACCOUNT }, { "società", COL_ACCOUNT },
	{ "nome azienda", COL_ACCOUNT }, { "ragione sociale", COL_ACCOUNT },
	{ "organizzazione", COL_ACCOUNT },
	/* Close's contacts export: its leads are companies */
	{ "lead name", COL_ACCOUNT },
	/* Domain */
	{ "website", COL_DOMAIN }, { "web site", COL_DOMAIN },
	{ "website url", COL_DOMAIN }, { "web page", COL_DOMAIN },
	{ "homepage", COL_DOMAIN }, { "site", COL_DOMAIN },
	{ "company domain", COL_DOMAIN }, { "company domain name", COL_DOMAIN },
	{ "company website", COL_DOMAIN }, { "company website url", COL_DOMAIN },
	{ "account domain", COL_DOMAIN }, { "account website", COL_DOMAIN },
	{ "person company website", COL_DOMAIN },
	{ "organization website", COL_DOMAIN }, { "organization domain", COL_DOMAIN },
	{ "webseite", COL_DOMAIN }, { "internetseite", COL_DOMAIN },
	{ "domäne", COL_DOMAIN }, { "site web", COL_DOMAIN },
	{ "site internet", COL_DOMAIN }, { "domaine", COL_DOMAIN },
	{ "sitio web", COL_DOMAIN }, { "página web", COL_DOMAIN },
	{ "dominio", COL_DOMAIN }, { "sítio web", COL_DOMAIN },
	{ "domínio", COL_DOMAIN }, { "domein", COL_DOMAIN },
	{ "sito web", COL_DOMAIN }, { "sito", COL_DOMAIN },
	/* Contact LinkedIn URL */
	{ "linkedin", COL_LINKEDIN }, { "linkedin url", COL_LINKEDIN },
	{ "linkedin profile", COL_LINKEDIN },
	{ "linkedin profile url", COL_LINKEDIN },
	{ "person linkedin url", COL_LINKEDIN }, { "contact linkedin", COL_LINKEDIN },
	{ "linkedin contact profile url", COL_LINKEDIN },
	{ "contact li profile url", COL_LINKEDIN }, { "li profile url", COL_LINKEDIN },
	{ "linkedin page", COL_LINKEDIN }, { "profile url", COL_LINKEDIN },
	{ "default profile url", COL_LINKEDIN },
	{ "public profile url", COL_LINKEDIN }, { "url", COL_LINKEDIN },
	{ "linkedin profil", COL_LINKEDIN }, { "profil linkedin", COL_LINKEDIN },
	{ "perfil de linkedin", COL_LINKEDIN }, { "perfil linkedin", COL_LINKEDIN },
	{ "perfil do linkedin", COL_LINKEDIN }, { "linkedin profiel", COL_LINKEDIN },
	{ "profilo linkedin", COL_LINKEDIN }, { "url linkedin", COL_LINKEDIN },
	{ "url de linkedin", COL_LINKEDIN }, { "url do linkedin", COL_LINKEDIN },
	/* Contact Owner Email; an owner's name also finds the user */
	{ "owner", COL_OWNER }, { "owner email", COL_OWNER },
	{ "owner name", COL_OWNER }, { "contact owner", COL_OWNER },
	{ "contact owner name", COL_OWNER }, { "lead owner", COL_OWNER },
	{ "record owner", COL_OWNER }, { "sales owner", COL_OWNER },
	{ "owned by", COL_OWNER }, { "person owner", COL_OWNER },
	{ "kontaktinhaber", COL_OWNER }, { "kontakt inhaber", COL_OWNER },
	{ "inhaber", COL_OWNER }, { "besitzer", COL_OWNER },
	{ "propriétaire", COL_OWNER }, { "propriétaire du contact", COL_OWNER },
	{ "propietario", COL_OWNER }, { "propietario del contacto", COL_OWNER },
	{ "proprietário", COL_OWNER }, { "proprietário do contato", COL_OWNER },
	{ "proprietário do contacto", COL_OWNER }, { "eigenaar", COL_OWNER },
	{ "contacteigenaar", COL_OWNER }, { "proprietario", COL_OWNER },
	{ "proprietario del contatto", COL_OWNER },
	/* Phone verification */
	{ "phone verification", COL_PV_RESULT },
	{ "phone verification status", COL_PV_RESULT },
	{ "ergebnis telefonverifizierung", COL_PV_RESULT },
	{ "résultat vérification téléphone", COL_PV_RESULT },
	{ "resultado verificación teléfono", COL_PV_RESULT },
	{ "resultado verificação telefone", COL_PV_RESULT },
	{ "resultaat telefoonverificatie", COL_PV_RESULT },
	{ "esito verifica telefono", COL_PV_RESULT },
	{ "phone verification source", COL_PV_PROVIDER },
	{ "anbieter telefonverifizierung", COL_PV_PROVIDER },
	{ "fournisseur vérification téléphone", COL_PV_PROVIDER },
	{ "proveedor verificación teléfono", COL_PV_PROVIDER },
	{ "fornecedor verificação telefone", COL_PV_PROVIDER },
	{ "aanbieder telefoonverificatie", COL_PV_PROVIDER },
	{ "fornitore verifica telefono", COL_PV_PROVIDER },
	{ "phone number type", COL_PHONE_TYPE }, { "telefontyp", COL_PHONE_TYPE },
	{ "telefonart", COL_PHONE_TYPE }, { "type de téléphone", COL_PHONE_TYPE },
	{ "tipo de teléfono", COL_PHONE_TYPE },
	{ "tipo de telefone", COL_PHONE_TYPE },
	{ "telefoontype", COL_PHONE_TYPE }, { "tipo di telefono", COL_PHONE_TYPE },
	{ "intent score", COL_PHONE_INTENT },
	/* Tags, Do Not Touch */
	{ "tag", COL_TAGS }, { "schlagwörter", COL_TAGS },
	{ "stichwörter", COL_TAGS }, { "étiquettes", COL_TAGS },
	{ "etiquetas", COL_TAGS }, { "marcadores", COL_TAGS },
	{ "etichette", COL_TAGS },
	{ "dnt", COL_DNT }, { "do not contact", COL_DNT },
	{ "nicht kontaktieren", COL_DNT }, { "nicht anfassen", COL_DNT },
	{ "ne pas contacter", COL_DNT }, { "ne pas toucher", COL_DNT },
	{ "no contactar", COL_DNT }, { "no tocar", COL_DNT },
	{ "não contactar", COL_DNT }, { "não contatar", COL_DNT },
	{ "niet benaderen", COL_DNT }, { "niet contacteren", COL_DNT },
	{ "non contattare", COL_DNT }, { "non toccare", COL_DNT },
};

/* A "Group - Field" header's last part that only qualifies the field. */
static const char *columns_qualifiers[] = {
	"value", "work", "home", "other", "mobile", "main", "primary",
	"office", "business", "personal", "private", "cleaned",
};

/* Groups whose fields are the person's, and the company's. */
static const char *columns_person[] = {
	"person", "contact", "lead", "people", "prospect", "kontakt",
	"personne", "persona", "pessoa", "persoon",
};
static const char *columns_company[] = {
	"organization", "organisation", "company", "account", "org", "firma",
	"unternehmen", "entreprise", "societe", "empresa", "bedrijf",
	"azienda",
};

/* Invisible characters people's tools leave in headers: a zero-width
 * space or joiner, a BOM mid-line. Its length at in, else 0. */
static size_t
columns_invisible(const char *in)
{
	if (strncmp(in, "\xe2\x80\x8b", 3) == 0 ||
	    strncmp(in, "\xe2\x80\x8c", 3) == 0 ||
	    strncmp(in, "\xe2\x80\x8d", 3) == 0 ||
	    strncmp(in, "\xef\xbb\xbf", 3) == 0)
		return (3);
	return (0);
}

/* A no-break space (two bytes) at in: a space to us. */
static int
columns_nbsp(const char *in)
{
	return (strncmp(in, "\xc2\xa0", 2) == 0);
}

/* Fold a header for comparison: "  E_mail  Address" → "e mail address". */
void
columns_normalize(const char *in, char *out, size_t size)
{
	size_t	n = 0, k;
	int	space = 0;

	if (strncmp(in, "\xef\xbb\xbf", 3) == 0)
		in += 3;
	for (; *in != '\0' && n + 1 < size; in++) {
		unsigned char c = *in;

		if ((k = columns_invisible(in)) > 0) {
			in += k - 1;
			continue;
		}
		if (columns_nbsp(in)) {
			in++;
			space = 1;
			continue;
		}
		if (c == '_' || c == '-' || isspace(c)) {
			space = 1;
			continue;
		}
		if (space && n > 0)
			out[n++] = ' ';
		space = 0;
		if (n + 1 < size)
			out[n++] = tolower(c);
	}
	out[n] = '\0';
}

/* The ASCII letters a Latin-1 letter (the byte after 0xc3) folds to. */
static const char *
columns_latin(unsigned char b)
{
	static const char *map[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* À-Ç */
		"e", "e", "e", "e", "i", "i", "i", "i",		/* È-Ï */
		"d", "n", "o", "o", "o", "o", "o", NULL,	/* Ð-× */
		"o", "u", "u", "u", "u", "y", "th", "ss",	/* Ø-ß */
		"a", "a", "a", "a", "a", "a", "ae", "c",	/* à-ç */
		"e", "e", "e", "e", "i", "i", "i", "i",		/* è-ï */
		"d", "n", "o", "o", "o", "o", "o", NULL,	/* ð-÷ */
		"o", "u", "u", "u", "u", "y", "th", "y",	/* ø-ÿ */
	};

	if (b < 0x80 || b > 0xbf)
		return (NULL);
	return (map[b - 0x80]);
}

/*
 * Fold a header for matching: words in lower case, one space apart.
 * Besides what columns_normalize() folds, letter/digit boundaries split
 * words ("Phone1", "websiteUrl1"), punctuation separates them ("Company /
 * Account", "Account.Name"), and Latin-1 accents go ("Prénom" is "prenom",
 * "ß" is "ss"). Names are compared without their spaces, which is what
 * makes camelCase and snake_case match ("linkedInProfileUrl").
 */
static void
columns_fold(const char *in, char *out, size_t size)
{
	const char	*l;
	size_t		 n = 0, k;
	int		 space = 0, prev = 0, cls;	/* 1 lower, 2 upper, 3 digit */

	for (; *in != '\0' && n + 4 < size; in++) {
		unsigned char c = *in;

		if ((k = columns_invisible(in)) > 0) {
			in += k - 1;
			continue;
		}
		if (columns_nbsp(in)) {
			in++;
			space = 1;
			prev = 0;
			continue;
		}
		if (c == 0xc3 && (l = columns_latin(in[1])) != NULL) {
			cls = 1;
			if (prev == 3)
				space = 1;
			if (space && n > 0)
				out[n++] = ' ';
			space = 0;
			for (; *l != '\0' && n + 1 < size; l++)
				out[n++] = *l;
			prev = cls;
			in++;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			cls = 2;
		else if ((c >= 'a' && c <= 'z') || c >= 0x80)
			cls = 1;
		else if (c >= '0' && c <= '9')
			cls = 3;
		else {
			space = 1;
			prev = 0;
			continue;
		}
		if ((cls == 3 && prev != 3 && prev != 0) ||
		    (cls != 3 && prev == 3))
			space = 1;
		if (space && n > 0)
			out[n++] = ' ';
		space = 0;
		out[n++] = cls == 2 ? c - 'A' + 'a' : c;
		prev = cls;
	}
	out[n] = '\0';
}

/* s without its spaces, and (drop) without words that are numbers. */
static void
columns_squash(const char *s, char *out, size_t size, int drop)
{
	const char	*w;
	size_t		 n = 0, len;

	while (*s != '\0') {
		while (*s == ' ')
			s++;
		w = s;
		while (*s != '\0' && *s != ' ')
			s++;
		len = s - w;
		if (len == 0 || (drop && strspn(w, "0123456789") >= len))
			continue;
		if (n + len >= size)
			break;
		memcpy(out + n, w, len);
		n += len;
	}
	out[n] = '\0';
}

static char	columns_folded[sizeof columns_aliases /
		    sizeof columns_aliases[0]][64];
static pthread_once_t columns_once = PTHREAD_ONCE_INIT;

static void
columns_fold_aliases(void)
{
	char	f[256];
	size_t	i;

	for (i = 0; i < sizeof columns_aliases / sizeof columns_aliases[0];
	    i++) {
		columns_fold(columns_aliases[i].alias, f, sizeof f);
		columns_squash(f, columns_folded[i], sizeof columns_folded[i],
		    0);
	}
}

#define COLUMNS_NONE	(-4)	/* not in the table */

/* The column a squashed header names; how says whether it is a name. */
static int
columns_find(const char *sq, const char *id_header, int *how)
{
	char	f[256], c[256];
	size_t	i;

	if (sq[0] == '\0')
		return (COLUMNS_NONE);
	for (i = 0; i < COL__MAX; i++) {
		if (columns_name(i, id_header) == NULL)
			continue;
		columns_fold(columns_name(i, id_header), f, sizeof f);
		columns_squash(f, c, sizeof c, 0);
		if (strcmp(sq, c) == 0) {
			*how = COLUMNS_EXACT;
			return (i);
		}
	}
	pthread_once(&columns_once, columns_fold_aliases);
	for (i = 0; i < sizeof columns_aliases / sizeof columns_aliases[0]; i++)
		if (strcmp(sq, columns_folded[i]) == 0) {
			*how = COLUMNS_ALIAS;
			if (columns_aliases[i].col == COLUMNS_WHOLE) {
				*how = COLUMNS_WHOLENAME;
				return (COL_CUSTOM);
			}
			return (columns_aliases[i].col);
		}
	return (COLUMNS_NONE);
}

/* Append s to buf of size, cutting it short if need be. */
static void
columns_cat(char *buf, const char *s, size_t size)
{
	size_t	n = strlen(buf), len = strlen(s);

	if (n + len >= size)
		len = size - n - 1;
	memcpy(buf + n, s, len);
	buf[n + len] = '\0';
}

/* Whether folded word w is one of list. */
static int
columns_in(const char *w, const char **list, size_t n)
{
	char	sq[64];
	size_t	i;

	columns_squash(w, sq, sizeof sq, 1);
	for (i = 0; i < n; i++)
		if (strcmp(sq, list[i]) == 0)
			return (1);
	return (0);
}
#define COLUMNS_IN(w, l) columns_in((w), (l), sizeof (l) / sizeof (l)[0])

/*
 * "Group - Field" headers: Pipedrive's "Person - Email - Work" and
 * "Organization - Name", Google's "E-mail 1 - Value" and
 * "Organization 1 - Name", Salesforce's "Account.Name". A trailing part that
 * only qualifies goes; a person's group keeps the field, a company's gives
 * its name (Account Name) or its site (Domain) and nothing else.
 */
static int
columns_group(const char *header, const char *id_header, int *how)
{
	char		 buf[256], part[8][256], sq[256], rest[256];
	const char	*p, *sep;
	size_t		 n = 0, i, len;
	int		 k, type = 0;

	if (strstr(header, " - ") != NULL)
		sep = " - ";
	else if ((p = strchr(header, '.')) != NULL && p > header &&
	    p[1] != '\0' && p[1] != ' ' && p[-1] != ' ')
		sep = ".";
	else
		return (COLUMNS_NONE);
	for (p = header; n < 8;) {
		const char *e = strstr(p, sep);

		len = e == NULL ? strlen(p) : (size_t)(e - p);
		if (len >= sizeof buf)
			len = sizeof buf - 1;
		memcpy(buf, p, len);
		buf[len] = '\0';
		columns_fold(buf, part[n], sizeof part[n]);
		columns_squash(part[n], sq, sizeof sq, 1);
		if (sq[0] != '\0')
			n++;
		if (e == NULL)
			break;
		p = e + strlen(sep);
	}
	while (n > 1 && COLUMNS_IN(part[n - 1], columns_qualifiers))
		n--;
	if (n > 1) {
		columns_squash(part[n - 1], sq, sizeof sq, 1);
		if (strcmp(sq, "type") == 0 || strcmp(sq, "label") == 0) {
			type = 1;
			n--;
		}
	}
	if (n == 0)
		return (COLUMNS_NONE);

	/* The parts as one name first: "Organization - Name". */
	rest[0] = '\0';
	for (i = 0; i < n; i++) {
		columns_squash(part[i], sq, sizeof sq, 1);
		columns_cat(rest, sq, sizeof rest);
	}
	k = columns_find(rest, id_header, how);
	if (k == COLUMNS_NONE && n > 1) {
		rest[0] = '\0';
		for (i = 1; i < n; i++) {
			columns_squash(part[i], sq, sizeof sq, 1);
			columns_cat(rest, sq, sizeof rest);
		}
		if (COLUMNS_IN(part[0], columns_person))
			k = columns_find(rest, id_header, how);
		else if (COLUMNS_IN(part[0], columns_company)) {
			k = columns_find(rest, id_header, how);
			if (strcmp(rest, "name") == 0)
				k = COL_ACCOUNT;
			else if (k != COL_DOMAIN)
				k = COL_CUSTOM;
		}
	}
	if (type)
		k = k == COL_PHONE ? COL_PHONE_TYPE : COL_CUSTOM;
	if (k == COLUMNS_NONE)
		return (COLUMNS_NONE);
	if (*how != COLUMNS_WHOLENAME)
		*how = COLUMNS_SPLIT;
	return (k);
}

/*
 * What a header means: a column (enum col) or COL_CUSTOM, and how it was
 * found (COLUMNS_EXACT, _ALIAS, _SPLIT, _WHOLENAME, or COLUMNS_NOTFOUND)
 * when how is not NULL. Tried in turn: the name, words that are numbers
 * dropped ("E-mail 2 Address"), then "Group - Field".
 */
int
columns_meaning(const char *header, const char *id_header, int *how)
{
	char	f[256], sq[256];
	int	k, h = COLUMNS_NOTFOUND;

	columns_fold(header, f, sizeof f);
	columns_squash(f, sq, sizeof sq, 0);
	if ((k = columns_find(sq, id_header, &h)) == COLUMNS_NONE) {
		columns_squash(f, sq, sizeof sq, 1);
		k = columns_find(sq, id_header, &h);
		if (k != COLUMNS_NONE && h == COLUMNS_EXACT)
			h = COLUMNS_ALIAS;
	}
	if (k != COLUMNS_NONE && h == COLUMNS_EXACT) {
		/* The field's name as columns_normalize() folds it:
		 * "E-mail" only spells "Email" like an alias. */
		char	a[256], b[256];

		columns_normalize(header, a, sizeof a);
		columns_normalize(columns_name(k, id_header), b, sizeof b);
		if (strcmp(a, b) != 0)
			h = COLUMNS_ALIAS;
	}
	if (k == COLUMNS_NONE)
		k = columns_group(header, id_header, &h);
	if (k == COLUMNS_NONE) {
		k = COL_CUSTOM;
		h = COLUMNS_NOTFOUND;
	}
	if (how != NULL)
		*how = h;
	return (k);
}

/* The column a header names, or COL_CUSTOM. */
int
columns_lookup(const char *header, const char *id_header)
{
	return (columns_meaning(header, id_header, NULL));
}

/* The name we show and export for a column. */
const char *
columns_name(int col, const char *id_header)
{
	if (col == COL_ID)
		return (id_header);
	if (col < 0 || col >= COL__MAX)
		return (NULL);
	return (columns_table[col].header);
}

/* A column's row of the table, or NULL for none of ours. */
const struct column *
columns_get(int col)
{
	if (col < 0 || col >= COL__MAX)
		return (NULL);
	return (&columns_table[col]);
}

/* A header cell as written, trimmed of spaces, a BOM, no-break spaces
 * and the invisible characters around it. Owned by the caller. */
char *
columns_trim(const char *s)
{
	const char	*e;
	size_t		 k;

	for (;;) {
		if ((k = columns_invisible(s)) > 0)
			s += k;
		else if (columns_nbsp(s))
			s += 2;
		else if (isspace((unsigned char)*s))
			s++;
		else
			break;
	}
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return (xstrndup(s, e - s));
}
