/*
 * intake: the admin and import command line.
 *
 *   intake db migrate
 *   intake workspace add SLUG [--name NAME]
 *   intake user add --workspace SLUG --email EMAIL --role editor|viewer
 *                   [--name NAME] [--password-stdin]
 *   intake workflow add --workspace SLUG NAME
 *   intake import --workspace SLUG --as EMAIL [options] FILE.csv
 *   intake preview [--workspace SLUG] [--map HEADER=FIELD]...
 *                  [--encoding NAME] FILE.csv
 *   intake export --workspace SLUG [--tag NAME] [-o FILE]
 *   intake status [ID]
 *
 * `intake import` writes the drop exactly as an upload does (options.c,
 * submit.c), then follows the status the watcher writes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "spool.h"

static const char *cli_cfg;

static __dead void
cli_usage(void)
{
	fprintf(stderr,
"usage: intake [-c file] db migrate\n"
"       intake [-c file] workspace add SLUG [--name NAME]\n"
"       intake [-c file] user add --workspace SLUG --email EMAIL\n"
"                        --role editor|viewer [--name NAME]\n"
"                        [--password-stdin]\n"
"       intake [-c file] workflow add --workspace SLUG NAME\n"
"       intake [-c file] workflow default --workspace SLUG NAME|none\n"
"       intake [-c file] import --workspace SLUG --as EMAIL [--update]\n"
"                        [--tag NAME]... [--workflow NAME|default|none]\n"
"                        [--on-existing skip|update|duplicate] [--dnt]\n"
"                        [--override-owners] [--review] [--no-wait]\n"
"                        [--encoding NAME]\n"
"                        [--map HEADER=FIELD]... [--map-file FILE] FILE.csv\n"
"       intake [-c file] preview [--workspace SLUG] [--update]\n"
"                        [--map HEADER=FIELD]... [--map-file FILE] [--json]\n"
"                        [--encoding NAME] FILE.csv\n"
"       intake [-c file] export --workspace SLUG [--tag NAME] [-o FILE]\n"
"       intake [-c file] status [ID]\n");
	exit(2);
}

static MYSQL *
cli_db(unsigned long flags)
{
	MYSQL	*db;
	char	*cause = NULL;

	if ((db = db_connect(flags, &cause)) == NULL)
		fatalx("%s", cause);
	return (db);
}

static long long
cli_workspace(MYSQL *db, const char *slug)
{
	long long	id;

	if (slug == NULL)
		fatalx("--workspace is required");
	if ((id = auth_workspace_id(db, slug)) == -1)
		fatalx("database error");
	if (id == 0)
		fatalx("no workspace %s", slug);
	return (id);
}

static int
cli_migrate(int argc, char **argv)
{
	MYSQL	*db;
	int	 n;

	if (argc != 2 || strcmp(argv[1], "migrate") != 0)
		cli_usage();
	db = cli_db(CLIENT_MULTI_STATEMENTS);
	n = migrate_run(db, conf.sql_dir, 1);
	mysql_close(db);
	if (n == -1)
		fatalx("migration failed");
	printf("%d migration%s applied\n", n, n == 1 ? "" : "s");
	return (0);
}

/* A slug: lower-case letters, digits and '-', 1 to 64. */
static int
cli_slug_ok(const char *s)
{
	size_t	n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-");

	return (n > 0 && n <= 64 && s[n] == '\0' && s[0] != '-');
}

static int
cli_workspace_cmd(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	MYSQL		*db;
	const char	*name = NULL, *args[2];
	int		 ch;

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		cli_usage();
	argc--;
	argv++;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'n')
			name = optarg;
		else
			cli_usage();
	}
	if (optind + 1 != argc)
		cli_usage();
	if (!cli_slug_ok(argv[optind]))
		fatalx("a workspace slug is 1-64 of a-z, 0-9 and -");
	db = cli_db(0);
	args[0] = argv[optind];
	args[1] = name ? name : argv[optind];
	if (db_run(db, "INSERT INTO workspaces (slug, name) VALUES (?, ?)",
	    2, args) == -1)
		fatalx("could not add workspace %s (does it exist?)", args[0]);
	args[1] = args[0];
	db_run(db, "INSERT IGNORE INTO workspace_settings (workspace_id) "
	    "SELECT id FROM workspaces WHERE slug = ?", 1, args);
	printf("workspace %s added\n", args[0]);
	mysql_close(db);
	return (0);
}

