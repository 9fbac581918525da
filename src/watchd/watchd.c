/*
 * intake-watchd: takes complete drops from the spool and imports them, and
 * turns files dropped over SFTP (spool/drop/SLUG/) into drops.
 *
 * The directory is the truth, inotify only a wake-up (Postfix pickup): at
 * start, on every event, on queue overflow and on a timer the whole of
 * incoming/ and of the drop folders is scanned, and scanning repeats until
 * a pass finds nothing. A drop is claimed by renaming it into active/; of
 * several watchers (on this host or others sharing the spool) only one
 * rename wins. Imports of one workspace take turns through a lock row in
 * the database (wslock.c); other workspaces go on in parallel.
 *
 * Nothing a drop holds can stop the watcher: a drop that fails is moved to
 * failed/ with a status that says why, and a drop that keeps failing (or
 * killing its watcher) without progress is given up after
 * conf.max_attempts tries.
 *
 * Signals: SIGTERM and SIGINT finish the current batch (its checkpoint
 * commits) and exit 0; SIGHUP reopens the log and reloads the config.
 */
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "watchd.h"

#define WATCHD_HOUSEKEEP	3600	/* seconds between housekeeping */
#define WATCHD_BACKOFF		5000	/* ms after losing the database */
#define WATCHD_RESTATUS		5000	/* ms between status checks */

static MYSQL			*watchd_db;
static volatile sig_atomic_t	 watchd_hup;
static const char		*watchd_conf;
static int			 watchd_foreground;
static long long		 watchd_restatused;

static void
watchd_signal(int sig)
{
	if (sig == SIGHUP)
		watchd_hup = 1;
	else
		import_quit = 1;
}

static __dead void
watchd_usage(void)
{
	fprintf(stderr, "usage: intake-watchd [-fv] [--once] [-c file]\n");
	exit(2);
}

/* A database connection, made again after a failure. */
static MYSQL *
watchd_connect(void)
{
	char	*cause = NULL;

	if (watchd_db != NULL)
		return (watchd_db);
	if ((watchd_db = db_connect(0, &cause)) == NULL) {
		log_warnx("%s", cause);
		free(cause);
	}
	return (watchd_db);
}

static void
watchd_disconnect(void)
{
	if (watchd_db != NULL) {
		db_forget(watchd_db);
		mysql_close(watchd_db);
	}
	watchd_db = NULL;
}

/* Whether a file is read through a converted copy: not UTF-8 (a UTF-16
 * byte order mark, or bytes UTF-8 does not allow). */
static int
watchd_converted(int fd)
{
	struct textenc_state	 st;
	unsigned char		 buf[65536];
	ssize_t			 n;
	size_t			 bom;
	enum textenc		 enc;
	int			 first = 1;

	memset(&st, 0, sizeof st);
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		if (first && (enc = textenc_bom(buf, n, &bom)) !=
		    TEXTENC_UNKNOWN)
			return (enc != TEXTENC_UTF8);
		first = 0;
		if (textenc_utf8(&st, buf, n) == -1)
			return (1);
	}
	return (st.need != 0);
}

/*
 * Whether a claimed drop's try failed for want of room in the spool: its
 * file needs a converted copy (UTF-8 of Windows-1252 takes up to three
 * times its size), none is there yet, and the spool keeps less free. import_run says only "try again"; this
 * tells the spool's trouble from the database's.
 */
