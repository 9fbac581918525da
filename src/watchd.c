/*
 * intake-watchd: takes complete drops from the spool and imports them.
 *
 * The directory is the truth, inotify only a wake-up (Postfix pickup): at
 * start, on every event, on queue overflow and on a timer the whole of
 * incoming/ is scanned, and scanning repeats until a pass finds nothing.
 * A drop is claimed by renaming it into active/; of several watchers only
 * one rename wins.
 */
#include <sys/file.h>
#include <sys/inotify.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "intake.h"
#include "db.h"

static MYSQL		*watchd_db;

static void
watchd_signal(int sig)
{
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

/* Claim and import one drop; 1 if it was worked on, 0 if not ours, -1 on
 * a temporary failure. */
static int
watchd_one(const char *id)
{
	MYSQL	*db;
	int	 fd, r;

	if (spool_claim(conf.spool_dir, id) == -1)
		return (0);	/* another watcher took it */
	if ((fd = spool_lock(conf.spool_dir, id)) == -1)
		return (0);
	if ((db = watchd_connect()) == NULL) {
		spool_release(conf.spool_dir, id);
		close(fd);
		return (-1);
	}
	log_info("%s: importing", id);
	r = import_run(db, conf.spool_dir, id);
	if (r == -2) {
		/* The database failed under us: back to incoming/, and a
		 * fresh connection next time. */
		mysql_close(watchd_db);
		watchd_db = NULL;
		spool_release(conf.spool_dir, id);
		close(fd);
		return (-1);
	}
	if (spool_finish(conf.spool_dir, id, r == 0) == -1)
		log_warn("%s: finish", id);
	close(fd);
	return (1);
}

/* Scan incoming/ until a pass finds nothing. -1 on a temporary failure. */
static int
watchd_scan(void)
{
	char	**ids;
	size_t	  n, i;
	int	  worked, r = 0;

	do {
		worked = 0;
		if (spool_scan(conf.spool_dir, &ids, &n) == -1)
			return (-1);
		for (i = 0; i < n; i++) {
			if (!import_quit && r == 0) {
				switch (watchd_one(ids[i])) {
				case 1:
					worked = 1;
					break;
				case -1:
					r = -1;
					break;
				}
			}
			free(ids[i]);
		}
		free(ids);
	} while (worked && !import_quit && r == 0);
	return (r);
}

/* Drain the inotify queue; it only tells us to look again. */
static void
watchd_drain(int ifd)
{
	char	buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	while (read(ifd, buf, sizeof buf) > 0)
		;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "once", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction sa;
	struct pollfd	 pfd;
	const char	*cfg = NULL;
	char		*cause = NULL, *incoming;
	int		 ch, foreground = 0, once = 0, ifd, timeout;

	while ((ch = getopt_long(argc, argv, "c:fv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cfg = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'o':
			once = 1;
			foreground = 1;
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
	log_init("intake-watchd", 1);
	if (conf_load(conf_path(cfg), &cause) == -1)
		fatalx("%s", cause);
	if (spool_init(conf.spool_dir) == -1)
		fatalx("cannot set up the spool in %s", conf.spool_dir);
	if (!foreground && daemon(0, 0) == -1)
		fatal("daemon");
	log_init("intake-watchd", foreground);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = watchd_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if ((ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) == -1)
		fatal("inotify_init1");
	incoming = spool_path(conf.spool_dir, "incoming", NULL, NULL);
	if (inotify_add_watch(ifd, incoming, IN_MOVED_TO | IN_CREATE) == -1)
		fatal("inotify_add_watch %s", incoming);
	free(incoming);

	spool_recover(conf.spool_dir);
	if (once) {
		if (watchd_connect() == NULL)
			exit(1);
		ch = watchd_scan();
		mysql_close(watchd_db);
		exit(ch == 0 ? 0 : 1);
	}

	log_info("watching %s", conf.spool_dir);
	timeout = 0;
	while (!import_quit) {
		pfd.fd = ifd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, timeout) == -1 && errno != EINTR)
			fatal("poll");
		if (import_quit)
			break;
		watchd_drain(ifd);
		/* After a temporary failure wait a little before retrying;
		 * otherwise the timer scan is the fallback for lost events. */
		timeout = watchd_scan() == -1 ? 5000 :
		    (int)conf.scan_interval * 1000;
	}
	log_info("stopping");
	if (watchd_db != NULL)
		mysql_close(watchd_db);
	close(ifd);
	return (0);
}
