/*
 * The importer: one drop in active/ becomes contacts.
 *
 * Rows are read in file order and committed in batches. A batch's rows,
 * its row outcomes and the checkpoint (last row number, byte offset just
 * past it, counters) commit in one transaction, so a watcher killed at any
 * moment resumes exactly after the last committed batch: nothing is lost,
 * nothing is done twice. The status JSON is rewritten after each commit.
 *
 * Shared by every way a file arrives (web, CLI, SFTP): they all become
 * drops, and only this file turns drops into rows.
 */
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <json-c/json.h>

#include "intake.h"
#include "db.h"

#define IMPORT_MANIFEST_MAX	(64 * 1024)
#define IMPORT_CACHE_MAX	65536

/* Set from a signal handler: stop after the current batch. */
volatile sig_atomic_t	 import_quit;

/* A small open-addressing cache of domain → account id. */
struct import_acct {
	char		*domain;
	long long	 id;
};

struct import {
	MYSQL			*db;
	const char		*spool;
	const char		*id;
	struct manifest		 m;
	struct status		 st;
	long long		 ws_id;
	long long		 uploader_id;
	struct colmap		 cm;
	int			 fd;
	struct csvin		*in;

	struct dbstmt		*s_account;
	struct dbstmt		*s_contact;
	struct dbstmt		*s_outcome;
	struct dbstmt		*s_owner;
	struct dbstmt		*s_checkpoint;

	struct import_acct	*accts;
	size_t			 naccts;
	unsigned long		 last_row;
};

static ssize_t
import_read(void *arg, void *buf, size_t len)
{
	return (read(*(int *)arg, buf, len));
}

/* Open a spool file safely: no links, a regular file, one name
 * (Postfix safe_open). */
static int
import_open(const char *path)
{
	struct stat	sb;
	int		fd;

	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return (-1);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) || sb.st_nlink != 1) {
		close(fd);
		errno = EPERM;
		return (-1);
	}
	return (fd);
}

static char *
import_read_manifest(const char *path, char **cause)
{
	char	*text;
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd;

	if ((fd = import_open(path)) == -1) {
		xasprintf(cause, "manifest: %s", strerror(errno));
		return (NULL);
	}
	text = xmalloc(IMPORT_MANIFEST_MAX + 1);
	while ((n = read(fd, text + len, IMPORT_MANIFEST_MAX - len)) > 0)
		len += n;
	close(fd);
	if (n == -1 || len == IMPORT_MANIFEST_MAX) {
		xasprintf(cause, "manifest: unreadable or too large");
		free(text);
		return (NULL);
	}
	text[len] = '\0';
	return (text);
}

/* Record a row outcome or warning: in the database and the status. */
static int
import_outcome(struct import *im, unsigned long row, const char *severity,
    const char *code, const char *message, const char *column,
    const char *contact)
{
	db_bind_str(im->s_outcome, 0, im->id);
	db_bind_int(im->s_outcome, 1, row);
	db_bind_str(im->s_outcome, 2, severity);
	db_bind_str(im->s_outcome, 3, code);
	db_bind_str(im->s_outcome, 4, message);
	db_bind_str(im->s_outcome, 5, column);
	db_bind_str(im->s_outcome, 6, contact);
	if (db_exec(im->s_outcome) == -1)
		return (-1);
	status_add_error(&im->st, row, code, message, severity, column,
	    contact);
	if (strcmp(severity, "warning") == 0)
		im->st.warnings++;
	return (0);
}

static int
import_skip(struct import *im, unsigned long row, const char *code,
    const char *message)
{
	im->st.skipped++;
	return (import_outcome(im, row, "skipped", code, message, NULL, NULL));
}

/* The trimmed cell of a known column, or NULL if absent or blank. */
static const char *
import_cell(struct import *im, struct csvrec *rec, int col)
{
	int	 pos = im->cm.pos[col];
	char	*s, *e;

	if (pos < 0 || (size_t)pos >= rec->nfields)
		return (NULL);
	s = rec->fields[pos];
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return (*s == '\0' ? NULL : s);
}

