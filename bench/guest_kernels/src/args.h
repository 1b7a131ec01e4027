/* Storm parameters from /chosen/bootargs ("key=value" words). Pure C, no
 * hardware: unit-tested on the host. */
#ifndef VTB_ARGS_H
#define VTB_ARGS_H
#include <stdint.h>
#include <stddef.h>
#include "vtb/protocol_writer_text.h"
#include "hist.h"

enum storm_mode { MODE_PERIODIC, MODE_B2B, MODE_RANDOM };
enum record_kind { REC_AUTO, REC_SAMPLES, REC_HIST };
enum idle_kind { IDLE_WFI, IDLE_SPIN };
enum arm_order { ORDER_CVAL_FIRST, ORDER_UNMASK_FIRST, ORDER_UNMASK_EXIT };

/* record=auto keeps every sample up to this many ticks (u32 each, in .bss). */
#define SAMPLES_MAX 200000u
/* Most vCPUs the guest drives (per-CPU stacks and sample arrays in .bss). */
#define VTB_MAX_CPUS 4u

struct storm_args {
	uint64_t ticks;
	enum storm_mode mode;
	uint64_t period_ns;
	uint64_t rmin_ns, rmax_ns;
	uint64_t seed;
	enum record_kind record;
	enum idle_kind idle;
	enum arm_order order;
	uint64_t timeout_ns;
	unsigned hist_shift;
	uint64_t cpus; /* vCPUs that run the storm; 0 = every CPU in /cpus */
	/* Every ispend-th delivered tick, the handler pends its own timer PPI
	 * through GICR_ISPENDR0 while the tick is still active, then sleeps in
	 * WFI (the vCPU blocks) for ispend_sleep_ns before its EOI. 0 = off. */
	uint64_t ispend;
	uint64_t ispend_sleep_ns;
	/* Before the storm: disable the timer's vIRQ in the redistributor
	 * (GICR_ICENABLER0), leave the timer expired and unmasked, and sit in
	 * WFI for this long, counting the WFI returns (each one a wake-up of
	 * the vCPU by Xen). 0 = off. */
	uint64_t disabled_wfi_ns;
};

void guest_args_defaults(struct storm_args *a);
/* Parses 'cmdline' over the defaults; on error returns -1 with one line of
 * explanation in 'err'. After success, a->record is never REC_AUTO. */
int guest_args_parse(const char *cmdline, struct storm_args *a, struct vtb_text *err);

const char *guest_mode_name(enum storm_mode m);
const char *guest_record_name(enum record_kind r);
const char *guest_idle_name(enum idle_kind i);
const char *guest_order_name(enum arm_order o);

/* ns -> counter ticks at 'freq' Hz without 128-bit arithmetic; rounds down. */
uint64_t guest_ns_to_ticks(uint64_t ns, uint64_t freq);
#endif
