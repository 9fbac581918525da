/*
 * Looking LinkedIn profiles up at the configured enrichment provider, many
 * at a time (libcurl's multi interface).
 *
 * Requests run concurrently up to enrich_concurrency, and start no faster
 * than enrich_rate per second. A timeout, a connection error, a 5xx or a
 * 408 is retried with exponential backoff and jitter; a 429 waits for its
 * Retry-After. After enrich_retries retries (or enrich_max_wait seconds of
 * waiting) the lookup has failed, and the row will say so; nothing here
 * ever fails a whole import.
 *
 * Only the configured provider is contacted: the profile URL from the file
 * is normalised before it gets here, goes only into the query (escaped) or
 * the body, and every request URL is checked to have the template's
 * scheme, host and port. https only (http only when allowed for a loopback
 * test provider), no redirects, TLS verification on, responses capped.
 * The API key is read once from a file or the environment and never
 * logged.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "watchd.h"

struct enrich {
	CURLM			*multi;
	struct curl_slist	*headers;
	struct profile_map	 map;
	char			*scheme;
	char			*host;
	char			*port;
	long long		 last_start;
};

/* Replace every {url} in a template. */
static char *
enrich_fill(const char *tmpl, const char *value)
{
	struct buf	 b;
	const char	*p;
	char		*out;

	buf_init(&b, 1 << 16);
	while ((p = strstr(tmpl, "{url}")) != NULL) {
		buf_add(&b, tmpl, p - tmpl);
		buf_add(&b, value, strlen(value));
		tmpl = p + 5;
	}
	buf_add(&b, tmpl, strlen(tmpl));
	out = xstrdup(buf_str(&b));
	buf_free(&b);
	return (out);
}

/* Scheme, host and port of a URL. */
static int
enrich_parts(const char *url, char **scheme, char **host, char **port)
{
	CURLU	*u;
	int	 r = -1;

	*scheme = *host = *port = NULL;
	if ((u = curl_url()) == NULL)
		fatalx("curl_url");
	if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) ==
	    CURLUE_OK)
		r = 0;
	curl_url_cleanup(u);
	return (r);
}

/* Read the API key: from a file (first line) or the environment. */
static char *
enrich_key(char **cause)
{
	FILE	*f;
	char	*line = NULL, *env;
	size_t	 size = 0;
	ssize_t	 n;

	if (conf.enrich_key_env[0] != '\0') {
		if ((env = getenv(conf.enrich_key_env)) == NULL || *env == '\0') {
			xasprintf(cause, "enrichment: $%s is not set",
			    conf.enrich_key_env);
			return (NULL);
		}
		return (xstrdup(env));
	}
	if (conf.enrich_key_file[0] == '\0')
		return (NULL);
	if ((f = fopen(conf.enrich_key_file, "r")) == NULL) {
		xasprintf(cause, "enrichment: %s: %s", conf.enrich_key_file,
		    strerror(errno));
		return (NULL);
	}
	n = getline(&line, &size, f);
	fclose(f);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	if (n <= 0) {
		free(line);
		xasprintf(cause, "enrichment: %s is empty", conf.enrich_key_file);
		return (NULL);
	}
	return (line);
}

/*
 * The provider as configured; NULL with cause if the configuration is
 * wrong, NULL without cause if enrichment is off.
 */
