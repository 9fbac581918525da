/*
 * intake-fcgi: the FastCGI responder behind nginx. It authenticates,
 * answers JSON, and streams uploads into the spool; it never imports.
 *
 * Every route says what it needs (a session, an editing session, a CSRF
 * token) in one table, and the checks run here before any handler: the
 * server enforces what the page only hides.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "web.h"

/*
 * Every route that changes state needs the session's CSRF token; all of
 * them but logout (which a viewer may do) need an editing session too.
 * tests/it/authz-matrix.sh reads this table: a route it has no case for
 * fails it.
 */
#define NEED_SESSION	0x1
#define NEED_CSRF	0x2	/* the X-CSRF-Token of the session */
#define NEED_EDIT	0x4	/* an editing session (and CSRF) */
#define SESSION_RECENT	0x8	/* a session checked < 1 s ago will do */
#define STREAM_BODY	0x10	/* nginx streams the body: see http_drain */

static const struct route {
	const char	*method;
	const char	*path;		/* a '*' segment matches an ID */
	int		 flags;
	void		(*fn)(struct http *);
	void		(*fn_id)(struct http *, const char *);
} routes[] = {
	{ "POST", "/api/login", 0, api_login, NULL },
	{ "POST", "/api/logout", NEED_SESSION | NEED_CSRF, api_logout, NULL },
	{ "GET", "/api/session", 0, api_session, NULL },
	/* the one route nginx does not buffer (conf/nginx.conf.in) */
	{ "POST", "/api/imports", NEED_SESSION | NEED_EDIT | STREAM_BODY,
	    upload_post, NULL },
	{ "GET", "/api/imports", NEED_SESSION, api_imports_list, NULL },
	{ "POST", "/api/imports/preview", NEED_SESSION | NEED_EDIT,
	    api_preview, NULL },
	{ "GET", "/api/mappings", NEED_SESSION, api_mappings_list, NULL },
	{ "DELETE", "/api/mappings/*", NEED_SESSION | NEED_EDIT, NULL,
	    api_mappings_delete },
	/* polled while an import runs: see sesscache.c */
	{ "GET", "/api/imports/*", NEED_SESSION | SESSION_RECENT, NULL,
	    api_imports_get },
	{ "GET", "/api/imports/*/errors", NEED_SESSION, NULL,
	    api_imports_errors },
	{ "GET", "/api/imports/*/errors.csv", NEED_SESSION, NULL,
	    api_imports_errors_csv },
	{ "GET", "/api/imports/*/rows", NEED_SESSION, NULL, api_review_rows },
	{ "POST", "/api/imports/*/import", NEED_SESSION | NEED_EDIT, NULL,
	    api_review_import },
	{ "GET", "/api/contacts", NEED_SESSION, api_contacts_list, NULL },
	{ "GET", "/api/contacts/export.csv", NEED_SESSION, api_contacts_export,
	    NULL },
	/* after export.csv, which it would match too */
	{ "GET", "/api/contacts/*", NEED_SESSION, NULL, api_contacts_get },
	{ "GET", "/api/tags", NEED_SESSION, api_tags_list, NULL },
	{ "POST", "/api/tags", NEED_SESSION | NEED_EDIT, api_tags_create, NULL },
	{ "GET", "/api/workflows", NEED_SESSION, api_workflows_list, NULL },
	{ "GET", "/api/settings", NEED_SESSION, api_settings_get, NULL },
	{ "PUT", "/api/settings", NEED_SESSION | NEED_EDIT, api_settings_put,
	    NULL },
	{ "POST", "/api/settings", NEED_SESSION | NEED_EDIT, api_settings_put,
	    NULL },
};

#define FCGI_IDLE_CHECK	10	/* seconds */

static volatile sig_atomic_t	 fcgi_quit;
static MYSQL			*fcgi_db;
static time_t			 fcgi_db_used;
static int			 fcgi_db_broken;

static void
fcgi_signal(int sig)
{
	fcgi_quit = 1;
	FCGX_ShutdownPending();
}

static __dead void
fcgi_usage(void)
{
	fprintf(stderr, "usage: intake-fcgi [-v] [-c file] [-s socket]\n");
	exit(2);
}

/* The database, reconnected after it went away. */
static MYSQL *
fcgi_connect(void)
{
	char	*cause = NULL;
	time_t	 now = time(NULL);

	/* No round trip per request: a connection is checked only when it
	 * has been idle a while, or after a request found the database
	 * unavailable. */
	if (fcgi_db != NULL && !fcgi_db_broken &&
	    (now - fcgi_db_used < FCGI_IDLE_CHECK || mysql_ping(fcgi_db) == 0)) {
		fcgi_db_used = now;
		return (fcgi_db);
	}
	fcgi_db_broken = 0;
	fcgi_db_used = now;
	if (fcgi_db != NULL) {
		db_forget(fcgi_db);
		mysql_close(fcgi_db);
	}
	if ((fcgi_db = db_connect(0, &cause)) == NULL) {
		log_warnx("%s", cause);
		free(cause);
	}
	return (fcgi_db);
}

