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

#include "web.h"

#define UPLOAD_FIELD_MAX	OPTIONS_MAPPING_MAX	/* a mapping's JSON */
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
	struct sniff	 sn;
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

static int
upload_data(void *arg, const char *p, size_t len)
{
	struct upload	*u = arg;
	const char	*why;

	if (!u->in_file) {
		if (buf_add(&u->value, p, len) == -1) {
			upload_refuse(u, 400, "bad_request",
			    "A form field is too long");
			return (-1);
		}
		return (0);
	}
	if (sniff_feed(&u->sn, p, len, &why) == -1)
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

/* The form's options go to options.c, as the CLI's and a sidecar's do;
 * other fields are not ours and are let be. */
static const char *const upload_optnames[] = {
	"flow", "tags", "tags[]", "workflow", "on_existing", "dnt",
	"override_owners", "mapping", "encoding"
};

static int
upload_end(void *arg)
{
	struct upload	*u = arg;
	const char	*why;
	char		*err = NULL;
	size_t		 i;
	int		 r = 0;

	if (u->in_file) {
		u->in_file = 0;
		if (sniff_end(&u->sn, &why) == -1) {
			upload_not_csv(u, why);
			return (-1);
		}
		return (0);
	}
	for (i = 0; i < sizeof upload_optnames / sizeof upload_optnames[0]; i++)
		if (strcmp(u->field, upload_optnames[i]) == 0)
			break;
	if (i < sizeof upload_optnames / sizeof upload_optnames[0] &&
	    options_set(&u->m, u->field, buf_str(&u->value), &err) == -1) {
		snprintf(u->msg, sizeof u->msg, "%s", err);
		upload_refuse(u, 400, "bad_option", u->msg);
		r = -1;
	}
	free(err);
	free(u->field);
	u->field = NULL;
	return (r);
}

/* The options' defaults and limits, and the workflow, which must be one
 * of the workspace's; -1 (refused) if wrong. */
static int
upload_options(struct upload *u)
{
	char	*err = NULL;

	if (options_finish(&u->m, &err) == -1) {
		snprintf(u->msg, sizeof u->msg, "%s", err);
		free(err);
		upload_refuse(u, 400, "bad_option", u->msg);
		return (-1);
	}
	switch (imports_workflow(u->h->db, u->h->se.workspace_id,
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
	sniff_init(&u.sn);
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
	if (imports_register(h->db, &u.m, &cause) == -1)
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
	buf_free(&u.value);
	manifest_clear(&u.m);
}
