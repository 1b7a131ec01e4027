/* Minimal test harness: every CHECK counts as one test; the runner's last
 * line is 'N passed, N failed'. */
#ifndef VTB_CMP_HARNESS_H
#define VTB_CMP_HARNESS_H
#include <math.h>
#include <stddef.h>

void h_check(int ok, const char *what, const char *file, int line);
void h_near(double got, double want, double tol, const char *what,
	    const char *file, int line);

#define CHECK(c) h_check(!!(c), #c, __FILE__, __LINE__)
#define CHECK_NEAR(got, want, tol) h_near((got), (want), (tol), #got, __FILE__, __LINE__)

/* Helpers shared by the test files. */
extern const char *h_tool; /* path of bin/vtb-compare */
/* Make a fresh directory under /tmp; returns a static-lifetime path. */
const char *h_tmpdir(void);
void h_write(const char *dir, const char *name, const char *text);
/* A run directory with summary.json (mode, n) and samples.csv from v[]. */
void h_run_dir(const char *dir, const char *mode, const long *v, size_t n);

void test_distrib(void);
void test_quantile(void);
void test_rank(void);
void test_bootstrap(void);
void test_spread(void);
void test_samples(void);
void test_verdict(void);
void test_cli(void);

#endif