struct enrich *
enrich_create(char **cause)
{
	struct enrich	*e;
	char		*url, *key = NULL, *h;

	*cause = NULL;
	if (conf.enrich_url[0] == '\0')
		return (NULL);
	e = xcalloc(1, sizeof *e);
	url = enrich_fill(conf.enrich_url, "x");
	if (enrich_parts(url, &e->scheme, &e->host, &e->port) == -1) {
		xasprintf(cause, "enrichment: enrich_url is not a URL");
		free(url);
		goto fail;
	}
	free(url);
	if (strcmp(e->scheme, "https") != 0 && !(conf.enrich_allow_http &&
	    strcmp(e->scheme, "http") == 0)) {
		xasprintf(cause, "enrichment: enrich_url must be https (http "
		    "only with enrich_allow_http)");
		goto fail;
	}
	if (conf.enrich_key_header[0] != '\0') {
		if ((key = enrich_key(cause)) == NULL) {
			if (*cause == NULL)
				xasprintf(cause, "enrichment: enrich_key_header "
				    "is set but no key (enrich_key_file or "
				    "enrich_key_env)");
			goto fail;
		}
		xasprintf(&h, "%s: %s", conf.enrich_key_header, key);
		e->headers = curl_slist_append(e->headers, h);
		explicit_bzero(h, strlen(h));
		explicit_bzero(key, strlen(key));
		free(h);
		free(key);
	}
	if (strcmp(conf.enrich_method, "POST") == 0) {
		xasprintf(&h, "Content-Type: %s", conf.enrich_content_type);
		e->headers = curl_slist_append(e->headers, h);
		free(h);
	}
	e->headers = curl_slist_append(e->headers, "Accept: application/json");
	e->map.first = conf.enrich_map_first;
	e->map.last = conf.enrich_map_last;
	e->map.account = conf.enrich_map_account;
	e->map.domain = conf.enrich_map_domain;
	e->map.email = conf.enrich_map_email;
	e->map.phone = conf.enrich_map_phone;
	e->map.title = conf.enrich_map_title;
	if ((e->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init");
	return (e);

fail:
	enrich_free(e);
	return (NULL);
}

void
enrich_free(struct enrich *e)
{
	if (e == NULL)
		return;
	if (e->multi != NULL)
		curl_multi_cleanup(e->multi);
	curl_slist_free_all(e->headers);
	curl_free(e->scheme);
	curl_free(e->host);
	curl_free(e->port);
	free(e);
}

static size_t
enrich_write(char *p, size_t size, size_t n, void *arg)
{
	struct enrich_req	*r = arg;

	if (buf_add(&r->body, p, size * n) == -1)
		return (0);	/* over the cap: CURLE_WRITE_ERROR */
	return (size * n);
}

/* Start one request; -1 if its URL is not the provider's. */
static int
enrich_start(struct enrich *e, struct enrich_req *r)
{
	char	*esc, *url, *scheme, *host, *port, *body;
	CURL	*c;
	int	 same;

	if ((esc = curl_easy_escape(NULL, r->url, 0)) == NULL)
		fatalx("curl_easy_escape");
	url = enrich_fill(conf.enrich_url, esc);
	curl_free(esc);
	same = enrich_parts(url, &scheme, &host, &port) == 0 &&
	    strcmp(scheme, e->scheme) == 0 && strcmp(host, e->host) == 0 &&
	    strcmp(port, e->port) == 0;
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	if (!same) {
		free(url);
		return (-1);
	}
	if ((c = curl_easy_init()) == NULL)
		fatalx("curl_easy_init");
	buf_free(&r->body);
	buf_init(&r->body, conf.enrich_max_response);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
	    conf.enrich_allow_http ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)conf.enrich_timeout);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
	    (long)conf.enrich_connect_timeout);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, e->headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "intake/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, enrich_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_PRIVATE, r);
	if (strcmp(conf.enrich_method, "POST") == 0) {
		/* The normalised URL is URL-safe ASCII: safe in any body. */
		body = enrich_fill(conf.enrich_body, r->url);
		curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, body);
		free(body);
	}
	free(url);
	r->easy = c;
	r->attempts++;
	curl_multi_add_handle(e->multi, c);
	return (0);
}

/* When to try again: exponential backoff with jitter, or Retry-After. */
static int
enrich_retry(struct enrich_req *r, long long now, long long after_ms,
    const char *why)
{
	long long	wait;

	snprintf(r->why, sizeof r->why, "%s", why);
	if (r->attempts > conf.enrich_retries)
		return (0);
	if (after_ms >= 0)
		wait = after_ms;
	else {
		wait = (long long)conf.enrich_backoff_ms << (r->attempts - 1);
		wait = wait / 2 + random() % (wait + 1);	/* 0.5x .. 1.5x */
	}
	if (r->waited + wait > (long long)conf.enrich_max_wait * 1000)
		return (0);
	r->waited += wait;
	r->next_at = now + wait;
	return (1);
}

