/* Tracepoints of vtimer_storm, compiled to nothing without LTTng-UST (the
 * static aarch64 build, or a host without liblttng-ust-dev). */
#ifndef STORM_TRACE_H
#define STORM_TRACE_H

#ifdef VTB_HAVE_LTTNG
#include "vtb_storm_tp.h"
#define STORM_TRACE(name, ...) lttng_ust_tracepoint(vtb_storm, name, __VA_ARGS__)
#define STORM_HAVE_LTTNG 1
#else
#define STORM_TRACE(name, ...) ((void)0)
#define STORM_HAVE_LTTNG 0
#endif

#endif
