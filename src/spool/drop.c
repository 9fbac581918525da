/*
 * SFTP drop folders: spool/drop/SLUG/ of each workspace, exposed to
 * people and systems over SFTP (OpenSSH ChrootDirectory + internal-sftp).
 * A NAME.csv that lands there becomes a normal drop in incoming/, with
 * the options of NAME.csv.json (a sidecar) or the workspace's drop
 * defaults, so there is one import path: the options are read and
 * checked by options.c, and the file queued by submit.c, as a web upload
 * and `intake import` are.
 *
 * A partial upload is never taken:
 * - names with a leading dot or ending in .part, .filepart or .tmp are
 *   not looked at until they are renamed;
 * - a file is taken only when its name, inode, size and mtime have not
 *   changed for conf.drop_settle seconds, no process has it open for
 *   writing (a read lease, where the kernel lets us take one: the file's
 *   owner or CAP_LEASE), and it has one link (OpenSSH renames by link +
 *   unlink);
 * - it must end with a line break: an upload cut off half-way ends in
 *   the middle of a row. Such a file is held (a new upload under the same
 *   name replaces it) and, after conf.drop_hold seconds, moved to
 *   rejected/ with the reason.
 * inotify events (close after write, moved or linked in) only wake the
 * watcher; every pass looks at the whole folder, so a restart, a queue
 * overflow or a file system without inotify loses nothing.
 *
 * Taking a file renames it (and its sidecar) into tmp/ID/ with
 * spool_adopt, which records where they came from: a watcher that dies
 * half-way gives them back at its next start. Files that are not CSV go
 * to rejected/NAME with rejected/NAME.why beside them; nothing is ever
 * deleted.
 *
 * A folder belongs to its SFTP account, which can put links, hard links
 * and folders of its own in it at any time, also while we work. So the
 * folder is opened once and every name in it is reached through that
 * descriptor without following a link (openat, fstatat, renameat2 with
 * O_NOFOLLOW / AT_SYMLINK_NOFOLLOW); rejected/ is used only when it is a
 * folder we made, else nothing moves and we say so; a .why is a new file
 * of its own; the file taken is the file that was checked. The names we
 * own (rejected, *.why) are never taken as drops.
 */
#include <sys/inotify.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "spool.h"

#define DROP_SIDECAR_MAX	(1088 * 1024)	/* a mapping (OPTIONS_MAPPING_MAX) and the rest */
#define DROP_NAME_MAX		200

/* A file we are watching settle. */
struct dropfile {
	char		*slug;
	char		*name;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	nlink_t		 nlink;
	time_t		 since;		/* unchanged since (monotonic) */
	time_t		 held;		/* settled but not whole since, or 0 */
	int		 seen;		/* in this pass */
};

/* What taking a file came to. */
enum drop_rc {
	DROP_DB = -1,		/* a database error: the pass stops */
	DROP_TAKEN = 0,		/* queued, rejected, vanished or left */
	DROP_LATER = 1,		/* look again later */
	DROP_READY = 2		/* (within drop_take) go on */
};

static struct dropfile	*drop_files;
static size_t		 drop_nfiles;

static int
drop_suffix(const char *name, const char *suffix)
{
	size_t	a = strlen(name), b = strlen(suffix);

	return (a >= b && strcasecmp(name + a - b, suffix) == 0);
}

/* Names of files still being written, by convention: never looked at. */
static int
drop_ignored(const char *name)
{
	return (name[0] == '.' || drop_suffix(name, ".part") ||
	    drop_suffix(name, ".filepart") || drop_suffix(name, ".tmp") ||
	    strlen(name) > DROP_NAME_MAX);
}

/* Names the watcher owns in a folder: never a drop, whatever they are. */
static int
drop_owned(const char *name)
{
	return (strcmp(name, "rejected") == 0 || drop_suffix(name, ".why"));
}

