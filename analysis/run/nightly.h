/* The nightly verdict: one line per variant from the comparisons of this run
 * against its baseline (vtb-compare --json), whether any regressed, and the
 * judgement of the ticks themselves: lost or spurious ticks, and exits per
 * delivered tick by reason from the traced boots (trace-summary.json). */
#ifndef VTB_RUN_NIGHTLY_H
#define VTB_RUN_NIGHTLY_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

enum { NIGHTLY_OK = 0, NIGHTLY_REGRESSION = 1, NIGHTLY_INCONCLUSIVE = 2 };

/* Prints "nightly [variant]: ..." for one comparison document.  Returns
 * NIGHTLY_REGRESSION when B is slower than A (the baseline),
 * NIGHTLY_INCONCLUSIVE when the comparison could not detect a change of the
 * threshold's size, NIGHTLY_OK otherwise, -1 when it carries no verdict. */
int nightly_judge(const char *variant, const char *baseline, json_t *compare, FILE *out);

/* The ticks of variant in run against base_run: a lost or spurious tick
 * (summary.json counts) is a regression in deterministic mode; in realtime
 * mode when they exceed 1 % of the ticks and twice the baseline's rate (the
 * host's preemption loses the odd tick); so is, when both runs have a
 * traced boot, a change of the guest's exits per delivered tick for some
 * reason by more than exits_pct percent of the baseline's (and by more
 * than 0.01 exits per tick, so that 0 -> 1 exit in 2000 ticks is not).
 * Prints one line per finding; 1 regression, 0 none, -1 with err. */
int nightly_judge_ticks(const char *variant, const char *baseline, const char *base_run, const char *run,
			double exits_pct, FILE *out, char *err, size_t errlen);

#endif
