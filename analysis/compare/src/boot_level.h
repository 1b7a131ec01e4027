/* Comparison when the boot, not the sample, is the unit of replication.
 *
 * On a noisy platform the samples of one boot share that boot's state
 * (cache and TLB placement, memory layout, frequency, what else ran), so
 * 2000 samples of one boot are not 2000 independent observations: a test
 * on samples calls every between-boot difference significant. Here each
 * boot contributes ONE number, a per-boot statistic (its median latency,
 * p99, mean, exits per tick), and variants are compared on those.
 *
 * The statistic is compared on the log scale: boot-to-boot noise on these
 * platforms is multiplicative (a slow boot is slow in proportion), and a
 * difference of logs is a ratio, which is what a threshold in percent
 * means. The test is a two-sample t on the per-boot log statistics with
 * one pooled between-boot variance; when earlier good runs of the same
 * configuration have measured that spread (history), their degrees of
 * freedom join the pool. The minimum detectable effect is the change
 * the test would find with the given power at the given alpha:
 *   mde = shift of the noncentral t with that power, times se (log scale). */
#ifndef VTB_CMP_BOOT_LEVEL_H
#define VTB_CMP_BOOT_LEVEL_H
#include <stddef.h>

/* Between-boot variance of the log statistic measured before, and the
 * degrees of freedom behind it (0 = none). */
struct cmp_boot_noise {
	double var;
	double df;
};

struct cmp_boot_result {
	size_t ka, kb;
	double mean_a, mean_b;  /* mean log statistic */
	double sd_a, sd_b;      /* between-boot SD of the log statistic (NaN if k < 2) */
	double ratio;           /* exp(mean_b - mean_a): B / A */
	double ratio_lo, ratio_hi; /* 1 - alpha confidence interval of the ratio */
	double se, df, t, p;    /* two-sided p */
	double mde_pct;         /* smallest change (percent) detectable */
	int noise_from_history; /* the variance included the history's */
};

/* a[ka], b[kb]: per-boot statistics, all > 0. alpha in (0,1), power in
 * (0,1). hist may be NULL. Returns 0, or -1 with a reason in err (too few
 * boots to estimate the noise and no history, or a statistic <= 0). */
int cmp_boot_compare(const double *a, size_t ka, const double *b, size_t kb,
		     double alpha, double power, const struct cmp_boot_noise *hist,
		     struct cmp_boot_result *r, char *err, size_t errlen);

/* One-way random-effects variance components of k groups (boots) of
 * samples: between = variance of the boot means beyond what the within-boot
 * noise explains (method of moments, clipped at 0), within = pooled
 * within-boot variance. 0, or -1 if there are fewer than 2 groups or no
 * within-group degrees of freedom. */
int cmp_variance_components(const double *const *groups, const size_t *n, size_t k,
			    double *between, double *within);

/* Shift, in units of the standard error, that a two-sided t test with
 * critical value t_crit and df degrees of freedom detects with the given
 * power. */
double cmp_mde_t_units(double t_crit, double power, double df);

/* P(T > t) for Student's t with df degrees of freedom (df > 0). */
double cmp_t_sf(double t, double df);
/* t such that P(T <= t) = p. */
double cmp_t_quantile(double p, double df);

#endif
