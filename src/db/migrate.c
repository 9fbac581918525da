/*
 * Schema migrations: sql/NNN-name.sql applied in name order, each once,
 * recorded in schema_migrations. A named server lock (GET_LOCK) makes two
 * concurrent runs take turns, so running it twice or at once is safe.
 *
 * Migration files are our own text, run as a multi-statement query; no
 * user data ever reaches this path.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

#define MIGRATE_MAXFILE	(1 << 20)

static int
migrate_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Whether a migration is recorded. */
static int
migrate_done(MYSQL *db, const char *version)
{
	struct dbstmt	*s;
	int		 r;

	s = db_prepare(db,
	    "SELECT 1 FROM schema_migrations WHERE version = ?");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, version);
	r = db_exec(s) == 0 ? db_fetch(s) : -1;
	db_close(s);
	return (r);
}

static char *
migrate_read(const char *path)
{
	FILE	*f;
	char	*text;
	long	 len;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
	    len > MIGRATE_MAXFILE || fseek(f, 0, SEEK_SET) == -1) {
		fclose(f);
		return (NULL);
	}
	text = xmalloc(len + 1);
	if (fread(text, 1, len, f) != (size_t)len) {
		free(text);
		fclose(f);
		return (NULL);
	}
	text[len] = '\0';
	fclose(f);
	return (text);
}

/* Run one file's statements and drain every result. */
static int
migrate_apply(MYSQL *db, const char *path)
{
	char		*text;
	MYSQL_RES	*res;
	int		 r;

	if ((text = migrate_read(path)) == NULL) {
		log_warn("read %s", path);
		return (-1);
	}
	r = mysql_real_query(db, text, strlen(text));
	free(text);
	do {
		if (r != 0) {
			log_warnx("%s: %s", path, mysql_error(db));
			return (-1);
		}
		if ((res = mysql_store_result(db)) != NULL)
			mysql_free_result(res);
	} while ((r = mysql_next_result(db)) == 0);
	if (r > 0) {
		log_warnx("%s: %s", path, mysql_error(db));
		return (-1);
	}
	return (0);
}

/*
 * Apply what is missing. db must be connected with
 * CLIENT_MULTI_STATEMENTS. Returns how many were applied, -1 on error.
 */
int
migrate_run(MYSQL *db, const char *dir, int verbose)
{
	DIR		*d;
	struct dirent	*de;
	char	       **names = NULL, *path, version[256];
	const char	*arg[1];
	size_t		 n = 0, i, len;
	int		 applied = 0, r = -1, locked = 0;
	struct dbstmt	*s;

	if ((d = opendir(dir)) == NULL) {
		log_warn("migrations: %s", dir);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".sql") != 0 ||
		    de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof *names, migrate_cmp);

	if ((s = db_prepare(db, "SELECT GET_LOCK('intake_migrate', 120)")) ==
	    NULL || db_exec(s) == -1 || db_fetch(s) != 1 ||
	    db_col_int(s, 0) != 1) {
		log_warnx("migrations: could not take the migration lock");
		db_close(s);
		goto out;
	}
	db_close(s);
	locked = 1;
	if (db_run(db, "CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version VARCHAR(255) NOT NULL PRIMARY KEY, "
	    "applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)"
	    ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4", 0, NULL) == -1)
		goto out;

	for (i = 0; i < n; i++) {
		snprintf(version, sizeof version, "%.*s",
		    (int)(strlen(names[i]) - 4), names[i]);
		switch (migrate_done(db, version)) {
		case 1:
			continue;
		case -1:
			goto out;
		}
		xasprintf(&path, "%s/%s", dir, names[i]);
		if (migrate_apply(db, path) == -1) {
			free(path);
			goto out;
		}
		free(path);
		arg[0] = version;
		if (db_run(db, "INSERT INTO schema_migrations (version) "
		    "VALUES (?)", 1, arg) == -1)
			goto out;
		if (verbose)
			printf("applied %s\n", version);
		applied++;
	}
	r = applied;

out:
	if (locked)
		db_run(db, "DO RELEASE_LOCK('intake_migrate')", 0, NULL);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return (r);
}