/* Read a password from stdin: the first line, without its newline. */
static char *
cli_read_password(void)
{
	char	*line = NULL;
	size_t	 size = 0;
	ssize_t	 n;

	if ((n = getline(&line, &size, stdin)) <= 0)
		fatalx("no password on standard input");
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n < 8)
		fatalx("a password has at least 8 characters");
	return (line);
}

static int
cli_user(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workspace", required_argument, NULL, 'w' },
		{ "email", required_argument, NULL, 'e' },
		{ "role", required_argument, NULL, 'r' },
		{ "password-stdin", no_argument, NULL, 'p' },
		{ "name", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	MYSQL		*db;
	struct dbstmt	*s;
	const char	*ws = NULL, *email = NULL, *role = NULL;
	char		*pw = NULL, *hash = NULL, *norm = NULL, *name = NULL;
	int		 ch, want_pw = 0;
	long long	 wsid;

	if (argc < 2 || strcmp(argv[1], "add") != 0)
		cli_usage();
	argc--;
	argv++;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'w': ws = optarg; break;
		case 'e': email = optarg; break;
		case 'r': role = optarg; break;
		case 'p': want_pw = 1; break;
		case 'n':
			/* as a file's owner column names the user */
			free(name);
			if ((name = norm_name(optarg)) == NULL)
				fatalx("--name is empty");
			if (strlen(name) > 255)
				fatalx("--name is longer than 255 bytes");
			break;
		default: cli_usage();
		}
	}
	if (optind != argc || email == NULL || role == NULL)
		cli_usage();
	if (strcmp(role, "editor") != 0 && strcmp(role, "viewer") != 0)
		fatalx("--role is editor or viewer");
	if (norm_email(email, &norm) != 0)
		fatalx("%s is not an email address", email);
	if (want_pw) {
		pw = cli_read_password();
		if ((hash = auth_hash(pw)) == NULL)
			fatalx("could not hash the password");
		explicit_bzero(pw, strlen(pw));
		free(pw);
	}
	db = cli_db(0);
	wsid = cli_workspace(db, ws);
	if ((s = db_prepare(db, "INSERT INTO users (workspace_id, email, role, "
	    "password_hash, name) VALUES (?, ?, ?, ?, ?)")) == NULL)
		fatalx("database error");
	db_bind_int(s, 0, wsid);
	db_bind_str(s, 1, norm);
	db_bind_str(s, 2, role);
	db_bind_str(s, 3, hash);
	db_bind_str(s, 4, name);
	if (db_exec(s) == -1)
		fatalx("could not add %s (already a user of %s?)", norm, ws);
	printf("user %s added to %s as %s\n", norm, ws, role);
	db_close(s);
	mysql_close(db);
	free(norm);
	free(hash);
	free(name);
	return (0);
}

/* The workflow contact uploads use by default: a name, an id, or none. */
static int
cli_workflow_default(MYSQL *db, const char *ws, char *name)
{
	struct dbstmt	*s;
	long long	 wsid = cli_workspace(db, ws), id;

	if ((id = imports_workflow(db, wsid, name)) == -1)
		fatalx("database error");
	if (id == -2 || strcmp(name, "default") == 0)
		fatalx("no workflow \"%s\" in %s", name, ws);
	if ((s = db_prepare(db, "INSERT INTO workspace_settings "
	    "(workspace_id, default_workflow_id) VALUES (?, ?) "
	    "ON DUPLICATE KEY UPDATE default_workflow_id = "
	    "VALUES(default_workflow_id)")) == NULL)
		fatalx("database error");
	db_bind_int(s, 0, wsid);
	if (id == 0)
		db_bind_null(s, 1);
	else
		db_bind_int(s, 1, id);
	if (db_exec(s) == -1)
		fatalx("database error");
	printf("contact uploads in %s: %s\n", ws, id == 0 ? "no workflow" :
	    name);
	db_close(s);
	mysql_close(db);
	free(name);
	return (0);
}