static unsigned long
import_hash(const char *s)
{
	unsigned long	h = 5381;

	while (*s != '\0')
		h = h * 33 + (unsigned char)*s++;
	return (h);
}

/* The account for a domain: found in the workspace, or created with the
 * row's account name. An existing account's name is never changed. */
static long long
import_account(struct import *im, const char *domain, const char *name)
{
	struct import_acct	*a;
	size_t			 i;
	long long		 id;

	if (im->naccts >= IMPORT_CACHE_MAX / 2) {
		for (i = 0; i < IMPORT_CACHE_MAX; i++)
			free(im->accts[i].domain);
		memset(im->accts, 0, IMPORT_CACHE_MAX * sizeof *im->accts);
		im->naccts = 0;
	}
	i = import_hash(domain) % IMPORT_CACHE_MAX;
	while ((a = &im->accts[i])->domain != NULL) {
		if (strcmp(a->domain, domain) == 0)
			return (a->id);
		i = (i + 1) % IMPORT_CACHE_MAX;
	}
	db_bind_int(im->s_account, 0, im->ws_id);
	db_bind_str(im->s_account, 1, name);
	db_bind_str(im->s_account, 2, domain);
	if (db_exec(im->s_account) == -1)
		return (-1);
	id = db_insert_id(im->s_account);
	a->domain = xstrdup(domain);
	a->id = id;
	im->naccts++;
	return (id);
}

/* The owner for a row: the named workspace user, else the uploader (with
 * a warning when a name was given but is not a user here). */
static long long
import_owner(struct import *im, struct csvrec *rec, int *unknown)
{
	const char	*v = import_cell(im, rec, COL_OWNER);
	char		*email = NULL;
	long long	 id = im->uploader_id;

	*unknown = 0;
	if (v == NULL)
		return (id);
	if (norm_email(v, &email) != 0) {
		*unknown = 1;
		return (id);
	}
	db_bind_int(im->s_owner, 0, im->ws_id);
	db_bind_str(im->s_owner, 1, email);
	free(email);
	if (db_exec(im->s_owner) == -1)
		return (-1);
	if (db_fetch(im->s_owner) == 1)
		id = db_col_int(im->s_owner, 0);
	else
		*unknown = 1;
	return (id);
}

/* Custom data: every unrecognised column with a non-empty cell. */
static char *
import_custom(struct import *im, struct csvrec *rec)
{
	json_object	*o = NULL;
	char		*s;
	size_t		 i;

	for (i = 0; i < im->cm.ncols && i < rec->nfields; i++) {
		if (im->cm.kind[i] != COL_CUSTOM || rec->fields[i][0] == '\0')
			continue;
		if (o == NULL)
			o = json_object_new_object();
		json_object_object_add(o, im->cm.header[i],
		    json_object_new_string(rec->fields[i]));
	}
	if (o == NULL)
		return (NULL);
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return (s);
}

static int
import_row_empty(struct csvrec *rec)
{
	size_t	i;

	for (i = 0; i < rec->nfields; i++)
		if (rec->fields[i][strspn(rec->fields[i], " \t")] != '\0')
			return (0);
	return (1);
}

/*
 * One data row of the create flow. Returns 0 when the row has its outcome
 * (created, skipped, or failed), -1 when the database failed under it.
 */
