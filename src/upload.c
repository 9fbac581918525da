/*
 * POST /api/imports: a multipart upload streamed straight into the spool.
 *
 * The body is read in chunks and fed to the multipart parser; the `file`
 * part goes to spool_write as it arrives, so memory stays constant
 * whatever the size. Form fields are small and capped. Nothing reaches
 * incoming/ unless the whole body arrived and the file looks like CSV.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intake.h"
#include "web.h"

#define UPLOAD_FIELD_MAX	4096
#define UPLOAD_CHUNK		65536
#define UPLOAD_NAME_MAX		200	/* bytes of a client's file name kept */

struct upload {
	struct http	*h;
	struct drop	*drop;
	struct manifest	 m;
	int		 in_file;	/* inside the file part */
	int		 have_file;
	char		*field;		/* name of the field being read */
	struct buf	 value;
	char		 head[8];
	size_t		 headlen;
	int		 status;	/* error to answer, 0 if none */
	const char	*code;
	const char	*why;
	char		 msg[256];
	long long	 retry_after;	/* seconds, for a 429 */
	char		*workflow;
	char		*flow;
	char		*on_existing;
};

static void
upload_refuse(struct upload *u, int status, const char *code, const char *why)
{
	if (u->status != 0)
		return;
	u->status = status;
	u->code = code;
	u->why = why;
}

static void
upload_not_csv(struct upload *u, const char *what)
{
	snprintf(u->msg, sizeof u->msg, "This is not a CSV file: it looks "
	    "like %s", what);
	upload_refuse(u, 415, "not_csv", u->msg);
}

/* 507: the spool would keep less than min_free with this upload. */
static void
upload_no_space(struct upload *u)
{
	upload_refuse(u, 507, "no_space", "The server does not have room for "
	    "this file right now; try again later or ask your administrator");
}

/*
 * How many seconds until this user may queue another web upload: 0 now,
 * -1 on a database error. Past upload_rate imports in the last hour, it
 * is when the upload_rate-th newest of them leaves the hour. Only the
 * web's count (source 'web'): SFTP drops and the CLI are the admins'.
 * Two uploads of one user in the same moment may both pass: at most one
 * per worker over the limit.
 */
static long long
upload_rate_wait(struct http *h)
{
	struct dbstmt	*s;
	long long	 wait = 0;

	if (conf.upload_rate == 0)
		return (0);
	s = db_prepare(h->db, "SELECT CAST(CEIL(TIMESTAMPDIFF(MICROSECOND, "
	    "NOW(3), created_at + INTERVAL 1 HOUR) / 1000000) AS SIGNED) "
	    "FROM imports WHERE uploader_id = ? AND source = 'web' "
	    "AND created_at > NOW(3) - INTERVAL 1 HOUR "
	    "ORDER BY created_at DESC LIMIT 1 OFFSET ?");
	if (s == NULL)
		return (-1);
	db_bind_int(s, 0, h->se.user_id);
	db_bind_int(s, 1, conf.upload_rate - 1);
	if (db_exec(s) == -1) {
		db_close(s);
		return (-1);
	}
	switch (db_fetch(s)) {
	case 1:
		wait = db_col_int(s, 0);
		if (wait < 1)
			wait = 1;
		break;
	case -1:
		wait = -1;
		break;
	}
	db_close(s);
	return (wait);
}

/*
 * The length of the UTF-8 character at s (at most n bytes): 1 to 4, or 0
 * if s does not start a valid one (overlong forms, surrogates and values
 * past U+10FFFF are not valid).
 */
static size_t
upload_utf8_len(const unsigned char *s, size_t n)
{
	size_t		len, i;
	unsigned	c;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return (0);
	if (len > n)
		return (0);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return (0);
	return (len);
}

/*
 * A client's file name is metadata, shown in the task list and never used
 * as a path (the spool names the file data.csv): its last path part,
 * valid UTF-8 without control characters (C0, DEL, C1) or bidirectional
 * overrides (which can make "x.exe" read as "x.csv"), cut at a character
 * boundary to at most UPLOAD_NAME_MAX bytes. Invalid bytes are dropped.
 */
static char *
upload_file_name(const char *name)
{
	const unsigned char	*p;
	const char		*base;
	char			*out;
	size_t			 len, o = 0, n;

	if ((base = strrchr(name, '/')) != NULL)
		name = base + 1;
	if ((base = strrchr(name, '\\')) != NULL)
		name = base + 1;
	n = strlen(name);
	out = xmalloc(UPLOAD_NAME_MAX + 1);
	for (p = (const unsigned char *)name; *p != '\0'; p += len, n -= len) {
		if ((len = upload_utf8_len(p, n)) == 0) {
			len = 1;
			continue;
		}
		if (p[0] < 0x20 || p[0] == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) ||
		    (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa &&
		    p[2] <= 0xae) ||
		    (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
		    p[2] <= 0xa9))
			continue;
		if (o + len > UPLOAD_NAME_MAX)
			break;
		memcpy(out + o, p, len);
		o += len;
	}
	out[o] = '\0';
	if (o == 0) {
		free(out);
		out = xstrdup("upload.csv");
	}
	return (out);
}

