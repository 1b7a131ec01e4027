/* The nightly verdict: one line per variant from the comparisons of this run
 * against its baseline (vtb-compare --json), and whether any regressed. */
#ifndef VTB_RUN_NIGHTLY_H
#define VTB_RUN_NIGHTLY_H

#include <jansson.h>
#include <stdio.h>

/* Prints "nightly [variant]: ..." for one comparison document.  1 when it is
 * a regression (B slower than A, the baseline), 0 when not, -1 when the
 * document carries no verdict. */
int nightly_judge(const char *variant, const char *baseline, json_t *compare, FILE *out);

#endif