static int
import_row(struct import *im, struct csvrec *rec)
{
	const char	*req[4] = { NULL };
	static const int reqcol[4] = { COL_FIRST, COL_LAST, COL_ACCOUNT,
	    COL_DOMAIN };
	char		*first = NULL, *last = NULL, *account = NULL;
	char		*domain = NULL, *email = NULL, *linkedin = NULL;
	char		*custom = NULL, *msg = NULL, pubid[INTAKE_ID_MAX];
	const char	*v;
	struct buf	 missing;
	long long	 acct, owner;
	int		 i, r = -1, intent = -1, has_intent = 0, unknown;
	int		 li;

	buf_init(&missing, 1024);
	if (rec->nfields != im->cm.ncols) {
		xasprintf(&msg, "This row has %zu fields but the header has "
		    "%zu columns", rec->nfields, im->cm.ncols);
		r = import_skip(im, rec->row, "wrong_field_count", msg);
		goto out;
	}

	first = (v = import_cell(im, rec, COL_FIRST)) ? norm_name(v) : NULL;
	last = (v = import_cell(im, rec, COL_LAST)) ? norm_name(v) : NULL;
	account = (v = import_cell(im, rec, COL_ACCOUNT)) ? norm_name(v) : NULL;
	req[0] = first;
	req[1] = last;
	req[2] = account;
	if ((v = import_cell(im, rec, COL_DOMAIN)) != NULL &&
	    norm_domain(v, &domain) == -1) {
		xasprintf(&msg, "\"%s\" is not a domain", v);
		r = import_skip(im, rec->row, "invalid_domain", msg);
		goto out;
	}
	req[3] = domain;
	li = (v = import_cell(im, rec, COL_LINKEDIN)) ?
	    norm_linkedin(v, &linkedin) : 1;

	for (i = 0; i < 4; i++)
		if (req[i] == NULL) {
			if (missing.len > 0)
				buf_add(&missing, ", ", 2);
			v = columns_name(reqcol[i], conf.id_header);
			buf_add(&missing, v, strlen(v));
		}
	if (missing.len > 0) {
		if (li == 0) {
			r = import_skip(im, rec->row, "enrichment_unavailable",
			    "Only a LinkedIn URL identifies this contact, and "
			    "looking profiles up is not available yet");
		} else if (li == -1) {
			xasprintf(&msg, "The LinkedIn URL is not a profile URL "
			    "(linkedin.com/in/...), and %s is missing",
			    buf_str(&missing));
			r = import_skip(im, rec->row, "invalid_linkedin_url",
			    msg);
		} else {
			xasprintf(&msg, "Missing %s (or a Contact LinkedIn URL)",
			    buf_str(&missing));
			r = import_skip(im, rec->row, "missing_required", msg);
		}
		goto out;
	}

	/* Optional values: a bad one is left empty, with a warning. */
	if ((v = import_cell(im, rec, COL_EMAIL)) != NULL &&
	    norm_email(v, &email) == -1) {
		xasprintf(&msg, "\"%s\" is not an email address; Email was "
		    "left empty", v);
		if (import_outcome(im, rec->row, "warning", "invalid_email", msg,
		    "Email", NULL) == -1)
			goto out;
		free(msg);
		msg = NULL;
	}
	if ((v = import_cell(im, rec, COL_PHONE_INTENT)) != NULL) {
		if (norm_intent(v, &intent) == 0)
			has_intent = 1;
		else {
			xasprintf(&msg, "\"%s\" is not a whole number from 0 to "
			    "100; Phone Intent Score was left empty", v);
			if (import_outcome(im, rec->row, "warning",
			    "invalid_intent_score", msg, "Phone Intent Score",
			    NULL) == -1)
				goto out;
			free(msg);
			msg = NULL;
		}
	}
	if (li == -1) {
		if (import_outcome(im, rec->row, "warning",
		    "invalid_linkedin_url", "The LinkedIn URL is not a profile "
		    "URL (linkedin.com/in/...); it was left empty",
		    "Contact LinkedIn URL", NULL) == -1)
			goto out;
	}
	if ((owner = import_owner(im, rec, &unknown)) == -1)
		goto out;
	if (unknown) {
		xasprintf(&msg, "\"%s\" is not a user of this workspace; the "
		    "contact is owned by the uploader",
		    import_cell(im, rec, COL_OWNER));
		if (import_outcome(im, rec->row, "warning", "unknown_owner", msg,
		    "Contact Owner Email", NULL) == -1)
			goto out;
	}

	if ((acct = import_account(im, domain, account)) == -1)
		goto out;
	custom = import_custom(im, rec);
	randid_contact(pubid);
	db_bind_int(im->s_contact, 0, im->ws_id);
	db_bind_str(im->s_contact, 1, pubid);
	db_bind_str(im->s_contact, 2, first);
	db_bind_str(im->s_contact, 3, last);
	db_bind_str(im->s_contact, 4, email);
	db_bind_str(im->s_contact, 5, import_cell(im, rec, COL_PHONE));
	db_bind_str(im->s_contact, 6, linkedin);
	db_bind_int(im->s_contact, 7, acct);
	db_bind_int(im->s_contact, 8, owner);
	db_bind_str(im->s_contact, 9, import_cell(im, rec, COL_PV_RESULT));
	db_bind_str(im->s_contact, 10, import_cell(im, rec, COL_PV_PROVIDER));
	db_bind_str(im->s_contact, 11, import_cell(im, rec, COL_PHONE_TYPE));
	if (has_intent)
		db_bind_int(im->s_contact, 12, intent);
	else
		db_bind_null(im->s_contact, 12);
	db_bind_int(im->s_contact, 13, im->m.dnt);
	db_bind_str(im->s_contact, 14, custom);
	db_bind_str(im->s_contact, 15, im->id);
	if (db_exec(im->s_contact) == -1) {
		/* A value the database refuses fails this row only. */
		im->st.failed++;
		r = import_outcome(im, rec->row, "failed", "database_error",
		    "The database refused this row", NULL, NULL);
		goto out;
	}
	im->st.created++;
	r = 0;

out:
	buf_free(&missing);
	free(first);
	free(last);
	free(account);
	free(domain);
	free(email);
	free(linkedin);
	free(custom);
	free(msg);
	return (r);
}

