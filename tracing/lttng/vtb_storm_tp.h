/* LTTng-UST tracepoint provider "vtb_storm" for bench/vtimer_storm.c.
 *
 * One run_start, one wakeup per timer wake-up, one run_stop.  The wakeup
 * event carries both clock readings, so a reader recomputes the latency
 * instead of trusting the storm's arithmetic; run_stop repeats the storm's
 * own totals so a reader can tell a lossy trace from a disagreement.
 * Times are CLOCK_MONOTONIC in ns. */
#undef LTTNG_UST_TRACEPOINT_PROVIDER
#define LTTNG_UST_TRACEPOINT_PROVIDER vtb_storm

#undef LTTNG_UST_TRACEPOINT_INCLUDE
#define LTTNG_UST_TRACEPOINT_INCLUDE "vtb_storm_tp.h"

#if !defined(VTB_STORM_TP_H) || defined(LTTNG_UST_TRACEPOINT_HEADER_MULTI_READ)
#define VTB_STORM_TP_H

#include <lttng/tracepoint.h>
#include <stdint.h>

LTTNG_UST_TRACEPOINT_EVENT(
	vtb_storm, run_start,
	LTTNG_UST_TP_ARGS(uint32_t, threads, uint64_t, interval_ns, uint64_t, loops,
			  uint64_t, duration_ns, int32_t, prio, const char *, source,
			  const char *, mode, uint32_t, hist_shift),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint32_t, threads, threads)
		lttng_ust_field_integer(uint64_t, interval_ns, interval_ns)
		lttng_ust_field_integer(uint64_t, loops, loops)
		lttng_ust_field_integer(uint64_t, duration_ns, duration_ns)
		lttng_ust_field_integer(int32_t, prio, prio)
		lttng_ust_field_string(source, source)
		lttng_ust_field_string(mode, mode)
		lttng_ust_field_integer(uint32_t, hist_shift, hist_shift)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(
	vtb_storm, wakeup,
	LTTNG_UST_TP_ARGS(uint32_t, thread, uint64_t, expected_ns, uint64_t, actual_ns,
			  int64_t, latency_ns),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint32_t, thread, thread)
		lttng_ust_field_integer(uint64_t, expected_ns, expected_ns)
		lttng_ust_field_integer(uint64_t, actual_ns, actual_ns)
		lttng_ust_field_integer(int64_t, latency_ns, latency_ns)
	)
)

LTTNG_UST_TRACEPOINT_EVENT(
	vtb_storm, run_stop,
	LTTNG_UST_TP_ARGS(uint64_t, n, uint64_t, min_ns, uint64_t, max_ns, uint64_t, sum_ns,
			  uint64_t, overruns, const char *, stop_reason),
	LTTNG_UST_TP_FIELDS(
		lttng_ust_field_integer(uint64_t, n, n)
		lttng_ust_field_integer(uint64_t, min_ns, min_ns)
		lttng_ust_field_integer(uint64_t, max_ns, max_ns)
		lttng_ust_field_integer(uint64_t, sum_ns, sum_ns)
		lttng_ust_field_integer(uint64_t, overruns, overruns)
		lttng_ust_field_string(stop_reason, stop_reason)
	)
)

#endif /* VTB_STORM_TP_H */

#include <lttng/tracepoint-event.h>
