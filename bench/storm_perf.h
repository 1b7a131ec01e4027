/* Process-wide perf counters around the storm (perf_event_open, inherited by
 * the storm threads created after opening).  A counter the kernel or the PMU
 * refuses is kept with available = 0 and the reason, so reports can say
 * "unavailable" instead of silently dropping it. */
#ifndef STORM_PERF_H
#define STORM_PERF_H

#include <stdint.h>

enum { STORM_PERF_NCOUNTERS = 6 };

struct storm_perf_counter {
	const char *name;       /* perf's event name: context-switches, ... */
	const char *unit;       /* "" or "ns" */
	int fd;
	int available;
	int user_only;          /* opened with exclude_kernel after EACCES */
	char why[64];           /* reason when unavailable */
	uint64_t value, time_enabled, time_running;
};

struct storm_perf {
	struct storm_perf_counter c[STORM_PERF_NCOUNTERS];
};

/* Opens and starts every counter for this process and its future threads. */
void storm_perf_start(struct storm_perf *p);
/* Reads (after the threads have been joined, so their counts are folded in)
 * and closes. */
void storm_perf_stop(struct storm_perf *p);

#endif