static int
import_prepare(struct import *im)
{
	im->s_account = db_prepare(im->db, "INSERT INTO accounts "
	    "(workspace_id, name, domain) VALUES (?, ?, ?) "
	    "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)");
	im->s_contact = db_prepare(im->db, "INSERT INTO contacts "
	    "(workspace_id, public_id, first_name, last_name, email, phone, "
	    "linkedin_url, account_id, owner_id, phone_verification_result, "
	    "phone_verification_provider, phone_type, phone_intent_score, "
	    "dnt, custom, created_by_import) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	im->s_outcome = db_prepare(im->db, "INSERT INTO import_rows "
	    "(import_id, row_no, severity, code, message, column_name, "
	    "contact) VALUES (?, ?, ?, ?, LEFT(?, 1024), ?, ?)");
	im->s_owner = db_prepare(im->db, "SELECT id FROM users "
	    "WHERE workspace_id = ? AND email = ?");
	im->s_checkpoint = db_prepare(im->db, "UPDATE imports SET "
	    "state = ?, rows_processed = ?, created = ?, updated = ?, "
	    "skipped = ?, failed = ?, warnings = ?, errors_total = ?, "
	    "checkpoint_row = ?, checkpoint_offset = ?, rows_total = ?, "
	    "message = ?, updated_at = NOW(3), "
	    "finished_at = IF(? IN ('done', 'failed'), NOW(3), NULL) "
	    "WHERE id = ?");
	if (im->s_account == NULL || im->s_contact == NULL ||
	    im->s_outcome == NULL || im->s_owner == NULL ||
	    im->s_checkpoint == NULL)
		return (-1);
	return (0);
}

/* Save counters and the checkpoint; part of the batch's transaction. */
static int
import_checkpoint(struct import *im, unsigned long row, off_t off)
{
	const char	*state = status_state_name(im->st.state);
	struct dbstmt	*s = im->s_checkpoint;

	db_bind_str(s, 0, state);
	db_bind_int(s, 1, im->st.rows_processed);
	db_bind_int(s, 2, im->st.created);
	db_bind_int(s, 3, im->st.updated);
	db_bind_int(s, 4, im->st.skipped);
	db_bind_int(s, 5, im->st.failed);
	db_bind_int(s, 6, im->st.warnings);
	db_bind_int(s, 7, im->st.errors_total);
	db_bind_int(s, 8, row);
	db_bind_int(s, 9, off);
	if (im->st.rows_total >= 0)
		db_bind_int(s, 10, im->st.rows_total);
	else
		db_bind_null(s, 10);
	db_bind_str(s, 11, im->st.message);
	db_bind_str(s, 12, state);
	db_bind_str(s, 13, im->id);
	return (db_exec(s));
}

static void
import_touch(struct import *im)
{
	char	now[32];

	randid_now(now, sizeof now);
	free(im->st.updated_at);
	im->st.updated_at = xstrdup(now);
}