/* Whether path matches pattern, where a '*' segment matches one
 * non-empty segment (an ID), which *id then points at. */
static int
fcgi_match(const char *pattern, const char *path, const char **id)
{
	const char	*star;
	size_t		 len;

	if ((star = strchr(pattern, '*')) == NULL)
		return (strcmp(pattern, path) == 0);
	len = star - pattern;
	if (strncmp(pattern, path, len) != 0)
		return (0);
	path += len;
	len = strcspn(path, "/");
	if (len == 0 || strcmp(star + 1, path + len) != 0)
		return (0);
	*id = path;
	return (1);
}

/* Match a route; *id gets the part a '*' matched (up to the next '/'). */
static const struct route *
fcgi_route(const char *method, const char *path, const char **id,
    int *wrong_method)
{
	size_t	i;

	*wrong_method = 0;
	for (i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!fcgi_match(routes[i].path, path, id))
			continue;
		if (strcmp(method, routes[i].method) != 0) {
			*wrong_method = 1;
			continue;
		}
		return (&routes[i]);
	}
	return (NULL);
}

/* Whether nginx streams the body of a request for path (any method: its
 * location in the nginx config is the path's). */
static int
fcgi_streamed(const char *path)
{
	const char	*id;
	size_t		 i;

	for (i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if ((routes[i].flags & STREAM_BODY) &&
		    fcgi_match(routes[i].path, path, &id))
			return (1);
	return (0);
}

/* A state-changing route without a CSRF check is a bug: refuse to start.
 * (Login has no session yet, so no token to check.) */
static void
fcgi_check_routes(void)
{
	size_t	i;

	for (i = 0; i < sizeof routes / sizeof routes[0]; i++)
		if (strcmp(routes[i].method, "GET") != 0 &&
		    strcmp(routes[i].path, "/api/login") != 0 &&
		    !(routes[i].flags & (NEED_CSRF | NEED_EDIT)))
			fatalx("route %s %s changes state without CSRF",
			    routes[i].method, routes[i].path);
}

/* Answer one request; 1 if it was a streamed one (its connection must
 * not be kept). */
static int
fcgi_handle(FCGX_Request *r)
{
	struct http		 h;
	const struct route	*rt;
	const char		*id = NULL, *cl;
	char			 idbuf[INTAKE_ID_MAX];
	unsigned long		 epoch = 0;
	int			 wrong, ok;

	memset(&h, 0, sizeof h);
	h.r = r;
	h.method = http_param(&h, "REQUEST_METHOD");
	h.path = http_param(&h, "DOCUMENT_URI");
	if (h.path == NULL)
		h.path = http_param(&h, "SCRIPT_NAME");
	h.query = http_param(&h, "QUERY_STRING");
	if ((cl = http_param(&h, "CONTENT_LENGTH")) != NULL)
		h.content_length = strtoll(cl, NULL, 10);
	if (h.method == NULL || h.path == NULL) {
		http_error(&h, 400, "bad_request", "Malformed request");
		return (0);
	}

	/* Refusals answer from the headers alone: a streamed body is not
	 * read for them (http_drain). */
	if (fcgi_streamed(h.path)) {
		h.streamed = 1;
		h.stream_start = mono_ms();
	}
	if ((rt = fcgi_route(h.method, h.path, &id, &wrong)) == NULL) {
		http_drain(&h);
		if (wrong)
			http_error(&h, 405, "method_not_allowed",
			    "That method is not allowed here");
		else
			http_error(&h, 404, "not_found", "There is nothing here");
		goto out;
	}
	if ((h.db = fcgi_connect()) == NULL) {
		http_drain(&h);
		http_error(&h, 503, "unavailable", "The service is not "
		    "available; try again in a moment");
		goto out;
	}
	h.token = http_cookie(&h, "intake_session");
	if (h.token != NULL) {
		if ((rt->flags & SESSION_RECENT) &&
		    sesscache_get(h.token, &h.se, &epoch) == 1)
			ok = 1;
		else if ((ok = auth_session_get(h.db, h.token, &h.se)) == 1 &&
		    (rt->flags & SESSION_RECENT))
			sesscache_put(h.token, &h.se, epoch);
		switch (ok) {
		case 1:
			h.has_session = 1;
			break;
		case -1:
			http_drain(&h);
			http_error(&h, 503, "unavailable", "Try again in a "
			    "moment");
			goto out;
		}
	}
	/* Behind an SSO proxy the proxy's user wins over an older cookie. */
	if (h.has_session && !api_session_sso_same(&h)) {
		auth_session_clear(&h.se);
		h.has_session = 0;
	}
	if ((rt->flags & NEED_SESSION) && !h.has_session) {
		http_drain(&h);
		http_error(&h, 401, "unauthenticated", "Log in first");
		goto out;
	}
	if ((rt->flags & NEED_EDIT) && !h.se.editor) {
		http_drain(&h);
		http_error(&h, 403, "view_only", "This is a view-only "
		    "session: it cannot change anything");
		goto out;
	}
	if ((rt->flags & (NEED_CSRF | NEED_EDIT)) && !http_csrf_ok(&h, NULL)) {
		http_drain(&h);
		http_error(&h, 403, "csrf", "The request is missing its "
		    "security token; reload the page");
		goto out;
	}
	if (rt->fn_id != NULL) {
		/* The ID alone, without what follows it in the path. */
		if (strcspn(id, "/") >= sizeof idbuf) {
			http_drain(&h);
			http_error(&h, 404, "not_found", "There is nothing here");
			goto out;
		}
		snprintf(idbuf, sizeof idbuf, "%.*s", (int)strcspn(id, "/"), id);
		rt->fn_id(&h, idbuf);
	} else
		rt->fn(&h);

out:
	log_debug("%s %s %d", h.method, h.path, h.status);
	if (h.status == 503)
		fcgi_db_broken = 1;	/* reconnect before the next one */
	free(h.token);
	auth_session_clear(&h.se);
	return (h.streamed);
}

/* Answer requests until told to stop. */
static void
fcgi_serve(FCGX_Request *req)
{
	while (!fcgi_quit && FCGX_Accept_r(req) >= 0) {
		/*
		 * A streamed request's connection is never kept: its body
		 * may be unread, its socket has a receive timeout. libfcgi
		 * closes it after the answer (reading on only until nginx,
		 * fastcgi_keep_conn off, closes its side, which it does
		 * once it has the answer), and the worker is free.
		 */
		if (fcgi_handle(req))
			req->keepConnection = 0;
		FCGX_Finish_r(req);
	}
	if (fcgi_db != NULL) {
		db_forget(fcgi_db);
		mysql_close(fcgi_db);
	}
	fcgi_db = NULL;
}

/* A worker: its own connection to the database, the shared socket. */
static pid_t
fcgi_worker(int fd)
{
	FCGX_Request	req;
	pid_t		pid;

	if ((pid = fork()) == -1) {
		log_warn("fork");
		return (-1);
	}
	if (pid != 0)
		return (pid);
	if (FCGX_InitRequest(&req, fd, 0) != 0)
		fatalx("FCGX_InitRequest");
	fcgi_serve(&req);
	_exit(0);
}

/*
 * Several workers accept on one socket (pre-forked, as spawn-fcgi -F
 * does): the parent keeps fcgi_workers of them running, and on SIGTERM
 * stops them and waits for them, so its pid stands for all of them.
 */
static void
fcgi_parent(int fd)
{
	pid_t		*pids;
	unsigned	 i, n = conf.fcgi_workers;
	pid_t		 pid;
	int		 st;

	pids = xcalloc(n, sizeof *pids);
	for (i = 0; i < n; i++)
		pids[i] = fcgi_worker(fd);
	while (!fcgi_quit) {
		if ((pid = waitpid(-1, &st, 0)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < n; i++)
			if (pids[i] == pid && !fcgi_quit) {
				log_warnx("worker %ld ended; starting another",
				    (long)pid);
				sleep(1);
				pids[i] = fcgi_worker(fd);
			}
	}
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			kill(pids[i], SIGTERM);
	for (i = 0; i < n; i++)
		if (pids[i] > 0)
			waitpid(pids[i], &st, 0);
	free(pids);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	FCGX_Request	 req;
	const char	*cfg = NULL, *sock = NULL;
	char		*cause = NULL;
	mode_t		 mask;
	int		 ch, fd = 0;

	while ((ch = getopt(argc, argv, "c:s:v")) != -1) {
		switch (ch) {
		case 'c':
			cfg = optarg;
			break;
		case 's':
			sock = optarg;
			break;
		case 'v':
			log_verbose(1);
			break;
		default:
			fcgi_usage();
		}
	}
	if (optind != argc)
		fcgi_usage();
	log_init("intake-fcgi", 1);
	fcgi_check_routes();
	if (conf_load(conf_path(cfg), &cause) == -1)
		fatalx("%s", cause);
	if (spool_init(conf.spool_dir) == -1)
		fatalx("cannot set up the spool in %s", conf.spool_dir);
	if (FCGX_Init() != 0)
		fatalx("FCGX_Init");
	if (sock != NULL) {
		unlink(sock);
		/* Owner-only until chmod below: never more open than asked. */
		mask = umask(0177);
		fd = FCGX_OpenSocket(sock, 64);
		umask(mask);
		if (fd == -1)
			fatal("listen on %s", sock);
		/* nginx's workers connect as the socket's group; nobody
		 * else may (fcgi_socket_mode, 0660 by default). */
		if (chmod(sock, conf.fcgi_socket_mode) == -1)
			fatal("chmod %s", sock);
	}

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = fcgi_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	sesscache_init();
	log_info("ready%s%s, %u worker%s", sock ? " on " : "", sock ? sock : "",
	    conf.fcgi_workers, conf.fcgi_workers == 1 ? "" : "s");
	if (conf.fcgi_workers > 1)
		fcgi_parent(fd);
	else {
		if (FCGX_InitRequest(&req, fd, 0) != 0)
			fatalx("FCGX_InitRequest");
		fcgi_serve(&req);
	}
	if (sock != NULL)
		unlink(sock);
	return (0);
}
