#include "quantile.h"
#include "vtb/quantile.h"
#include "vtb/sortkey.h"
#include <stdlib.h>
#include <string.h>

/* LSD radix sort on an order-preserving integer image of the doubles:
 * O(n), and for 10^6 samples several times faster than qsort's indirect
 * comparisons. Integer-valued latencies share most high bytes, and passes
 * whose byte is constant are skipped. */
static int order_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void cmp_sort_doubles(double *v, size_t n)
{
	if (n < 256) {
		qsort(v, n, sizeof *v, order_doubles);
		return;
	}
	uint64_t *k = malloc(n * sizeof *k), *t = malloc(n * sizeof *t);
	if (!k || !t) {
		/* Out of memory for the scratch arrays: fall back, still correct. */
		free(k);
		free(t);
		qsort(v, n, sizeof *v, order_doubles);
		return;
	}
	for (size_t i = 0; i < n; i++)
		k[i] = vtb_sortkey_of_double(v[i]);
	for (int shift = 0; shift < 64; shift += 8) {
		size_t count[257] = {0};
		for (size_t i = 0; i < n; i++)
			count[((k[i] >> shift) & 0xff) + 1]++;
		if (count[((k[0] >> shift) & 0xff) + 1] == n)
			continue;
		for (int b = 0; b < 256; b++)
			count[b + 1] += count[b];
		for (size_t i = 0; i < n; i++)
			t[count[(k[i] >> shift) & 0xff]++] = k[i];
		uint64_t *sw = k;
		k = t;
		t = sw;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = vtb_double_of_sortkey(k[i]);
	free(k);
	free(t);
}

double cmp_quantile_sorted(const double *v, size_t n, uint64_t num, uint64_t den)
{
	return v[vtb_nearest_rank(n, num, den) - 1];
}

double cmp_median_sorted(const double *v, size_t n)
{
	if (n % 2)
		return v[n / 2];
	return 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double cmp_select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	/* Median-of-three pivot; the inputs here are random resamples, so
	 * adversarial quadratic cases do not arise. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		double a = v[lo], b = v[mid], c = v[hi];
		double pivot = (a < b) ? ((b < c) ? b : (a < c ? c : a))
				       : ((a < c) ? a : (b < c ? c : b));
		size_t i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return v[k];
	}
	return v[k];
}
