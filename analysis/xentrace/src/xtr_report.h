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
	int have_guest_dv;               /* the storm guest's vCPU is known */
	uint32_t guest_dv;
};

json_t *xtr_report_json(const struct xtr_an *a, const struct xtr_stats *st,
			const struct xtr_report_meta *m);
void xtr_report_table(FILE *f, const struct xtr_an *a, const struct xtr_stats *st,
		      const struct xtr_report_meta *m);

#endif
