/*
 * Logging in and out, and who is logged in: POST /api/login,
 * POST /api/logout, GET /api/session.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "web.h"

/*
 * Login CSRF: a page of another site must not log its visitor's browser
 * into a workspace of its choosing (their next upload would go there).
 * A login is JSON only, which a plain HTML form cannot send (a form's
 * text/plain body shaped like JSON is refused too), and a request that
 * names an Origin other than ours, or that the browser calls cross-site
 * or same-site (Sec-Fetch-Site), is refused. A request with neither
 * header (curl, a script) is no browser's and may log in.
 */

/* Ours: conf.public_origin, else the request's own scheme://host[:port];
 * the caller frees it. */
static char *
api_session_origin(struct http *h)
{
	const char	*host, *scheme, *port, *p, *https;
	char		*o;

	if (conf.public_origin != NULL && conf.public_origin[0] != '\0')
		return (xstrdup(conf.public_origin));
	if ((host = http_param(h, "HTTP_HOST")) == NULL || *host == '\0')
		return (NULL);
	if ((scheme = http_param(h, "REQUEST_SCHEME")) == NULL ||
	    *scheme == '\0') {
		https = http_param(h, "HTTPS");
		scheme = https != NULL && strcasecmp(https, "on") == 0 ?
		    "https" : "http";
	}
	/* nginx's $host has no port; the port it was reached at does. */
	p = strrchr(host, ']');
	port = http_param(h, "SERVER_PORT");
	if (strchr(p != NULL ? p : host, ':') == NULL && port != NULL &&
	    *port != '\0' &&
	    strcmp(port, strcasecmp(scheme, "https") == 0 ? "443" : "80") != 0)
		xasprintf(&o, "%s://%s:%s", scheme, host, port);
	else
		xasprintf(&o, "%s://%s", scheme, host);
	return (o);
}

/* Whether a login may come from where the browser says it comes from. */
static int
api_session_same_origin(struct http *h)
{
	const char	*origin, *site;
	char		*ours;
	int		 same;

	site = http_param(h, "HTTP_SEC_FETCH_SITE");
	if (site != NULL && (strcasecmp(site, "cross-site") == 0 ||
	    strcasecmp(site, "same-site") == 0))
		return (0);
	if ((origin = http_param(h, "HTTP_ORIGIN")) == NULL)
		return (1);
	ours = api_session_origin(h);
	same = ours != NULL && strcasecmp(origin, ours) == 0;
	free(ours);
	return (same);
}

/* Whether the body is declared JSON: application/json, maybe with
 * parameters (; charset=utf-8). */
static int
api_session_is_json(struct http *h)
{
	const char	*type = http_param(h, "CONTENT_TYPE");

	if (type == NULL || strncasecmp(type, "application/json", 16) != 0)
		return (0);
	type += 16;
	return (*type == '\0' || *type == ';' || *type == ' ' ||
	    *type == '\t');
}

/* A login body: JSON {"email", "password", "workspace"}. */
static int
api_login_fields(struct buf *body, char **email, char **password,
    char **workspace)
{
	json_object	*o, *v;

	*email = *password = *workspace = NULL;
	if ((o = json_tokener_parse(buf_str(body))) == NULL)
		return (-1);
	if (json_object_object_get_ex(o, "email", &v) &&
	    json_object_is_type(v, json_type_string))
		*email = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(o, "password", &v) &&
	    json_object_is_type(v, json_type_string))
		*password = xstrdup(json_object_get_string(v));
	if (json_object_object_get_ex(o, "workspace", &v) &&
	    json_object_is_type(v, json_type_string))
		*workspace = xstrdup(json_object_get_string(v));
	json_object_put(o);
	return (*email != NULL && *password != NULL ? 0 : -1);
}