static int
cli_workflow(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workspace", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 }
	};
	MYSQL		*db;
	struct dbstmt	*s;
	const char	*ws = NULL;
	char		*name;
	int		 ch, set_default;

	if (argc < 2 || (strcmp(argv[1], "add") != 0 &&
	    strcmp(argv[1], "default") != 0))
		cli_usage();
	set_default = strcmp(argv[1], "default") == 0;
	argc--;
	argv++;
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'w')
			ws = optarg;
		else
			cli_usage();
	}
	if (optind + 1 != argc)
		cli_usage();
	if ((name = norm_name(argv[optind])) == NULL)
		fatalx("a workflow needs a name");
	db = cli_db(0);
	if (set_default)
		return (cli_workflow_default(db, ws, name));
	if ((s = db_prepare(db, "INSERT INTO workflows (workspace_id, name) "
	    "VALUES (?, ?)")) == NULL)
		fatalx("database error");
	db_bind_int(s, 0, cli_workspace(db, ws));
	db_bind_str(s, 1, name);
	if (db_exec(s) == -1)
		fatalx("could not add workflow %s (does it exist?)", name);
	printf("workflow %s added (id %llu)\n", name, db_insert_id(s));
	db_close(s);
	mysql_close(db);
	free(name);
	return (0);
}

static long long
cli_int(json_object *o, const char *k)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, k, &v) || v == NULL)
		return (-1);
	return (json_object_get_int64(v));
}

static const char *
cli_str(json_object *o, const char *k)
{
	json_object	*v;

	if (!json_object_object_get_ex(o, k, &v) || v == NULL)
		return (NULL);
	return (json_object_get_string(v));
}

/* One line of a status: "ID  state  rows  created updated unchanged
 * skipped failed" (a status written before unchanged was counted has
 * none: 0). */
static void
cli_status_line(json_object *o)
{
	long long	unchanged = cli_int(o, "unchanged");
	json_object	*v;
	int		review = json_object_object_get_ex(o, "review", &v) &&
			    json_object_get_boolean(v);

	printf("%s  %-7s  %s  %lld rows: %lld created, %lld updated, "
	    "%lld unchanged, %lld skipped, %lld failed\n", cli_str(o, "id"),
	    review && strcmp(cli_str(o, "state"), "done") == 0 ? "reviewed" :
	    cli_str(o, "state"), cli_str(o, "file"),
	    cli_int(o, "rows_processed"), cli_int(o, "created"),
	    cli_int(o, "updated"), unchanged < 0 ? 0 : unchanged,
	    cli_int(o, "skipped"), cli_int(o, "failed"));
}

/* The rows that were not created or updated, and warnings. */
static void
cli_status_errors(json_object *o)
{
	json_object	*errs, *e;
	size_t		 i, n;
	long long	 total;

	if (!json_object_object_get_ex(o, "errors", &errs) || errs == NULL)
		return;
	n = json_object_array_length(errs);
	for (i = 0; i < n; i++) {
		e = json_object_array_get_idx(errs, i);
		printf("  row %lld: %s: %s (%s)\n", cli_int(e, "row"),
		    cli_str(e, "severity"), cli_str(e, "message"),
		    cli_str(e, "code"));
	}
	total = cli_int(o, "errors_total");
	if (total > (long long)n)
		printf("  ... and %lld more (intake status %s lists the first "
		    "%zu)\n", total - (long long)n, cli_str(o, "id"), n);
}

