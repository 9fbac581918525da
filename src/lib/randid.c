/*
 * Identifiers we generate: drop/import IDs that sort by time, contact IDs
 * nobody can guess, session tokens. All randomness comes from getrandom(2).
 */
#include <sys/random.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "lib.h"

/* Crockford base32: no I, L, O, U; reads well aloud and in a URL. */
static const char randid_b32[] = "0123456789abcdefghjkmnpqrstvwxyz";

void
randid_bytes(void *p, size_t len)
{
	unsigned char	*c = p;
	ssize_t		 n;

	while (len > 0) {
		if ((n = getrandom(c, len, 0)) == -1) {
			if (errno == EINTR)
				continue;
			fatal("getrandom");
		}
		c += n;
		len -= n;
	}
}

static void
randid_b32fill(char *out, size_t n)
{
	unsigned char	r[32];
	size_t		i;

	if (n > sizeof r)
		fatalx("randid_b32fill: %zu too long", n);
	randid_bytes(r, n);
	for (i = 0; i < n; i++)
		out[i] = randid_b32[r[i] & 31];
	out[n] = '\0';
}

/* A drop ID: UTC time then 10 random base32 digits (50 bits), so `ls`
 * sorts drops in arrival order: 20261125T140700Z-k3j9f0a2bq. */
void
randid_drop(char id[INTAKE_ID_MAX])
{
	time_t		now = time(NULL);
	struct tm	tm;
	size_t		n;

	gmtime_r(&now, &tm);
	n = strftime(id, INTAKE_ID_MAX, "%Y%m%dT%H%M%SZ-", &tm);
	randid_b32fill(id + n, 10);
}

/* Whether a name is a drop ID of ours: nothing else is ever opened. */
int
randid_drop_valid(const char *id)
{
	size_t	i;

	if (strlen(id) != 27)
		return (0);
	for (i = 0; i < 27; i++) {
		if (i == 8 && id[i] == 'T')
			continue;
		if (i == 15 && id[i] == 'Z')
			continue;
		if (i == 16 && id[i] == '-')
			continue;
		if (i < 16 && !isdigit((unsigned char)id[i]))
			return (0);
		if (i > 16 && strchr(randid_b32, id[i]) == NULL)
			return (0);
		if (i == 8 || i == 15 || i == 16)
			return (0);
	}
	return (1);
}

/* A contact's public ID: 24 base32 digits, 120 random bits. */
void
randid_contact(char id[INTAKE_ID_MAX])
{
	randid_b32fill(id, 24);
}

/* `len - 1` hex digits of randomness, for tokens. */
void
randid_hex(char *out, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 r[64];
	size_t			 i, n = len - 1;

	if (len == 0 || n > 2 * sizeof r)
		fatalx("randid_hex: bad length %zu", len);
	randid_bytes(r, (n + 1) / 2);
	for (i = 0; i < n; i++)
		out[i] = hex[(r[i / 2] >> ((i & 1) * 4)) & 15];
	out[n] = '\0';
}

/* Now, as ISO 8601 UTC with milliseconds. */
void
randid_now(char *out, size_t len)
{
	struct timespec	ts;
	struct tm	tm;
	size_t		n;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = strftime(out, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000);
}