static json_object *
api_session_json(const struct session *se)
{
	json_object	*o, *u, *w;

	o = json_object_new_object();
	u = json_object_new_object();
	json_object_object_add(u, "email", json_object_new_string(se->email));
	json_object_object_add(u, "role",
	    json_object_new_string(se->editor ? "editor" : "viewer"));
	w = json_object_new_object();
	json_object_object_add(w, "slug", json_object_new_string(se->workspace));
	json_object_object_add(w, "name",
	    json_object_new_string(se->workspace_name));
	json_object_object_add(o, "mode",
	    json_object_new_string(se->editor ? "edit" : "view"));
	json_object_object_add(o, "user", u);
	json_object_object_add(o, "workspace", w);
	json_object_object_add(o, "csrf_token", json_object_new_string(se->csrf));
	/* The import window names the identifier column Update with CSV
	 * needs. */
	json_object_object_add(o, "id_header",
	    json_object_new_string(conf.id_header));
	return (o);
}

/* 429 with Retry-After: too many failed logins lately. */
static void
api_session_slow(struct http *h, long long wait)
{
	json_object	*o = json_object_new_object();
	const char	*t;
	char		*hdr;

	json_object_object_add(o, "error", json_object_new_string("slow_down"));
	json_object_object_add(o, "message", json_object_new_string(
	    "Too many failed logins: wait a moment and try again"));
	json_object_object_add(o, "retry_after", json_object_new_int64(wait));
	t = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	xasprintf(&hdr, "Retry-After: %lld\r\n", wait);
	http_reply(h, 429, "application/json", t, strlen(t), hdr);
	free(hdr);
	json_object_put(o);
}

/* A new session for user (ending the one the request came with): the
 * cookie, and the session JSON as the answer. -1 on a database error,
 * before anything was answered. */
static int
api_session_start(struct http *h, long long user)
{
	struct session	 se;
	json_object	*o;
	const char	*t;
	char		 token[65], csrf[65], *cookie;

	if (h->token != NULL)
		auth_session_delete(h->db, h->token);
	if (auth_session_create(h->db, user, token, sizeof token, csrf,
	    sizeof csrf) == -1 || auth_session_get(h->db, token, &se) != 1)
		return (-1);
	xasprintf(&cookie, "Set-Cookie: intake_session=%s; Path=/; HttpOnly; "
	    "SameSite=Lax; Max-Age=%u%s\r\n", token, conf.session_max,
	    conf.cookie_secure ? "; Secure" : "");
	o = api_session_json(&se);
	t = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	http_reply(h, 200, "application/json", t, strlen(t), cookie);
	json_object_put(o);
	free(cookie);
	explicit_bzero(token, sizeof token);
	auth_session_clear(&se);
	return (0);
}

/*
 * POST /api/login. The same email may be a user of several workspaces:
 * the password picks among them, and when it still matches more than one
 * the client must name the workspace. Every way to fail costs at least
 * one password check (an unknown email checks a dummy hash), so that the
 * time of an answer does not tell which emails have an account.
 */
void
api_login(struct http *h)
{
	struct buf	 body;
	struct dbstmt	*s = NULL;
	char		*email = NULL, *password = NULL, *workspace = NULL;
	char		*lower = NULL;
	const char	*ip;
	long long	 user = 0, wait;
	int		 matches = 0, rows = 0;
	json_object	*choices = NULL;

	if (!api_session_same_origin(h)) {
		http_drain(h);
		http_error(h, 403, "cross_site", "This login came from another "
		    "site: open intake at its own address and log in there");
		return;
	}
	if (!api_session_is_json(h)) {
		http_drain(h);
		http_error(h, 415, "json_only", "A login must be sent as JSON "
		    "(Content-Type: application/json)");
		return;
	}
	if (http_read_body(h, &body) == -1) {
		http_error(h, 413, "too_large", "The request is too large");
		return;
	}
	if (api_login_fields(&body, &email, &password, &workspace) == -1) {
		http_error(h, 400, "bad_request",
		    "Enter your email and password");
		goto out;
	}
	if (norm_email(email, &lower) != 0)
		lower = xstrdup(email);
	ip = http_param(h, "REMOTE_ADDR");
	switch ((wait = auth_throttle_wait(h->db, lower, ip))) {
	case -1:
		goto dberr;
	case 0:
		break;
	default:
		api_session_slow(h, wait);
		goto out;
	}
	s = db_prepare(h->db, "SELECT u.id, u.password_hash, w.slug "
	    "FROM users u JOIN workspaces w ON w.id = u.workspace_id "
	    "WHERE u.email = ? AND (? IS NULL OR w.slug = ?) ORDER BY w.slug");
	if (s == NULL)
		goto dberr;
	db_bind_str(s, 0, lower);
	db_bind_str(s, 1, workspace);
	db_bind_str(s, 2, workspace);
	if (db_exec(s) == -1)
		goto dberr;
	choices = json_object_new_array();
	while (db_fetch(s) == 1) {
		rows++;
		if (!auth_verify(password, db_col_str(s, 1)))
			continue;
		matches++;
		user = db_col_int(s, 0);
		json_object_array_add(choices,
		    json_object_new_string(db_col_str(s, 2)));
	}
	if (rows == 0)
		auth_verify_none(password);
	if (matches == 0) {
		auth_throttle_fail(h->db, lower, ip);
		http_error(h, 401, "bad_login",
		    "That email and password do not match");
		goto out;
	}
	auth_throttle_clear(h->db, lower, ip);
	if (matches > 1) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "error",
		    json_object_new_string("choose_workspace"));
		json_object_object_add(o, "message", json_object_new_string(
		    "You belong to several workspaces: choose one"));
		json_object_object_add(o, "workspaces", choices);
		choices = NULL;
		http_json(h, 409, o);
		goto out;
	}
	/* A new session id at every login. */
	if (api_session_start(h, user) == -1)
		goto dberr;
	goto out;