/* Follow an import until it ends: a bar on a terminal, lines otherwise. */
static int
cli_follow(const char *id)
{
	json_object	*o = NULL;
	const char	*state, *last = NULL;
	char		 lastbuf[16] = "";
	int		 tty = isatty(STDOUT_FILENO), r;
	long long	 done, total;
	struct timespec	 ts = { 0, 200 * 1000000 };

	for (;;) {
		json_object_put(o);
		if ((o = status_load(conf.spool_dir, id)) == NULL) {
			nanosleep(&ts, NULL);
			continue;
		}
		state = cli_str(o, "state");
		if (tty) {
			done = cli_int(o, "bytes_processed");
			total = cli_int(o, "bytes_total");
			int pct = total > 0 ? (int)(done * 100 / total) : 0;
			int w = pct * 30 / 100;

			printf("\r%-7s [%.*s%*s] %3d%%  %lld rows", state, w,
			    "##############################", 30 - w, "", pct,
			    cli_int(o, "rows_processed"));
			fflush(stdout);
		} else if (strcmp(lastbuf, state) != 0) {
			printf("%s %s\n", id, state);
			fflush(stdout);
		}
		snprintf(lastbuf, sizeof lastbuf, "%s", state);
		last = lastbuf;
		if (strcmp(state, "done") == 0 || strcmp(state, "failed") == 0)
			break;
		nanosleep(&ts, NULL);
	}
	if (tty)
		printf("\n");
	cli_status_line(o);
	if (strcmp(last, "failed") == 0)
		printf("  failed: %s\n", cli_str(o, "message"));
	cli_status_errors(o);
	r = strcmp(last, "done") == 0 ? 0 : 1;
	json_object_put(o);
	return (r);
}

/*
 * What a review found, after its counts: each row's outcome that is not
 * an error (those cli_follow listed), the key and contact it matched,
 * and each field an update would change, before -> after.
 */
static int
cli_review_print(const char *id)
{
	struct dbstmt	*s;
	MYSQL		*db = cli_db(0);
	json_object	*o;
	unsigned long	 row = 0;

	if ((o = status_load(conf.spool_dir, id)) != NULL) {
		printf("  %lld warnings; %lld tagged, %lld queued to the "
		    "workflow, %lld flagged Do Not Touch\n",
		    cli_int(o, "warnings"), cli_int(o, "tagged"),
		    cli_int(o, "queued_to_workflow"), cli_int(o, "dnt"));
		json_object_put(o);
	}

	s = db_prepare(db, "SELECT r.row_no, r.severity, r.code, r.contact, "
	    "r.match_key, ch.field, ch.before_value, ch.after_value "
	    "FROM import_rows r LEFT JOIN import_changes ch ON "
	    "ch.import_id = r.import_id AND ch.row_no = r.row_no AND "
	    "r.severity = 'updated' WHERE r.import_id = ? AND r.severity IN "
	    "('created', 'updated', 'unchanged') ORDER BY r.row_no, ch.id");
	if (s == NULL)
		fatalx("database error");
	db_bind_str(s, 0, id);
	if (db_exec_stream(s) == -1)
		fatalx("database error");
	printf("What the import would do, row by row:\n");
	while (db_fetch(s) == 1) {
		if ((unsigned long)db_col_int(s, 0) != row) {
			row = db_col_int(s, 0);
			printf("  row %lu: %s", row, db_col_str(s, 1));
			if (db_col_str(s, 4) != NULL)
				printf(" %s (matched by %s)",
				    db_col_str(s, 3), db_col_str(s, 4));
			printf("\n");
		}
		if (db_col_str(s, 5) != NULL)
			printf("    %s: %s -> %s\n", db_col_str(s, 5),
			    db_col_str(s, 6) ? db_col_str(s, 6) : "(empty)",
			    db_col_str(s, 7) ? db_col_str(s, 7) : "(empty)");
	}
	db_close(s);
	mysql_close(db);
	return (0);
}

