/* The boots of one side of a comparison.  A run directory's variant folder
 * holds its samples directly (one boot, the layout of every run with
 * --boots 1), or, with --boots K > 1, one sub-folder per boot,
 * boot-1 ... boot-K, each with its own summary.json and samples.csv
 * (the variant folder then holds the boots pooled; results/README.md). */
#ifndef VTB_CMP_BOOTS_H
#define VTB_CMP_BOOTS_H
#include "samples.h"
#include <stddef.h>

#define BOOTS_MAX 64

struct boot_side {
	size_t k;
	struct sample_set s[BOOTS_MAX]; /* file (tick) order */
	double p50[BOOTS_MAX], p99[BOOTS_MAX], mean[BOOTS_MAX]; /* nearest rank, as summary.json */
	int all_identical;     /* every boot's sequence equals boot 1's */
};

/* 0, or -1 with a one-line reason in err. */
int cmp_load_boots(const char *dir, enum metric m, struct boot_side *b, char *err, size_t errlen);
void cmp_boot_side_free(struct boot_side *b);

/* The exact comparison of two deterministic boots, paired by tick index. */
struct tick_diff {
	size_t paired;    /* min(na, nb) */
	size_t differing; /* ticks whose latency differs */
	double mean, min, max; /* of B - A over paired ticks */
};
void cmp_tick_diff(const struct sample_set *a, const struct sample_set *b, struct tick_diff *d);

#endif
