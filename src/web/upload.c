/*
 * POST /api/imports: a multipart upload streamed straight into the spool.
 *
 * The body is read in chunks and fed to the multipart parser; the `file`
 * part goes to submit_write as it arrives, so memory stays constant
 * whatever the size. Form fields are small and capped, and go to
 * options.c. Nothing reaches incoming/ unless the whole body arrived and
 * the file looks like CSV (submit.c: the one way in of every entry).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "web.h"

#define UPLOAD_FIELD_MAX	OPTIONS_MAPPING_MAX	/* a mapping's JSON */
#define UPLOAD_CHUNK		65536

struct upload {
	struct http	*h;
	struct submit	*sub;		/* the drop being written */
	struct manifest	 m;
	int		 in_file;	/* inside the file part */
	int		 have_file;
	char		*field;		/* name of the field being read */
	struct buf	 value;
	int		 status;	/* error to answer, 0 if none */
	const char	*code;
	const char	*why;
	char		 msg[256];
	long long	 retry_after;	/* seconds, for a 429 */
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
		u->m.file_name = options_file_name(filename);
		return (0);
	}
	u->field = xstrdup(name);
	buf_reset(&u->value);
	return (0);
}

/* The answer for what submit_* refused (SUBMIT_STORE: logged). */
static void
upload_submit_refuse(struct upload *u, enum submit_rc rc, const char *cause)
{
	switch (rc) {
	case SUBMIT_OK:
		break;
	case SUBMIT_NOT_CSV:
		upload_not_csv(u, cause);
		break;
	case SUBMIT_BAD_OPTION:
		snprintf(u->msg, sizeof u->msg, "%s", cause);
		upload_refuse(u, 400, "bad_option", u->msg);
		break;
	case SUBMIT_NO_WORKFLOW:
		upload_refuse(u, 400, "unknown_workflow",
		    "That workflow does not exist in this workspace");
		break;
	case SUBMIT_NO_SPACE:
		upload_no_space(u);
		break;
	case SUBMIT_DB:
	case SUBMIT_NO_USER:
	case SUBMIT_NOT_EDITOR:
		upload_refuse(u, 503, "unavailable", "Try again in a moment");
		break;
	case SUBMIT_STORE:
	case SUBMIT_READ:
		if (cause != NULL)
			log_warnx("upload: %s", cause);
		upload_refuse(u, 503, "unavailable",
		    "The file could not be stored; try again");
		break;
	}
}

static int
upload_data(void *arg, const char *p, size_t len)
{
	struct upload	*u = arg;
	char		*cause = NULL;
	enum submit_rc	 rc;

	if (!u->in_file) {
		if (buf_add(&u->value, p, len) == -1) {
			upload_refuse(u, 400, "bad_request",
			    "A form field is too long");
			return (-1);
		}
		return (0);
	}
	rc = submit_write(u->sub, p, len, &cause);
	upload_submit_refuse(u, rc, cause);
	free(cause);
	return (rc == SUBMIT_OK ? 0 : -1);
}

static int
upload_end(void *arg)
{
	struct upload	*u = arg;
	char		*err = NULL;
	enum submit_rc	 rc;
	int		 r = 0;

	if (u->in_file) {
		u->in_file = 0;
		rc = submit_end(u->sub, &err);
		upload_submit_refuse(u, rc, err);
		free(err);
		return (rc == SUBMIT_OK ? 0 : -1);
	}
	/* The form's options go to options.c, as the CLI's and a sidecar's
	 * do; other fields are not ours and are let be. */
	if (options_find(u->field) != NULL &&
	    options_set(&u->m, u->field, buf_str(&u->value), &err) == -1) {
		upload_submit_refuse(u, SUBMIT_BAD_OPTION, err);
		r = -1;
	}
	free(err);
	free(u->field);
	u->field = NULL;
	return (r);
}

/*
 * What is refused before the body is read: too many imports this hour
 * (upload_rate), too large, not a form, no room in the spool. The form's
 * boundary, or NULL (refused).
 */
