/* One comparison of runs A and B: options, every computed figure, and the
 * command-line entry point (kept out of main.c so tests can call it). */
#ifndef VTB_CMP_COMPARE_H
#define VTB_CMP_COMPARE_H
#include "boot_level.h"
#include "bootstrap.h"
#include "boots.h"
#include "rank.h"
#include "samples.h"
#include "spread.h"
#include "verdict.h"
#include <stdint.h>

struct cmp_options {
	const char *dir_a, *dir_b;
	enum metric metric;
	double alpha;
	double threshold_pct;
	size_t bootstrap;
	uint64_t seed;
	enum boot_method boot_method;
	const char *json_out;
	int fail_on_regression;
	double power;              /* for the minimum detectable effect */
	struct cmp_boot_noise noise; /* between-boot variance from history (df 0 = none) */
};

struct side_stats {
	size_t n;
	double min, median, p90, p99, p99_9, max, mean;
};

struct comparison {
	struct cmp_options opt;
	struct run_info info_a, info_b;
	struct side_stats a, b;
	int identical;
	struct boot_result boot;
	struct mwu_result mwu;
	struct hl_result hl;
	struct bf_result bf;
	double threshold_abs;  /* threshold_pct of |median A|, in metric units */
	enum verdict verdict;
	enum spread_verdict spread;

	/* The boot as the unit (docs/comparison-statistics.md, "Boots"). */
	int deterministic;          /* both sides instruction-exact: no sampling */
	struct boot_side *ba, *bb;  /* NULL when computed from samples alone */
	int boot_ok[3];             /* per statistic below: computed */
	struct cmp_boot_result boot_stat[3]; /* p50, p99, mean */
	char boot_err[256];         /* why boot_ok[0] is 0 */
	double var_between[2], var_within[2]; /* log scale, per side; NaN if k < 2 */
	struct tick_diff ticks;     /* deterministic: boot 1 against boot 1 */
	double mde_pct;             /* of the verdict's statistic; INFINITY if unknown */
	const char *basis;          /* "exact", "boot-level t", "no noise estimate" */
};

#define BOOT_STATS 3
extern const char *const cmp_boot_stat_names[BOOT_STATS];

void cmp_defaults(struct cmp_options *o);
/* Sorts a and b in place. Returns 0, or -1 with a message in err. */
int cmp_compute(const struct cmp_options *o, struct sample_set *a,
		struct sample_set *b, struct comparison *c, char *err, size_t errlen);
/* The boot-level part and the final verdict; ba, bb as loaded by
 * cmp_load_boots. Call after cmp_compute. */
void cmp_compute_boots(struct comparison *c, struct boot_side *ba, struct boot_side *bb);
/* Whole tool: parse argv, load, compute, print, write JSON. Returns the
 * exit status (0 ok, 1 bad input, 2 usage error, 3 slower with
 * --fail-on-regression, 4 inconclusive with --fail-on-regression;
 * docs/conventions.md). */
int cmp_main(int argc, char **argv);

#endif