/* A slug as intake makes them; anything else is not a drop folder. */
static int
drop_slug_valid(const char *s)
{
	size_t	i;

	if (s[0] == '\0' || s[0] == '.' || strlen(s) > 64)
		return (0);
	for (i = 0; s[i] != '\0'; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyz0123456789-_.",
		    s[i]) == NULL)
			return (0);
	return (1);
}

/* Watch spool/drop/ (for new folders) and every folder in it. Adding a
 * watch twice is harmless, so this runs on every pass. */
void
drop_watch(int ifd)
{
	DIR		*dir;
	struct dirent	*de;
	char		*top, *p;

	top = spool_path(conf.spool_dir, "drop", NULL, NULL);
	if (inotify_add_watch(ifd, top, IN_CREATE | IN_MOVED_TO |
	    IN_ONLYDIR) == -1) {
		log_warn("inotify_add_watch %s", top);
		free(top);
		return;
	}
	if ((dir = opendir(top)) == NULL) {
		log_warn("opendir %s", top);
		free(top);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (!drop_slug_valid(de->d_name))
			continue;
		xasprintf(&p, "%s/%s", top, de->d_name);
		if (inotify_add_watch(ifd, p, IN_CLOSE_WRITE | IN_MOVED_TO |
		    IN_CREATE | IN_ONLYDIR | IN_DONT_FOLLOW) == -1 &&
		    errno != ENOTDIR && errno != ENOENT)
			log_warn("inotify_add_watch %s", p);
		free(p);
	}
	closedir(dir);
	free(top);
}

/*
 * The folder's rejected/, made if it is not there: a descriptor of it, or
 * -1 (logged, naming the file NAME that stays where it is) when it is not
 * a folder we made. Its account can replace it with a link to another
 * workspace's folder, or a folder of its own: never followed.
 */
