#include "quantile.h"
#include <stdlib.h>
#include <string.h>

/* LSD radix sort on an order-preserving integer image of the doubles:
 * O(n), and for 10^6 samples several times faster than qsort's indirect
 * comparisons. Integer-valued latencies share most high bytes, and passes
 * whose byte is constant are skipped. */
static uint64_t key_of(double d)
{
	uint64_t u;
	d += 0.0; /* -0.0 -> +0.0 so equal values get equal keys */
	memcpy(&u, &d, sizeof u);
	return (u >> 63) ? ~u : (u | 0x8000000000000000ULL);
}

static double double_of(uint64_t k)
{
	uint64_t u = (k >> 63) ? (k & 0x7fffffffffffffffULL) : ~k;
	double d;
	memcpy(&d, &u, sizeof d);
	return d;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

void sort_doubles(double *v, size_t n)
{
	if (n < 256) {
		qsort(v, n, sizeof *v, cmp_double);
		return;
	}
	uint64_t *k = malloc(n * sizeof *k), *t = malloc(n * sizeof *t);
	if (!k || !t) {
		/* Out of memory for the scratch arrays: fall back, still correct. */
		free(k);
		free(t);
		qsort(v, n, sizeof *v, cmp_double);
		return;
	}
	for (size_t i = 0; i < n; i++)
		k[i] = key_of(v[i]);
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
		v[i] = double_of(k[i]);
	free(k);
	free(t);
}

size_t nearest_rank(uint64_t num, uint64_t den, size_t n)
{
	/* Integer arithmetic: ceil(0.99 * 100) must be 99, not 100. */
	unsigned __int128 r = ((unsigned __int128)num * n + den - 1) / den;
	if (r < 1)
		r = 1;
	if (r > n)
		r = n;
	return (size_t)r;
}

double quantile_sorted(const double *v, size_t n, uint64_t num, uint64_t den)
{
	return v[nearest_rank(num, den, n) - 1];
}

double median_sorted(const double *v, size_t n)
{
	if (n % 2)
		return v[n / 2];
	return 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

double select_kth(double *v, size_t n, size_t k)
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
