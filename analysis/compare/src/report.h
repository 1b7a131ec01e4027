/* Presenting a comparison: human text on a stream, and a JSON document
 * (schema "vtimer-bench/compare/1") written atomically. */
#ifndef VTB_CMP_REPORT_H
#define VTB_CMP_REPORT_H
#include "compare.h"
#include <stdio.h>

void cmp_report_text(FILE *out, const struct comparison *c);
/* Returns 0, or -1 with a message in err; never leaves a partial file. */
int cmp_report_json_write(const char *path, const struct comparison *c,
		      char *err, size_t errlen);
/* The JSON text itself (malloc'd), for tests. */
char *cmp_report_json_dump(const struct comparison *c);

#endif