/* Register an import as queued (uploader side); harmless if it exists. */
int
import_register(MYSQL *db, const struct manifest *m, char **cause)
{
	struct dbstmt	*s;
	char		*options;
	long long	 ws, user;
	int		 r;

	if ((ws = auth_workspace_id(db, m->workspace)) <= 0 ||
	    (user = auth_user_id(db, ws, m->uploader, NULL)) <= 0) {
		xasprintf(cause, "unknown workspace or uploader");
		return (-1);
	}
	s = db_prepare(db, "INSERT IGNORE INTO imports (id, workspace_id, "
	    "flow, options, file_name, uploader_id, source, bytes_total) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	if (s == NULL) {
		xasprintf(cause, "database error");
		return (-1);
	}
	options = manifest_encode(m);
	db_bind_str(s, 0, m->id);
	db_bind_int(s, 1, ws);
	db_bind_str(s, 2, manifest_flow_name(m->flow));
	db_bind_str(s, 3, options);
	db_bind_str(s, 4, m->file_name);
	db_bind_int(s, 5, user);
	db_bind_str(s, 6, m->source);
	db_bind_int(s, 7, m->size);
	r = db_exec(s);
	if (r == -1)
		xasprintf(cause, "database error");
	free(options);
	db_close(s);
	return (r);
}

/* Load a resumed import's counters, checkpoint and first errors. */
static int
import_resume(struct import *im, unsigned long *row, off_t *off)
{
	struct dbstmt	*s;
	int		 r = -1;
	const char	*state;

	s = db_prepare(im->db, "SELECT state, rows_processed, created, "
	    "updated, skipped, failed, warnings, errors_total, checkpoint_row, "
	    "checkpoint_offset, DATE_FORMAT(created_at, "
	    "'%Y-%m-%dT%H:%i:%s.%fZ') FROM imports WHERE id = ?");
	if (s == NULL)
		return (-1);
	db_bind_str(s, 0, im->id);
	if (db_exec(s) == -1 || db_fetch(s) != 1)
		goto out;
	state = db_col_str(s, 0);
	im->st.rows_processed = db_col_int(s, 1);
	im->st.created = db_col_int(s, 2);
	im->st.updated = db_col_int(s, 3);
	im->st.skipped = db_col_int(s, 4);
	im->st.failed = db_col_int(s, 5);
	im->st.warnings = db_col_int(s, 6);
	*row = db_col_int(s, 8);
	*off = db_col_int(s, 9);
	if (im->st.created_at == NULL)
		im->st.created_at = xstrdup(db_col_str(s, 10));
	r = strcmp(state, "done") == 0 || strcmp(state, "failed") == 0;
	db_close(s);
	s = NULL;
	if (*row == 0)
		goto out;

	/* Rebuild the status list of errors from the database. */
	s = db_prepare(im->db, "SELECT row_no, code, message, severity, "
	    "column_name, contact FROM import_rows WHERE import_id = ? "
	    "ORDER BY id LIMIT ?");
	if (s == NULL) {
		r = -1;
		goto out;
	}
	db_bind_str(s, 0, im->id);
	db_bind_int(s, 1, conf.status_errors);
	if (db_exec(s) == -1) {
		r = -1;
		goto out;
	}
	while (db_fetch(s) == 1)
		status_add_error(&im->st, db_col_int(s, 0), db_col_str(s, 1),
		    db_col_str(s, 2), db_col_str(s, 3), db_col_str(s, 4),
		    db_col_str(s, 5));
	log_info("resuming after row %lu (byte %lld)", *row, (long long)*off);

out:
	db_close(s);
	return (r);
}

/* How the header was understood, for the status. */
static void
import_columns_status(struct import *im)
{
	json_object	*a, *o;
	size_t		 i;

	a = json_object_new_array();
	for (i = 0; i < im->cm.ncols; i++) {
		o = json_object_new_object();
		json_object_object_add(o, "header",
		    json_object_new_string(im->cm.header[i]));
		if (im->cm.kind[i] == COL_CUSTOM)
			json_object_object_add(o, "as",
			    json_object_new_string("custom"));
		else
			json_object_object_add(o, "as", json_object_new_string(
			    columns_name(im->cm.kind[i], conf.id_header)));
		json_object_array_add(a, o);
	}
	im->st.columns = a;
}