static int
watchd_no_room(const char *id)
{
	struct stat	 sb;
	char		*p;
	int		 fd, r = 0;

	p = spool_path(conf.spool_dir, "active", id, "data.utf8.csv");
	if (stat(p, &sb) == -1) {
		free(p);
		p = spool_path(conf.spool_dir, "active", id, "data.csv");
		if ((fd = open(p, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
			if (fstat(fd, &sb) == 0 && spool_free_space(
			    conf.spool_dir, 3 * (long long)sb.st_size) == -1)
				r = watchd_converted(fd);
			close(fd);
		}
	}
	free(p);
	return (r);
}

/* Say what a drop waits for (the database, or room in the spool), and
 * until when (wall ms). */
static void
watchd_status_waiting(const char *id, long long retry_at, int room)
{
	struct timespec	ts;
	char		why[160];
	long long	s;

	clock_gettime(CLOCK_REALTIME, &ts);
	s = (retry_at - ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000)
	    + 999) / 1000;
	snprintf(why, sizeof why, room ? "Waiting for room in the spool "
	    "(its disk is full); trying again in %lld s" : "Waiting for the "
	    "database (busy, full or unavailable); trying again in %lld s",
	    s > 0 ? s : 1);
	log_info("%s: %s", id, why);
	status_wait(conf.spool_dir, id, why);
}

/* The workspace slug a claimed drop's manifest names, or NULL. */
static char *
watchd_workspace(const char *id)
{
	json_object	*o, *v;
	char		*path, *ws = NULL;

	path = spool_path(conf.spool_dir, "active", id, "manifest.json");
	if ((o = json_object_from_file(path)) != NULL &&
	    json_object_object_get_ex(o, "workspace", &v) &&
	    json_object_is_type(v, json_type_string))
		ws = xstrdup(json_object_get_string(v));
	json_object_put(o);
	free(path);
	return (ws);
}

/* Give a claimed drop up: failed/, with why in its status and in the
 * imports table, and its workspace let go. */
static void
watchd_give_up(MYSQL *db, const char *id, const char *why)
{
	log_warnx("%s: giving up: %s", id, why);
	status_fail(conf.spool_dir, id, why);
	if (db != NULL)
		imports_give_up(db, id, why);
	if (spool_finish(conf.spool_dir, id, 0) == -1)
		log_warn("%s: finish", id);
}

/* What became of one drop (watchd_one). */
enum watchd_one {
	WATCHD_DB_AWAY = -1,	/* the database is away: back off */
	WATCHD_NOT_OURS = 0,	/* another watcher took it */
	WATCHD_WORKED = 1,	/* imported: done or failed */
	WATCHD_BUSY = 2,	/* its workspace is another import's (or another
				 * watcher still holds the drop, giving it
				 * back): look again a little later */
	WATCHD_RETRY = 3	/* the database's trouble (a deadlock, a lock
				 * wait timeout): it waits, then is tried
				 * again */
};

/* Give a claimed drop back to incoming/ for a later try, and its lock. */
static void
watchd_give_back(const char *id, int fd)
{
	spool_release(conf.spool_dir, id);
	close(fd);
}

/*
 * Claim and import one drop (enum watchd_one says what came of it).
 * Counted as an attempt before the import: one that kills us counts too.
 */
static enum watchd_one
watchd_one(const char *id)
{
	MYSQL			*db;
	struct attempt		 at;
	enum import_result	 ir;
	long long		 row;
	char			*ws;
	int			 fd, r;

	if ((fd = spool_claim(conf.spool_dir, id)) == -1)
		/* Taken by another watcher, or still locked by one giving
		 * it back: look again a little later. */
		return (errno == EWOULDBLOCK ? WATCHD_BUSY : WATCHD_NOT_OURS);
	if ((db = watchd_connect()) == NULL) {
		watchd_give_back(id, fd);
		return (WATCHD_DB_AWAY);
	}
	/* A workspace another import holds is found out before this
	 * import's set-up, with one plain read. */
	if ((ws = watchd_workspace(id)) != NULL) {
		r = wslock_busy(db, ws, id);
		free(ws);
		if (r == 1) {
			watchd_give_back(id, fd);
			return (WATCHD_BUSY);
		}
	}
	if ((row = imports_checkpoint_row(db, id)) == -1) {
		watchd_disconnect();
		watchd_give_back(id, fd);
		return (WATCHD_DB_AWAY);
	}
	/* Given up only when the drop has been tried max_attempts times
	 * without getting further and for stall_timeout seconds: a fast
	 * kill loop, or trouble of the database's, is waited out. */
	spool_attempt(conf.spool_dir, id, row, ATTEMPT_TRY, &at);
	if (at.n > (int)conf.max_attempts &&
	    time(NULL) - at.since >= (time_t)conf.stall_timeout) {
		watchd_give_up(db, id, "The import was tried again and again "
		    "without getting further (it stopped its watcher each "
		    "time); ask your administrator to look at the watcher's "
		    "log");
		close(fd);
		return (WATCHD_WORKED);
	}
	log_info("%s: importing%s", id, at.n > 1 ? " (again)" : "");
	switch ((ir = import_run(db, conf.spool_dir, id))) {
	case IMPORT_DONE:
	case IMPORT_FAILED:
		if (spool_finish(conf.spool_dir, id, ir == IMPORT_DONE) == -1)
			log_warn("%s: finish", id);
		close(fd);
		return (WATCHD_WORKED);
	case IMPORT_WAIT:
		/* Another import has the workspace: not an attempt. */
		spool_attempt(conf.spool_dir, id, row, ATTEMPT_UNDO, &at);
		watchd_give_back(id, fd);
		return (WATCHD_BUSY);
	case IMPORT_RETRY:
	case IMPORT_GOON:	/* (never import_run's) */
		break;
	}
	if (import_quit) {
		spool_attempt(conf.spool_dir, id, row, ATTEMPT_UNDO, &at);
		watchd_give_back(id, fd);
		return (WATCHD_DB_AWAY);
	}
	/* The open batch was rolled back: a deadlock, a lock wait, a Galera
	 * conflict, too many connections, a full disk or table, the server
	 * gone; or the spool had no room to convert the file. None of it is
	 * the file's: not an attempt, and the drop waits a little longer
	 * each time. */
	spool_attempt(conf.spool_dir, id, row, ATTEMPT_TROUBLE, &at);
	watchd_status_waiting(id, at.retry_at, watchd_no_room(id));
	watchd_give_back(id, fd);
	if (mysql_ping(db) == 0)
		return (WATCHD_RETRY);
	watchd_disconnect();
	return (WATCHD_DB_AWAY);
}

static int
watchd_listed(char **list, size_t n, const char *id)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], id) == 0)
			return (1);
	return (0);
}

