/*
 * The contacts the batches before made, linked while this one is
 * written: a thread of its own on the third connection (ldb). The thread
 * sees only its struct linker: the link it commits on (struct link holds
 * the import's id, tags and workflow) and the range.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "watchd.h"

static void *
linker_main(void *arg)
{
	struct linker	*lk = arg;

	reader_thread_enter();
	lk->failed = link_commit(lk->link, lk->lo, lk->hi) == -1;
	mysql_thread_end();
	return (NULL);
}

/* Start linking what is left while this batch is written, unless the
 * batch may touch those contacts (the writer and the linker would lock
 * them in different orders). 1 if a thread was started. */
int
linker_start(struct linker *lk, struct import *im)
{
	memset(lk, 0, sizeof *lk);
	lk->link = &im->llink;
	lk->lo = im->linked;
	lk->hi = im->made;
	if (im->ldb == NULL || lk->hi <= lk->lo || batch_may_update(im, 1))
		return (0);
	if ((errno = pthread_create(&lk->thread, NULL, linker_main,
	    lk)) != 0) {
		log_warn("pthread_create");
		return (0);
	}
	im->linking = 1;
	return (1);
}

/* Wait for the linker. 0, or -1 if it failed. */
int
linker_join(struct linker *lk)
{
	pthread_join(lk->thread, NULL);
	return (lk->failed ? -1 : 0);
}