static int
upload_begin(void *arg, const char *name, const char *filename,
    const char *type)
{
	struct upload	*u = arg;
	const char	*why;

	if (strcmp(name, "file") == 0) {
		if (u->have_file) {
			upload_refuse(u, 400, "bad_request",
			    "Send one file per import");
			return (-1);
		}
		u->have_file = 1;
		u->in_file = 1;
		if (sniff_name(filename, &why) == -1) {
			upload_refuse(u, 415, "not_csv", why);
			return (-1);
		}
		u->m.file_name = upload_file_name(filename);
		return (0);
	}
	u->field = xstrdup(name);
	buf_reset(&u->value);
	return (0);
}

static int
upload_data(void *arg, const char *p, size_t len)
{
	struct upload	*u = arg;
	const char	*why;
	size_t		 n;

	if (!u->in_file) {
		if (buf_add(&u->value, p, len) == -1) {
			upload_refuse(u, 400, "bad_request",
			    "A form field is too long");
			return (-1);
		}
		return (0);
	}
	if (u->headlen < sizeof u->head) {
		n = sizeof u->head - u->headlen;
		if (n > len)
			n = len;
		memcpy(u->head + u->headlen, p, n);
		u->headlen += n;
		if (u->headlen == sizeof u->head &&
		    sniff_head(u->head, u->headlen, &why) == -1)
			goto refuse;
	}
	if (sniff_chunk(p, len, &why) == -1)
		goto refuse;
	if (spool_write(u->drop, p, len) == -1) {
		if (spool_free_space(conf.spool_dir, 0) == -1 &&
		    errno == ENOSPC)
			upload_no_space(u);
		else
			upload_refuse(u, 503, "unavailable",
			    "The file could not be stored; try again");
		return (-1);
	}
	return (0);

refuse:
	upload_not_csv(u, why);
	return (-1);
}

