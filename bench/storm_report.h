/* The results of one storm run and the three ways of writing them: a text
 * report (cyclictest-like histogram included), JSON, and the guest console
 * protocol of docs/guest-protocol.md (through libvtb's one writer,
 * vtb/protocol_writer.h). */
#ifndef STORM_REPORT_H
#define STORM_REPORT_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "storm_opts.h"
#include "storm_perf.h"
#include "storm_stats.h"

struct storm_thread_result {
	unsigned id;
	int cpu;                     /* pinned CPU, -1 if not pinned */
	uint64_t overruns;           /* periodic deadlines skipped because already past */
	uint64_t early;              /* wake-ups before the deadline (counted as 0 ns) */
	uint64_t first_deadline_ns, last_wake_ns;
	struct storm_stats st;
	struct storm_lhist lh;
	uint64_t *samples;           /* --vtb-record samples only */
	uint64_t nsamples;
};

struct storm_run {
	const struct storm_opts *o;
	int argc;
	char **argv;
	unsigned nthr;
	struct storm_thread_result *thr;
	struct storm_stats all;      /* all threads merged */
	struct storm_lhist lall;
	struct storm_summary sum;
	struct storm_perf perf;
	const char *stop_reason;     /* count | duration | signal */
	struct timespec start_wall, end_wall;
	long resolution_ns;
	int lttng;                   /* built with the LTTng-UST provider */
	long long timerslack_ns;     /* in effect during the run */
	uint64_t overruns, early, elapsed_ns;
	const char *percentiles;     /* "histogram" or "exact" (every sample kept) */
};

/* Fills all/lall/sum/overruns/early/elapsed from the per-thread results. */
int storm_run_finish(struct storm_run *r);

int storm_report_text(FILE *f, const struct storm_run *r);
int storm_report_json(FILE *f, const struct storm_run *r);
int storm_report_vtb(FILE *f, const struct storm_run *r);

/* Writes via fn to path atomically (libvtb's vtb_atomic_*), so a failed run
 * leaves no half-written file; "-" writes to stdout. */
int storm_write_file(const char *path, int (*fn)(FILE *, const struct storm_run *),
		     const struct storm_run *r, char *err, size_t errlen);

#endif
