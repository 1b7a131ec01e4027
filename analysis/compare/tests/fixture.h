/* What the vtb-compare test files share: libvtb's TAP harness and the run
 * directories they build. */
#ifndef VTB_CMP_FIXTURE_H
#define VTB_CMP_FIXTURE_H
#include "vtb/test.h"
#include <math.h>
#include <stddef.h>

extern const char *h_tool; /* path of bin/vtb-compare */
/* Make a fresh directory under /tmp; returns a static-lifetime path. */
const char *h_tmpdir(void);
/* Removes every directory h_tmpdir made. */
void h_tmpdir_cleanup(void);
void h_write(const char *dir, const char *name, const char *text);
/* A run directory with summary.json (mode, n) and samples.csv from v[]. */
void h_run_dir(const char *dir, const char *mode, const long *v, size_t n);

/* One TAP test point each. */
void test_distrib(void);
void test_quantile(void);
void test_rank(void);
void test_bootstrap(void);
void test_bootstrap_exact_law(void);
void test_spread(void);
void test_samples(void);
void test_verdict(void);
void test_cli(void);
void test_cli_boots(void);
void test_boot_level_basics(void);
void test_boot_level_calibration(void);
void test_variance_components(void);

#endif
