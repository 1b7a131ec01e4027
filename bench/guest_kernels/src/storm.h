/* The vtimer storm: arm CNTV N times, record handler-entry latency per tick. */
#ifndef VTB_STORM_H
#define VTB_STORM_H
#include <stdint.h>
#include "args.h"

struct storm_config {
	const struct storm_args *args;
	uint64_t cntfrq;
	uint64_t period, rmin, rmax, timeout; /* counter ticks */
	unsigned vtimer_intid;
	unsigned wdog_intid; /* EL1 physical timer, idle=wfi only; 0 = none */
};

struct storm_result {
	uint64_t taken, lost, spurious, other;
	uint64_t min, max, sum, elapsed;
	uint64_t wdog_fired, wdog_armed, gic_spurious;
	uint64_t ispend_made, ispend_taken; /* ispend=: self-pends, and their deliveries */
	uint64_t first, last; /* first deadline, last delivered entry (counter) */
	const uint32_t *samples; /* record=samples: 'taken' values */
	const uint64_t *hist;    /* record=hist: guest_hist_nbuckets(hist_shift) counts */
};

/* SGI a secondary CPU sends the boot CPU when its storm is over. */
#define STORM_SGI_DONE 1u

/* Runs the storm on the calling CPU (per-CPU state, samples, histogram). */
void guest_storm_run(const struct storm_config *cfg, struct storm_result *res);
/* disabled_wfi_ns=: the timer's vIRQ disabled, the timer expired and
 * unmasked, WFI until the EL1 physical timer ends the window; returns how
 * many times WFI returned. Run before the storm, IRQs masked. */
uint64_t guest_storm_disabled_wfi(const struct storm_config *cfg);
/* Totals over n CPUs' results; samples made contiguous CPU by CPU and
 * histograms summed, in place (the per-CPU results' arrays are consumed). */
void guest_storm_merge(const struct storm_args *a, const struct storm_result *per, unsigned n,
		 struct storm_result *out);
#endif
