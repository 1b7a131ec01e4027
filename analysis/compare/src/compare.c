#include "compare.h"
#include "quantile.h"
#include "report.h"
#include "vtb/err.h"
#include "vtb/parse.h"
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cmp_defaults(struct cmp_options *o)
{
	memset(o, 0, sizeof *o);
	o->metric = METRIC_TICKS;
	o->alpha = 0.05;
	o->threshold_pct = 1.0;
	o->bootstrap = 2000;
	o->seed = 1;
	o->boot_method = BOOT_ORDER_STAT;
	o->power = 0.8;
}

const char *const cmp_boot_stat_names[BOOT_STATS] = { "p50", "p99", "mean" };

/* Between- and within-boot variance of the log samples of one side. */
static void log_components(const struct boot_side *s, double *between, double *within)
{
	*between = *within = NAN;
	if (s->k < 2)
		return;
	double *logs[BOOTS_MAX] = { 0 };
	const double *g[BOOTS_MAX];
	size_t n[BOOTS_MAX];
	int ok = 1;
	for (size_t i = 0; i < s->k && ok; i++) {
		n[i] = s->s[i].n;
		logs[i] = malloc((n[i] ? n[i] : 1) * sizeof(double));
		ok = logs[i] != NULL;
		for (size_t j = 0; ok && j < n[i]; j++) {
			ok = s->s[i].v[j] > 0;
			logs[i][j] = ok ? log(s->s[i].v[j]) : 0;
		}
		g[i] = logs[i];
	}
	if (ok && cmp_variance_components(g, n, s->k, between, within))
		*between = *within = NAN;
	for (size_t i = 0; i < s->k; i++)
		free(logs[i]);
}

void cmp_compute_boots(struct comparison *c, struct boot_side *ba, struct boot_side *bb)
{
	const struct cmp_options *o = &c->opt;
	const struct cmp_boot_noise *hist = o->noise.df > 0 ? &o->noise : NULL;
	c->ba = ba;
	c->bb = bb;
	c->deterministic = !strcmp(c->info_a.mode, "deterministic") && !strcmp(c->info_b.mode, "deterministic");
	for (int s = 0; s < BOOT_STATS; s++) {
		const double *xa = s == 0 ? ba->p50 : s == 1 ? ba->p99 : ba->mean;
		const double *xb = s == 0 ? bb->p50 : s == 1 ? bb->p99 : bb->mean;
		char err[256];
		c->boot_ok[s] = cmp_boot_compare(xa, ba->k, xb, bb->k, o->alpha, o->power, hist,
						 &c->boot_stat[s], err, sizeof err) == 0;
		if (s == 0 && !c->boot_ok[s])
			snprintf(c->boot_err, sizeof c->boot_err, "%s", err);
	}
	log_components(ba, &c->var_between[0], &c->var_within[0]);
	log_components(bb, &c->var_between[1], &c->var_within[1]);
	if (c->deterministic) {
		cmp_tick_diff(&ba->s[0], &bb->s[0], &c->ticks);
		/* Byte-identical boots on both sides (icount's promise): the runs
		 * are identical when their first boots are, whatever K each has. */
		if (ba->all_identical && bb->all_identical && ba->s[0].n == bb->s[0].n && !c->ticks.differing)
			c->identical = 1;
	}

	double thr = o->threshold_pct;
	if (c->identical) {
		c->verdict = V_IDENTICAL;
		c->spread = S_IDENTICAL;
		c->basis = "exact";
		c->mde_pct = 0;
	} else if (c->deterministic) {
		/* No sampling: the difference is the difference. */
		double rel = c->a.median ? 100.0 * (c->b.median - c->a.median) / fabs(c->a.median) : 0;
		c->basis = "exact";
		c->mde_pct = 0;
		c->verdict = rel > thr ? V_SLOWER : rel < -thr ? V_FASTER : V_WITHIN;
		double m = c->bf.mad_a * thr / 100.0;
		c->spread = c->bf.mad_b > c->bf.mad_a + m ? S_WIDER
			    : c->bf.mad_b < c->bf.mad_a - m ? S_NARROWER : S_NO_CHANGE;
	} else if (!c->boot_ok[0]) {
		c->verdict = V_INCONCLUSIVE;
		c->basis = "no noise estimate";
		c->mde_pct = INFINITY;
	} else {
		const struct cmp_boot_result *r = &c->boot_stat[0];
		double change = 100.0 * (r->ratio - 1.0);
		c->basis = "boot-level t";
		c->mde_pct = r->mde_pct;
		if (r->p < o->alpha && change > thr)
			c->verdict = V_SLOWER;
		else if (r->p < o->alpha && change < -thr)
			c->verdict = V_FASTER;
		else if (!(r->mde_pct <= thr))
			c->verdict = V_INCONCLUSIVE;
		else
			c->verdict = V_NO_CHANGE;
	}
}

