/*
 * The status JSON of an import (status/ID.json): what the page, the CLI and
 * the task feed read. Written whole to a temporary name and renamed, so a
 * reader never sees half a file. This file is its one owner: the only
 * place its name is made (status_path) and the only encoder, whether of a
 * whole status (status_write: the importer's, the queued one) or of a
 * change to one that keeps what else it says (status_amend: the watcher
 * giving up or waiting, restatus.c making it true from the database).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "spool.h"

static const char *status_states[] = { "queued", "running", "done", "failed" };

const char *
status_state_name(enum state s)
{
	return (status_states[s]);
}

void
status_init(struct status *st, const char *id)
{
	memset(st, 0, sizeof *st);
	snprintf(st->id, sizeof st->id, "%s", id);
	st->state = STATE_QUEUED;
	st->rows_total = -1;
	st->errors = json_object_new_array();
}

/*
 * Record a row that was not created or updated, or a warning. The status
 * keeps the first conf.status_errors of them; all are counted.
 */
void
status_add_error(struct status *st, unsigned long row, const char *code,
    const char *message, const char *severity, const char *column,
    const char *contact)
{
	json_object	*e;

	st->errors_total++;
	if (json_object_array_length(st->errors) >= conf.status_errors)
		return;
	e = json_object_new_object();
	json_object_object_add(e, "row", json_object_new_int64(row));
	json_object_object_add(e, "code", json_object_new_string(code));
	json_object_object_add(e, "message", json_object_new_string(message));
	json_object_object_add(e, "severity", json_object_new_string(severity));
	if (column != NULL)
		json_object_object_add(e, "column",
		    json_object_new_string(column));
	if (contact != NULL)
		json_object_object_add(e, "contact",
		    json_object_new_string(contact));
	json_object_array_add(st->errors, e);
}

/* Note the counters and how many errors are listed. */
void
status_mark(const struct status *st, struct status_mark *mk)
{
	mk->st = *st;		/* shallow: only the numbers are used */
	mk->nerrors = json_object_array_length(st->errors);
}

/* Back to the mark: the counters, and the errors listed since dropped. */
void
status_rewind(struct status *st, const struct status_mark *mk)
{
	size_t	n = json_object_array_length(st->errors);

	st->state = mk->st.state;
	st->rows_total = mk->st.rows_total;
	st->rows_processed = mk->st.rows_processed;
	st->bytes_processed = mk->st.bytes_processed;
	st->created = mk->st.created;
	st->updated = mk->st.updated;
	st->unchanged = mk->st.unchanged;
	st->skipped = mk->st.skipped;
	st->failed = mk->st.failed;
	st->warnings = mk->st.warnings;
	st->tagged = mk->st.tagged;
	st->queued = mk->st.queued;
	st->dnt = mk->st.dnt;
	st->enrich_pending = mk->st.enrich_pending;
	st->enriched = mk->st.enriched;
	st->enrich_failed = mk->st.enrich_failed;
	st->errors_total = mk->st.errors_total;
	if (n > mk->nerrors)
		json_object_array_del_idx(st->errors, mk->nerrors,
		    n - mk->nerrors);
}

