/*
 * One logging module (OpenBSD log.c): stderr in the foreground, syslog
 * otherwise. The drop or import ID, when set, starts every line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "lib.h"

static int	 log_foreground = 1;
static int	 log_level_verbose;
static char	 log_id[INTAKE_ID_MAX];

void
log_init(const char *progname, int foreground)
{
	log_foreground = foreground;
	if (!foreground)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_verbose(int v)
{
	log_level_verbose = v;
}

/* Prefix later lines with an import ID; NULL clears it. */
void
log_setid(const char *id)
{
	if (id == NULL)
		log_id[0] = '\0';
	else
		snprintf(log_id, sizeof log_id, "%s", id);
}

static void
log_vwrite(int pri, const char *fmt, va_list ap, int with_errno)
{
	char	 msg[2048];
	int	 saved_errno = errno;
	size_t	 n = 0;

	if (log_id[0] != '\0')
		n = snprintf(msg, sizeof msg, "%s: ", log_id);
	vsnprintf(msg + n, sizeof msg - n, fmt, ap);
	if (with_errno) {
		n = strlen(msg);
		snprintf(msg + n, sizeof msg - n, ": %s", strerror(saved_errno));
	}
	if (log_foreground) {
		fprintf(stderr, "%s\n", msg);
		fflush(stderr);
	} else
		syslog(pri, "%s", msg);
	errno = saved_errno;
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, 1);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, 0);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap, 0);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (!log_level_verbose)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap, 0);
	va_end(ap);
	exit(1);
}
