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
#include <sys/statvfs.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "spool.h"

static const char *spool_queues[] = {
	"tmp", "incoming", "active", "done", "failed", "status", "drop"
};

#define SPOOL_ADOPT_MAX	2

struct drop {
	char		 id[INTAKE_ID_MAX];
	char		*spool;
	char		*dir;		/* tmp/ID */
	int		 fd;		/* data.csv */
	EVP_MD_CTX	*sha;
	long long	 size;

	/* An adopted drop: files renamed in from the spool (SFTP drop
	 * folders), put back if the drop is abandoned. */
	int		 lockfd;	/* tmp/ID/origin, flocked */
	size_t		 nadopt;
	char		*from[SPOOL_ADOPT_MAX];	/* spool-relative */
	char		*name[SPOOL_ADOPT_MAX];	/* in the drop */
};

static int	 spool_put_back(const char *, const char *, const char *,
		     const char *);

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

	if (mkdir(spool, 0750) == -1 && errno != EEXIST) {
		log_warn("mkdir %s", spool);
		return (-1);
	}
	for (i = 0; i < sizeof spool_queues / sizeof spool_queues[0]; i++) {
		p = spool_path(spool, spool_queues[i], NULL, NULL);
		/* Uploader emails and rejected cells are the intake group's
		 * to read; SFTP accounts only pass through drop/ to their own
		 * folder (conf/sshd-intake.conf). */
		if (mkdir(p, strcmp(spool_queues[i], "drop") == 0 ? 0751 :
		    0750) == -1 && errno != EEXIST) {
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

/* A new, empty tmp/ID/ with a fresh ID; NULL with cause if it cannot be
 * made. */
static struct drop *
spool_newdrop(const char *spool, char **cause)
{
	struct drop	*d;

	d = xcalloc(1, sizeof *d);
	d->fd = -1;
	d->lockfd = -1;
	d->spool = xstrdup(spool);
	randid_drop(d->id);
	d->dir = spool_path(spool, "tmp", d->id, NULL);
	if (mkdir(d->dir, 0700) == -1) {
		xasprintf(cause, "mkdir %s: %s", d->dir, strerror(errno));
		free(d->dir);
		d->dir = NULL;
		spool_abort(d);
		return (NULL);
	}
	return (d);
}

/* Start a drop under tmp/ with a fresh ID. */
struct drop *
spool_begin(const char *spool, char **cause)
{
	struct drop	*d;
	char		*p;

	if ((d = spool_newdrop(spool, cause)) == NULL)
		return (NULL);
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

/* Write a whole small new file (mode 0600) and fsync it. */
int
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
	char		*p = NULL, *q = NULL, *text = NULL, buf[65536];
	int		 queued = 0;
	ssize_t		 n = 0;

	/* An adopted file is read through the digest here. */
	while (d->nadopt > 0 && (n = spool_read(d, buf, sizeof buf)) > 0)
		;
	if (d->nadopt > 0 && n == -1) {
		xasprintf(cause, "read data.csv: %s", strerror(errno));
		goto fail;
	}
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
	st.review = m->review;
	if (m->from_review != NULL)
		st.from_review = xstrdup(m->from_review);
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
	d->dir = NULL;	/* published: nothing to clean or put back */
	d->nadopt = 0;
	spool_abort(d);
	return (0);

fail:
	if (queued)
		status_remove(d->spool, d->id);
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
	size_t	 i;

	if (d == NULL)
		return;
	if (d->fd != -1)
		close(d->fd);
	if (d->dir != NULL) {
		/* Someone else's file goes back where it came from; only
		 * what we wrote is removed. */
		for (i = 0; i < d->nadopt; i++) {
			p = spool_path(d->spool, "tmp", d->id, d->name[i]);
			spool_put_back(d->spool, d->id, p, d->from[i]);
			free(p);
		}
		if (d->nadopt == 0) {
			p = spool_path(d->spool, "tmp", d->id, "data.csv");
			unlink(p);
			free(p);
		}
		p = spool_path(d->spool, "tmp", d->id, "manifest.json");
		unlink(p);
		free(p);
		p = spool_path(d->spool, "tmp", d->id, "origin");
		unlink(p);
		free(p);
		rmdir(d->dir);
		free(d->dir);
	}
	if (d->lockfd != -1)
		close(d->lockfd);
	for (i = 0; i < SPOOL_ADOPT_MAX; i++) {
		free(d->from[i]);
		free(d->name[i]);
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

/*
 * Claim a drop: lock it where it is, in incoming/, then rename it into
 * active/. A drop is in active/ only while its claimer holds the lock, so
 * no other watcher ever finds one there unlocked but alive (a lock taken
 * after the rename left a moment when another's recovery gave a fresh
 * claim back, and a third watcher took it twice). Returns the lock's fd;
 * -1 with errno ENOENT if another watcher took it, EWOULDBLOCK if another
 * still holds it (giving it back).
 */
int
spool_claim(const char *spool, const char *id)
{
	struct stat	 a, b;
	char		*p, *q;
	int		 fd = -1, saved;

	if (!randid_drop_valid(id)) {
		errno = EINVAL;
		return (-1);
	}
	p = spool_path(spool, "incoming", id, NULL);
	q = spool_path(spool, "active", id, NULL);
	if ((fd = open(p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		goto fail;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1)
		goto fail;
	if (spool_move(spool, "incoming", "active", id) == -1)
		goto fail;
	/* The directory renamed is the one locked? */
	if (fstat(fd, &a) == -1 || stat(q, &b) == -1 ||
	    a.st_ino != b.st_ino || a.st_dev != b.st_dev) {
		errno = ENOENT;
		goto fail;
	}
	free(p);
	free(q);
	return (fd);

fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	free(p);
	free(q);
	errno = saved;
	return (-1);
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

/*
 * Rename a file to SPOOL/REL without replacing anything there; if the name
 * is taken, to the same folder as "ID-NAME". Used to give back files a
 * drop adopted; never loses the file, whatever it finds.
 */
static int
spool_put_back(const char *spool, const char *id, const char *path,
    const char *rel)
{
	char		*to, *slash;
	struct stat	 sb;
	int		 r;

	if (lstat(path, &sb) == -1)
		return (0);	/* nothing to give back */
	xasprintf(&to, "%s/%s", spool, rel);
	r = renameat2(AT_FDCWD, path, AT_FDCWD, to, RENAME_NOREPLACE);
	if (r == -1 && errno == EEXIST) {
		free(to);
		slash = strrchr(rel, '/');
		xasprintf(&to, "%s/%.*s%s-%s", spool, (int)(slash - rel + 1),
		    rel, id, slash + 1);
		r = renameat2(AT_FDCWD, path, AT_FDCWD, to, RENAME_NOREPLACE);
	}
	if (r == -1)
		log_warn("%s: cannot give %s back to %s", id, path, to);
	else
		log_info("%s: gave back %s", id, rel);
	free(to);
	return (r);
}

/* A spool-relative path we wrote ourselves: drop/SLUG/NAME, no "..". */
static int
spool_rel_valid(const char *rel)
{
	const char	*slash;

	if (strncmp(rel, "drop/", 5) != 0 || strstr(rel, "/.") != NULL ||
	    (slash = strchr(rel + 5, '/')) == NULL || slash == rel + 5 ||
	    strchr(slash + 1, '/') != NULL || slash[1] == '\0')
		return (0);
	return (1);
}

/*
 * Adopt files that are already in the spool's file system (a file dropped
 * over SFTP, and its sidecar) as a new drop: tmp/ID/origin records where
 * each came from and stays flocked while we work, then each is renamed
 * (never copied) into tmp/ID/ under its name; name[0] is the data. A
 * watcher that dies half-way leaves origin unlocked, and
 * spool_recover_tmp gives the files back. -1 with errno ENOENT if another
 * watcher took the data file first.
 */
struct drop *
spool_adopt(const char *spool, const char *const *from,
    const char *const *name, size_t n, char **cause)
{
	struct drop	*d;
	struct stat	 sb;
	struct buf	 o;
	char		*p = NULL, *q = NULL, *tmp = NULL;
	size_t		 i;
	int		 fd = -1, saved;

	if (n == 0 || n > SPOOL_ADOPT_MAX)
		fatalx("spool_adopt: %zu files", n);
	if ((d = spool_newdrop(spool, cause)) == NULL)
		return (NULL);

	/* origin is written and locked under a temporary name, so that
	 * recovery never sees it unlocked while we are alive. */
	buf_init(&o, 65536);
	for (i = 0; i < n; i++) {
		if (!spool_rel_valid(from[i]))
			fatalx("spool_adopt: bad path %s", from[i]);
		buf_add(&o, name[i], strlen(name[i]));
		buf_addc(&o, '\t');
		buf_add(&o, from[i], strlen(from[i]));
		buf_addc(&o, '\n');
	}
	tmp = spool_path(spool, "tmp", d->id, "origin.tmp");
	p = spool_path(spool, "tmp", d->id, "origin");
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1 || flock(fd, LOCK_EX) == -1 ||
	    write(fd, buf_str(&o), o.len) != (ssize_t)o.len ||
	    fsync(fd) == -1 || rename(tmp, p) == -1 ||
	    spool_fsync_dir(d->dir) == -1) {
		xasprintf(cause, "write origin: %s", strerror(errno));
		buf_free(&o);
		unlink(tmp);
		if (fd != -1)
			close(fd);
		goto fail;
	}
	buf_free(&o);
	d->lockfd = fd;
	free(p);
	p = NULL;

	for (i = 0; i < n; i++) {
		free(p);
		free(q);
		xasprintf(&p, "%s/%s", spool, from[i]);
		q = spool_path(spool, "tmp", d->id, name[i]);
		if (rename(p, q) == -1) {
			saved = errno;
			xasprintf(cause, "take %s: %s", from[i],
			    strerror(errno));
			errno = saved;
			goto fail;
		}
		d->from[d->nadopt] = xstrdup(from[i]);
		d->name[d->nadopt++] = xstrdup(name[i]);
		/* Only a plain file with no other name is ours to read. */
		if (lstat(q, &sb) == -1 || !S_ISREG(sb.st_mode) ||
		    sb.st_nlink != 1) {
			xasprintf(cause, "%s is not a plain file", from[i]);
			errno = EPERM;
			goto fail;
		}
	}
	free(p);
	p = spool_path(spool, "tmp", d->id, name[0]);
	if ((d->fd = open(p, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		xasprintf(cause, "open %s: %s", p, strerror(errno));
		goto fail;
	}
	if ((d->sha = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(d->sha, EVP_sha256(), NULL) != 1)
		fatalx("sha256 init");
	free(p);
	free(q);
	free(tmp);
	return (d);

fail:
	saved = errno;
	free(p);
	free(q);
	free(tmp);
	spool_abort(d);
	errno = saved;
	return (NULL);
}

/* Read an adopted drop's data through its digest: like read(2). */
ssize_t
spool_read(struct drop *d, void *buf, size_t len)
{
	ssize_t	n;

	do
		n = read(d->fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n > 0) {
		EVP_DigestUpdate(d->sha, buf, n);
		d->size += n;
	}
	return (n);
}

/* Remove the few files a drop directory may hold, then the directory. */
static int
spool_remove_drop(const char *dir)
{
	static const char *files[] = { "data.csv", "manifest.json",
	    "origin", "origin.tmp", "sidecar.json", "attempts",
	    "remembered", "remembered.tmp", "data.utf8.csv", "data.utf8.enc" };
	char	*p;
	size_t	 i;

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		xasprintf(&p, "%s/%s", dir, files[i]);
		unlink(p);
		free(p);
	}
	if (rmdir(dir) == -1) {
		log_warn("rmdir %s", dir);
		return (-1);
	}
	return (0);
}

/* The newest mtime of a drop directory and its data file. */
static time_t
spool_drop_age(const char *dir, time_t now)
{
	struct stat	 sb;
	time_t		 t = 0;
	char		*p;

	if (lstat(dir, &sb) == 0)
		t = sb.st_mtime;
	xasprintf(&p, "%s/data.csv", dir);
	if (lstat(p, &sb) == 0 && sb.st_mtime > t)
		t = sb.st_mtime;
	free(p);
	return (now - t);
}

/* What spool_recover_adopted found in a tmp/ drop. */
enum spool_adopted {
	SPOOL_ADOPTED_KEEP = -1,	/* alive, or a file could not be given
					 * back: leave it */
	SPOOL_ADOPTED_NOT = 0,		/* not an adoption */
	SPOOL_ADOPTED_GIVEN = 1		/* a dead one: its files given back */
};

/* Give back the files of a dead adoption (tmp/ID/origin, unlocked). */
static enum spool_adopted
spool_recover_adopted(const char *spool, const char *id)
{
	enum spool_adopted	 r = SPOOL_ADOPTED_GIVEN;
	char			*p, *line = NULL, *tab, *q;
	size_t			 size = 0;
	FILE			*f;
	int			 fd;

	p = spool_path(spool, "tmp", id, "origin");
	if ((fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		free(p);
		return (SPOOL_ADOPTED_NOT);
	}
	free(p);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return (SPOOL_ADOPTED_KEEP);
	}
	if ((f = fdopen(fd, "r")) == NULL)
		fatal("fdopen");
	while (getline(&line, &size, f) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if ((tab = strchr(line, '\t')) == NULL)
			continue;
		*tab++ = '\0';
		if (strchr(line, '/') != NULL || !spool_rel_valid(tab))
			continue;
		q = spool_path(spool, "tmp", id, line);
		if (spool_put_back(spool, id, q, tab) == -1)
			r = SPOOL_ADOPTED_KEEP;	/* never delete it */
		free(q);
	}
	free(line);
	fclose(f);
	return (r);
}

/*
 * Housekeeping of tmp/: a dead watcher's adoption gives its files back at
 * once; anything else older than max_age (an upload whose writer died; it
 * was never acknowledged) is removed. Returns how many were cleaned.
 */
int
spool_clean_tmp(const char *spool, time_t max_age)
{
	DIR		*dir;
	struct dirent	*de;
	char		*p;
	time_t		 now = time(NULL);
	enum spool_adopted r;
	int		 n = 0;

	p = spool_path(spool, "tmp", NULL, NULL);
	if ((dir = opendir(p)) == NULL) {
		log_warn("opendir %s", p);
		free(p);
		return (-1);
	}
	free(p);
	while ((de = readdir(dir)) != NULL) {
		if (!randid_drop_valid(de->d_name))
			continue;
		p = spool_path(spool, "tmp", de->d_name, NULL);
		r = spool_recover_adopted(spool, de->d_name);
		if (r == SPOOL_ADOPTED_GIVEN || (r == SPOOL_ADOPTED_NOT &&
		    spool_drop_age(p, now) > max_age)) {
			if (r == SPOOL_ADOPTED_NOT)
				log_info("%s: removing stale tmp/ drop",
				    de->d_name);
			if (spool_remove_drop(p) == 0)
				n++;
		}
		free(p);
	}
	closedir(dir);
	return (n);
}

/* Remove the drops of a queue (done/) finished more than max_age ago. The
 * status JSON stays: the page and the API still show the import. */
int
spool_expire(const char *spool, const char *queue, time_t max_age)
{
	struct stat	 sb;
	char		**ids, *p;
	size_t		 n, i;
	time_t		 now = time(NULL);
	int		 removed = 0;

	if (spool_list(spool, queue, &ids, &n) == -1)
		return (-1);
	for (i = 0; i < n; i++) {
		p = spool_path(spool, queue, ids[i], NULL);
		/* The rename into done/ set the directory's ctime. */
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode) &&
		    now - sb.st_ctime > max_age && spool_remove_drop(p) == 0)
			removed++;
		free(p);
		free(ids[i]);
	}
	free(ids);
	if (removed > 0)
		log_info("removed %d drops from %s/", removed, queue);
	return (removed);
}

/* Open a spool file safely: no links, a regular file, one name
 * (Postfix safe_open). */
int
spool_open_safe(const char *path)
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

/* A drop's manifest.json at path, whole (owned), or NULL with *cause. */
char *
spool_read_manifest(const char *path, char **cause)
{
	char	*text;
	ssize_t	 n;
	size_t	 len = 0;
	int	 fd;

	if ((fd = spool_open_safe(path)) == -1) {
		xasprintf(cause, "manifest: %s", strerror(errno));
		return (NULL);
	}
	text = xmalloc(SPOOL_MANIFEST_MAX + 1);
	while ((n = read(fd, text + len, SPOOL_MANIFEST_MAX - len)) > 0)
		len += n;
	close(fd);
	if (n == -1 || len == SPOOL_MANIFEST_MAX) {
		xasprintf(cause, "manifest: unreadable or too large");
		free(text);
		return (NULL);
	}
	text[len] = '\0';
	return (text);
}

/* Forget drop id wherever it ended (done/ or failed/), and its status. */
void
spool_forget(const char *spool, const char *id)
{
	static const char *const queues[] = { "done", "failed" };
	struct stat	 sb;
	char		*p;
	size_t		 i;

	for (i = 0; i < 2; i++) {
		p = spool_path(spool, queues[i], id, NULL);
		if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
			spool_remove_drop(p);
		free(p);
	}
	status_remove(spool, id);
}

/* Whether the spool has room for need more bytes and still keeps
 * conf.min_free: 0 if so, -1 (errno ENOSPC) if not. */
int
spool_free_space(const char *spool, long long need)
{
	struct statvfs	 sv;
	char		*p;
	int		 r;

	p = spool_path(spool, "tmp", NULL, NULL);
	r = statvfs(p, &sv);
	free(p);
	if (r == -1)
		return (-1);
	if ((long long)sv.f_bavail * (long long)sv.f_frsize <
	    need + conf.min_free) {
		errno = ENOSPC;
		return (-1);
	}
	return (0);
}

/* The wall clock in ms: an attempts file is read by watchers of other
 * hosts and after restarts, where no monotonic clock is shared. */
static long long
spool_wall_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* Read queue/ID/attempts: "N ROW SINCE TROUBLE RETRY_AT" (older files
 * have "N ROW"). A missing or unreadable file is a first attempt. */
static void
spool_attempt_read(const char *spool, const char *queue, const char *id,
    struct attempt *a)
{
	char	*p, text[128];
	ssize_t	 len;
	int	 fd;

	memset(a, 0, sizeof *a);
	a->row = -1;
	p = spool_path(spool, queue, id, "attempts");
	if ((fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
		if ((len = read(fd, text, sizeof text - 1)) > 0) {
			text[len] = '\0';
			if (sscanf(text, "%d %lld %lld %d %lld", &a->n, &a->row,
			    &a->since, &a->trouble, &a->retry_at) < 2) {
				memset(a, 0, sizeof *a);
				a->row = -1;
			}
		}
		close(fd);
	}
	free(p);
}

/*
 * Note an attempt at a claimed drop in active/ID/attempts, for the
 * watcher's rule (watchd_one): a drop is given up only when it has made
 * no progress for a while and kept failing or killing its watcher, never
 * for trouble of the database's. how is ATTEMPT_TRY (counted before the
 * import, so one that kills its watcher counts too; the count and its
 * time start again whenever the checkpoint row moved past the last
 * attempt's), ATTEMPT_UNDO (it ended without work: the workspace was
 * busy, the watcher stopping) or ATTEMPT_TROUBLE (the database's
 * trouble: taken back too, and the drop waits, twice as long each time,
 * with jitter, at most a minute). a gets the result.
 */
void
spool_attempt(const char *spool, const char *id, long long row,
    enum attempt_how how, struct attempt *a)
{
	char		*p, text[128];
	long long	 now = time(NULL), ms;
	int		 fd;

	spool_attempt_read(spool, "active", id, a);
	switch (how) {
	case ATTEMPT_TRY:
		if (row > a->row || a->since == 0) {
			a->n = 0;
			a->since = now;
			a->trouble = 0;
		}
		a->n++;
		a->row = row;
		break;
	case ATTEMPT_TROUBLE:
		a->trouble++;
		ms = 200LL << (a->trouble < 9 ? a->trouble : 9);
		if (ms > 60000)
			ms = 60000;
		ms = ms / 2 + random() % (ms + 1);
		a->retry_at = spool_wall_ms() + ms;
		/* FALLTHROUGH */
	case ATTEMPT_UNDO:
		a->n = a->n > 0 ? a->n - 1 : 0;
		break;
	}
	snprintf(text, sizeof text, "%d %lld %lld %d %lld\n", a->n, a->row,
	    a->since, a->trouble, a->retry_at);
	p = spool_path(spool, "active", id, "attempts");
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) != -1) {
		if (write(fd, text, strlen(text)) == -1)
			log_warn("%s: write attempts", id);
		fsync(fd);
		close(fd);
	}
	free(p);
}

/* Milliseconds until a drop in incoming/ may be tried again (0: now). */
long long
spool_attempt_due(const char *spool, const char *id)
{
	struct attempt	a;
	long long	now = spool_wall_ms();

	spool_attempt_read(spool, "incoming", id, &a);
	return (a.retry_at > now ? a.retry_at - now : 0);
}
