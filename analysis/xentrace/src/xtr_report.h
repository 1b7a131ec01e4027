/* Turns analysis results into the trace-summary.json document and a table. */
#ifndef XTR_REPORT_H
#define XTR_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "xtr_analyze.h"

struct xtr_report_meta {
	const char *input_path;          /* as given: the table shows it */
	const char *input_label;         /* as trace-summary.json records it */
	uint64_t cntfrq_hz;
	int partial;                     /* damaged input accepted with --partial-ok */
	int have_guest;                  /* guest summary given: guest_taken is known */
	uint64_t guest_taken;
	const char *guest_summary_label; /* recorded path of the guest summary */
	int have_guest_latency;          /* its latency_ticks: n, mean, p50 */
	double guest_lat_n, guest_lat_mean, guest_lat_p50;
	int have_guest_dv;               /* the storm guest's vCPU is known */
	uint32_t guest_dv;
};

/* How close the trace's stages must add up to the guest's own latency
 * (relative difference of the means) for the stage check to pass. */
#define XTR_STAGE_CHECK_TOLERANCE 0.02
/* ...or, in counter ticks, how long the stretch the trace cannot see (guest
 * entry to its handler's counter read, about 8 ticks on this platform) may
 * be: on a fast path (the direct WFI wait: ~260 ticks traced) those few
 * ticks alone exceed 2 %. */
#define XTR_STAGE_CHECK_UNSEEN_MAX 16

json_t *xtr_report_json(const struct xtr_an *a, const struct xtr_stats *st,
			const struct xtr_report_meta *m);
void xtr_report_table(FILE *f, const struct xtr_an *a, const struct xtr_stats *st,
		      const struct xtr_report_meta *m);

#endif
