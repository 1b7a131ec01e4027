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

/* Stages in pipeline order: condition met (CVAL) -> EL2 entry -> injection
 * -> guest entry, and the two spans that add them up. */
#define VTB_TICK_STAGES(X) \
	X(CVAL_TO_EL2,     "cval_to_el2") \
	X(EL2_TO_INJECT,   "el2_to_inject") \
	X(INJECT_TO_ENTRY, "inject_to_entry") \
	X(EL2_TO_ENTRY,    "el2_to_entry") \
	X(CVAL_TO_ENTRY,   "cval_to_entry")

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