static int
drop_rejected_dir(int dfd, const char *slug, const char *name)
{
	struct stat	 sb;
	const char	*what = NULL;
	int		 fd, saved;

	if (mkdirat(dfd, "rejected", 0755) == -1 && errno != EEXIST) {
		log_warn("drop/%s/%s: not rejected, left in place: mkdir "
		    "rejected", slug, name);
		return (-1);
	}
	if ((fd = openat(dfd, "rejected", O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1) {
		saved = errno;
		if (fstatat(dfd, "rejected", &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(sb.st_mode))
			what = "a link";
		else if (saved == ENOTDIR)
			what = "not a folder";
		else
			what = strerror(saved);
	} else if (fstat(fd, &sb) == -1)
		what = strerror(errno);
	else if (!S_ISDIR(sb.st_mode) || sb.st_uid != geteuid())
		what = "a folder intake did not make";
	if (what != NULL) {
		log_warnx("drop/%s/%s: not rejected, left in place: "
		    "drop/%s/rejected is %s; remove it and intake makes its "
		    "own", slug, name, slug, what);
		if (fd != -1)
			close(fd);
		return (-1);
	}
	return (fd);
}

/* Write NAME.why in rejected/: one line of plain text, in a new file.
 * Whatever had that name (a link, a hard link) is removed, never
 * written through. */
static void
drop_write_why(int rfd, const char *slug, const char *name, const char *why)
{
	struct stat	 sb;
	char		*p;
	FILE		*f;
	int		 fd, again = 1;

	xasprintf(&p, "%s.why", name);
	while ((fd = openat(rfd, p, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1 && errno == EEXIST && again) {
		again = 0;
		if (fstatat(rfd, p, &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
		    S_ISDIR(sb.st_mode) || unlinkat(rfd, p, 0) == -1)
			break;
	}
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		log_warn("drop/%s/rejected/%s", slug, p);
		if (fd != -1)
			close(fd);
		free(p);
		return;
	}
	fprintf(f, "%s\n", why);
	if (fflush(f) != 0 || fsync(fd) == -1)
		log_warn("drop/%s/rejected/%s", slug, p);
	fclose(f);
	free(p);
}

/* Move NAME of the folder into rejected/, never over another file; its
 * name there, or NULL (errno set). */
static char *
drop_move_rejected(int dfd, int rfd, const char *name)
{
	char	*to, id[INTAKE_ID_MAX];
	int	 r;

	to = xstrdup(name);
	r = renameat2(dfd, name, rfd, to, RENAME_NOREPLACE);
	if (r == -1 && errno == EEXIST) {
		free(to);
		randid_drop(id);
		xasprintf(&to, "%s-%s", id, name);
		r = renameat2(dfd, name, rfd, to, RENAME_NOREPLACE);
	}
	if (r == -1) {
		free(to);
		to = NULL;
	}
	return (to);
}

/* Reject a dropped file (and its sidecar) with a reason people read. */
static void
drop_reject(int dfd, const char *slug, const char *name, const char *why)
{
	struct stat	 sb;
	char		*to, *side;
	int		 rfd;

	if ((rfd = drop_rejected_dir(dfd, slug, name)) == -1)
		return;
	if ((to = drop_move_rejected(dfd, rfd, name)) == NULL) {
		if (errno != ENOENT)
			log_warn("drop/%s/%s: cannot move to rejected/", slug,
			    name);
		close(rfd);
		return;
	}
	drop_write_why(rfd, slug, to, why);
	log_info("drop/%s/%s: rejected: %s", slug, name, why);
	free(to);
	if (drop_suffix(name, ".csv")) {
		xasprintf(&side, "%s.json", name);
		if (fstatat(dfd, side, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    (to = drop_move_rejected(dfd, rfd, side)) != NULL) {
			drop_write_why(rfd, slug, to, "Its file was rejected "
			    "(see the file's .why)");
			free(to);
		}
		free(side);
	}
	close(rfd);
}

/*
 * Read a sidecar NAME.csv.json of the folder dfd into m (its options) and
 * *uploader, as options_sidecar reads it; *sb is the file read. -1 with
 * *why (for people) if it is not right.
 */
static int
drop_sidecar(int dfd, const char *name, struct manifest *m,
    char **uploader, char **why, struct stat *sb)
{
	char		*text = NULL;
	ssize_t		 n;
	size_t		 len = 0;
	int		 fd, r = -1;

	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1 || fstat(fd, sb) == -1 ||
	    !S_ISREG(sb->st_mode)) {
		if (fd != -1)
			close(fd);
		xasprintf(why, "The sidecar cannot be read");
		return (-1);
	}
	text = xmalloc(DROP_SIDECAR_MAX + 1);
	while ((n = read(fd, text + len, DROP_SIDECAR_MAX - len)) > 0)
		len += n;
	close(fd);
	if (n == -1 || len == DROP_SIDECAR_MAX) {
		xasprintf(why, "The sidecar is larger than 1088 KB");
		goto out;
	}
	text[len] = '\0';
	r = options_sidecar(m, text, uploader, why);
out:
	free(text);
	return (r);
}

/* The workspace's drop defaults into m; *uploader is set to its drop
 * uploader (else its first editor) unless the sidecar named one. -1 on
 * a database error. */
static int
drop_defaults(MYSQL *db, long long ws, struct manifest *m, char **uploader)
{
	struct dbstmt	*s;
	char		*tags, *t, *last;
	int		 r = -1;

	m->flow = FLOW_CREATE;
	m->on_existing = EXISTING_SKIP;
	m->existing_given = 1;	/* the folder's own, not the flow's */
	m->workflow = xstrdup("default");
	s = db_prepare(db, "SELECT d.flow, d.on_existing, d.workflow, "
	    "d.tags, d.dnt, u.email FROM drop_settings d LEFT JOIN users u "
	    "ON u.id = d.uploader_id AND u.workspace_id = d.workspace_id "
	    "WHERE d.workspace_id = ?");
	if (s == NULL)
		return (-1);
	db_bind_int(s, 0, ws);
	if (db_exec(s) == -1)
		goto out;
	if (db_fetch(s) == 1) {
		manifest_flow_parse(db_col_str(s, 0), &m->flow);
		manifest_existing_parse(db_col_str(s, 1), &m->on_existing);
		free(m->workflow);
		m->workflow = xstrdup(db_col_str(s, 2));
		if (db_col_str(s, 3) != NULL) {
			tags = xstrdup(db_col_str(s, 3));
			for (t = strtok_r(tags, ",", &last); t != NULL;
			    t = strtok_r(NULL, ",", &last))
				manifest_add_tag(m, t);
			free(tags);
		}
		m->dnt = db_col_int(s, 4) != 0;
		if (db_col_str(s, 5) != NULL)
			*uploader = xstrdup(db_col_str(s, 5));
	}
	db_close(s);
	s = NULL;
	if (*uploader == NULL) {
		s = db_prepare(db, "SELECT email FROM users WHERE "
		    "workspace_id = ? AND role = 'editor' ORDER BY id LIMIT 1");
		if (s == NULL)
			return (-1);
		db_bind_int(s, 0, ws);
		if (db_exec(s) == -1)
			goto out;
		if (db_fetch(s) == 1)
			*uploader = xstrdup(db_col_str(s, 0));
	}
	r = 0;

out:
	db_close(s);
	return (r);
}

/*
 * Is the file f of the folder dfd, as it was seen (the same inode), whole
 * and plain text? Reads it where it is: 0 if so, 1 if it is not finished
 * (someone writes it, or it does not end with a line break), -1 with *why
 * if it is not a CSV file.
 */
static int
drop_check_file(int dfd, const struct dropfile *f, char **why)
{
	struct stat	 sb;
	char		 buf[2];
	int		 fd, r;

	if ((fd = openat(dfd, f->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1)
		return (1);
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    sb.st_dev != f->dev || sb.st_ino != f->ino ||
	    sb.st_size != f->size) {
		close(fd);
		return (1);
	}
	/* A read lease is refused while anyone has the file open for
	 * writing. Without the right to take one, the settle period alone
	 * decides. */
	if (fcntl(fd, F_SETLEASE, F_RDLCK) == -1) {
		if (errno == EAGAIN || errno == EBUSY) {
			close(fd);
			return (1);
		}
	} else
		fcntl(fd, F_SETLEASE, F_UNLCK);
	/* A finished file ends its last line: "\n", or "\n\0" / "\0\n" in
	 * UTF-16. */
	if (sb.st_size < 2 || pread(fd, buf, 2, sb.st_size - 2) != 2 ||
	    !(buf[1] == '\n' || (buf[0] == '\n' && buf[1] == '\0'))) {
		close(fd);
		return (1);
	}
	switch (submit_sniff_fd(fd, why)) {
	case SUBMIT_OK:
		r = 0;
		break;
	case SUBMIT_NOT_CSV:
		r = -1;
		break;
	default:
		r = 1;
	}
	close(fd);
	return (r);
}

static ssize_t
drop_read(void *arg, void *buf, size_t len)
{
	return (read(*(int *)arg, buf, len));
}

/* How many cells of a record name a field of ours. */
static size_t
drop_known(char *const *cells, size_t n)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++)
		k += columns_lookup(cells[i], conf.id_header) != COL_CUSTOM;
	return (k);
}

/*
 * Does f continue a file of the same name this folder's workspace ws
 * imported in the last hour? An upload paused at a line break for longer
 * than drop_settle was taken as it was; resumed, the rest arrives as a
 * new file under the same name, and its first record is a row of the
 * first part, not a header. It is such a one when that record has as many
 * cells as the earlier file's header and names no field while the header
 * did (so it is not that header, nor another). 1 with *why if so, 0 if not, -1 on a
 * database error.
 */
static int
drop_continues(MYSQL *db, long long ws, int dfd, const struct dropfile *f,
    char **why)
{
	struct csvin_limits	 lim;
	struct prepared		 p;
	struct dbstmt		*s;
	struct csvin		*in = NULL;
	struct csvrec		*rec;
	struct stat		 sb;
	char			*name, id[INTAKE_ID_MAX], at[32];
	int			 fd = -1, r = 0;

	memset(&p, 0, sizeof p);
	p.fd = -1;
	name = options_file_name(f->name);
	s = db_prepare(db, "SELECT id, DATE_FORMAT(created_at, '%H:%i:%s') "
	    "FROM imports WHERE workspace_id = ? AND source = 'sftp' "
	    "AND file_name = ? AND created_at > NOW(3) - INTERVAL 1 HOUR "
	    "ORDER BY created_at DESC LIMIT 1");
	if (s == NULL) {
		free(name);
		return (-1);
	}
	db_bind_int(s, 0, ws);
	db_bind_str(s, 1, name);	/* bound, not copied */
	if (db_exec(s) == -1) {
		free(name);
		db_close(s);
		return (-1);
	}
	free(name);
	if (db_fetch(s) != 1) {
		db_close(s);
		return (0);
	}
	snprintf(id, sizeof id, "%s", db_col_str(s, 0));
	snprintf(at, sizeof at, "%s", db_col_str(s, 1));
	db_close(s);
	if (prepare_drop(conf.spool_dir, id, &p) == -1 ||
	    drop_known(p.sample.header, p.sample.ncols) == 0)
		goto out;

	/* The new file's first record, read where it is, as the earlier
	 * file was read (its delimiter). */
	if ((fd = openat(dfd, f->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1 || fstat(fd, &sb) == -1 ||
	    sb.st_dev != f->dev || sb.st_ino != f->ino)
		goto out;
	memset(&lim, 0, sizeof lim);
	lim.max_field = conf.max_field;
	lim.max_fields = conf.max_fields;
	lim.delim = p.delim;
	in = csvin_create(drop_read, &fd, &lim, 0, 0);
	if (csvin_next(in, &rec) != 1 || rec->nfields != p.sample.ncols ||
	    drop_known(rec->fields, rec->nfields) != 0)
		goto out;
	xasprintf(why, "This file seems to be the rest of \"%.200s\", taken "
	    "at %s (import %s): its first line is a row, not the header. Its "
	    "upload was probably paused and resumed after the first part had "
	    "been taken. Upload the whole file again, under a new name.",
	    f->name, at, id);
	r = 1;

out:
	csvin_free(in);
	if (fd != -1)
		close(fd);
	if (p.fd != -1)
		close(p.fd);
	prepare_clear(&p);
	return (r);
}

/* Is the file adopted into drop id as NAME the file dev/ino that was read? */
static int
drop_adopted(const char *id, const char *name, dev_t dev, ino_t ino)
{
	struct stat	 sb;
	char		*p;
	int		 r;

	p = spool_path(conf.spool_dir, "tmp", id, name);
	r = fstatat(AT_FDCWD, p, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(sb.st_mode) && sb.st_dev == dev && sb.st_ino == ino;
	free(p);
	return (r);
}

/*
 * Is the settled file f whole and plain text? DROP_READY if so;
 * DROP_TAKEN if it was rejected (not CSV, or cut off and held too long);
 * DROP_LATER to look again.
 */
static enum drop_rc
drop_ready(int dfd, struct dropfile *f, time_t now)
{
	char	*what = NULL, *why;

	switch (drop_check_file(dfd, f, &what)) {
	case -1:
		xasprintf(&why, "This is not a CSV file: it looks like %s",
		    what);
		drop_reject(dfd, f->slug, f->name, why);
		free(why);
		free(what);
		return (DROP_TAKEN);
	case 1:
		if (f->held == 0)
			f->held = now;
		if (now - f->held < (time_t)conf.drop_hold)
			return (DROP_LATER);
		drop_reject(dfd, f->slug, f->name, "The file does not end "
		    "with a line break, so it looks like an upload that was "
		    "cut off. Upload it again, whole.");
		return (DROP_TAKEN);
	}
	return (DROP_READY);
}

/*
 * The options of f in the workspace ws: the folder's defaults, its
 * sidecar (side, or NULL; *ssb is the file read), checked as every entry's
 * are (submit_check). DROP_READY; DROP_TAKEN if f was rejected; DROP_DB.
 */
static enum drop_rc
drop_options(MYSQL *db, long long ws, int dfd, const struct dropfile *f,
    const char *side, struct manifest *m, struct stat *ssb)
{
	char		*why = NULL, *cause = NULL;
	enum drop_rc	 r = DROP_TAKEN;

	if (drop_defaults(db, ws, m, &m->uploader) == -1)
		return (DROP_DB);
	if (side != NULL && drop_sidecar(dfd, side, m, &m->uploader, &why,
	    ssb) == -1)
		goto reject;
	m->file_name = options_file_name(f->name);
	m->workspace = xstrdup(f->slug);
	m->source = xstrdup("sftp");
	switch (submit_check(db, ws, m, &cause)) {
	case SUBMIT_OK:
		r = DROP_READY;
		goto out;
	case SUBMIT_BAD_OPTION:
		xasprintf(&why, "In the sidecar: %s", cause);
		break;
	case SUBMIT_NO_USER:
		if (m->uploader == NULL)
			why = xstrdup("The workspace has no editor to import "
			    "this file as; name one as uploader in a sidecar");
		else
			xasprintf(&why, "The uploader %.254s is not a user "
			    "of this workspace", m->uploader);
		break;
	case SUBMIT_NOT_EDITOR:
		xasprintf(&why, "The uploader %.254s is not an editor of this "
		    "workspace", m->uploader);
		break;
	case SUBMIT_NO_WORKFLOW:
		xasprintf(&why, "The workflow \"%s\" does not exist in this "
		    "workspace", m->workflow);
		break;
	default:
		r = DROP_DB;
		goto out;
	}
reject:
	drop_reject(dfd, f->slug, f->name, why);
out:
	free(why);
	free(cause);
	return (r);
}

/*
 * Adopt f (and its sidecar, if has_side: the file ssb) into the spool and
 * queue it with the options m. DROP_TAKEN when queued (or taken by
 * another watcher), DROP_LATER if it must be looked at again.
 */
static enum drop_rc
drop_queue(MYSQL *db, const struct dropfile *f, struct manifest *m,
    int has_side, const struct stat *ssb)
{
	const char	*from[2], *names[2] = { "data.csv", "sidecar.json" };
	struct submit	*sub;
	char		*rel, *srel, *cause = NULL;
	enum drop_rc	 r = DROP_LATER;

	xasprintf(&rel, "drop/%s/%s", f->slug, f->name);
	xasprintf(&srel, "drop/%s/%s.json", f->slug, f->name);
	from[0] = rel;
	from[1] = srel;
	if ((sub = submit_adopt(from, names, has_side ? 2 : 1,
	    &cause)) == NULL) {
		if (errno != ENOENT)
			log_warnx("%s: %s", rel, cause);
		else
			r = DROP_TAKEN;		/* by another */
		goto out;
	}
	/* What was checked and read above must be what was taken: a file
	 * swapped in under the name meanwhile goes back, to be looked at
	 * again. */
	if (!drop_adopted(submit_id(sub), names[0], f->dev, f->ino) ||
	    (has_side && !drop_adopted(submit_id(sub), names[1], ssb->st_dev,
	    ssb->st_ino))) {
		log_warnx("%s: %s changed while it was taken; given back",
		    submit_id(sub), rel);
		submit_abort(sub);
		goto out;
	}
	log_info("%s: taking %s", submit_id(sub), rel);
	if (submit_commit(sub, db, m, &cause) != SUBMIT_OK) {
		log_warnx("%s: %s", rel, cause);
		goto out;
	}
	log_info("%s: queued as %s", rel, m->id);
	r = DROP_TAKEN;
out:
	free(cause);
	free(rel);
	free(srel);
	return (r);
}

/*
 * Take a settled CSV file of the folder dfd: options, then adopt it into
 * the spool as a new drop (submit.c, as every entry).
 */
static enum drop_rc
drop_take(MYSQL *db, int dfd, struct dropfile *f, time_t now)
{
	struct manifest	 m;
	struct stat	 sb, ssb;
	char		*side, *why = NULL;
	long long	 ws;
	enum drop_rc	 r;
	int		 has_side;

	memset(&m, 0, sizeof m);
	xasprintf(&side, "%s.json", f->name);
	if ((r = drop_ready(dfd, f, now)) != DROP_READY)
		goto out;
	/* A sidecar is used when it is there, and settled too. */
	r = DROP_LATER;
	has_side = fstatat(dfd, side, &sb, AT_SYMLINK_NOFOLLOW) == 0;
	if (has_side && (!S_ISREG(sb.st_mode) ||
	    time(NULL) - sb.st_mtime < (time_t)conf.drop_settle))
		goto out;

	r = DROP_DB;
	if ((ws = auth_workspace_id(db, f->slug)) == -1)
		goto out;
	r = DROP_TAKEN;
	if (ws == 0) {
		drop_reject(dfd, f->slug, f->name, "This folder belongs to no "
		    "workspace; ask your administrator");
		goto out;
	}
	switch (drop_continues(db, ws, dfd, f, &why)) {
	case -1:
		r = DROP_DB;
		goto out;
	case 1:
		log_warnx("drop/%s/%s: %s", f->slug, f->name, why);
		drop_reject(dfd, f->slug, f->name, why);
		goto out;
	}
	if ((r = drop_options(db, ws, dfd, f, has_side ? side : NULL, &m,
	    &ssb)) != DROP_READY)
		goto out;
	r = drop_queue(db, f, &m, has_side, &ssb);
out:
	manifest_clear(&m);
	free(why);
	free(side);
	return (r);
}

/* The entry of slug/name, made if new. */
static struct dropfile *
drop_file(const char *slug, const char *name)
{
	struct dropfile	*f;
	size_t		 i;

	for (i = 0; i < drop_nfiles; i++) {
		f = &drop_files[i];
		if (strcmp(f->slug, slug) == 0 && strcmp(f->name, name) == 0)
			return (f);
	}
	drop_files = xreallocarray(drop_files, drop_nfiles + 1,
	    sizeof *drop_files);
	f = &drop_files[drop_nfiles++];
	memset(f, 0, sizeof *f);
	f->slug = xstrdup(slug);
	f->name = xstrdup(name);
	return (f);
}

/* Forget the files a pass did not see. */
static void
drop_forget(void)
{
	size_t	i, j;

	for (i = j = 0; i < drop_nfiles; i++) {
		if (!drop_files[i].seen) {
			free(drop_files[i].slug);
			free(drop_files[i].name);
			continue;
		}
		drop_files[j++] = drop_files[i];
	}
	drop_nfiles = j;
}

/* Note what a pass sees of a file: whatever changed starts its settle
 * period again. */
static struct dropfile *
drop_observe(const char *slug, const char *name, const struct stat *sb,
    time_t now)
{
	struct dropfile	*f = drop_file(slug, name);

	if (f->since == 0 || f->dev != sb->st_dev || f->ino != sb->st_ino ||
	    f->size != sb->st_size || f->nlink != sb->st_nlink ||
	    f->mtime.tv_sec != sb->st_mtim.tv_sec ||
	    f->mtime.tv_nsec != sb->st_mtim.tv_nsec) {
		f->dev = sb->st_dev;
		f->ino = sb->st_ino;
		f->size = sb->st_size;
		f->nlink = sb->st_nlink;
		f->mtime = sb->st_mtim;
		f->since = now;
		f->held = 0;
	}
	f->seen = 1;
	return (f);
}

/* One folder, drop/SLUG of the drop folder topfd: settle, take or reject
 * what is in it. */
static int
drop_folder(MYSQL *db, int topfd, const char *slug, time_t now, int *wait)
{
	DIR		*dir;
	struct dirent	*de;
	struct dropfile	*f;
	struct stat	 sb, csb;
	char		*csv;
	const char	*why;
	int		 dfd, fd, alone, taken = 0, r;
	time_t		 due;

	if ((dfd = openat(topfd, slug, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return (0);
	/* The listing reads a copy; dfd is for the names in it. */
	if ((fd = fcntl(dfd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    (dir = fdopendir(fd)) == NULL) {
		log_warn("drop/%s", slug);
		if (fd != -1)
			close(fd);
		close(dfd);
		return (0);
	}
	while ((de = readdir(dir)) != NULL) {
		if (drop_owned(de->d_name) || drop_ignored(de->d_name))
			continue;
		if (fstatat(dfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == -1 ||
		    S_ISDIR(sb.st_mode))
			continue;
		f = drop_observe(slug, de->d_name, &sb, now);
		due = f->since + conf.drop_settle;
		if (S_ISREG(sb.st_mode) && drop_suffix(de->d_name,
		    ".csv.json")) {
			/* A sidecar waits for its file; alone for too long,
			 * it is rejected. */
			csv = xstrndup(de->d_name, strlen(de->d_name) - 5);
			alone = fstatat(dfd, csv, &csb,
			    AT_SYMLINK_NOFOLLOW) == -1;
			if (alone && now - f->since >= (time_t)conf.drop_hold)
				drop_reject(dfd, slug, de->d_name, "No file of "
				    "this name without .json arrived");
			else if (alone)
				due = f->since + conf.drop_hold;
			free(csv);
			if (due > now && (*wait == -1 || due - now < *wait))
				*wait = due - now;
			continue;
		}
		if (due > now) {
			if (*wait == -1 || due - now < *wait)
				*wait = due - now;
			continue;
		}
		if (!S_ISREG(sb.st_mode)) {
			drop_reject(dfd, slug, de->d_name, "This is not a "
			    "plain file (a link or a device); only CSV files "
			    "can be imported");
			continue;
		}
		if (sniff_name(de->d_name, &why) == -1) {
			drop_reject(dfd, slug, de->d_name, why);
			continue;
		}
		if (sb.st_nlink != 1) {
			/* Still linked under another name: a rename by
			 * link and unlink half done, or a hard link. */
			due = f->since + conf.drop_hold;
			if (due <= now)
				drop_reject(dfd, slug, de->d_name, "The file "
				    "has other names (hard links)");
			else if (*wait == -1 || due - now < *wait)
				*wait = due - now;
			continue;
		}
		if (db == NULL)
			continue;
		if ((r = drop_take(db, dfd, f, now)) == DROP_DB) {
			closedir(dir);
			close(dfd);
			return (-1);
		}
		if (r == DROP_TAKEN)
			taken++;
		else {
			/* Held: look again a settle period later. */
			due = conf.drop_settle > 0 ? conf.drop_settle : 1;
			if (*wait == -1 || due < *wait)
				*wait = due;
		}
	}
	closedir(dir);
	close(dfd);
	return (taken);
}

/*
 * One pass over every drop folder. db may be NULL (the database is away):
 * then nothing is taken, but files still settle. Returns how many files
 * were taken or rejected, -1 on a database error; *wait is set to the
 * seconds until a file is due (-1: none).
 */
int
drop_scan(MYSQL *db, int *wait)
{
	DIR		*dir;
	struct dirent	*de;
	char		*top;
	size_t		 i;
	time_t		 now = mono_ms() / 1000;
	int		 n = 0, r, topfd, fd = -1;

	*wait = -1;
	for (i = 0; i < drop_nfiles; i++)
		drop_files[i].seen = 0;
	top = spool_path(conf.spool_dir, "drop", NULL, NULL);
	if ((topfd = open(top, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    (fd = fcntl(topfd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    (dir = fdopendir(fd)) == NULL) {
		log_warn("opendir %s", top);
		if (fd != -1)
			close(fd);
		if (topfd != -1)
			close(topfd);
		free(top);
		return (0);
	}
	while ((de = readdir(dir)) != NULL) {
		if (!drop_slug_valid(de->d_name))
			continue;
		if ((r = drop_folder(db, topfd, de->d_name, now, wait)) == -1) {
			n = -1;
			db = NULL;	/* the other folders just settle */
			continue;
		}
		if (n != -1)
			n += r;
	}
	closedir(dir);
	close(topfd);
	free(top);
	drop_forget();
	return (n);
}
