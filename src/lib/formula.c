/*
 * Spreadsheet formula injection (OWASP "CSV Injection"): a cell that
 * begins with =, +, -, @, a tab or a CR can run as a formula when the
 * export is opened in Excel. The export prefixes such a cell with a single
 * quote, and the importer takes exactly that quote off again, so a value
 * survives export -> edit -> re-import unchanged: "+1 555" stays "+1 555".
 *
 * To make the round trip exact for values that already begin with quotes
 * before such a character ("'=x"), the rule counts quotes: a value that
 * matches '* followed by a trigger gets one more quote on export, and one
 * quote less on import. Pure.
 */
#include <string.h>

#include "lib.h"

static int
formula_trigger(char c)
{
	return (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' ||
	    c == '\r');
}

/* Whether a value must be escaped on export. */
int
formula_needs_escape(const char *s)
{
	while (*s == '\'')
		s++;
	return (formula_trigger(*s));
}

/* Undo the export's escape in place: one leading quote less on a value
 * that is quotes then a trigger. Returns 1 if it changed s. */
int
formula_unescape(char *s)
{
	const char	*p = s;

	if (*p != '\'')
		return (0);
	while (*p == '\'')
		p++;
	if (!formula_trigger(*p))
		return (0);
	memmove(s, s + 1, strlen(s));
	return (1);
}