/* A request ended: found, not found, failed, or to be retried. */
static void
enrich_done(struct enrich *e, struct enrich_req *r, CURLcode cc)
{
	long		 status = 0;
	curl_off_t	 after = -1;
	long long	 now = mono_ms();
	char		 why[128];

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &after);
	curl_multi_remove_handle(e->multi, r->easy);
	curl_easy_cleanup(r->easy);
	r->easy = NULL;

	if (cc == CURLE_OK && status >= 200 && status < 300) {
		if (profile_parse(buf_str(&r->body), &e->map,
		    &r->profile) == 0) {
			r->state = ENRICH_FOUND;
			return;
		}
		snprintf(r->why, sizeof r->why, "the provider's answer is not "
		    "JSON");
		r->state = ENRICH_FAILED;
		return;
	}
	if (cc == CURLE_OK && (status == 404 || status == 410)) {
		r->state = ENRICH_NOT_FOUND;
		return;
	}
	if (cc == CURLE_OK && status == 429) {
		if (enrich_retry(r, now, after >= 0 ? after * 1000 : -1,
		    "the provider kept answering 429 Too Many Requests"))
			return;
	} else if (cc == CURLE_OK && (status >= 500 || status == 408)) {
		snprintf(why, sizeof why, "the provider kept answering %ld",
		    status);
		if (enrich_retry(r, now, -1, why))
			return;
	} else if (cc == CURLE_OK) {
		snprintf(r->why, sizeof r->why, "the provider answered %ld",
		    status);
	} else if (cc == CURLE_WRITE_ERROR) {
		snprintf(r->why, sizeof r->why, "the provider's answer is "
		    "larger than %u bytes", conf.enrich_max_response);
	} else {
		snprintf(why, sizeof why, "%s", curl_easy_strerror(cc));
		if (enrich_retry(r, now, -1, why))
			return;
	}
	r->state = ENRICH_FAILED;
}

/*
 * Look up every request (state ENRICH_PENDING) and leave each FOUND,
 * NOT_FOUND or FAILED. done(arg, i) is called as each one ends, and
 * progress(arg) now and then. Returns -1 if stop became set (the rest stay
 * PENDING).
 */
int
enrich_run(struct enrich *e, struct enrich_req *reqs, size_t n,
    void (*done)(void *, size_t), void (*progress)(void *), void *arg,
    volatile sig_atomic_t *stop)
{
	struct CURLMsg		*msg;
	struct enrich_req	*r;
	long long		 now, interval, wake, last_progress = 0;
	size_t			 i, active = 0, finished = 0;
	int			 running, left, timeout, ended;

	interval = conf.enrich_rate > 0 ? 1000 / conf.enrich_rate : 0;
	for (i = 0; i < n; i++)
		if (reqs[i].state != ENRICH_PENDING)
			finished++;
	while (finished < n) {
		now = mono_ms();
		wake = now + 100;
		for (i = 0; i < n && active < conf.enrich_concurrency; i++) {
			r = &reqs[i];
			if (r->state != ENRICH_PENDING || r->easy != NULL)
				continue;
			if (r->next_at > now) {
				if (r->next_at < wake)
					wake = r->next_at;
				continue;
			}
			if (e->last_start + interval > now) {
				if (e->last_start + interval < wake)
					wake = e->last_start + interval;
				break;
			}
			if (enrich_start(e, r) == -1) {
				snprintf(r->why, sizeof r->why, "the URL would "
				    "not go to the configured provider");
				r->state = ENRICH_FAILED;
				finished++;
				done(arg, i);
				continue;
			}
			e->last_start = now;
			active++;
		}
		curl_multi_perform(e->multi, &running);
		ended = 0;
		while ((msg = curl_multi_info_read(e->multi, &left)) != NULL) {
			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    (char **)&r);
			enrich_done(e, r, msg->data.result);
			active--;
			ended = 1;
			if (r->state != ENRICH_PENDING) {
				finished++;
				done(arg, r - reqs);
			}
		}
		now = mono_ms();
		if (now - last_progress >= 500) {
			progress(arg);
			last_progress = now;
		}
		if (stop != NULL && *stop) {
			for (i = 0; i < n; i++)
				if (reqs[i].easy != NULL) {
					curl_multi_remove_handle(e->multi,
					    reqs[i].easy);
					curl_easy_cleanup(reqs[i].easy);
					reqs[i].easy = NULL;
				}
			return (-1);
		}
		if (finished == n)
			break;
		if (ended)
			continue;	/* room for the next request now */
		timeout = wake > now ? (int)(wake - now) : 0;
		if (timeout > 100)
			timeout = 100;
		curl_multi_poll(e->multi, NULL, 0, timeout, NULL);
	}
	progress(arg);
	return (0);
}

/* Free what a request holds. */
void
enrich_req_clear(struct enrich_req *r)
{
	if (r->easy != NULL)
		curl_easy_cleanup(r->easy);
	buf_free(&r->body);
	profile_clear(&r->profile);
	memset(r, 0, sizeof *r);
}
