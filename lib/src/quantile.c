#include "vtb/quantile.h"

uint64_t vtb_nearest_rank(uint64_t n, uint64_t num, uint64_t den)
{
	/* ceil(n*num/den) without overflowing n*num: split n = q*den + r. */
	uint64_t q = n / den, r = n % den;
	uint64_t rank = q * num + (r * num + den - 1) / den;

	if (rank < 1)
		rank = 1;
	return rank > n ? n : rank;
}
