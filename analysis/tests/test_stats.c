#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "latency_stats.h"
#include "unit.h"

/* 1..10: mean 5.5; population variance = (sum of squares 385)/10 - 5.5^2 = 8.25.
 * Nearest rank: p50 -> rank ceil(5) = 5, p90 -> 9, p99 -> ceil(9.9) = 10, p99.9 -> 10. */
static void samples_one_to_ten(void)
{
	const uint64_t v[10] = { 10, 9, 8, 7, 6, 5, 4, 3, 2, 1 };
	struct vtb_stats s;

	CHECK(vtb_stats_from_samples(v, 10, &s) == 0);
	CHECK(s.n == 10);
	CHECK(s.min == 1 && s.max == 10);
	CHECK_NEAR(s.mean, 5.5, 0);
	CHECK_NEAR(s.stddev, sqrt(8.25), 1e-12);
	CHECK_NEAR(s.stddev, 2.8722813232690143, 1e-12);
	CHECK(s.p50 == 5);
	CHECK(s.p90 == 9);
	CHECK(s.p99 == 10);
	CHECK(s.p99_9 == 10);
	CHECK(v[0] == 10 && v[9] == 1); /* input left unsorted */
}

/* The textbook set {2,4,4,4,5,5,7,9}: mean 5, population stddev exactly 2.
 * p50 -> rank 4 -> 4; p90 -> rank ceil(7.2) = 8 -> 9. */
static void samples_known_stddev(void)
{
	const uint64_t v[8] = { 5, 2, 9, 4, 4, 7, 4, 5 };
	struct vtb_stats s;

	CHECK(vtb_stats_from_samples(v, 8, &s) == 0);
	CHECK_NEAR(s.mean, 5, 0);
	CHECK_NEAR(s.stddev, 2, 1e-15);
	CHECK(s.p50 == 4);
	CHECK(s.p90 == 9);
	CHECK(s.min == 2 && s.max == 9);
}

static void samples_edge_cases(void)
{
	const uint64_t one = 42, big[2] = { UINT64_MAX - 1, UINT64_MAX - 3 };
	struct vtb_stats s;

	CHECK(vtb_stats_from_samples(NULL, 0, &s) == 0);
	CHECK(s.n == 0 && s.max == 0 && s.stddev == 0);
	CHECK(vtb_stats_from_samples(&one, 1, &s) == 0);
	CHECK(s.n == 1 && s.p50 == 42 && s.p99_9 == 42 && s.stddev == 0 && s.mean == 42);
	/* The mean of two huge values must not overflow a 64-bit sum. */
	CHECK(vtb_stats_from_samples(big, 2, &s) == 0);
	CHECK_NEAR(s.mean, 18446744073709551613.0, 4096);
	CHECK(s.mean > 1.8e19);
}

static void nearest_rank(void)
{
	CHECK(vtb_nearest_rank(1, 50, 100) == 1);
	CHECK(vtb_nearest_rank(10, 50, 100) == 5);
	CHECK(vtb_nearest_rank(11, 50, 100) == 6);
	CHECK(vtb_nearest_rank(1000, 999, 1000) == 999);
	CHECK(vtb_nearest_rank(1001, 999, 1000) == 1000);
	CHECK(vtb_nearest_rank(100, 999, 1000) == 100);
	CHECK(vtb_nearest_rank(1000000, 99, 100) == 990000);
	/* ceil((2^64-1) * 0.999) = ceil(18428297329635842063.385) */
	CHECK(vtb_nearest_rank(UINT64_MAX, 999, 1000) == 18428297329635842064ull);
}

/* Buckets (shift 2): [5] x2, [8,9] x1, [16..19] x1 -> midpoints 5, 5, 8.5, 17.5.
 * mean 36/4 = 9; deviations -4,-4,-0.5,8.5 -> variance 104.5/4 = 26.125.
 * p50 -> rank 2 -> 5; p90 -> rank 4 -> 17.5. */
static void histogram_stats(void)
{
	const struct vtb_bucket b[3] = { { 5, 2 }, { 8, 1 }, { 16, 1 } };
	const struct vtb_bucket bad[1] = { { 9, 1 } };
	struct vtb_stats s;

	CHECK_NEAR(vtb_hist_midpoint(16, 2), 17.5, 0);
	CHECK_NEAR(vtb_hist_midpoint(5, 2), 5, 0);
	CHECK_NEAR(vtb_hist_midpoint(1024, 0), 1535.5, 0);
	CHECK(vtb_stats_from_hist(b, 3, 2, &s) == 0);
	CHECK(s.n == 4);
	CHECK_NEAR(s.mean, 9, 0);
	CHECK_NEAR(s.stddev, sqrt(26.125), 1e-12);
	CHECK(s.p50 == 5);
	CHECK(s.p90 == 17.5 && s.p99 == 17.5 && s.p99_9 == 17.5);
	CHECK(s.min == 5 && s.max == 17.5);
	CHECK(vtb_stats_from_hist(bad, 1, 2, &s) == -1);
}

/* Width-1 buckets hold exact values: histogram and samples must agree exactly. */
static void histogram_matches_samples(void)
{
	uint64_t v[1000];
	struct vtb_bucket b[64];
	size_t nb = 0;
	struct vtb_stats a, h;
	uint32_t x = 12345;

	for (size_t i = 0; i < 1000; i++) {
		x = x * 1103515245u + 12345u;
		v[i] = 100 + (x >> 16) % 40;
	}
	for (uint64_t lo = 100; lo < 140; lo++) {
		uint64_t c = 0;
		for (size_t i = 0; i < 1000; i++)
			c += v[i] == lo;
		if (c) {
			b[nb].lo = lo;
			b[nb++].count = c;
		}
	}
	CHECK(vtb_stats_from_samples(v, 1000, &a) == 0);
	CHECK(vtb_stats_from_hist(b, nb, 8, &h) == 0);
	CHECK(a.n == h.n && a.min == h.min && a.max == h.max);
	CHECK(a.p50 == h.p50 && a.p90 == h.p90 && a.p99 == h.p99 && a.p99_9 == h.p99_9);
	CHECK_NEAR(a.mean, h.mean, 1e-9);
	CHECK_NEAR(a.stddev, h.stddev, 1e-9);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* The radix sort against qsort, on values spanning all 64 bits and on values
 * sharing most bytes (passes skipped, odd pass counts). */
static void sort_matches_qsort(void)
{
	static uint64_t v[5000], ref[5000];
	uint64_t x = 88172645463325252ull;
	struct vtb_stats s;

	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < 5000; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			v[i] = round == 0 ? x : round == 1 ? (x & 0xff) << 16 | 0x1234000000ull
					  : 300 + x % 5000;
			ref[i] = v[i];
		}
		qsort(ref, 5000, sizeof(ref[0]), cmp_u64);
		CHECK(vtb_stats_from_samples(v, 5000, &s) == 0);
		CHECK(s.min == (double)ref[0] && s.max == (double)ref[4999]);
		CHECK(s.p50 == (double)ref[2499]);      /* rank 2500 */
		CHECK(s.p90 == (double)ref[4499]);      /* rank 4500 */
		CHECK(s.p99 == (double)ref[4949]);      /* rank 4950 */
		CHECK(s.p99_9 == (double)ref[4994]);    /* rank ceil(4995) */
	}
}

void stats_tests(void)
{
	RUN(sort_matches_qsort);
	RUN(samples_one_to_ten);
	RUN(samples_known_stddev);
	RUN(samples_edge_cases);
	RUN(nearest_rank);
	RUN(histogram_stats);
	RUN(histogram_matches_samples);
}