dberr:
	http_error(h, 503, "unavailable", "The service is not available; try "
	    "again in a moment");
out:
	json_object_put(choices);
	db_close(s);
	buf_free(&body);
	free(email);
	free(lower);
	if (password != NULL) {
		explicit_bzero(password, strlen(password));
		free(password);
	}
	free(workspace);
}

/* POST /api/logout: the session ends and the cookie is cleared. */
void
api_logout(struct http *h)
{
	if (h->token != NULL)
		auth_session_delete(h->db, h->token);
	http_reply(h, 204, "application/json", NULL, 0, "Set-Cookie: "
	    "intake_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0\r\n");
}

/*
 * The user an SSO proxy vouches for (conf.sso_header, e.g. X-Remote-User),
 * lower-cased; NULL when the option is off or the header is absent. The
 * proxy must set the header on every request and drop any a client sent.
 */
static char *
api_session_sso_email(struct http *h)
{
	char		 param[128], *email = NULL;
	const char	*v, *p;
	size_t		 i;

	if (conf.sso_header == NULL || conf.sso_header[0] == '\0')
		return (NULL);
	/* X-Remote-User arrives as the FastCGI parameter HTTP_X_REMOTE_USER. */
	i = snprintf(param, sizeof param, "HTTP_");
	for (p = conf.sso_header; *p != '\0' && i + 1 < sizeof param; p++)
		param[i++] = *p == '-' ? '_' : toupper((unsigned char)*p);
	param[i] = '\0';
	if ((v = http_param(h, param)) == NULL || *v == '\0')
		return (NULL);
	if (norm_email(v, &email) != 0) {
		free(email);
		return (NULL);
	}
	return (email);
}

/* Whether the request's session is the SSO proxy's user (always, when
 * the option is off or the proxy names nobody). */
int
api_session_sso_same(struct http *h)
{
	char	*email;
	int	 same;

	if ((email = api_session_sso_email(h)) == NULL)
		return (1);
	same = strcasecmp(email, h->se.email) == 0;
	free(email);
	return (same);
}

/* GET /api/session: who is logged in. Without a session, a user vouched
 * for by the SSO proxy gets one here, as at a login. */
void
api_session(struct http *h)
{
	char		*email, *ws;
	long long	 user = 0;
	int		 r;

	if (h->has_session) {
		http_json(h, 200, api_session_json(&h->se));
		return;
	}
	if ((email = api_session_sso_email(h)) == NULL) {
		http_error(h, 401, "unauthenticated", "Log in first");
		return;
	}
	ws = http_query(h->query, "workspace");
	r = auth_sso_user(h->db, email, ws, &user);
	if (r == 1 && api_session_start(h, user) == 0)
		log_info("sso session for %s", email);
	else if (r == 0)
		http_error(h, 401, "unauthenticated", "Your single sign-on user "
		    "is not a user of one workspace here");
	else
		http_error(h, 503, "unavailable", "Try again in a moment");
	free(ws);
	free(email);
}