static void
upload_set(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

static int
upload_end(void *arg)
{
	struct upload	*u = arg;
	const char	*why;
	const char	*v;

	if (u->in_file) {
		u->in_file = 0;
		if (u->headlen < sizeof u->head &&
		    sniff_head(u->head, u->headlen, &why) == -1) {
			upload_not_csv(u, why);
			return (-1);
		}
		return (0);
	}
	v = buf_str(&u->value);
	if (strcmp(u->field, "flow") == 0)
		upload_set(&u->flow, v);
	else if (strcmp(u->field, "tags") == 0 || strcmp(u->field, "tags[]") == 0)
		manifest_add_tag(&u->m, v);
	else if (strcmp(u->field, "workflow") == 0)
		upload_set(&u->workflow, v);
	else if (strcmp(u->field, "on_existing") == 0)
		upload_set(&u->on_existing, v);
	else if (strcmp(u->field, "dnt") == 0)
		u->m.dnt = strcmp(v, "1") == 0 || strcmp(v, "on") == 0 ||
		    strcmp(v, "true") == 0;
	else if (strcmp(u->field, "override_owners") == 0)
		u->m.override_owners = strcmp(v, "1") == 0 ||
		    strcmp(v, "on") == 0 || strcmp(v, "true") == 0;
	free(u->field);
	u->field = NULL;
	return (0);
}

/* Check the form fields and fill the manifest; -1 (refused) if wrong. */
static int
upload_options(struct upload *u)
{
	u->m.flow = FLOW_CREATE;
	if (u->flow != NULL && manifest_flow_parse(u->flow, &u->m.flow) == -1) {
		upload_refuse(u, 400, "bad_request",
		    "flow must be create or update");
		return (-1);
	}
	u->m.on_existing = u->m.flow == FLOW_UPDATE ? EXISTING_UPDATE :
	    EXISTING_SKIP;
	if (u->on_existing != NULL && manifest_existing_parse(u->on_existing,
	    &u->m.on_existing) == -1) {
		upload_refuse(u, 400, "bad_request",
		    "on_existing must be skip, update or duplicate");
		return (-1);
	}
	u->m.workflow = u->workflow && *u->workflow ? xstrdup(u->workflow) :
	    xstrdup("default");
	switch (import_workflow(u->h->db, u->h->se.workspace_id,
	    u->m.workflow)) {
	case -1:
		upload_refuse(u, 503, "unavailable", "Try again in a moment");
		return (-1);
	case -2:
		upload_refuse(u, 400, "unknown_workflow",
		    "That workflow does not exist in this workspace");
		return (-1);
	}
	return (0);
}

void
upload_post(struct http *h)
{
	static const struct multipart_cb cb = {
		upload_begin, upload_data, upload_end
	};
	struct upload		 u;
	struct multipart	*mp = NULL;
	json_object		*o;
	char			*boundary = NULL, *cause = NULL, *url;
	char			*chunk = NULL;
	long long		 total = 0;
	int			 n;

	memset(&u, 0, sizeof u);
	u.h = h;
	buf_init(&u.value, UPLOAD_FIELD_MAX);

	/* One account cannot queue imports without end (upload_rate). */
	if ((u.retry_after = upload_rate_wait(h)) == -1) {
		upload_refuse(&u, 503, "unavailable", "Try again in a moment");
		goto out;
	}
	if (u.retry_after > 0) {
		snprintf(u.msg, sizeof u.msg, "You have started %u imports in "
		    "the last hour, the most allowed: try again in %lld "
		    "minute%s", conf.upload_rate, (u.retry_after + 59) / 60,
		    u.retry_after > 60 ? "s" : "");
		upload_refuse(&u, 429, "too_many_imports", u.msg);
		goto out;
	}
	if (h->content_length > conf.max_upload) {
		upload_refuse(&u, 413, "too_large", "The file is larger than "
		    "this server accepts");
		goto out;
	}
	boundary = multipart_boundary(http_param(h, "CONTENT_TYPE"));
	if (boundary == NULL) {
		upload_refuse(&u, 400, "bad_request",
		    "Send the file as multipart/form-data");
		goto out;
	}
	/* Refuse at once what the spool has no room for, rather than
	 * after the client sent it all. */
	if (spool_free_space(conf.spool_dir, h->content_length > 0 ?
	    h->content_length : 0) == -1) {
		if (errno == ENOSPC) {
			upload_no_space(&u);
			goto out;
		}
		log_warn("upload: free space of %s", conf.spool_dir);
	}
	if ((u.drop = spool_begin(conf.spool_dir, &cause)) == NULL) {
		log_warnx("upload: %s", cause);
		upload_refuse(&u, 503, "unavailable",
		    "The file could not be stored; try again");
		goto out;
	}
	mp = multipart_create(boundary, &cb, &u);
	chunk = xmalloc(UPLOAD_CHUNK);
	while ((n = http_read(h, chunk, UPLOAD_CHUNK)) > 0) {
		total += n;
		if (total > conf.max_upload) {
			upload_refuse(&u, 413, "too_large", "The file is larger "
			    "than this server accepts");
			goto out;
		}
		if (multipart_feed(mp, chunk, n) == -1) {
			upload_refuse(&u, 400, "bad_request",
			    multipart_error(mp));
			goto out;
		}
	}
	if (n == -1 && h->too_slow) {
		upload_refuse(&u, 408, "too_slow", "The file arrived too slowly; "
		    "try again on a faster connection");
		goto out;
	}
	if (multipart_finish(mp) == -1) {
		upload_refuse(&u, 400, "bad_request",
		    "The upload is incomplete");
		goto out;
	}
	if (!u.have_file) {
		upload_refuse(&u, 400, "no_file", "Choose a CSV file to import");
		goto out;
	}
	if (upload_options(&u) == -1)
		goto out;

	u.m.workspace = xstrdup(h->se.workspace);
	u.m.uploader = xstrdup(h->se.email);
	u.m.source = xstrdup("web");
	if (spool_commit(u.drop, &u.m, &cause) == -1) {
		u.drop = NULL;
		log_warnx("upload: %s", cause);
		upload_refuse(&u, 503, "unavailable",
		    "The file could not be stored; try again");
		goto out;
	}
	u.drop = NULL;
	free(cause);
	cause = NULL;
	/* The watcher registers the import too; this makes it listed as
	 * queued at once. */
	if (import_register(h->db, &u.m, &cause) == -1)
		log_warnx("%s: register: %s", u.m.id, cause);
	log_info("%s: queued %s (%lld bytes) for %s", u.m.id, u.m.file_name,
	    u.m.size, u.m.workspace);

	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_string(u.m.id));
	xasprintf(&url, "/api/imports/%s", u.m.id);
	json_object_object_add(o, "status_url", json_object_new_string(url));
	free(url);
	http_json(h, 202, o);

out:
	/* A refusal does not read the rest of the body (see http_drain). */
	if (u.status != 0) {
		http_drain(h);
		if (u.status == 429)
			http_error_retry(h, u.status, u.code, u.why,
			    u.retry_after);
		else
			http_error(h, u.status, u.code, u.why);
	}
	spool_abort(u.drop);
	multipart_free(mp);
	free(chunk);
	free(boundary);
	free(cause);
	free(u.field);
	free(u.flow);
	free(u.workflow);
	free(u.on_existing);
	buf_free(&u.value);
	manifest_clear(&u.m);
}
