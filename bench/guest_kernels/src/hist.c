#include "hist.h"

static unsigned log2_u32(uint32_t v)
{
	return 31u - (unsigned)__builtin_clz(v);
}

unsigned guest_hist_nbuckets(unsigned shift)
{
	return (1u << shift) + (32u - shift) * (1u << shift);
}

unsigned guest_hist_index(uint32_t v, unsigned shift)
{
	uint32_t base = 1u << shift;
	if (v < base)
		return v;
	unsigned k = log2_u32(v);
	uint32_t sub = (v >> (k - shift)) - base;
	return base + (k - shift) * base + sub;
}

uint32_t guest_hist_lo(unsigned idx, unsigned shift)
{
	uint32_t base = 1u << shift;
	if (idx < base)
		return idx;
	unsigned j = idx - base;
	unsigned e = j >> shift;
	uint32_t sub = j & (base - 1u);
	return (base + sub) << e;
}