static void
status_put_str(json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static void
status_put_int(json_object *o, const char *k, long long v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

/* The status as JSON text; the caller frees it. */
char *
status_encode(const struct status *st)
{
	json_object	*o;
	char		*s;

	o = json_object_new_object();
	status_put_str(o, "id", st->id);
	status_put_str(o, "workspace", st->workspace);
	status_put_str(o, "flow", manifest_flow_name(st->flow));
	status_put_str(o, "state", status_state_name(st->state));
	if (st->review)
		json_object_object_add(o, "review",
		    json_object_new_boolean(1));
	if (st->from_review != NULL) {
		status_put_str(o, "from_review", st->from_review);
		status_put_int(o, "differs", st->differs);
		if (st->differs_message != NULL)
			status_put_str(o, "differs_message",
			    st->differs_message);
	}
	status_put_str(o, "file", st->file);
	if (st->uploader != NULL)
		status_put_str(o, "uploader", st->uploader);
	json_object_object_add(o, "rows_total", st->rows_total < 0 ? NULL :
	    json_object_new_int64(st->rows_total));
	status_put_int(o, "rows_processed", st->rows_processed);
	status_put_int(o, "bytes_total", st->bytes_total);
	status_put_int(o, "bytes_processed", st->bytes_processed);
	status_put_int(o, "created", st->created);
	status_put_int(o, "updated", st->updated);
	status_put_int(o, "unchanged", st->unchanged);
	status_put_int(o, "skipped", st->skipped);
	status_put_int(o, "failed", st->failed);
	status_put_int(o, "warnings", st->warnings);
	status_put_int(o, "tagged", st->tagged);
	status_put_str(o, "workflow", st->workflow);
	status_put_int(o, "queued_to_workflow", st->queued);
	status_put_int(o, "dnt", st->dnt);
	status_put_int(o, "enrich_pending", st->enrich_pending);
	status_put_int(o, "enriched", st->enriched);
	status_put_int(o, "enrich_failed", st->enrich_failed);
	json_object_object_add(o, "errors", json_object_get(st->errors));
	status_put_int(o, "errors_total", st->errors_total);
	if (st->columns != NULL)
		json_object_object_add(o, "columns",
		    json_object_get(st->columns));
	if (st->notes != NULL)
		json_object_object_add(o, "notes",
		    json_object_get(st->notes));
	status_put_str(o, "message", st->message);
	status_put_str(o, "encoding", st->encoding[0] ? st->encoding : NULL);
	status_put_str(o, "delimiter", st->delimiter[0] ? st->delimiter :
	    NULL);
	status_put_str(o, "created_at", st->created_at);
	status_put_str(o, "started_at", st->started_at);
	status_put_str(o, "updated_at", st->updated_at);
	status_put_str(o, "finished_at", st->finished_at);
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return (s);
}

/* "SPOOL/status/ID.json": the one place its name is made. The caller
 * frees it. */
char *
status_path(const char *spool, const char *id)
{
	char	*p;

	xasprintf(&p, "%s/status/%s.json", spool, id);
	return (p);
}

/*
 * Write text as status/ID.json: a temporary file 0640, then the rename,
 * so a reader sees the old file or the new one whole. No fsync: the
 * status is rebuilt from the database if it is lost (restatus.c).
 * STATUS_ERR (logged) on error. Every writer of status files comes here.
 */
int
status_put(const char *spool, const char *id, const char *text)
{
	char	*tmp, *path;
	size_t	 len = strlen(text), off = 0;
	ssize_t	 n;
	int	 fd = -1, saved;

	xasprintf(&tmp, "%s/status/.%s.json.%ld", spool, id, (long)getpid());
	path = status_path(spool, id);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0640)) == -1)
		goto fail;
	while (off < len) {
		if ((n = write(fd, text + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		off += n;
	}
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	free(path);
	return (STATUS_OK);

fail:
	saved = errno;
	log_warn("%s: write status", id);
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	free(path);
	errno = saved;
	return (STATUS_ERR);
}

/* Encode st and put it: STATUS_OK, or STATUS_ERR (logged). */
int
status_write(const char *spool, const struct status *st)
{
	char	*text;
	int	 r;

	text = status_encode(st);
	r = status_put(spool, st->id, text);
	free(text);
	return (r);
}

/* Remove status/ID.json (a drop that was never published). */
void
status_remove(const char *spool, const char *id)
{
	char	*p;

	p = status_path(spool, id);
	unlink(p);
	free(p);
}

/* status/ID.json as a JSON object; NULL if it is missing or is not one. */
json_object *
status_load(const char *spool, const char *id)
{
	json_object	*o;
	char		*p;

	p = status_path(spool, id);
	o = json_object_from_file(p);
	free(p);
	if (o != NULL && !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return (o);
}

/* Whether status/ID.json is a plain file written after t (seconds). */
int
status_newer(const char *spool, const char *id, long long t)
{
	struct stat	 sb;
	char		*p;
	int		 r;

	p = status_path(spool, id);
	r = lstat(p, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_mtime > t;
	free(p);
	return (r);
}

static json_object *
status_field_value(const struct status_field *f)
{
	switch (f->type) {
	case STATUS_FIELD_STR:
		return (json_object_new_string(f->s));
	case STATUS_FIELD_INT:
		return (json_object_new_int64(f->n));
	case STATUS_FIELD_BOOL:
		return (json_object_new_boolean(f->n != 0));
	default:
		return (NULL);
	}
}

/* Whether the status o says what the fields say (those not loose). */
int
status_agrees(json_object *o, const struct status_field *f, size_t n)
{
	json_object	*v;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (f[i].loose)
			continue;
		if (!json_object_object_get_ex(o, f[i].key, &v) || v == NULL) {
			if (f[i].type != STATUS_FIELD_NULL)
				return (0);
			continue;
		}
		switch (f[i].type) {
		case STATUS_FIELD_NULL:
			return (0);
		case STATUS_FIELD_INT:
			if (json_object_get_int64(v) != f[i].n)
				return (0);
			break;
		case STATUS_FIELD_BOOL:
			if (!json_object_is_type(v, json_type_boolean) ||
			    json_object_get_boolean(v) != (f[i].n != 0))
				return (0);
			break;
		case STATUS_FIELD_STR:
			if (!json_object_is_type(v, json_type_string) ||
			    strcmp(json_object_get_string(v), f[i].s) != 0)
				return (0);
			break;
		}
	}
	return (1);
}

/* Whether the status o lists errors (its "errors" key is there). */
int
status_lists_errors(json_object *o)
{
	return (json_object_object_get_ex(o, "errors", NULL));
}

/*
 * Change status/ID.json, keeping what else it says: o is the file as
 * loaded (taken; NULL: load it now; a missing file starts as {"id": ID}),
 * each field is set in turn (a key already there keeps its place), and
 * errors (taken, or NULL) are listed if the file lists none. STATUS_OK,
 * or STATUS_ERR (logged).
 */
int
status_amend(const char *spool, const char *id, json_object *o,
    const struct status_field *f, size_t n, json_object *errors)
{
	size_t	i;
	int	r;

	if (o == NULL && (o = status_load(spool, id)) == NULL) {
		o = json_object_new_object();
		json_object_object_add(o, "id", json_object_new_string(id));
	}
	for (i = 0; i < n; i++)
		json_object_object_add(o, f[i].key, status_field_value(&f[i]));
	if (errors != NULL && !status_lists_errors(o)) {
		json_object_object_add(o, "errors", errors);
		errors = NULL;
	}
	json_object_put(errors);
	r = status_put(spool, id, json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return (r);
}

/* An import ended otherwise than by its importer: failed, and why (the
 * watcher gave it up). */
int
status_fail(const char *spool, const char *id, const char *why)
{
	char				now[32];
	const struct status_field	f[] = {
		{ "state", STATUS_FIELD_STR, "failed", 0, 0 },
		{ "message", STATUS_FIELD_STR, why, 0, 0 },
		{ "finished_at", STATUS_FIELD_STR, now, 0, 0 },
		{ "waiting", STATUS_FIELD_NULL, NULL, 0, 0 },
		{ "updated_at", STATUS_FIELD_STR, now, 0, 0 },
	};

	randid_now(now, sizeof now);
	return (status_amend(spool, id, NULL, f, sizeof f / sizeof f[0],
	    NULL));
}

/* What an import waits for (the database, room in the spool). */
int
status_wait(const char *spool, const char *id, const char *why)
{
	char				now[32];
	const struct status_field	f[] = {
		{ "waiting", STATUS_FIELD_STR, why, 0, 0 },
		{ "updated_at", STATUS_FIELD_STR, now, 0, 0 },
	};

	randid_now(now, sizeof now);
	return (status_amend(spool, id, NULL, f, sizeof f / sizeof f[0],
	    NULL));
}

void
status_clear(struct status *st)
{
	json_object_put(st->errors);
	json_object_put(st->columns);
	json_object_put(st->notes);
	free(st->workspace);
	free(st->file);
	free(st->uploader);
	free(st->workflow);
	free(st->from_review);
	free(st->differs_message);
	free(st->message);
	free(st->created_at);
	free(st->started_at);
	free(st->updated_at);
	free(st->finished_at);
	memset(st, 0, sizeof *st);
}
