#include "boots.h"
#include "quantile.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int same_sequence(const struct sample_set *a, const struct sample_set *b)
{
	return a->n == b->n && (a->n == 0 || !memcmp(a->v, b->v, a->n * sizeof a->v[0]));
}

int cmp_load_boots(const char *dir, enum metric m, struct boot_side *b, char *err, size_t errlen)
{
	memset(b, 0, sizeof *b);
	char path[1200];
	struct stat st;
	for (size_t i = 1; i <= BOOTS_MAX; i++) {
		snprintf(path, sizeof path, "%s/boot-%zu", dir, i);
		if (stat(path, &st) || !S_ISDIR(st.st_mode))
			break;
		b->k = i;
	}
	snprintf(path, sizeof path, "%s/boot-%d", dir, BOOTS_MAX + 1);
	if (!stat(path, &st)) {
		snprintf(err, errlen, "%s: more than %d boots", dir, BOOTS_MAX);
		return -1;
	}
	int single = b->k == 0;
	if (single)
		b->k = 1;
	for (size_t i = 0; i < b->k; i++) {
		struct run_info info;
		if (!single)
			snprintf(path, sizeof path, "%s/boot-%zu", dir, i + 1);
		if (cmp_load_run(single ? dir : path, m, &b->s[i], &info, err, errlen)) {
			cmp_boot_side_free(b);
			return -1;
		}
		size_t n = b->s[i].n;
		double *sorted = malloc(n * sizeof *sorted);
		if (!sorted) {
			cmp_boot_side_free(b);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		memcpy(sorted, b->s[i].v, n * sizeof *sorted);
		cmp_sort_doubles(sorted, n);
		long double sum = 0;
		for (size_t j = 0; j < n; j++)
			sum += sorted[j];
		b->p50[i] = cmp_quantile_sorted(sorted, n, 1, 2);
		b->p99[i] = cmp_quantile_sorted(sorted, n, 99, 100);
		b->mean[i] = (double)(sum / n);
		free(sorted);
	}
	b->all_identical = 1;
	for (size_t i = 1; i < b->k; i++)
		b->all_identical &= same_sequence(&b->s[0], &b->s[i]);
	return 0;
}

void cmp_boot_side_free(struct boot_side *b)
{
	for (size_t i = 0; i < b->k; i++)
		cmp_sample_set_free(&b->s[i]);
	b->k = 0;
}

void cmp_tick_diff(const struct sample_set *a, const struct sample_set *b, struct tick_diff *d)
{
	memset(d, 0, sizeof *d);
	d->paired = a->n < b->n ? a->n : b->n;
	d->min = INFINITY;
	d->max = -INFINITY;
	long double sum = 0;
	for (size_t i = 0; i < d->paired; i++) {
		double x = b->v[i] - a->v[i];
		d->differing += x != 0;
		sum += x;
		if (x < d->min)
			d->min = x;
		if (x > d->max)
			d->max = x;
	}
	d->mean = d->paired ? (double)(sum / d->paired) : NAN;
	if (!d->paired)
		d->min = d->max = NAN;
}
