/*
 * One way in: what the web upload, `intake import` and an SFTP drop
 * folder do with a file and its options, done once. An entry gathers its
 * input and reports the result in its own medium (HTTP JSON, the CLI's
 * stderr and exit code, a .why file); between the two it calls, in this
 * order:
 *
 *   submit_check	the options' defaults and limits (options.c), and
 *			the uploader and the workflow against the database
 *   submit_begin	a new drop for bytes to come, then submit_write for
 *			each chunk and submit_end (or submit_stream for a
 *			whole descriptor); the content is sniffed as it goes
 *   submit_adopt	or: files already in the spool's file system, sniffed
 *			where they were (submit_sniff_fd)
 *   submit_commit	the drop queued in incoming/, the import registered
 *
 * The web may check its options only after the file, which comes first in
 * its form. Each step returns an enum submit_rc, with *cause for the
 * entry's own words where there is more to say.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spool.h"

#define SUBMIT_CHUNK	65536

/* What each way in leaves to the database check. */
static const struct submit_source {
	const char	*name;
	int		 uploader;	/* check it: a user, an editor */
	int		 workflow;	/* check it is the workspace's */
} submit_sources[] = {
	/* The session's user was checked when it signed in. */
	{ "web", 0, 1 },
	{ "cli", 1, 1 },
	/* A sidecar's workflow is checked when the import runs (it fails
	 * there), as before one way in; 1 would reject the file with a
	 * .why at once instead. */
	{ "sftp", 1, 0 },
};

struct submit {
	struct drop	*drop;
	struct sniff	 sn;
	int		 sniffed;	/* the whole content was judged */
};

static const struct submit_source *
submit_source(const char *name)
{
	size_t	i;

	for (i = 0; i < sizeof submit_sources / sizeof submit_sources[0]; i++)
		if (name != NULL && strcmp(name, submit_sources[i].name) == 0)
			return (&submit_sources[i]);
	fatalx("submit: unknown source %s", name ? name : "(none)");
}

/*
 * The options of m (its source, workspace and uploader set): defaults
 * filled, limits checked, and what of it the database holds for the
 * workspace ws. SUBMIT_BAD_OPTION with *cause, SUBMIT_NO_USER (also if
 * there is no uploader), SUBMIT_NOT_EDITOR, SUBMIT_NO_WORKFLOW, SUBMIT_DB.
 */
enum submit_rc
submit_check(MYSQL *db, long long ws, struct manifest *m, char **cause)
{
	const struct submit_source	*src = submit_source(m->source);
	long long			 uid;
	int				 editor = 0;

	if (options_finish(m, cause) == -1)
		return (SUBMIT_BAD_OPTION);
	if (src->uploader) {
		if (m->uploader == NULL)
			return (SUBMIT_NO_USER);
		if ((uid = auth_user_id(db, ws, m->uploader, &editor)) == -1)
			return (SUBMIT_DB);
		if (uid == 0)
			return (SUBMIT_NO_USER);
		if (!editor)
			return (SUBMIT_NOT_EDITOR);
	}
	if (src->workflow)
		switch (imports_workflow(db, ws, m->workflow)) {
		case -1:
			return (SUBMIT_DB);
		case -2:
			return (SUBMIT_NO_WORKFLOW);
		}
	return (SUBMIT_OK);
}

/* A new drop for bytes to come; NULL with *cause if the spool fails. */
struct submit *
submit_begin(char **cause)
{
	struct submit	*s;
	struct drop	*d;

	if ((d = spool_begin(conf.spool_dir, cause)) == NULL)
		return (NULL);
	s = xcalloc(1, sizeof *s);
	s->drop = d;
	sniff_init(&s->sn);
	return (s);
}

/*
 * Files already in the spool's file system as a new drop (spool_adopt:
 * from, names, n), their content judged where they were. NULL with
 * *cause, errno ENOENT if another watcher took the data first.
 */
struct submit *
submit_adopt(const char *const *from, const char *const *names, size_t n,
    char **cause)
{
	struct submit	*s;
	struct drop	*d;

	if ((d = spool_adopt(conf.spool_dir, from, names, n, cause)) == NULL)
		return (NULL);
	s = xcalloc(1, sizeof *s);
	s->drop = d;
	s->sniffed = 1;
	return (s);
}

const char *
submit_id(const struct submit *s)
{
	return (spool_drop_id(s->drop));
}

/* Sniff a chunk of the file and write it into the drop. SUBMIT_NOT_CSV
 * with *cause what it looks like; SUBMIT_NO_SPACE; SUBMIT_STORE. */
enum submit_rc
submit_write(struct submit *s, const void *p, size_t len, char **cause)
{
	const char	*why;

	if (sniff_feed(&s->sn, p, len, &why) == -1) {
		*cause = xstrdup(why);
		return (SUBMIT_NOT_CSV);
	}
	if (spool_write(s->drop, p, len) == -1) {
		if (spool_free_space(conf.spool_dir, 0) == -1 &&
		    errno == ENOSPC)
			return (SUBMIT_NO_SPACE);
		return (SUBMIT_STORE);
	}
	return (SUBMIT_OK);
}