/* What a scan of incoming/ found (watchd_scan). */
enum watchd_scan {
	WATCHD_SCAN_OK,		/* every drop it could take was worked on */
	WATCHD_SCAN_BACK_OFF	/* the database is away, or the spool cannot
				 * be read: back off */
};

/*
 * Scan incoming/ until a pass finds nothing new. *pause gets the
 * milliseconds after which busy drops (their workspace taken by another
 * watcher) or drops waiting out the database's trouble should be looked
 * at, 0 if none waits.
 */
static enum watchd_scan
watchd_scan(int *pause)
{
	char		**ids, **busy = NULL;
	size_t		  n, i, nbusy = 0;
	long long	  due, wait = -1;
	int		  worked, away = 0;

	*pause = 0;
	do {
		worked = 0;
		if (spool_scan(conf.spool_dir, &ids, &n) == -1)
			return (WATCHD_SCAN_BACK_OFF);
		for (i = 0; i < n; i++) {
			/* A drop waiting out the database's trouble is
			 * looked at when it is due. */
			if ((due = spool_attempt_due(conf.spool_dir,
			    ids[i])) > 0) {
				if (wait == -1 || due < wait)
					wait = due;
				free(ids[i]);
				continue;
			}
			if (!import_quit && !away &&
			    !watchd_listed(busy, nbusy, ids[i])) {
				switch (watchd_one(ids[i])) {
				case WATCHD_WORKED:
					worked = 1;
					break;
				case WATCHD_BUSY:
					busy = xreallocarray(busy, nbusy + 1,
					    sizeof *busy);
					busy[nbusy++] = xstrdup(ids[i]);
					break;
				case WATCHD_RETRY:
					worked = 1;	/* it waits now */
					break;
				case WATCHD_DB_AWAY:
					away = 1;
					break;
				case WATCHD_NOT_OURS:
					break;
				}
			}
			free(ids[i]);
		}
		free(ids);
	} while (worked && !import_quit && !away);
	for (i = 0; i < nbusy; i++)
		free(busy[i]);
	free(busy);
	if (away)
		return (WATCHD_SCAN_BACK_OFF);
	if (nbusy > 0 && (wait == -1 || wait > 1000))
		wait = 1000;
	*pause = wait == -1 ? 0 : wait < 50 ? 50 : (int)wait;
	return (WATCHD_SCAN_OK);
}