/* Check the header has what the flow needs; cause names what is missing. */
static int
import_check_header(struct import *im, char **cause)
{
	static const int	 ident[4] = { COL_ACCOUNT, COL_DOMAIN,
	    COL_FIRST, COL_LAST };
	struct buf		 b;
	size_t			 i;
	const char		*n;

	if (im->m.flow == FLOW_UPDATE) {
		xasprintf(cause, "Update with CSV is not available yet");
		return (-1);
	}
	if (im->cm.pos[COL_LINKEDIN] != -1)
		return (0);
	buf_init(&b, 1024);
	for (i = 0; i < 4; i++) {
		if (im->cm.pos[ident[i]] != -1)
			continue;
		n = columns_name(ident[i], conf.id_header);
		if (b.len > 0)
			buf_add(&b, ", ", 2);
		buf_add(&b, n, strlen(n));
	}
	if (b.len == 0) {
		buf_free(&b);
		return (0);
	}
	xasprintf(cause, "The file needs a Contact LinkedIn URL column, or all "
	    "of Account Name, Domain, First name and Last name. Missing: %s",
	    buf_str(&b));
	buf_free(&b);
	return (-1);
}

/* End the import as failed, with a message for the user. */
static int
import_fail(struct import *im, const char *why)
{
	char	now[32];

	log_warnx("failed: %s", why);
	free(im->st.message);
	im->st.message = xstrdup(why);
	im->st.state = STATE_FAILED;
	randid_now(now, sizeof now);
	free(im->st.finished_at);
	im->st.finished_at = xstrdup(now);
	import_touch(im);
	if (import_checkpoint(im, im->last_row, 0) == -1)
		log_warnx("could not record the failure in the database");
	status_write(im->spool, &im->st);
	return (-1);
}

static void
import_free(struct import *im)
{
	size_t	i;

	if (im->accts != NULL) {
		for (i = 0; i < IMPORT_CACHE_MAX; i++)
			free(im->accts[i].domain);
		free(im->accts);
	}
	db_close(im->s_account);
	db_close(im->s_contact);
	db_close(im->s_outcome);
	db_close(im->s_owner);
	db_close(im->s_checkpoint);
	csvin_free(im->in);
	if (im->fd != -1)
		close(im->fd);
	columns_clear(&im->cm);
	manifest_clear(&im->m);
	status_clear(&im->st);
}

/*
 * Import active/ID. Returns 0 when it is done, -1 when it failed for good
 * (the status says why), -2 on a temporary failure (the database went
 * away): the drop should be retried later.
 */
