/* The trace vocabulary: why a vCPU left the guest (exit reasons) and the
 * stages of a timer tick's way to the guest. vtb-xentrace-analyze counts
 * with these (the keys of trace-summary.json) and the report reads them
 * back; one list, so the two cannot drift apart (docs/xentrace-decoder.md).
 *
 * VTB_EXIT_REASONS is the one list, in the order trace-summary.json writes
 * its keys: X(ID, "json_key", CLASS), CLASS one of SYNC, IRQ, OTHER. */
#ifndef VTB_TRACE_VOCAB_H
#define VTB_TRACE_VOCAB_H

#define VTB_EXIT_REASONS(X) \
	X(SYNC_HVC,    "sync_hvc",    SYNC) \
	X(SYNC_SMC,    "sync_smc",    SYNC) \
	X(SYNC_SYSREG, "sync_sysreg", SYNC) \
	X(SYNC_WFX,    "sync_wfx",    SYNC) \
	X(SYNC_DABT,   "sync_dabt",   SYNC) \
	X(SYNC_IABT,   "sync_iabt",   SYNC) \
	X(SYNC_OTHER,  "sync_other",  SYNC) \
	X(IRQ_VTIMER,  "irq_vtimer",  IRQ) \
	X(IRQ_MAINT,   "irq_maint",   IRQ) \
	X(IRQ_OTHER,   "irq_other",   IRQ) \
	X(FIQ,         "fiq",         OTHER) \
	X(SERROR,      "serror",      OTHER)

/* The stages of one tick, on events both delivery paths share
 * (docs/xentrace-decoder.md, "Tick stages"), in pipeline order:
 *   deadline      CVAL + CNTVOFF, the moment the timer condition holds
 *   xen           the first Xen event for the tick: the EL2 entry that took
 *                 the vtimer PPI (vCPU running), or Xen's software timer
 *                 expiring for it (vCPU blocked)
 *   switch_in     the vCPU scheduled back onto the pCPU (= xen when it was
 *                 running: the stage is then 0)
 *   entry         Xen returns to the guest (GUEST_ENTRY)
 * The first three add up, tick by tick, to DEADLINE_TO_ENTRY; what is left
 * of the latency the guest measured (entry to its handler) is derived from
 * the guest's own figures, not from the trace. */
#define VTB_TICK_STAGES(X) \
	X(DEADLINE_TO_XEN,    "deadline_to_xen") \
	X(XEN_TO_SWITCH_IN,   "xen_to_switch_in") \
	X(SWITCH_IN_TO_ENTRY, "switch_in_to_entry") \
	X(DEADLINE_TO_ENTRY,  "deadline_to_entry")

/* How many of VTB_TICK_STAGES are the parts that add up to the last one
 * (the span deadline_to_entry). */
#define VTB_TICK_STAGE_PARTS 3

#define VTB_VOCAB_ENUM_(id, ...) VTB_EXIT_##id,
enum vtb_exit_reason { VTB_EXIT_REASONS(VTB_VOCAB_ENUM_) VTB_EXIT__N };
#undef VTB_VOCAB_ENUM_
#define VTB_VOCAB_ENUM_(id, ...) VTB_STAGE_##id,
enum vtb_tick_stage { VTB_TICK_STAGES(VTB_VOCAB_ENUM_) VTB_STAGE__N };
#undef VTB_VOCAB_ENUM_

/* The trace-summary.json key of a reason or a stage. */
const char *vtb_exit_reason_name(enum vtb_exit_reason r);
const char *vtb_tick_stage_name(enum vtb_tick_stage s);
/* The reason names in the order a report lists them: the IRQ exits first
 * (the ones a timer tick causes), then the rest in list order. Derived from
 * VTB_EXIT_REASONS; VTB_EXIT__N entries. */
extern const char *const vtb_exit_reason_names_report_order[VTB_EXIT__N];
/* The stage names in pipeline order; VTB_STAGE__N entries. */
extern const char *const vtb_tick_stage_names[VTB_STAGE__N];

#endif
