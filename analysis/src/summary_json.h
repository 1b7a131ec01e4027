/* Builds summary.json (schema VTB_SCHEMA_SUMMARY of vtb/schema.h, docs/summary-format.md)
 * from a parsed guest report. */
#ifndef VTB_SUMMARY_JSON_H
#define VTB_SUMMARY_JSON_H

#include <jansson.h>

#include "guest_protocol.h"

struct vtb_summary_opts {
	const char *label;
	int deterministic;      /* QEMU -icount shift=0: 1 guest instruction = 1 ns */
};

/* New reference, or NULL when out of memory. */
json_t *vtb_summary_build(const struct vtb_report *r, const struct vtb_summary_opts *o);

/* Checks that a loaded JSON document is a summary this code understands;
 * on failure returns a static description of the problem, else NULL. */
const char *vtb_summary_check(const json_t *s);

#endif
