/* The part of a trace-summary.json (analysis/xentrace) that reports show: the
 * storm guest's vCPU and its exits per delivered tick. */
#ifndef VTB_TRACE_VIEW_H
#define VTB_TRACE_VIEW_H
#include <jansson.h>

/* Exit reasons in the order reports list them (analysis/xentrace names). */
extern const char *const trace_exit_reasons[];
extern const int trace_exit_reason_count;
/* Latency stages in pipeline order. */
extern const char *const trace_stages[];
extern const int trace_stage_count;

struct trace_view {
	json_t *vcpu;          /* borrowed from the summary */
	const char *vcpu_id;   /* e.g. "d1v0" */
	double ticks;          /* delivered ticks used as the denominator */
	const char *ticks_source; /* "guest" | "list-register writes" | "injections" */
};

/* Picks the storm guest's vCPU: the one named by the summary's guest block,
 * else the vCPU of a non-zero domain with most list-register deliveries
 * (dom0 when it is the only domain).  0 on success, -1 if none has ticks. */
int trace_view_init(struct trace_view *tv, json_t *summary);
/* Exits of one reason per delivered tick. */
double trace_view_exits_per_tick(const struct trace_view *tv, const char *reason);

#endif
