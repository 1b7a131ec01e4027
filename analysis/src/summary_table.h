/* Human-readable table of one or two summary.json documents side by side. */
#ifndef VTB_SUMMARY_TABLE_H
#define VTB_SUMMARY_TABLE_H

#include <stdio.h>

#include <jansson.h>

/* n is 1 or 2; names head the columns (NULL: use each summary's label). 0 or -1. */
int vtb_print_summary_table(FILE *out, const json_t *const *s, const char *const *names,
			    size_t n);

#endif
