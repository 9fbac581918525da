/*
 * Configuration from one file of `name = value` lines, read through one
 * table (Postfix's VAR_/DEF_ tables, Redis config.c): name, type, target,
 * default and bounds. An error names file:line and stops start-up.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"

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

enum conf_type { CONF_STR, CONF_UINT, CONF_SIZE, CONF_BOOL, CONF_MODE };

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
	{ "batch_size", CONF_UINT, &conf.batch_size, "2000", 1, 100000 },
	{ "id_header", CONF_STR, &conf.id_header, "EG-CON-ID", 0, 0 },
	{ "cookie_secure", CONF_BOOL, &conf.cookie_secure, "yes", 0, 1 },
	{ "public_origin", CONF_STR, &conf.public_origin, "", 0, 0 },
	{ "upload_rate", CONF_UINT, &conf.upload_rate, "120", 0, 1000000 },
	{ "session_idle", CONF_UINT, &conf.session_idle, "3600", 60, 86400 * 30 },
	{ "session_max", CONF_UINT, &conf.session_max, "43200", 60, 86400 * 90 },
	{ "scan_interval", CONF_UINT, &conf.scan_interval, "60", 1, 86400 },
	{ "status_errors", CONF_UINT, &conf.status_errors, "100", 0, 10000 },
	{ "max_field", CONF_SIZE, &conf.max_field, "64K", 16, 16 << 20 },
	{ "max_fields", CONF_UINT, &conf.max_fields, "2000", 1, 10000 },
	{ "max_rows", CONF_UINT, &conf.max_rows, "5000000", 1, 100000000 },
	{ "fcgi_workers", CONF_UINT, &conf.fcgi_workers, "4", 1, 64 },
	{ "min_free", CONF_SIZE, &conf.min_free, "1G", 0, 1LL << 50 },
	{ "drop_settle", CONF_UINT, &conf.drop_settle, "5", 0, 3600 },
	{ "drop_hold", CONF_UINT, &conf.drop_hold, "3600", 1, 86400 * 30 },
	{ "tmp_max_age", CONF_UINT, &conf.tmp_max_age, "86400", 1, 86400 * 30 },
	{ "done_keep_days", CONF_UINT, &conf.done_keep_days, "30", 0, 36500 },
	{ "review_keep_hours", CONF_UINT, &conf.review_keep_hours, "72", 1,
	    24 * 36500 },
	{ "keep_changes", CONF_BOOL, &conf.keep_changes, "no", 0, 1 },
	{ "review_copy_percent", CONF_UINT, &conf.review_copy_percent, "50",
	    0, 100000000 },
	{ "max_attempts", CONF_UINT, &conf.max_attempts, "10", 1, 1000 },
	{ "stall_timeout", CONF_UINT, &conf.stall_timeout, "300", 0, 86400 * 7 },
	{ "lock_timeout", CONF_UINT, &conf.lock_timeout, "120", 5, 86400 },
	{ "enrich_url", CONF_STR, &conf.enrich_url, "", 0, 0 },
	{ "enrich_method", CONF_STR, &conf.enrich_method, "GET", 0, 0 },
	{ "enrich_body", CONF_STR, &conf.enrich_body, "", 0, 0 },
	{ "enrich_content_type", CONF_STR, &conf.enrich_content_type,
	    "application/json", 0, 0 },
	{ "enrich_key_header", CONF_STR, &conf.enrich_key_header, "", 0, 0 },
	{ "enrich_key_file", CONF_STR, &conf.enrich_key_file, "", 0, 0 },
	{ "enrich_key_env", CONF_STR, &conf.enrich_key_env, "", 0, 0 },
	{ "enrich_timeout", CONF_UINT, &conf.enrich_timeout, "10", 1, 600 },
	{ "enrich_connect_timeout", CONF_UINT, &conf.enrich_connect_timeout,
	    "5", 1, 120 },
	{ "enrich_concurrency", CONF_UINT, &conf.enrich_concurrency, "8", 1,
	    256 },
	{ "enrich_rate", CONF_UINT, &conf.enrich_rate, "20", 0, 100000 },
	{ "enrich_retries", CONF_UINT, &conf.enrich_retries, "4", 0, 20 },
	{ "enrich_backoff_ms", CONF_UINT, &conf.enrich_backoff_ms, "500", 1,
	    60000 },
	{ "enrich_max_wait", CONF_UINT, &conf.enrich_max_wait, "60", 1, 3600 },
	{ "enrich_cache_ttl", CONF_UINT, &conf.enrich_cache_ttl, "2592000", 0,
	    1U << 30 },
	{ "enrich_allow_http", CONF_BOOL, &conf.enrich_allow_http, "no", 0, 1 },
	{ "enrich_max_response", CONF_SIZE, &conf.enrich_max_response, "1M",
	    1024, 64 << 20 },
	{ "enrich_map_first", CONF_STR, &conf.enrich_map_first, "first_name",
	    0, 0 },
	{ "enrich_map_last", CONF_STR, &conf.enrich_map_last, "last_name", 0,
	    0 },
	{ "enrich_map_account", CONF_STR, &conf.enrich_map_account,
	    "company_name", 0, 0 },
	{ "enrich_map_domain", CONF_STR, &conf.enrich_map_domain,
	    "company_domain", 0, 0 },
	{ "enrich_map_email", CONF_STR, &conf.enrich_map_email, "email", 0, 0 },
	{ "enrich_map_phone", CONF_STR, &conf.enrich_map_phone, "phone", 0, 0 },
	{ "enrich_map_title", CONF_STR, &conf.enrich_map_title, "title", 0, 0 },
	{ "sso_header", CONF_STR, &conf.sso_header, "", 0, 0 },
	{ "fcgi_socket_mode", CONF_MODE, &conf.fcgi_socket_mode, "0660", 0,
	    0777 },
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
	char		*end;
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
	case CONF_MODE:
		/* A file mode is octal, as chmod(1) takes it. */
		errno = 0;
		v = strtoll(value, &end, 8);
		if (errno != 0 || end == value || *end != '\0' ||
		    v < cv->min || v > cv->max) {
			xasprintf(cause, "%s: expected an octal mode such as "
			    "0660", cv->name);
			return (-1);
		}
		*(unsigned *)cv->target = (unsigned)v;
		return (0);
	case CONF_UINT:
	case CONF_SIZE:
		if (conf_parse_number(value, 1, &v) == -1 ||
		    v < cv->min || v > cv->max) {
			xasprintf(cause, "%s: expected a number from %lld to %lld",
			    cv->name, cv->min, cv->max);
			return (-1);
		}
		if (cv->target == &conf.max_upload ||
		    cv->target == &conf.min_free)
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
	struct stat	 sb;
	FILE		*f;
	char		*line = NULL, *name, *value, *eq, *why = NULL;
	size_t		 size = 0, i, lineno = 0;

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
	/* The file holds db_password: say so when anyone may read it. */
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & S_IROTH) &&
	    *conf.db_password != '\0')
		log_warnx("%s holds db_password and every user of this machine "
		    "can read it: chmod 0640 it (group intake)", path);
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
