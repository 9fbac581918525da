/*
 * POST /api/imports: a multipart upload streamed straight into the spool.
 *
 * The body is read in chunks and fed to the multipart parser; the `file`
 * part goes to spool_write as it arrives, so memory stays constant
 * whatever the size. Form fields are small and capped. Nothing reaches
 * incoming/ unless the whole body arrived and the file looks like CSV.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "intake.h"
#include "web.h"

#define UPLOAD_FIELD_MAX	4096
#define UPLOAD_CHUNK		65536

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

/* A client's file name is metadata: its last path part, without control
 * characters, at most 200 bytes. */
static char *
upload_file_name(const char *name)
{
	const char	*base;
	char		*out, *o;

	if ((base = strrchr(name, '/')) != NULL)
		name = base + 1;
	if ((base = strrchr(name, '\\')) != NULL)
		name = base + 1;
	out = o = xmalloc(strlen(name) + 1);
	for (; *name != '\0' && o - out < 200; name++)
		if ((unsigned char)*name >= 0x20 && *name != 0x7f)
			*o++ = *name;
	*o = '\0';
	if (*out == '\0') {
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
	if (u.status != 0) {
		http_drain(h);
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
