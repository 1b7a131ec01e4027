/* Reading vtimer_storm's LTTng-UST trace (provider vtb_storm, see
 * tracing/lttng/vtb_storm_tp.h) and checking it against the storm's JSON. */
#ifndef STORM_CTF_H
#define STORM_CTF_H

#include <stddef.h>
#include <stdint.h>

#include "storm_stats.h"

struct storm_trace_thread {
	uint64_t n, min, max, sum;
};

struct storm_trace {
	/* run_start */
	unsigned run_starts;
	uint32_t threads, hist_shift;
	uint64_t interval_ns, loops, duration_ns;
	int32_t prio;
	char source[32], mode[32];
	/* run_stop (the storm's own totals) */
	unsigned run_stops;
	uint64_t stop_n, stop_min, stop_max, stop_sum, stop_overruns;
	char stop_reason[32];
	/* wakeup events, in the order the muxer delivered them */
	uint64_t nwake, cap;
	uint32_t *wake_thread;
	uint64_t *wake_value;         /* latency, 0 when early (as the storm counts it) */
	uint64_t early, field_mismatch; /* latency_ns != actual_ns - expected_ns */
	uint64_t bad_thread;
	/* losses reported by the CTF source */
	uint64_t discarded_events, discarded_packets;
	uint64_t other_events;
};

/* Reads a CTF trace directory with libbabeltrace2 (source.ctf.fs ->
 * filter.utils.muxer -> our sink).  0 ok; -1 with one line in err. */
int storm_trace_read(const char *dir, struct storm_trace *t, char *err, size_t errlen);
void storm_trace_free(struct storm_trace *t);

/* Statistics of the trace's wake-ups, with the storm's algorithm. */
struct storm_trace_stats {
	struct storm_stats all;
	struct storm_summary sum;
	unsigned nthreads;
	struct storm_trace_thread *thr;
};
int storm_trace_stats(const struct storm_trace *t, struct storm_trace_stats *s, char *err, size_t errlen);
void storm_trace_stats_free(struct storm_trace_stats *s);

/* Consistency of the trace with itself (run_start/run_stop counts, run_stop
 * totals, lost events).  Returns the number of problems, each printed as
 * one line on stderr prefixed with "vtb-storm-ctf: ". */
unsigned storm_trace_selfcheck(const struct storm_trace *t, const struct storm_trace_stats *s);

/* Compares with the storm's --json text: summary.latency_ns, per-thread
 * cycles/min/max, summary.overruns.  Returns the number of mismatches (each
 * printed as one line to stderr), or -1 with err set when the JSON is
 * unusable. */
int storm_trace_expect(const struct storm_trace *t, const struct storm_trace_stats *s,
		       const char *json_text, char *err, size_t errlen);

#endif
