#include "verdict.h"
#include <math.h>

int cmp_multisets_equal(const double *a, size_t na, const double *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (a[i] != b[i])
			return 0;
	return 1;
}

enum verdict cmp_verdict_decide(int identical, double p, double alpha,
			    double hl_shift, double median_a, double threshold_pct)
{
	if (identical)
		return V_IDENTICAL;
	if (!(p < alpha))
		return V_NO_CHANGE;
	double threshold = fabs(median_a) * threshold_pct / 100.0;
	if (hl_shift > threshold)
		return V_SLOWER;
	if (hl_shift < -threshold)
		return V_FASTER;
	return V_NO_CHANGE;
}

enum spread_verdict cmp_spread_decide(int identical, int bf_valid, double p,
				  double alpha, double mad_a, double mad_b)
{
	if (identical)
		return S_IDENTICAL;
	if (!bf_valid || isnan(p))
		return S_UNKNOWN;
	if (!(p < alpha))
		return S_NO_CHANGE;
	return mad_b > mad_a ? S_WIDER : S_NARROWER;
}

const char *cmp_verdict_name(enum verdict v)
{
	switch (v) {
	case V_IDENTICAL:
		return "identical";
	case V_FASTER:
		return "faster";
	case V_SLOWER:
		return "slower";
	case V_WITHIN:
		return "changed within the threshold";
	case V_INCONCLUSIVE:
		return "inconclusive";
	default:
		return "no significant change";
	}
}

const char *cmp_spread_verdict_name(enum spread_verdict v)
{
	switch (v) {
	case S_IDENTICAL:
		return "identical";
	case S_WIDER:
		return "wider";
	case S_NARROWER:
		return "narrower";
	case S_NO_CHANGE:
		return "no significant change";
	default:
		return "not testable";
	}
}
