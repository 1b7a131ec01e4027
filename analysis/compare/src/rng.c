#include "rng.h"
#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void cmp_rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t cmp_rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double cmp_rng_uniform(struct rng *r)
{
	/* 53 random bits, shifted by half a step so 0 cannot come out. */
	return ((double)(cmp_rng_next(r) >> 11) + 0.5) * 0x1.0p-53;
}

uint64_t cmp_rng_below(struct rng *r, uint64_t n)
{
	/* Rejection removes the modulo bias, which matters for small n. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = cmp_rng_next(r);
	while (x >= limit);
	return x % n;
}

double cmp_rng_normal(struct rng *r)
{
	/* Marsaglia polar method; the spare deviate is dropped so that the
	 * stream position depends only on the number of calls. */
	double u, v, s;
	do {
		u = 2.0 * cmp_rng_uniform(r) - 1.0;
		v = 2.0 * cmp_rng_uniform(r) - 1.0;
		s = u * u + v * v;
	} while (s >= 1.0 || s == 0.0);
	return u * sqrt(-2.0 * log(s) / s);
}

double cmp_rng_gamma(struct rng *r, double shape)
{
	double d = shape - 1.0 / 3.0;
	double c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x = cmp_rng_normal(r);
		double v = 1.0 + c * x;
		if (v <= 0.0)
			continue;
		v = v * v * v;
		double u = cmp_rng_uniform(r);
		if (u < 1.0 - 0.0331 * x * x * x * x)
			return d * v;
		if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}

double cmp_rng_beta(struct rng *r, double a, double b)
{
	double x = cmp_rng_gamma(r, a);
	double y = cmp_rng_gamma(r, b);
	return x / (x + y);
}
