/*
 * The spool: a queue you can see with `ls` (Postfix's mail_queue.c).
 *
 *   tmp/ID/        being written; never looked at by the watcher
 *   incoming/ID/   complete: data.csv + manifest.json, fsynced
 *   active/ID/     claimed by one watcher (rename is the lock)
 *   done/ID/ failed/ID/   finished
 *   status/ID.json the import's status, rewritten by rename
 *
 * Invariant: nothing appears in incoming/ until both files are complete and
 * on disk; the rename of the directory is the commit. The watcher treats
 * every name in the spool as hostile and opens only IDs of our own form.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "intake.h"

static const char *spool_queues[] = {
	"tmp", "incoming", "active", "done", "failed", "status", "drop"
};

struct drop {
	char		 id[INTAKE_ID_MAX];
	char		*spool;
	char		*dir;		/* tmp/ID */
	int		 fd;		/* data.csv */
	EVP_MD_CTX	*sha;
	long long	 size;
};

/* "SPOOL/QUEUE/ID/FILE", with the parts that are NULL left out. */
char *
spool_path(const char *spool, const char *queue, const char *id,
    const char *file)
{
	char	*p;

	xasprintf(&p, "%s/%s%s%s%s%s", spool, queue, id ? "/" : "",
	    id ? id : "", file ? "/" : "", file ? file : "");
	return (p);
}

/* Make the queue directories; fine if they exist. */
int
spool_init(const char *spool)
{
	size_t	 i;
	char	*p;

	if (mkdir(spool, 0755) == -1 && errno != EEXIST) {
		log_warn("mkdir %s", spool);
		return (-1);
	}
	for (i = 0; i < sizeof spool_queues / sizeof spool_queues[0]; i++) {
		p = spool_path(spool, spool_queues[i], NULL, NULL);
		if (mkdir(p, 0755) == -1 && errno != EEXIST) {
			log_warn("mkdir %s", p);
			free(p);
			return (-1);
		}
		free(p);
	}
	return (0);
}

/* fsync a directory, so a rename in it survives a crash (Redis
 * fsyncFileDir). */
static int
spool_fsync_dir(const char *path)
{
	int	fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY)) == -1)
		return (-1);
	if (fsync(fd) == -1) {
		close(fd);
		return (-1);
	}
	return (close(fd));
}