static char *
upload_limits(struct upload *u)
{
	struct http	*h = u->h;
	char		*boundary;

	if ((u->retry_after = upload_rate_wait(h)) == -1) {
		upload_refuse(u, 503, "unavailable", "Try again in a moment");
		return (NULL);
	}
	if (u->retry_after > 0) {
		snprintf(u->msg, sizeof u->msg, "You have started %u imports in "
		    "the last hour, the most allowed: try again in %lld "
		    "minute%s", conf.upload_rate, (u->retry_after + 59) / 60,
		    u->retry_after > 60 ? "s" : "");
		upload_refuse(u, 429, "too_many_imports", u->msg);
		return (NULL);
	}
	if (h->content_length > conf.max_upload) {
		upload_refuse(u, 413, "too_large", "The file is larger than "
		    "this server accepts");
		return (NULL);
	}
	if ((boundary = multipart_boundary(http_param(h,
	    "CONTENT_TYPE"))) == NULL) {
		upload_refuse(u, 400, "bad_request",
		    "Send the file as multipart/form-data");
		return (NULL);
	}
	/* Refuse at once what the spool has no room for, rather than
	 * after the client sent it all. */
	if (spool_free_space(conf.spool_dir, h->content_length > 0 ?
	    h->content_length : 0) == -1) {
		if (errno == ENOSPC) {
			upload_no_space(u);
			free(boundary);
			return (NULL);
		}
		log_warn("upload: free space of %s", conf.spool_dir);
	}
	return (boundary);
}

/* Read the body through the multipart parser: the file into the drop,
 * the fields into the options. -1 if refused. */
static int
upload_body(struct upload *u, const char *boundary)
{
	static const struct multipart_cb cb = {
		upload_begin, upload_data, upload_end
	};
	struct multipart	*mp;
	char			*chunk;
	long long		 total = 0;
	int			 n, r = -1;

	mp = multipart_create(boundary, &cb, u);
	chunk = xmalloc(UPLOAD_CHUNK);
	while ((n = http_read(u->h, chunk, UPLOAD_CHUNK)) > 0) {
		total += n;
		if (total > conf.max_upload) {
			upload_refuse(u, 413, "too_large", "The file is larger "
			    "than this server accepts");
			goto out;
		}
		if (multipart_feed(mp, chunk, n) == -1) {
			upload_refuse(u, 400, "bad_request",
			    multipart_error(mp));
			goto out;
		}
	}
	if (n == -1 && u->h->too_slow) {
		upload_refuse(u, 408, "too_slow", "The file arrived too slowly; "
		    "try again on a faster connection");
		goto out;
	}
	if (multipart_finish(mp) == -1) {
		upload_refuse(u, 400, "bad_request",
		    "The upload is incomplete");
		goto out;
	}
	if (!u->have_file) {
		upload_refuse(u, 400, "no_file", "Choose a CSV file to import");
		goto out;
	}
	r = 0;
out:
	multipart_free(mp);
	free(chunk);
	return (r);
}

void
upload_post(struct http *h)
{
	struct upload		 u;
	json_object		*o;
	char			*boundary = NULL, *cause = NULL, *url;
	enum submit_rc		 rc;

	memset(&u, 0, sizeof u);
	u.h = h;
	buf_init(&u.value, UPLOAD_FIELD_MAX);

	if ((boundary = upload_limits(&u)) == NULL)
		goto out;
	if ((u.sub = submit_begin(&cause)) == NULL) {
		upload_submit_refuse(&u, SUBMIT_STORE, cause);
		goto out;
	}
	if (upload_body(&u, boundary) == -1)
		goto out;
	u.m.workspace = xstrdup(h->se.workspace);
	u.m.uploader = xstrdup(h->se.email);
	u.m.source = xstrdup("web");
	if ((rc = submit_check(h->db, h->se.workspace_id, &u.m,
	    &cause)) == SUBMIT_OK) {
		rc = submit_commit(u.sub, h->db, &u.m, &cause);
		u.sub = NULL;
	}
	if (rc != SUBMIT_OK) {
		upload_submit_refuse(&u, rc, cause);
		goto out;
	}
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
	submit_abort(u.sub);
	free(boundary);
	free(cause);
	free(u.field);
	buf_free(&u.value);
	manifest_clear(&u.m);
}
