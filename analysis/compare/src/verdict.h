/* The one-word answer, and the rule behind it:
 *   identical              both sample multisets are exactly equal;
 *   slower / faster        Mann-Whitney p < alpha AND the Hodges-Lehmann
 *                          shift (B - A) exceeds threshold_pct of A's median
 *                          in magnitude (positive shift = slower);
 *   no significant change  otherwise.
 * Both conditions are needed: with 10^6 samples a 0.1% shift is
 * "significant" yet irrelevant, and a large shift on a few samples may be
 * noise. A change of spread is reported separately. */
#ifndef VTB_CMP_VERDICT_H
#define VTB_CMP_VERDICT_H
#include <stddef.h>

enum verdict { V_IDENTICAL, V_FASTER, V_SLOWER, V_NO_CHANGE, V_WITHIN, V_INCONCLUSIVE };
enum spread_verdict { S_IDENTICAL, S_WIDER, S_NARROWER, S_NO_CHANGE, S_UNKNOWN };

/* a, b sorted: equal as multisets iff equal element by element. */
int cmp_multisets_equal(const double *a, size_t na, const double *b, size_t nb);

enum verdict cmp_verdict_decide(int identical, double p, double alpha,
			    double hl_shift, double median_a, double threshold_pct);
/* bf_valid == 0 or a NaN p gives S_UNKNOWN. */
enum spread_verdict cmp_spread_decide(int identical, int bf_valid, double p,
				  double alpha, double mad_a, double mad_b);

const char *cmp_verdict_name(enum verdict v);
const char *cmp_spread_verdict_name(enum spread_verdict v);

#endif