/* --map HEADER=FIELD and --map-file FILE, into the mapping text *map. */
static int
cli_map(char **map, int ch, const char *arg, char **err)
{
	struct buf	 b;
	char		 chunk[8192];
	ssize_t		 n;
	int		 fd, r;

	if (ch == 'm')
		return (mapping_add(map, arg, conf.id_header, err));
	if ((fd = open(arg, O_RDONLY | O_CLOEXEC)) == -1)
		fatal("%s", arg);
	buf_init(&b, OPTIONS_MAPPING_MAX);
	while ((n = read(fd, chunk, sizeof chunk)) > 0)
		if (buf_add(&b, chunk, n) == -1)
			fatalx("%s: longer than a mapping may be", arg);
	if (n == -1)
		fatal("%s", arg);
	close(fd);
	r = mapping_add_text(map, buf_str(&b), conf.id_header, err);
	buf_free(&b);
	return (r);
}

/* The flags of `intake import`: its own, then each option's (options.c)
 * with CLI_OPTION + its place in options_table as getopt's value. */
#define CLI_OPTION	0x100
static struct option *
cli_import_flags(void)
{
	static const struct option own[] = {
		{ "workspace", required_argument, NULL, 'w' },
		{ "as", required_argument, NULL, 'a' },
		{ "no-wait", no_argument, NULL, 'n' },
		{ "map", required_argument, NULL, 'm' },
		{ "map-file", required_argument, NULL, 'M' },
	};
	const struct options_def	*d;
	struct option			*opts;
	size_t				 n = sizeof own / sizeof own[0];

	for (d = options_table; d->name != NULL; d++)
		n++;
	opts = xcalloc(n + 1, sizeof *opts);
	memcpy(opts, own, sizeof own);
	n = sizeof own / sizeof own[0];
	for (d = options_table; d->name != NULL; d++) {
		if (d->flag == NULL)
			continue;
		opts[n].name = d->flag;
		opts[n].has_arg = d->flag_value ? no_argument :
		    required_argument;
		opts[n++].val = CLI_OPTION + (d - options_table);
	}
	return (opts);
}

/* The arguments of `intake import` into m (the options, and the file's
 * name) and *ws, *as, *nowait; the file is argv[optind]. */
static void
cli_import_args(int argc, char **argv, struct manifest *m, const char **ws,
    const char **as, int *nowait)
{
	const struct options_def	*d;
	struct option			*opts = cli_import_flags();
	char				*map = NULL, *err = NULL;
	int				 ch, r;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		r = 0;
		switch (ch) {
		case 'w': *ws = optarg; break;
		case 'a': *as = optarg; break;
		case 'n': *nowait = 1; break;
		case 'm':
		case 'M': r = cli_map(&map, ch, optarg, &err); break;
		default:
			if (ch < CLI_OPTION)
				cli_usage();
			/* through options.c, as the web form's */
			d = &options_table[ch - CLI_OPTION];
			r = options_set(m, d->name, d->flag_value ?
			    d->flag_value : optarg, &err);
		}
		if (r == -1)
			fatalx("%s", err);
	}
	free(opts);
	if (optind + 1 != argc || *ws == NULL || *as == NULL)
		cli_usage();
	if (map != NULL && options_set(m, "mapping", map, &err) == -1)
		fatalx("%s", err);
	free(map);
	m->file_name = options_file_name(argv[optind]);
}

/* What submit_* refused for `intake import FILE`, in the CLI's words:
 * the end (the database closed first; errno kept for SUBMIT_READ). */
static __dead void
cli_import_fail(MYSQL *db, enum submit_rc rc, const struct manifest *m,
    const char *ws, const char *file, const char *cause)
{
	int	e = errno;

	mysql_close(db);
	errno = e;
	switch (rc) {
	case SUBMIT_NO_USER:
		fatalx("%s is not a user of %s", m->uploader, ws);
	case SUBMIT_NOT_EDITOR:
		fatalx("%s has a view-only role in %s and cannot import",
		    m->uploader, ws);
	case SUBMIT_NO_WORKFLOW:
		fatalx("no workflow \"%s\" in %s", m->workflow, ws);
	case SUBMIT_BAD_OPTION:
		fatalx("%s", cause);
	case SUBMIT_NOT_CSV:
		fatalx("%s: this is not a CSV file: it looks like %s", file,
		    cause);
	case SUBMIT_READ:
		fatal("%s", file);
	case SUBMIT_NO_SPACE:
	case SUBMIT_STORE:
		fatalx("spool: %s", cause ? cause : "write failed");
	default:
		fatalx("database error");
	}
}

