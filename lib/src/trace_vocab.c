#include "vtb/trace_vocab.h"

#define NAME_(id, name, ...) name,
static const char *const exit_reason_names[VTB_EXIT__N] = { VTB_EXIT_REASONS(NAME_) };
const char *const vtb_tick_stage_names[VTB_STAGE__N] = { VTB_TICK_STAGES(NAME_) };
#undef NAME_

/* Report order from the one list: two passes over it, the first keeping
 * only class IRQ, the second everything else. */
#define IF_IRQ_IRQ(x) x,
#define IF_IRQ_SYNC(x)
#define IF_IRQ_OTHER(x)
#define UNLESS_IRQ_IRQ(x)
#define UNLESS_IRQ_SYNC(x) x,
#define UNLESS_IRQ_OTHER(x) x,
#define IRQ_FIRST_(id, name, cls) IF_IRQ_##cls(name)
#define IRQ_REST_(id, name, cls) UNLESS_IRQ_##cls(name)
const char *const vtb_exit_reason_names_report_order[VTB_EXIT__N] = {
	VTB_EXIT_REASONS(IRQ_FIRST_) VTB_EXIT_REASONS(IRQ_REST_)
};

const char *vtb_exit_reason_name(enum vtb_exit_reason r)
{
	return (unsigned)r < VTB_EXIT__N ? exit_reason_names[r] : "?";
}

const char *vtb_tick_stage_name(enum vtb_tick_stage s)
{
	return (unsigned)s < VTB_STAGE__N ? vtb_tick_stage_names[s] : "?";
}
