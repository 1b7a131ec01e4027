/* One comparison of runs A and B: options, every computed figure, and the
 * command-line entry point (kept out of main.c so tests can call it). */
#ifndef VTB_CMP_COMPARE_H
#define VTB_CMP_COMPARE_H
#include "bootstrap.h"
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
};

void cmp_defaults(struct cmp_options *o);
/* Sorts a and b in place. Returns 0, or -1 with a message in err. */
int cmp_compute(const struct cmp_options *o, struct sample_set *a,
		struct sample_set *b, struct comparison *c, char *err, size_t errlen);
/* Whole tool: parse argv, load, compute, print, write JSON. Returns the
 * exit status (0 ok, 1 bad input, 2 usage error, 3 slower with
 * --fail-on-regression; docs/conventions.md). */
int cmp_main(int argc, char **argv);

#endif
