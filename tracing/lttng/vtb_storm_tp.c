/* Instantiates the vtb_storm probes; linked into vtimer_storm when
 * liblttng-ust is available (see bench/Makefile). */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "vtb_storm_tp.h"
