/*
 * Configuration from one file of `name = value` lines, read through one
 * table (Postfix's VAR_/DEF_ tables, Redis config.c): name, type, target,
 * default and bounds. An error names file:line and stops start-up.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"

#ifndef INTAKE_SYSCONFDIR
#define INTAKE_SYSCONFDIR "/etc"
#endif
#ifndef INTAKE_SPOOLDIR
#define INTAKE_SPOOLDIR "/var/spool/intake"
#endif
#ifndef INTAKE_SQLDIR
#define INTAKE_SQLDIR "/usr/share/intake/sql"
#endif

struct conf conf;

enum conf_type { CONF_STR, CONF_UINT, CONF_SIZE, CONF_BOOL };

static const struct conf_var {
	const char	*name;
	enum conf_type	 type;
	void		*target;
	const char	*def;
	long long	 min;
	long long	 max;
} conf_vars[] = {
	{ "db_socket", CONF_STR, &conf.db_socket, "", 0, 0 },
	{ "db_host", CONF_STR, &conf.db_host, "localhost", 0, 0 },
	{ "db_port", CONF_UINT, &conf.db_port, "3306", 1, 65535 },
	{ "db_user", CONF_STR, &conf.db_user, "intake", 0, 0 },
	{ "db_password", CONF_STR, &conf.db_password, "", 0, 0 },
	{ "db_name", CONF_STR, &conf.db_name, "intake", 0, 0 },
	{ "spool_dir", CONF_STR, &conf.spool_dir, INTAKE_SPOOLDIR, 0, 0 },
	{ "sql_dir", CONF_STR, &conf.sql_dir, INTAKE_SQLDIR, 0, 0 },
	{ "max_upload", CONF_SIZE, &conf.max_upload, "256M", 1, 1LL << 40 },
	{ "batch_size", CONF_UINT, &conf.batch_size, "1000", 1, 100000 },
	{ "id_header", CONF_STR, &conf.id_header, "EG-CON-ID", 0, 0 },
	{ "cookie_secure", CONF_BOOL, &conf.cookie_secure, "no", 0, 1 },
	{ "session_idle", CONF_UINT, &conf.session_idle, "3600", 60, 86400 * 30 },
	{ "session_max", CONF_UINT, &conf.session_max, "43200", 60, 86400 * 90 },
	{ "scan_interval", CONF_UINT, &conf.scan_interval, "60", 1, 86400 },
	{ "status_errors", CONF_UINT, &conf.status_errors, "100", 0, 10000 },
	{ "max_field", CONF_SIZE, &conf.max_field, "64K", 16, 16 << 20 },
	{ "max_fields", CONF_UINT, &conf.max_fields, "512", 1, 10000 },
};

/* The config file: -c FILE, else $INTAKE_CONF, else the installed one. */
const char *
conf_path(const char *opt)
{
	const char	*env;

	if (opt != NULL)
		return (opt);
	if ((env = getenv("INTAKE_CONF")) != NULL && *env != '\0')
		return (env);
	return (INTAKE_SYSCONFDIR "/intake/intake.conf");
}

/* Parse "123", "64K", "256M", "1G". */
static int
conf_parse_number(const char *s, int suffixes, long long *out)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || v < 0)
		return (-1);
	if (suffixes && *end != '\0' && end[1] == '\0') {
		switch (toupper((unsigned char)*end)) {
		case 'K': v <<= 10; end++; break;
		case 'M': v <<= 20; end++; break;
		case 'G': v <<= 30; end++; break;
		}
	}
	if (*end != '\0')
		return (-1);
	*out = v;
	return (0);
}

static int
conf_set(const struct conf_var *cv, const char *value, char **cause)
{
	long long	 v;

	switch (cv->type) {
	case CONF_STR:
		free(*(char **)cv->target);
		*(char **)cv->target = xstrdup(value);
		return (0);
	case CONF_BOOL:
		if (strcmp(value, "yes") == 0 || strcmp(value, "1") == 0)
			*(int *)cv->target = 1;
		else if (strcmp(value, "no") == 0 || strcmp(value, "0") == 0)
			*(int *)cv->target = 0;
		else {
			xasprintf(cause, "%s: expected yes or no", cv->name);
			return (-1);
		}
		return (0);
	case CONF_UINT:
	case CONF_SIZE:
		if (conf_parse_number(value, 1, &v) == -1 ||
		    v < cv->min || v > cv->max) {
			xasprintf(cause, "%s: expected a number from %lld to %lld",
			    cv->name, cv->min, cv->max);
			return (-1);
		}
		if (cv->target == &conf.max_upload)
			*(long long *)cv->target = v;
		else
			*(unsigned *)cv->target = (unsigned)v;
		return (0);
	}
	return (-1);
}

/* Every variable at its default. */
void
conf_defaults(void)
{
	size_t	 i;
	char	*cause = NULL;

	for (i = 0; i < sizeof conf_vars / sizeof conf_vars[0]; i++)
		if (conf_set(&conf_vars[i], conf_vars[i].def, &cause) == -1)
			fatalx("bad default: %s", cause);
}

static char *
conf_trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return (s);
}

/* Load the defaults, then the file; cause says "file:line: why". */
int
conf_load(const char *path, char **cause)
{
	FILE	*f;
	char	*line = NULL, *name, *value, *eq, *why = NULL;
	size_t	 size = 0, i, lineno = 0;

	conf_defaults();
	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s: %s", path, strerror(errno));
		return (-1);
	}
	while (getline(&line, &size, f) != -1) {
		lineno++;
		name = conf_trim(line);
		if (*name == '\0' || *name == '#')
			continue;
		if ((eq = strchr(name, '=')) == NULL) {
			why = xstrdup("expected name = value");
			goto fail;
		}
		*eq = '\0';
		name = conf_trim(name);
		value = conf_trim(eq + 1);
		for (i = 0; i < sizeof conf_vars / sizeof conf_vars[0]; i++)
			if (strcmp(conf_vars[i].name, name) == 0)
				break;
		if (i == sizeof conf_vars / sizeof conf_vars[0]) {
			xasprintf(&why, "unknown setting %s", name);
			goto fail;
		}
		if (conf_set(&conf_vars[i], value, &why) == -1)
			goto fail;
	}
	free(line);
	fclose(f);
	return (0);

fail:
	xasprintf(cause, "%s:%zu: %s", path, lineno, why);
	free(why);
	free(line);
	fclose(f);
	return (-1);
}
