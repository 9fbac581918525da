/*
 * A worker's memory of the sessions it checked a moment ago, so that
 * polling an import's status (the page and the task feed ask every
 * second or so, and wrk far more often) does not ask the database each
 * time. Only routes that say so use it (fcgi.c, SESSION_RECENT), never
 * one that changes anything.
 *
 * A remembered session is good for SESSCACHE_TTL_MS. Ending a session in
 * any worker (logout, a new login) bumps an epoch the workers share,
 * which forgets every remembered session at once; what changes outside
 * intake-fcgi (the CLI, the database) is seen within the TTL.
 */
#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "db.h"

#define SESSCACHE_SLOTS		64
#define SESSCACHE_TTL_MS	1000

struct sesscache_slot {
	char		 token[65];
	struct session	 se;
	long long	 at;		/* ms, monotonic */
	unsigned long	 epoch;
};

static struct sesscache_slot	 sesscache_slots[SESSCACHE_SLOTS];
static unsigned long		*sesscache_epoch;	/* shared; NULL: off */

/* Before the workers are forked: the shared epoch. Without it (mmap
 * failed) nothing is remembered. */
void
sesscache_init(void)
{
	void	*p;

	p = mmap(NULL, sizeof *sesscache_epoch, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		log_warn("mmap: sessions are checked on every request");
		return;
	}
	sesscache_epoch = p;
}

/* A session ended: every worker forgets what it remembers. */
void
sesscache_forget_all(void)
{
	if (sesscache_epoch != NULL)
		__atomic_add_fetch(sesscache_epoch, 1, __ATOMIC_SEQ_CST);
}

static struct sesscache_slot *
sesscache_slot(const char *token)
{
	unsigned	h = 0;
	size_t		i;

	for (i = 0; i < 8; i++)
		h = h * 31 + (unsigned char)token[i];
	return (&sesscache_slots[h % SESSCACHE_SLOTS]);
}

/*
 * The session of token as checked less than the TTL ago: 1 and a copy in
 * se. Else 0, and *epoch is what sesscache_put must be given once the
 * database has been asked (taken before asking: a session ended while it
 * was being checked is not remembered).
 */
int
sesscache_get(const char *token, struct session *se, unsigned long *epoch)
{
	struct sesscache_slot	*s;

	*epoch = 0;
	if (sesscache_epoch == NULL || strlen(token) != 64)
		return (0);
	*epoch = __atomic_load_n(sesscache_epoch, __ATOMIC_SEQ_CST);
	s = sesscache_slot(token);
	if (s->token[0] == '\0' || CRYPTO_memcmp(s->token, token, 64) != 0 ||
	    s->epoch != *epoch || mono_ms() - s->at >= SESSCACHE_TTL_MS)
		return (0);
	auth_session_copy(se, &s->se);
	return (1);
}

/* Remember a session just checked in the database. */
void
sesscache_put(const char *token, const struct session *se,
    unsigned long epoch)
{
	struct sesscache_slot	*s;

	if (sesscache_epoch == NULL || strlen(token) != 64)
		return;
	s = sesscache_slot(token);
	auth_session_clear(&s->se);
	memcpy(s->token, token, 65);
	auth_session_copy(&s->se, se);
	s->epoch = epoch;
	s->at = mono_ms();
}