/* The file is all there: the end of its judgement (SUBMIT_NOT_CSV). */
enum submit_rc
submit_end(struct submit *s, char **cause)
{
	const char	*why;

	if (s->sniffed)
		return (SUBMIT_OK);
	s->sniffed = 1;
	if (sniff_end(&s->sn, &why) == -1) {
		*cause = xstrdup(why);
		return (SUBMIT_NOT_CSV);
	}
	return (SUBMIT_OK);
}

/* The whole of fd into the drop, then submit_end. SUBMIT_READ (errno)
 * if fd cannot be read, else as submit_write and submit_end. */
enum submit_rc
submit_stream(struct submit *s, int fd, char **cause)
{
	char		*buf;
	ssize_t		 n;
	enum submit_rc	 rc = SUBMIT_OK;

	buf = xmalloc(SUBMIT_CHUNK);
	while (rc == SUBMIT_OK && (n = read(fd, buf, SUBMIT_CHUNK)) != 0) {
		if (n == -1 && errno == EINTR)
			continue;
		rc = n == -1 ? SUBMIT_READ : submit_write(s, buf, n, cause);
	}
	free(buf);
	if (rc != SUBMIT_OK)
		return (rc);
	return (submit_end(s, cause));
}

/*
 * Is the file fd (read from its start, not moved) one we take? Its
 * content judged as submit_write and submit_end judge a stream: SUBMIT_OK,
 * SUBMIT_NOT_CSV with *cause, SUBMIT_READ.
 */
enum submit_rc
submit_sniff_fd(int fd, char **cause)
{
	struct sniff	 sn;
	char		*buf;
	const char	*why = NULL;
	ssize_t		 n;
	off_t		 off = 0;
	int		 r = 0;

	buf = xmalloc(SUBMIT_CHUNK);
	sniff_init(&sn);
	while (r == 0 && (n = pread(fd, buf, SUBMIT_CHUNK, off)) > 0) {
		r = sniff_feed(&sn, buf, n, &why);
		off += n;
	}
	free(buf);
	if (r == 0 && n == -1)
		return (SUBMIT_READ);
	if (r == 0)
		r = sniff_end(&sn, &why);
	if (r == -1) {
		*cause = xstrdup(why);
		return (SUBMIT_NOT_CSV);
	}
	return (SUBMIT_OK);
}

/*
 * Queue the drop with the options m (checked by submit_check): the drop
 * goes to incoming/ and m gets its id, size and checksum; then the import
 * is registered, so it is listed as queued at once (the watcher registers
 * it too, if this could not). s is freed whatever happens. SUBMIT_NOT_CSV
 * (a stream not ended: submit_end), SUBMIT_STORE with *cause.
 */
enum submit_rc
submit_commit(struct submit *s, MYSQL *db, struct manifest *m, char **cause)
{
	enum submit_rc	 rc;
	char		*why = NULL;

	if ((rc = submit_end(s, cause)) != SUBMIT_OK) {
		submit_abort(s);
		return (rc);
	}
	rc = spool_commit(s->drop, m, cause) == -1 ? SUBMIT_STORE : SUBMIT_OK;
	free(s);
	if (rc != SUBMIT_OK)
		return (rc);
	if (imports_register(db, m, &why) == -1)
		log_warnx("%s: register: %s (the watcher will)", m->id, why);
	free(why);
	return (SUBMIT_OK);
}

/* Give up: nothing of the drop is left (adopted files go back); errno
 * survives it. */
void
submit_abort(struct submit *s)
{
	int	saved_errno = errno;

	if (s == NULL)
		return;
	spool_abort(s->drop);
	free(s);
	errno = saved_errno;
}

/*
 * Import the file a review read (done/ID/), with its options, as uploader
 * by source: the review's manifest less the review, checked, written and
 * registered as any drop is; the import names the review it came from.
 * m is filled (the caller clears it). SUBMIT_READ if the review's drop is
 * gone.
 */
enum submit_rc
submit_reviewed(MYSQL *db, long long ws, const char *review,
    const char *uploader, const char *source, struct manifest *m,
    char **cause)
{
	struct submit	*s;
	enum submit_rc	 rc;
	char		*text, *path;
	int		 fd;

	memset(m, 0, sizeof *m);
	path = spool_path(conf.spool_dir, "done", review, "manifest.json");
	text = spool_read_manifest(path, cause);
	free(path);
	if (text == NULL)
		return (SUBMIT_READ);
	rc = manifest_decode(m, text, cause) == -1 ? SUBMIT_READ : SUBMIT_OK;
	free(text);
	if (rc != SUBMIT_OK)
		return (rc);
	m->review = 0;
	free(m->id);
	free(m->uploader);
	free(m->source);
	free(m->received_at);
	m->id = m->received_at = NULL;
	m->uploader = xstrdup(uploader);
	m->source = xstrdup(source);
	m->from_review = xstrdup(review);
	if ((rc = submit_check(db, ws, m, cause)) != SUBMIT_OK)
		return (rc);
	path = spool_path(conf.spool_dir, "done", review, "data.csv");
	fd = spool_open_safe(path);
	free(path);
	if (fd == -1)
		return (SUBMIT_READ);
	if ((s = submit_begin(cause)) == NULL) {
		close(fd);
		return (SUBMIT_STORE);
	}
	if ((rc = submit_stream(s, fd, cause)) != SUBMIT_OK) {
		close(fd);
		submit_abort(s);
		return (rc);
	}
	close(fd);
	return (submit_commit(s, db, m, cause));
}
