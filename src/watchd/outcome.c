/*
 * A row's outcome: its line in import_rows (queued with the batch's
 * writes, bulk.c), and in the status unless it is an update, unchanged
 * or (a review's only) created: the status lists what went wrong; with
 * the counter it moves.
 */
#include <string.h>

#include "watchd.h"

/* Record a row's outcome or a warning. 0, or -1 if the queue failed. */
int
outcome_add(struct import *im, unsigned long row, const char *severity,
    const char *code, const char *message, const char *column,
    const char *contact, const char *key)
{
	struct bulk	*b = im->b_outcome;

	bulk_str(b, 0, im->id);
	bulk_int(b, 1, row);
	bulk_str(b, 2, severity);
	bulk_str(b, 3, code);
	bulk_str(b, 4, message);
	bulk_str(b, 5, column);
	bulk_str(b, 6, contact);
	bulk_str(b, 7, key);
	if (bulk_next(b) == -1) {
		if (db_refused(bulk_errno(b)))
			im->refused = 1;
		return (-1);
	}
	if (strcmp(severity, "updated") == 0 ||
	    strcmp(severity, "unchanged") == 0 ||
	    strcmp(severity, "created") == 0)
		return (0);
	status_add_error(&im->st, row, code, message, severity, column,
	    contact);
	if (strcmp(severity, "warning") == 0)
		im->st.warnings++;
	return (0);
}

int
outcome_skip(struct import *im, unsigned long row, const char *code,
    const char *message, const char *contact, const char *key)
{
	im->st.skipped++;
	return (outcome_add(im, row, "skipped", code, message, NULL,
	    contact, key));
}

/* The server refused the row's values (its write said so). */
int
outcome_failed(struct import *im, unsigned long row)
{
	im->st.failed++;
	return (outcome_add(im, row, "failed", "database_error",
	    "The database refused this row's values", NULL, NULL, NULL));
}

/* Write the batch's queued outcomes (in its transaction). 0, or -1. */
int
outcome_flush(struct import *im)
{
	if (bulk_flush(im->b_outcome) == -1) {
		if (db_refused(bulk_errno(im->b_outcome)))
			im->refused = 1;
		return (-1);
	}
	return (0);
}

/* Forget the queued outcomes: their batch was rolled back. */
void
outcome_reset(struct import *im)
{
	bulk_reset(im->b_outcome);
}