static int
cli_import(int argc, char **argv)
{
	struct manifest	 m;
	struct submit	*sub;
	MYSQL		*db;
	const char	*ws = NULL, *as = NULL, *file, *why;
	char		*cause = NULL, id[INTAKE_ID_MAX];
	int		 nowait = 0, fd, review, r;
	long long	 wsid;
	enum submit_rc	 rc;

	memset(&m, 0, sizeof m);
	cli_import_args(argc, argv, &m, &ws, &as, &nowait);
	file = argv[optind];
	if (norm_email(as, &m.uploader) != 0)
		fatalx("%s is not an email address", as);
	m.workspace = xstrdup(ws);
	m.source = xstrdup("cli");

	db = cli_db(0);
	wsid = cli_workspace(db, ws);
	if ((rc = submit_check(db, wsid, &m, &cause)) != SUBMIT_OK)
		cli_import_fail(db, rc, &m, ws, file, cause);
	/* (the database is closed before any end: nothing seems leaked) */
	if (sniff_name(file, &why) == -1) {
		mysql_close(db);
		fatalx("%s: %s", file, why);
	}
	if ((fd = open(file, O_RDONLY | O_CLOEXEC)) == -1)
		cli_import_fail(db, SUBMIT_READ, &m, ws, file, NULL);
	if (spool_init(conf.spool_dir) == -1 ||
	    (sub = submit_begin(&cause)) == NULL) {
		mysql_close(db);
		fatalx("spool: %s", cause ? cause : "cannot set up the spool");
	}
	if ((rc = submit_stream(sub, fd, &cause)) != SUBMIT_OK) {
		submit_abort(sub);
		cli_import_fail(db, rc, &m, ws, file, cause);
	}
	close(fd);
	if ((rc = submit_commit(sub, db, &m, &cause)) != SUBMIT_OK)
		cli_import_fail(db, rc, &m, ws, file, cause);
	mysql_close(db);
	snprintf(id, sizeof id, "%s", m.id);
	review = m.review;
	manifest_clear(&m);
	if (nowait) {
		printf("%s\n", id);
		return (0);
	}
	if (!review) {
		printf("Import started. Processing contacts… (%s)\n", id);
		fflush(stdout);
		return (cli_follow(id));
	}
	printf("Review started: nothing is written (%s)\n", id);
	fflush(stdout);
	if ((r = cli_follow(id)) == 0)
		r = cli_review_print(id);
	return (r);
}

/* What the import window would show for FILE: the columns, what each
 * is taken as and why, the problem if the import would fail. */
static void
cli_preview_print(json_object *o)
{
	json_object	*a, *c, *v, *smp;
	size_t		 i, j;
	const char	*to;

	printf("encoding %s, delimiter %s, header on row %d\n",
	    json_object_get_string(json_object_object_get(o, "encoding")),
	    json_object_get_string(json_object_object_get(o, "delimiter")),
	    json_object_get_int(json_object_object_get(o, "header_row")));
	a = json_object_object_get(o, "columns");
	for (i = 0; i < json_object_array_length(a); i++) {
		c = json_object_array_get_idx(a, i);
		to = json_object_get_string(json_object_object_get(c, "to"));
		printf("%3d  %-28s -> %s", json_object_get_int(
		    json_object_object_get(c, "index")),
		    json_object_get_string(json_object_object_get(c,
		    "header")), to);
		if ((v = json_object_object_get(c, "key")) != NULL)
			printf(" \"%s\"", json_object_get_string(v));
		if ((v = json_object_object_get(c, "why")) != NULL)
			printf(" (%s)", json_object_get_string(v));
		smp = json_object_object_get(c, "samples");
		for (j = 0; j < json_object_array_length(smp) && j < 3; j++)
			printf("%s%s", j == 0 ? ": " : ", ",
			    json_object_get_string(
			    json_object_array_get_idx(smp, j)));
		printf("\n");
	}
	a = json_object_object_get(o, "notes");
	for (i = 0; i < json_object_array_length(a); i++)
		printf("note: %s\n", json_object_get_string(
		    json_object_array_get_idx(a, i)));
	if (json_object_get_boolean(json_object_object_get(o, "ok")))
		printf("ok: the file can be imported\n");
	else
		printf("problem: %s\n", json_object_get_string(
		    json_object_object_get(o, "problem")));
}