/* Start a drop under tmp/ with a fresh ID. */
struct drop *
spool_begin(const char *spool, char **cause)
{
	struct drop	*d;
	char		*p;

	d = xcalloc(1, sizeof *d);
	d->fd = -1;
	d->spool = xstrdup(spool);
	randid_drop(d->id);
	d->dir = spool_path(spool, "tmp", d->id, NULL);
	if (mkdir(d->dir, 0700) == -1) {
		xasprintf(cause, "mkdir %s: %s", d->dir, strerror(errno));
		goto fail;
	}
	p = spool_path(spool, "tmp", d->id, "data.csv");
	d->fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	free(p);
	if (d->fd == -1) {
		xasprintf(cause, "create data.csv: %s", strerror(errno));
		goto fail;
	}
	if ((d->sha = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(d->sha, EVP_sha256(), NULL) != 1)
		fatalx("sha256 init");
	return (d);

fail:
	spool_abort(d);
	return (NULL);
}

const char *
spool_drop_id(const struct drop *d)
{
	return (d->id);
}

long long
spool_drop_size(const struct drop *d)
{
	return (d->size);
}

/* Append file bytes. */
int
spool_write(struct drop *d, const void *buf, size_t len)
{
	const char	*p = buf;
	ssize_t		 n;

	EVP_DigestUpdate(d->sha, buf, len);
	d->size += len;
	while (len > 0) {
		if ((n = write(d->fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("%s: write data.csv", d->id);
			return (-1);
		}
		p += n;
		len -= n;
	}
	return (0);
}

/* Write a whole small file and fsync it. */
static int
spool_write_file(const char *path, const char *text)
{
	size_t	 len = strlen(text);
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1)
		return (-1);
	while (len > 0) {
		if ((n = write(fd, text, len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		text += n;
		len -= n;
	}
	if (fsync(fd) == -1)
		goto fail;
	return (close(fd));

fail:
	n = errno;
	close(fd);
	errno = n;
	return (-1);
}

/*
 * Commit: data on disk, manifest written last, queued status published,
 * then tmp/ID renamed into incoming/. Frees the drop whatever happens; on
 * failure nothing is left behind.
 */
int
spool_commit(struct drop *d, struct manifest *m, char **cause)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen, i;
	struct status	 st;
	char		*p = NULL, *q = NULL, *text = NULL;
	int		 queued = 0;

	if (fsync(d->fd) == -1 || close(d->fd) == -1) {
		d->fd = -1;
		xasprintf(cause, "sync data.csv: %s", strerror(errno));
		goto fail;
	}
	d->fd = -1;
	EVP_DigestFinal_ex(d->sha, md, &mdlen);
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(m->sha256 + 2 * i, 3, "%02x", md[i]);
	m->size = d->size;
	free(m->id);
	m->id = xstrdup(d->id);
	if (m->received_at == NULL) {
		char now[32];

		randid_now(now, sizeof now);
		m->received_at = xstrdup(now);
	}

	text = manifest_encode(m);
	p = spool_path(d->spool, "tmp", d->id, "manifest.json");
	if (spool_write_file(p, text) == -1) {
		xasprintf(cause, "write manifest: %s", strerror(errno));
		goto fail;
	}
	free(p);
	p = NULL;
	if (spool_fsync_dir(d->dir) == -1) {
		xasprintf(cause, "sync drop: %s", strerror(errno));
		goto fail;
	}

	/* The queued status goes first: once the drop is in incoming/ a
	 * watcher may already be writing "running". */
	status_init(&st, d->id);
	st.workspace = xstrdup(m->workspace);
	st.flow = m->flow;
	st.file = xstrdup(m->file_name ? m->file_name : "upload.csv");
	st.bytes_total = d->size;
	st.created_at = xstrdup(m->received_at);
	st.updated_at = xstrdup(m->received_at);
	i = status_write(d->spool, &st);
	status_clear(&st);
	if (i != 0) {
		xasprintf(cause, "write status: %s", strerror(errno));
		goto fail;
	}
	queued = 1;

	q = spool_path(d->spool, "incoming", d->id, NULL);
	if (rename(d->dir, q) == -1) {
		xasprintf(cause, "publish drop: %s", strerror(errno));
		goto fail;
	}
	free(q);
	q = spool_path(d->spool, "incoming", NULL, NULL);
	if (spool_fsync_dir(q) == -1)
		log_warn("%s: fsync incoming", d->id);
	free(q);
	free(text);
	free(d->dir);
	d->dir = NULL;	/* published: nothing to clean */
	spool_abort(d);
	return (0);

fail:
	if (queued) {
		char *sp;

		xasprintf(&sp, "%s/status/%s.json", d->spool, d->id);
		unlink(sp);
		free(sp);
	}
	free(p);
	free(q);
	free(text);
	spool_abort(d);
	return (-1);
}

/* Throw away an unfinished drop and free it. */
void
spool_abort(struct drop *d)
{
	char	*p;

	if (d == NULL)
		return;
	if (d->fd != -1)
		close(d->fd);
	if (d->dir != NULL) {
		p = spool_path(d->spool, "tmp", d->id, "data.csv");
		unlink(p);
		free(p);
		p = spool_path(d->spool, "tmp", d->id, "manifest.json");
		unlink(p);
		free(p);
		rmdir(d->dir);
		free(d->dir);
	}
	EVP_MD_CTX_free(d->sha);
	free(d->spool);
	free(d);
}

/* Move ID from one queue to another: the rename is atomic, so of two
 * watchers only one wins a claim. -1 with errno ENOENT if it is gone. */
static int
spool_move(const char *spool, const char *from, const char *to,
    const char *id)
{
	char	*a, *b, *dir;
	int	 r;

	if (!randid_drop_valid(id)) {
		errno = EINVAL;
		return (-1);
	}
	a = spool_path(spool, from, id, NULL);
	b = spool_path(spool, to, id, NULL);
	r = rename(a, b);
	if (r == 0) {
		dir = spool_path(spool, to, NULL, NULL);
		if (spool_fsync_dir(dir) == -1)
			log_warn("%s: fsync %s", id, dir);
		free(dir);
	}
	free(a);
	free(b);
	return (r);
}

int
spool_claim(const char *spool, const char *id)
{
	return (spool_move(spool, "incoming", "active", id));
}

int
spool_finish(const char *spool, const char *id, int ok)
{
	return (spool_move(spool, "active", ok ? "done" : "failed", id));
}

static int
spool_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The drop IDs in a queue, oldest first. */
static int
spool_list(const char *spool, const char *queue, char ***ids, size_t *n)
{
	DIR		*dir;
	struct dirent	*de;
	char		*p;

	*ids = NULL;
	*n = 0;
	p = spool_path(spool, queue, NULL, NULL);
	dir = opendir(p);
	if (dir == NULL) {
		log_warn("opendir %s", p);
		free(p);
		return (-1);
	}
	free(p);
	while ((de = readdir(dir)) != NULL) {
		if (!randid_drop_valid(de->d_name))
			continue;
		*ids = xreallocarray(*ids, *n + 1, sizeof **ids);
		(*ids)[(*n)++] = xstrdup(de->d_name);
	}
	closedir(dir);
	if (*n > 1)
		qsort(*ids, *n, sizeof **ids, spool_cmp);
	return (0);
}

int
spool_scan(const char *spool, char ***ids, size_t *n)
{
	return (spool_list(spool, "incoming", ids, n));
}

/*
 * Lock a claimed drop for the watcher working on it: a flock on the
 * directory, held until the fd is closed. Returns the fd, or -1 if another
 * watcher holds it or the drop moved away between claim and lock.
 */
int
spool_lock(const char *spool, const char *id)
{
	struct stat	 a, b;
	char		*p;
	int		 fd;

	p = spool_path(spool, "active", id, NULL);
	if ((fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		goto fail;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		goto fail;
	/* Still the same directory in active/? */
	if (fstat(fd, &a) == -1 || stat(p, &b) == -1 ||
	    a.st_ino != b.st_ino || a.st_dev != b.st_dev)
		goto fail;
	free(p);
	return (fd);

fail:
	if (fd != -1)
		close(fd);
	free(p);
	return (-1);
}

/* At start: whatever a dead watcher left in active/ goes back to
 * incoming/ (qmgr does the same). A drop another live watcher holds
 * locked is left alone. Returns how many moved. */
int
spool_recover(const char *spool)
{
	char	**ids;
	size_t	  n, i;
	int	  moved = 0, fd;

	if (spool_list(spool, "active", &ids, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		if ((fd = spool_lock(spool, ids[i])) != -1) {
			if (spool_move(spool, "active", "incoming",
			    ids[i]) == 0) {
				log_info("%s: recovered from active/", ids[i]);
				moved++;
			}
			close(fd);
		}
		free(ids[i]);
	}
	free(ids);
	return (moved);
}

/* Put a claimed drop back, for a later try. */
int
spool_release(const char *spool, const char *id)
{
	return (spool_move(spool, "active", "incoming", id));
}
