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
	      "  --fail-on-regression exit 3 when the verdict is \"slower\"\n"
	      "  --help               this text\n"
	      "Verdict: identical | faster | slower | no significant change. Exit: 0 ok, 1 bad input,\n"
	      "2 usage error, 3 slower with --fail-on-regression. See docs/comparison-statistics.md.\n", f);
}

int cmp_main(int argc, char **argv)
{
	enum { O_METRIC = 256, O_ALPHA, O_THRESH, O_BOOT, O_BOOTM, O_SEED, O_JSON, O_FAIL, O_HELP };
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
	int rc = 1;
	if (!c) {
		vtb_err("out of memory");
		return 1;
	}
	if (cmp_load_run(o.dir_a, o.metric, &a, &c->info_a, err, sizeof err) ||
	    cmp_load_run(o.dir_b, o.metric, &b, &c->info_b, err, sizeof err) ||
	    cmp_compute(&o, &a, &b, c, err, sizeof err)) {
		vtb_err("%s", err);
		goto out;
	}
	if (o.json_out && cmp_report_json_write(o.json_out, c, err, sizeof err)) {
		vtb_err("%s", err);
		goto out;
	}
	cmp_report_text(stdout, c);
	fflush(stdout);
	rc = (o.fail_on_regression && c->verdict == V_SLOWER) ? VTB_EXIT_REGRESSION : VTB_EXIT_OK;
out:
	cmp_sample_set_free(&a);
	cmp_sample_set_free(&b);
	free(c);
	return rc;
}
