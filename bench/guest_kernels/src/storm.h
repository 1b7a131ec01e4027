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
	const uint32_t *samples; /* record=samples: 'taken' values */
	const uint64_t *hist;    /* record=hist: hist_nbuckets(hist_shift) counts */
};

void storm_run(const struct storm_config *cfg, struct storm_result *res);
#endif