/* intake preview [--workspace SLUG] [--update] [--map ...] [--json] FILE */
static int
cli_preview(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workspace", required_argument, NULL, 'w' },
		{ "update", no_argument, NULL, 'u' },
		{ "map", required_argument, NULL, 'm' },
		{ "map-file", required_argument, NULL, 'M' },
		{ "json", no_argument, NULL, 'j' },
		{ "encoding", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	struct manifest	 pm;	/* the encoding option, checked */
	struct drop	*d;
	struct sniff	 sn;
	json_object	*o;
	MYSQL		*db = NULL;
	const char	*ws = NULL, *why;
	char		*map = NULL, *err = NULL, *cause = NULL, *dir, *path;
	char		 buf[65536];
	enum flow	 flow = FLOW_CREATE;
	long long	 wsid = 0, got = 0;
	ssize_t		 n = 0;
	int		 ch, fd, json = 0, r = 0;

	memset(&pm, 0, sizeof pm);
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'w': ws = optarg; break;
		case 'E': r = options_set(&pm, "encoding", optarg, &err); break;
		case 'u': flow = FLOW_UPDATE; break;
		case 'm':
		case 'M': r = cli_map(&map, ch, optarg, &err); break;
		case 'j': json = 1; break;
		default: cli_usage();
		}
		if (r == -1)
			fatalx("%s", err);
	}
	if (optind + 1 != argc)
		cli_usage();
	if (ws != NULL) {
		db = cli_db(0);
		wsid = cli_workspace(db, ws);
	}
	if (sniff_name(argv[optind], &why) == -1)
		fatalx("%s: %s", argv[optind], why);
	if ((fd = open(argv[optind], O_RDONLY | O_CLOEXEC)) == -1)
		fatal("%s", argv[optind]);
	if (spool_init(conf.spool_dir) == -1 ||
	    (d = spool_begin(conf.spool_dir, &cause)) == NULL)
		fatalx("spool: %s", cause ? cause : "cannot set up the spool");
	/* The head, as the window sends it: the first PREVIEW_HEAD bytes. */
	sniff_init(&sn);
	while (got < PREVIEW_HEAD && (n = read(fd, buf, sizeof buf)) > 0) {
		if (got + n > PREVIEW_HEAD)
			n = PREVIEW_HEAD - got;
		got += n;
		if (sniff_feed(&sn, buf, n, &why) == -1 ||
		    spool_write(d, buf, n) == -1) {
			spool_abort(d);
			fatalx("%s: this is not a CSV file: it looks like %s",
			    argv[optind], why);
		}
	}
	if (n == -1 || sniff_end(&sn, &why) == -1) {
		spool_abort(d);
		fatalx("%s: this is not a CSV file: it looks like %s",
		    argv[optind], n == -1 ? strerror(errno) : why);
	}
	dir = spool_path(conf.spool_dir, "tmp", spool_drop_id(d), NULL);
	path = spool_path(conf.spool_dir, "tmp", spool_drop_id(d), "data.csv");
	if (got == PREVIEW_HEAD && read(fd, buf, 1) == 1)
		preview_cut(path, sn.utf16);
	close(fd);
	o = preview_file(db, wsid, dir, flow, map, pm.encoding, &cause);
	manifest_clear(&pm);
	spool_abort(d);
	free(dir);
	free(path);
	free(map);
	if (db != NULL)
		mysql_close(db);
	if (o == NULL)
		fatalx("%s: %s", argv[optind], cause);
	if (json)
		printf("%s\n", json_object_to_json_string_ext(o,
		    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		cli_preview_print(o);
	r = json_object_get_boolean(json_object_object_get(o, "ok")) ? 0 : 1;
	json_object_put(o);
	return (r);
}

static int
cli_export_write(void *arg, const char *buf, size_t len)
{
	return (fwrite(buf, 1, len, arg) == len ? 0 : -1);
}

/* intake export --workspace SLUG [--tag NAME] [-o FILE] */
static int
cli_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "workspace", required_argument, NULL, 'w' },
		{ "tag", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	MYSQL		*db;
	FILE		*f = stdout;
	const char	*ws = NULL, *tag = NULL, *out = NULL;
	char		*tmp = NULL;
	int		 ch, r;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'w': ws = optarg; break;
		case 't': tag = optarg; break;
		case 'o': out = optarg; break;
		default: cli_usage();
		}
	}
	if (optind != argc)
		cli_usage();
	db = cli_db(0);
	if (out != NULL) {
		/* Written whole under a temporary name, then renamed. */
		xasprintf(&tmp, "%s.tmp%ld", out, (long)getpid());
		if ((f = fopen(tmp, "w")) == NULL)
			fatal("%s", tmp);
	}
	r = export_run(db, cli_workspace(db, ws), tag, NULL, cli_export_write,
	    f);
	if (fflush(f) != 0)
		r = -1;
	if (out != NULL) {
		if (fclose(f) != 0)
			r = -1;
		if (r == 0 && rename(tmp, out) == -1)
			fatal("rename %s", out);
		if (r != 0)
			unlink(tmp);
		free(tmp);
	}
	mysql_close(db);
	if (r != 0)
		fatalx("export failed");
	return (0);
}