static void side_stats(const double *v, size_t n, struct side_stats *s)
{
	long double sum = 0.0L;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->n = n;
	s->min = v[0];
	s->max = v[n - 1];
	s->median = cmp_median_sorted(v, n);
	s->p90 = cmp_quantile_sorted(v, n, 9, 10);
	s->p99 = cmp_quantile_sorted(v, n, 99, 100);
	s->p99_9 = cmp_quantile_sorted(v, n, 999, 1000);
	s->mean = (double)(sum / n);
}

int cmp_compute(const struct cmp_options *o, struct sample_set *a,
		struct sample_set *b, struct comparison *c, char *err, size_t errlen)
{
	c->opt = *o;
	if (a->n == 0 || b->n == 0) {
		snprintf(err, errlen, "empty sample");
		return -1;
	}
	cmp_sort_doubles(a->v, a->n);
	cmp_sort_doubles(b->v, b->n);
	side_stats(a->v, a->n, &c->a);
	side_stats(b->v, b->n, &c->b);
	c->identical = cmp_multisets_equal(a->v, a->n, b->v, b->n);
	if (cmp_bootstrap_diffs(a->v, a->n, b->v, b->n, o->bootstrap, o->seed, o->alpha,
			    o->boot_method, &c->boot) ||
	    cmp_mwu_test(a->v, a->n, b->v, b->n, &c->mwu) ||
	    cmp_hl_estimate(a->v, a->n, b->v, b->n, o->alpha, &c->mwu, &c->hl)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	cmp_brown_forsythe(a->v, a->n, b->v, b->n, &c->bf);
	c->threshold_abs = fabs(c->a.median) * o->threshold_pct / 100.0;
	c->verdict = cmp_verdict_decide(c->identical, c->mwu.p, o->alpha, c->hl.shift,
				    c->a.median, o->threshold_pct);
	c->spread = cmp_spread_decide(c->identical, c->bf.valid, c->bf.p, o->alpha,
				  c->bf.mad_a, c->bf.mad_b);
	return 0;
}

static void usage(FILE *f)
{
	fputs("usage: vtb-compare A_DIR B_DIR [options]\n"
	      "Compare the latency samples of two vtimer-bench runs (B against A).\n"
	      "  --metric latency_ticks|latency_ns  column to compare (default latency_ticks)\n"
	      "  --alpha A            significance level, 0 < A < 1 (default 0.05)\n"
	      "  --threshold-pct P    practical threshold: |shift| must exceed P% of A's median (default 1)\n"
	      "  --bootstrap N        bootstrap replicates, 0 = no bootstrap (default 2000)\n"
	      "  --bootstrap-method order-statistic|resample  (default order-statistic)\n"
	      "  --seed S             PRNG seed for the bootstrap (default 1)\n"
	      "  --json OUT           also write the result as JSON to OUT (atomically)\n"
	      "  --power P            power for the minimum detectable effect (default 0.8)\n"
	      "  --noise VAR:DF       between-boot variance of the log median from earlier runs\n"
	      "                       (vtb-history noise) and its degrees of freedom\n"
	      "  --fail-on-regression exit 3 when the verdict is \"slower\", 4 when \"inconclusive\"\n"
	      "  --help               this text\n"
	      "A_DIR and B_DIR are variant folders: one boot, or boot-1..boot-K sub-folders (the boot\n"
	      "is then the unit). Verdict: identical | faster | slower | changed within the threshold\n"
	      "(deterministic: exact) | no significant change | inconclusive. Exit: 0 ok, 1 bad input,\n"
	      "2 usage error, 3 slower / 4 inconclusive with --fail-on-regression.\n"
	      "See docs/comparison-statistics.md.\n", f);
}

int cmp_main(int argc, char **argv)
{
	enum { O_METRIC = 256, O_ALPHA, O_THRESH, O_BOOT, O_BOOTM, O_SEED, O_JSON, O_FAIL, O_HELP, O_POWER,
	       O_NOISE };
	static const struct option longopts[] = {
		{ "metric", required_argument, NULL, O_METRIC },
		{ "alpha", required_argument, NULL, O_ALPHA },
		{ "threshold-pct", required_argument, NULL, O_THRESH },
		{ "bootstrap", required_argument, NULL, O_BOOT },
		{ "bootstrap-method", required_argument, NULL, O_BOOTM },
		{ "seed", required_argument, NULL, O_SEED },
		{ "json", required_argument, NULL, O_JSON },
		{ "fail-on-regression", no_argument, NULL, O_FAIL },
		{ "help", no_argument, NULL, O_HELP },
		{ "power", required_argument, NULL, O_POWER },
		{ "noise", required_argument, NULL, O_NOISE },
		{ NULL, 0, NULL, 0 },
	};
	struct cmp_options o;
	vtb_set_prog("vtb-compare");
	cmp_defaults(&o);
	optind = 0; /* full getopt reset: tests call this more than once */
	opterr = 0;
	int ch, li = 0;
	uint64_t u;
	while ((ch = getopt_long(argc, argv, "h", longopts, &li)) != -1) {
		switch (ch) {
		case O_METRIC:
			if (!strcmp(optarg, "latency_ticks"))
				o.metric = METRIC_TICKS;
			else if (!strcmp(optarg, "latency_ns"))
				o.metric = METRIC_NS;
			else
				goto bad_value;
			break;
		case O_ALPHA:
			if (vtb_parse_double(optarg, &o.alpha) || !(o.alpha > 0.0 && o.alpha < 1.0))
				goto bad_value;
			break;
		case O_THRESH:
			if (vtb_parse_double(optarg, &o.threshold_pct) || o.threshold_pct < 0.0)
				goto bad_value;
			break;
		case O_BOOT:
			if (vtb_parse_u64_base(optarg, 0, &u) || u > 10000000)
				goto bad_value;
			o.bootstrap = (size_t)u;
			break;
		case O_BOOTM:
			if (!strcmp(optarg, "order-statistic"))
				o.boot_method = BOOT_ORDER_STAT;
			else if (!strcmp(optarg, "resample"))
				o.boot_method = BOOT_RESAMPLE;
			else
				goto bad_value;
			break;
		case O_SEED:
			if (vtb_parse_u64_base(optarg, 0, &o.seed))
				goto bad_value;
			break;
		case O_JSON:
			o.json_out = optarg;
			break;
		case O_FAIL:
			o.fail_on_regression = 1;
			break;
		case O_POWER:
			if (vtb_parse_double(optarg, &o.power) || !(o.power > 0.0 && o.power < 1.0))
				goto bad_value;
			break;
		case O_NOISE: {
			char *colon = strchr(optarg, ':');
			if (!colon)
				goto bad_value;
			*colon = 0;
			int bad = vtb_parse_double(optarg, &o.noise.var) || vtb_parse_double(colon + 1, &o.noise.df) ||
				  !(o.noise.var >= 0) || !(o.noise.df >= 0) || isinf(o.noise.var) || isinf(o.noise.df);
			*colon = ':';
			if (bad)
				goto bad_value;
			break;
		}
		case 'h':
		case O_HELP:
			usage(stdout);
			return 0;
		default:
			return vtb_usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
		}
		continue;
bad_value:
		return vtb_usage_error("bad value '%s' for --%s", optarg, longopts[li].name);
	}
	if (argc - optind != 2) {
		return vtb_usage_error("need exactly two run directories A_DIR B_DIR");
	}
	o.dir_a = argv[optind];
	o.dir_b = argv[optind + 1];

	char err[1600];
	struct sample_set a = { 0 }, b = { 0 };
	struct comparison *c = calloc(1, sizeof *c);
	struct boot_side *ba = calloc(1, sizeof *ba), *bb = calloc(1, sizeof *bb);
	int rc = 1;
	if (!c || !ba || !bb) {
		free(c);
		free(ba);
		free(bb);
		vtb_err("out of memory");
		return 1;
	}
	if (cmp_load_run(o.dir_a, o.metric, &a, &c->info_a, err, sizeof err) ||
	    cmp_load_run(o.dir_b, o.metric, &b, &c->info_b, err, sizeof err) ||
	    cmp_compute(&o, &a, &b, c, err, sizeof err) ||
	    cmp_load_boots(o.dir_a, o.metric, ba, err, sizeof err) ||
	    cmp_load_boots(o.dir_b, o.metric, bb, err, sizeof err)) {
		vtb_err("%s", err);
		goto out;
	}
	cmp_compute_boots(c, ba, bb);
	if (o.json_out && cmp_report_json_write(o.json_out, c, err, sizeof err)) {
		vtb_err("%s", err);
		goto out;
	}
	cmp_report_text(stdout, c);
	fflush(stdout);
	rc = !o.fail_on_regression ? VTB_EXIT_OK
	     : c->verdict == V_SLOWER ? VTB_EXIT_REGRESSION
	     : c->verdict == V_INCONCLUSIVE ? VTB_EXIT_INCONCLUSIVE : VTB_EXIT_OK;
out:
	cmp_sample_set_free(&a);
	cmp_sample_set_free(&b);
	cmp_boot_side_free(ba);
	cmp_boot_side_free(bb);
	free(ba);
	free(bb);
	free(c);
	return rc;
}