static void
watchd_forget(void *arg, const char *id)
{
	spool_forget(arg, id);
}

/* Stale tmp/ entries, a dead watcher's SFTP files, old done/ drops,
 * old reviews, expired sessions. */
static void
watchd_housekeep(void)
{
	int	n;

	if ((n = spool_clean_tmp(conf.spool_dir, conf.tmp_max_age)) > 0)
		log_info("cleaned %d drops from tmp/", n);
	spool_expire(conf.spool_dir, "done",
	    (time_t)conf.done_keep_days * 86400);
	/* Sessions past their expiry, failed logins no longer counted. */
	if (watchd_connect() != NULL) {
		if ((n = auth_purge(watchd_db)) == -1)
			watchd_disconnect();
		else if (n > 0)
			log_info("purged %d expired sessions and failed logins",
			    n);
		if (watchd_db != NULL && (n = imports_reviews_expire(watchd_db,
		    conf.review_keep_hours, watchd_forget,
		    conf.spool_dir)) == -1)
			watchd_disconnect();
		else if (n > 0)
			log_info("removed %d reviews older than %u hours", n,
			    conf.review_keep_hours);
	}
}

/* SIGHUP: the log again, and the config if it reads right (checked in a
 * child first, so a broken file leaves the running config alone). */
static void
watchd_reload(void)
{
	char	*cause = NULL, *spool;
	pid_t	 pid;
	int	 status;

	log_init("intake-watchd", watchd_foreground);
	if ((pid = fork()) == -1) {
		log_warn("reload: fork");
		return;
	}
	if (pid == 0) {
		if (conf_load(conf_path(watchd_conf), &cause) == -1) {
			log_warnx("reload: %s; keeping the running config",
			    cause);
			_exit(1);
		}
		_exit(0);
	}
	if (waitpid(pid, &status, 0) == -1 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return;
	spool = xstrdup(conf.spool_dir);
	if (conf_load(conf_path(watchd_conf), &cause) == -1)
		fatalx("reload: %s", cause);
	if (strcmp(spool, conf.spool_dir) != 0) {
		log_warnx("reload: spool_dir changes on restart only");
		free(conf.spool_dir);
		conf.spool_dir = spool;
	} else
		free(spool);
	watchd_disconnect();	/* the database settings may have changed */
	log_info("reloaded %s", conf_path(watchd_conf));
}

/* Read the inotify queue; it only tells us to look again. 1 if it
 * overflowed (events were lost: rescan and watch everything again). */
static int
watchd_drain(int ifd)
{
	char			 buf[8192] __attribute__((aligned(
			    __alignof__(struct inotify_event))));
	struct inotify_event	*ev;
	ssize_t			 n;
	char			*p;
	int			 overflow = 0;

	while ((n = read(ifd, buf, sizeof buf)) > 0) {
		for (p = buf; p < buf + n; p += sizeof *ev + ev->len) {
			ev = (struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW)
				overflow = 1;
		}
	}
	if (overflow)
		log_warnx("inotify queue overflowed; scanning everything");
	return (overflow);
}

/*
 * One round: drops left unlocked in active/, drop folders, then incoming/.
 * The poll timeout for the next round, in milliseconds; *quiet is set when
 * that is a backoff, which events must not cut short: giving a drop back
 * to incoming/ is an event of our own.
 */
static int
watchd_round(int ifd, int *quiet)
{
	enum watchd_scan	 sc;
	int			 wait, t, r;

	*quiet = 0;
	/* Every round, not only at start: a drop whose claim lost a race
	 * with a watcher giving it back must not wait for a restart. */
	spool_recover(conf.spool_dir);
	drop_watch(ifd);	/* folders made since the last round */
	r = drop_scan(watchd_connect(), &wait);
	if (r == -1)
		watchd_disconnect();
	sc = watchd_scan(&t);
	/* Status files that say otherwise than the database (a write that
	 * failed, a file lost) are made true. */
	if (sc == WATCHD_SCAN_OK &&
	    mono_ms() - watchd_restatused > WATCHD_RESTATUS &&
	    watchd_connect() != NULL) {
		watchd_restatused = mono_ms();
		if (restatus_scan(watchd_db) == -1)
			watchd_disconnect();
	}
	if (sc == WATCHD_SCAN_BACK_OFF || r == -1) {
		*quiet = 1;
		return (WATCHD_BACKOFF);
	}
	if (t > 0)
		*quiet = 1;	/* busy workspaces or retries: a pause */
	if (t == 0)
		t = (int)conf.scan_interval * 1000;
	if (wait != -1 && wait * 1000 < t)
		t = wait > 0 ? wait * 1000 : 200;
	if (t > WATCHD_RESTATUS)
		t = WATCHD_RESTATUS;	/* the status check's pace */
	return (t);
}

/* Set up what the watcher needs: the spool, the daemon, its signals and
 * the inotify watch on incoming/ (its fd). */
static int
watchd_setup(void)
{
	struct sigaction sa;
	char		*cause = NULL, *incoming;
	int		 ifd;

	log_init("intake-watchd", 1);
	if (conf_load(conf_path(watchd_conf), &cause) == -1)
		fatalx("%s", cause);
	if (spool_init(conf.spool_dir) == -1)
		fatalx("cannot set up the spool in %s", conf.spool_dir);
	if (!watchd_foreground && daemon(0, 0) == -1)
		fatal("daemon");
	log_init("intake-watchd", watchd_foreground);
	srandom(getpid() ^ time(NULL));

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = watchd_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if ((ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		fatal("inotify_init1");
	incoming = spool_path(conf.spool_dir, "incoming", NULL, NULL);
	if (inotify_add_watch(ifd, incoming, IN_MOVED_TO | IN_CREATE) == -1)
		fatal("inotify_add_watch %s", incoming);
	free(incoming);
	return (ifd);
}

/* --once: the drop folders and incoming/ once; the exit status. */
static int
watchd_once(void)
{
	enum watchd_scan	 sc;
	int			 wait;

	if (watchd_connect() == NULL)
		return (1);
	drop_scan(watchd_db, &wait);
	sc = watchd_scan(&wait);
	watchd_disconnect();
	return (sc == WATCHD_SCAN_BACK_OFF ? 1 : 0);
}

/* Watch until told to stop: wake on an event or the round's timeout. */
static void
watchd_loop(int ifd, long long housekept)
{
	struct pollfd	 pfd;
	int		 timeout = 0, quiet = 0;

	log_info("watching %s", conf.spool_dir);
	while (!import_quit) {
		/* A negative fd is not polled: a backoff sleeps it out. */
		pfd.fd = quiet ? -1 : ifd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, timeout) == -1 && errno != EINTR)
			fatal("poll");
		if (import_quit)
			break;
		if (watchd_hup) {
			watchd_hup = 0;
			watchd_reload();
		}
		watchd_drain(ifd);
		if (mono_ms() - housekept > WATCHD_HOUSEKEEP * 1000LL) {
			watchd_housekeep();
			housekept = mono_ms();
		}
		timeout = watchd_round(ifd, &quiet);
	}
	log_info("stopping");
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	long long	 housekept;
	int		 ch, once = 0, ifd;

	while ((ch = getopt_long(argc, argv, "c:fv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			watchd_conf = optarg;
			break;
		case 'f':
			watchd_foreground = 1;
			break;
		case 'o':
			once = 1;
			watchd_foreground = 1;
			break;
		case 'v':
			log_verbose(1);
			break;
		default:
			watchd_usage();
		}
	}
	if (optind != argc)
		watchd_usage();
	ifd = watchd_setup();

	/* What a dead watcher left: its claimed drops, its SFTP files. */
	spool_recover(conf.spool_dir);
	watchd_housekeep();
	housekept = mono_ms();
	if (once)
		exit(watchd_once());
	watchd_loop(ifd, housekept);
	watchd_disconnect();
	close(ifd);
	return (0);
}
