/*
 * The monotonic clock, for intervals and timeouts: never the wall clock,
 * which NTP or an operator may move.
 */
#include <time.h>

#include "lib.h"

/* Milliseconds since some fixed point. */
long long
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}
