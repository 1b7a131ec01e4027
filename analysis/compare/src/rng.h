/* Seeded PRNG and the few distributions the bootstrap needs.
 * xoshiro256** (Blackman & Vigna) seeded through splitmix64: fast, and the
 * same seed gives the same stream on every host, which is what makes the
 * bootstrap intervals reproducible. */
#ifndef VTB_CMP_RNG_H
#define VTB_CMP_RNG_H
#include <stdint.h>

struct rng { uint64_t s[4]; };

void cmp_rng_seed(struct rng *r, uint64_t seed);
uint64_t cmp_rng_next(struct rng *r);
/* Uniform on the open interval (0,1): never 0, so log() is safe. */
double cmp_rng_uniform(struct rng *r);
/* Uniform integer in [0, n). */
uint64_t cmp_rng_below(struct rng *r, uint64_t n);
double cmp_rng_normal(struct rng *r);
/* Gamma(shape, 1) for shape >= 1 (Marsaglia & Tsang 2000). */
double cmp_rng_gamma(struct rng *r, double shape);
/* Beta(a, b) for a, b >= 1, as G_a / (G_a + G_b). */
double cmp_rng_beta(struct rng *r, double a, double b);

#endif
