/*
 * Reading a batch overlaps writing the one before it: a thread reads the
 * next batch's rows, takes its snapshot and makes its new accounts
 * (contact_ahead) on the reader's connection while this one is written.
 * The next batch is in one of three states (enum reader_state), and
 * reader_finish completes it once the write is done. What the thread
 * leaves: a batch with rows to look up (enrichment writes the status, and
 * asks the provider), and a snapshot the batch being written may make
 * stale (it updates contacts). A snapshot taken meanwhile is kept only if
 * the written batch updated no contact; and its rows sharing a key with
 * that batch are matched one by one (twin.c keeps the last batch's keys).
 *
 * The thread's own are its struct reader, the batch it fills (next) and
 * the file's reader (in); what it reads through the import (row.c,
 * lookup.c, snap.c, contact_ahead) is the reader's part of it: rdb and
 * the statements prepared on it, raccts, the snapshot's.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "watchd.h"

/* Read the rows of next, and take its snapshot if snap (keep: the batch
 * before it is still being written). 0, or -1 if the database failed. */
static int
reader_rows(struct import *im, struct batch *next, int snap, int keep)
{
	if (batch_rows_read(im, next) == -1)
		return (-1);
	return (snap ? snap_batch(im, keep, keep) : 0);
}

/* The start of an import's thread: signals are the main thread's, as
 * before there were others; the client library wants to know it. */
void
reader_thread_enter(void)
{
	sigset_t	all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	mysql_thread_init();
}

static void *
reader_main(void *arg)
{
	struct reader	*rd = arg;

	reader_thread_enter();
	rd->state = READER_READ;
	rd->n = batch_read(rd->next, rd->in, conf.batch_size);
	if (rd->n != -1 && !lookup_wanted(rd->im)) {
		/* no accounts ahead in a review: they would be committed */
		if (reader_rows(rd->im, rd->next, rd->snap, 1) == -1 ||
		    (rd->snap && !rd->im->review &&
		    contact_ahead(rd->im) == -1))
			rd->failed = 1;
		else
			rd->state = rd->snap ? READER_SNAP : READER_ROWS;
	}
	mysql_thread_end();
	return (NULL);
}

/* Start reading im->next while im->batch is written. -1 if no thread
 * could be started (then it is read after). */
int
reader_start(struct reader *rd, struct import *im)
{
	memset(rd, 0, sizeof *rd);
	rd->im = im;
	rd->next = im->next;
	rd->in = im->in;
	/* A review's snapshot must see what its batches wrote, which the
	 * reader's connection does not: ahead only while they wrote no
	 * contact (the batch being written is told as for an import). */
	rd->snap = (!im->review || review_clean(im)) &&
	    !batch_may_update(im, 0);
	/* past the contacts it created (twin.c), once there are some */
	if (im->twins != NULL)
		twin_recall(im->twins, im->review && im->st.created > 0);
	if ((errno = pthread_create(&rd->thread, NULL, reader_main,
	    rd)) != 0) {
		log_warn("pthread_create");
		return (-1);
	}
	return (0);
}

void
reader_join(struct reader *rd)
{
	pthread_join(rd->thread, NULL);
}

/* Bring im->next from state to READER_SNAP, here. 0, 1 if it must wait
 * (the watcher is stopping during lookups), -1 on a database failure. */
int
reader_finish(struct import *im, enum reader_state state)
{
	int	r;

	if (state == READER_READ) {
		if ((r = lookup_batch(im)) != 0)
			return (r == -2 ? 1 : -1);
		if (reader_rows(im, im->next, 0, 0) == -1)
			return (-1);
	}
	if (state != READER_SNAP && snap_batch(im, 0, 0) == -1)
		return (-1);
	return (0);
}
