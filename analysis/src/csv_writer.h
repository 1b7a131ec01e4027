/* samples.csv ("tick,latency_ticks,latency_ns", one row per delivered tick) and
 * hist.csv ("lo_ticks,count", one row per non-empty bucket). */
#ifndef VTB_CSV_WRITER_H
#define VTB_CSV_WRITER_H

#include <stdio.h>

#include "guest_protocol.h"

/* 0, or -1 on a write error. */
int vtb_write_samples_csv(FILE *f, const struct vtb_report *r);
int vtb_write_hist_csv(FILE *f, const struct vtb_report *r);

#endif
