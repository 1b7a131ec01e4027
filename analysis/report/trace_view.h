/* The part of a trace-summary.json (analysis/xentrace) that reports show: the
 * storm guest's vCPU and its exits per delivered tick. Nothing is chosen or
 * recomputed here: the summary names the guest (guest.vcpu) and states the
 * per-tick figures; this view reads them. */
#ifndef VTB_TRACE_VIEW_H
#define VTB_TRACE_VIEW_H
#include <jansson.h>

/* Exit reasons in the order reports list them, and latency stages in
 * pipeline order: libvtb's trace vocabulary (vtb/trace_vocab.h). */
extern const char *const *const trace_exit_reasons;
extern const int trace_exit_reason_count;
extern const char *const *const trace_stages;
extern const int trace_stage_count;

struct trace_view {
	json_t *vcpu;          /* borrowed from the summary */
	const char *vcpu_id;   /* e.g. "d1v0" */
	double ticks;          /* the denominator of the summary's exits per tick */
	const char *ticks_source; /* "guest" | "hypervisor deliveries" */
	double exits_per_tick; /* all exits per tick, as the summary states it */
};

/* The storm guest's vCPU, as the summary's guest block names it, and its
 * tick count: the ticks the guest counted itself (ticks.guest_taken, the
 * denominator of exits_per_guest_tick) when known, else the ticks Xen
 * delivered (ticks.delivered, that of exits_per_tick). 0 on success, -1 if
 * the summary is not a trace summary, names no guest, or it has no ticks. */
int trace_view_init(struct trace_view *tv, json_t *summary);
/* Exits of one reason per tick; reason NULL: all exits, the summary's own
 * exits_per_guest_tick or exits_per_tick. */
double trace_view_exits_per_tick(const struct trace_view *tv, const char *reason);

#endif