int
import_run(MYSQL *db, const char *spool, const char *id)
{
	struct import		 im;
	struct csvin_limits	 lim;
	struct csvrec		*rec;
	char			*path = NULL, *text = NULL, *cause = NULL;
	char			 now[32];
	unsigned long		 row = 0, batch;
	off_t			 off = 0;
	struct stat		 sb;
	int			 r = -2, n, resumed;

	memset(&im, 0, sizeof im);
	im.db = db;
	im.spool = spool;
	im.id = id;
	im.fd = -1;
	status_init(&im.st, id);
	log_setid(id);

	path = spool_path(spool, "active", id, "manifest.json");
	text = import_read_manifest(path, &cause);
	free(path);
	if (text == NULL || manifest_decode(&im.m, text, &cause) == -1) {
		r = import_fail(&im, cause);
		goto out;
	}
	im.st.workspace = xstrdup(im.m.workspace);
	im.st.flow = im.m.flow;
	im.st.file = xstrdup(im.m.file_name ? im.m.file_name : "upload.csv");
	im.st.bytes_total = im.m.size;
	im.st.created_at = im.m.received_at ? xstrdup(im.m.received_at) : NULL;

	if ((im.ws_id = auth_workspace_id(db, im.m.workspace)) == -1)
		goto out;
	if (im.ws_id == 0) {
		r = import_fail(&im, "The workspace does not exist");
		goto out;
	}
	if ((im.uploader_id = auth_user_id(db, im.ws_id, im.m.uploader,
	    NULL)) == -1)
		goto out;
	if (im.uploader_id == 0) {
		r = import_fail(&im, "The uploader is not a user of this "
		    "workspace");
		goto out;
	}
	free(im.m.id);
	im.m.id = xstrdup(id);
	if (import_register(db, &im.m, &cause) == -1)
		goto out;
	if (import_prepare(&im) == -1)
		goto out;
	if ((resumed = import_resume(&im, &row, &off)) == -1)
		goto out;
	if (resumed == 1) {
		log_info("already finished");
		r = 0;
		goto out;
	}
	im.last_row = row;
	im.accts = xcalloc(IMPORT_CACHE_MAX, sizeof *im.accts);

	im.st.state = STATE_RUNNING;
	randid_now(now, sizeof now);
	im.st.started_at = xstrdup(now);
	import_touch(&im);
	db_run(db, "UPDATE imports SET state = 'running', started_at = "
	    "COALESCE(started_at, NOW(3)) WHERE id = ?", 1, &id);

	path = spool_path(spool, "active", id, "data.csv");
	im.fd = import_open(path);
	free(path);
	if (im.fd == -1 || fstat(im.fd, &sb) == -1) {
		r = import_fail(&im, "The uploaded file is missing");
		goto out;
	}
	im.st.bytes_total = sb.st_size;
	lim.max_field = conf.max_field;
	lim.max_fields = conf.max_fields;
	im.in = csvin_create(import_read, &im.fd, &lim, 0, 0);
	if ((n = csvin_next(im.in, &rec)) <= 0) {
		r = import_fail(&im, n == 0 ? "The file is empty" :
		    csvin_error(im.in));
		goto out;
	}
	if (columns_map(&im.cm, rec, conf.id_header, &cause) == -1 ||
	    import_check_header(&im, &cause) == -1) {
		r = import_fail(&im, cause);
		goto out;
	}
	import_columns_status(&im);
	if (row > 0) {
		/* Resume: read on from just past the last committed row. */
		csvin_free(im.in);
		if (lseek(im.fd, off, SEEK_SET) == -1) {
			r = import_fail(&im, "cannot resume: seek failed");
			goto out;
		}
		im.in = csvin_create(import_read, &im.fd, &lim, off, row);
	} else
		row = rec->row;
	status_write(spool, &im.st);

	for (;;) {
		if (db_begin(db) == -1)
			goto out;
		batch = 0;
		while (batch < conf.batch_size &&
		    (n = csvin_next(im.in, &rec)) == 1) {
			row = rec->row;
			off = rec->end;
			if (import_row_empty(rec))
				continue;
			if (import_row(&im, rec) == -1) {
				db_rollback(db);
				goto out;
			}
			im.st.rows_processed++;
			batch++;
		}
		if (n == -1) {
			db_rollback(db);
			r = import_fail(&im, csvin_error(im.in));
			goto out;
		}
		if (n == 0) {
			im.st.state = STATE_DONE;
			im.st.rows_total = im.st.rows_processed;
		}
		im.st.bytes_processed = off;
		if (import_checkpoint(&im, row, off) == -1 ||
		    db_commit(db) == -1) {
			db_rollback(db);
			goto out;
		}
		im.last_row = row;
		import_touch(&im);
		if (n == 0)
			break;
		status_write(spool, &im.st);
		if (import_quit) {
			log_info("stopping after row %lu", row);
			goto out;
		}
	}
	randid_now(now, sizeof now);
	im.st.finished_at = xstrdup(now);
	im.st.bytes_processed = im.st.bytes_total;
	status_write(spool, &im.st);
	log_info("done: %lld created, %lld updated, %lld skipped, %lld failed",
	    im.st.created, im.st.updated, im.st.skipped, im.st.failed);
	r = 0;

out:
	if (r == -2)
		log_warnx("temporary failure; the drop will be retried");
	free(text);
	free(cause);
	import_free(&im);
	log_setid(NULL);
	return (r);
}
