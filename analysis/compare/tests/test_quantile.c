/* Sorting and order statistics against qsort and hand-counted ranks. */
#include "fixture.h"
#include "quantile.h"
#include "vtb/quantile.h"
#include "rng.h"
#include <stdlib.h>
#include <string.h>

static int cmpd(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void test_quantile(void)
{
	/* Radix sort against qsort on mixed-sign, fractional and repeated
	 * values, large enough to take the radix path. */
	size_t n = 5000;
	double *v = malloc(n * sizeof *v), *w = malloc(n * sizeof *w);
	struct rng g;
	cmp_rng_seed(&g, 42);
	for (size_t i = 0; i < n; i++) {
		double x = (cmp_rng_uniform(&g) - 0.5) * 1e6;
		v[i] = (i % 3) ? x : (double)(long)(x / 1000.0);
		if (i % 97 == 0)
			v[i] = -0.0;
		if (i % 89 == 0)
			v[i] = 0.0;
	}
	memcpy(w, v, n * sizeof *v);
	cmp_sort_doubles(v, n);
	qsort(w, n, sizeof *w, cmpd);
	int same = 1;
	for (size_t i = 0; i < n; i++)
		if (v[i] != w[i])
			same = 0;
	CHECK(same);

	/* cmp_select_kth against the sorted array, at several ranks. */
	for (size_t k = 0; k < n; k += 777) {
		memcpy(w, v, n * sizeof *v);
		for (size_t i = n - 1; i > 0; i--) { /* shuffle */
			size_t j = cmp_rng_below(&g, i + 1);
			double t = w[i];
			w[i] = w[j];
			w[j] = t;
		}
		CHECK(cmp_select_kth(w, n, k) == v[k]);
	}
	free(v);
	free(w);

	/* Nearest rank: p99 of 100 values is the 99th, of 101 the 100th;
	 * p50 of 4 is the 2nd; p99.9 of 1000 the 999th. */
	CHECK(vtb_nearest_rank(100, 99, 100) == 99);
	CHECK(vtb_nearest_rank(101, 99, 100) == 100);
	CHECK(vtb_nearest_rank(4, 1, 2) == 2);
	CHECK(vtb_nearest_rank(1000, 999, 1000) == 999);
	CHECK(vtb_nearest_rank(1, 9, 10) == 1);
	double s[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	CHECK(cmp_quantile_sorted(s, 10, 9, 10) == 9);
	CHECK(cmp_quantile_sorted(s, 10, 99, 100) == 10);
	CHECK(cmp_median_sorted(s, 10) == 5.5);
	CHECK(cmp_median_sorted(s, 9) == 5);
}