static int
cli_status(int argc, char **argv)
{
	MYSQL		*db;
	struct dbstmt	*s;
	json_object	*o;
	int		 r;

	if (argc == 2) {
		if (!randid_drop_valid(argv[1]) ||
		    (o = status_load(conf.spool_dir, argv[1])) == NULL)
			fatalx("no import %s", argv[1]);
		cli_status_line(o);
		if (cli_str(o, "message") != NULL)
			printf("  %s\n", cli_str(o, "message"));
		cli_status_errors(o);
		r = strcmp(cli_str(o, "state"), "failed") == 0;
		json_object_put(o);
		return (r);
	}
	if (argc != 1)
		cli_usage();
	db = cli_db(0);
	if ((s = db_prepare(db, "SELECT id FROM imports ORDER BY created_at "
	    "DESC, id DESC LIMIT 20")) == NULL || db_exec(s) == -1)
		fatalx("database error");
	while (db_fetch(s) == 1) {
		if ((o = status_load(conf.spool_dir,
		    db_col_str(s, 0))) == NULL)
			continue;
		cli_status_line(o);
		json_object_put(o);
	}
	db_close(s);
	mysql_close(db);
	return (0);
}

int
main(int argc, char **argv)
{
	char	*cause = NULL;
	int	 ch;

	log_init("intake", 1);
	while ((ch = getopt(argc, argv, "+c:v")) != -1) {
		switch (ch) {
		case 'c':
			cli_cfg = optarg;
			break;
		case 'v':
			log_verbose(1);
			break;
		default:
			cli_usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		cli_usage();
	if (conf_load(conf_path(cli_cfg), &cause) == -1)
		fatalx("%s", cause);
	if (strcmp(argv[0], "db") == 0)
		return (cli_migrate(argc, argv));
	if (strcmp(argv[0], "workspace") == 0)
		return (cli_workspace_cmd(argc, argv));
	if (strcmp(argv[0], "user") == 0)
		return (cli_user(argc, argv));
	if (strcmp(argv[0], "workflow") == 0)
		return (cli_workflow(argc, argv));
	if (strcmp(argv[0], "import") == 0)
		return (cli_import(argc, argv));
	if (strcmp(argv[0], "status") == 0)
		return (cli_status(argc, argv));
	if (strcmp(argv[0], "preview") == 0)
		return (cli_preview(argc, argv));
	if (strcmp(argv[0], "export") == 0)
		return (cli_export(argc, argv));
	cli_usage();
}
