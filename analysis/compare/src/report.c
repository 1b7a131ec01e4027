#include "report.h"
#include "vtb/atomic_file.h"
#include "vtb/schema.h"
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *unit_of(const struct comparison *c)
{
	return c->opt.metric == METRIC_NS ? "ns" : "ticks";
}

/* Say what a nanosecond is, every time (DESIGN.md: icount vs wall-clock). */
static const char *unit_note(const struct comparison *c, const struct run_info *i)
{
	if (c->opt.metric == METRIC_TICKS)
		return "counter ticks";
	return strcmp(i->mode, "deterministic") ? "wall-clock ns"
						: "icount ns (1 instruction = 1 ns)";
}

static void num(FILE *f, double v)
{
	if (isnan(v))
		fprintf(f, "n/a");
	else
		fprintf(f, "%.10g", v);
}

static void snum(FILE *f, double v)
{
	if (!isnan(v) && v > 0)
		fputc('+', f);
	num(f, v);
}

static void ci(FILE *f, double conf, double lo, double hi)
{
	fprintf(f, "  %g%% CI [", conf * 100.0);
	num(f, lo);
	fputs(", ", f);
	num(f, hi);
	fputc(']', f);
}

static void row(FILE *f, const char *name, double a, double b)
{
	fprintf(f, "  %-8s %16.10g %16.10g %+16.10g\n", name, a, b, b - a);
}

static void vec(FILE *f, const double *v, size_t k)
{
	for (size_t i = 0; i < k; i++)
		fprintf(f, "%s%.6g", i ? " " : "", v[i]);
}

/* The boots: per-boot figures, variance components, the boot-level test
 * or the exact per-tick difference, and the minimum detectable effect. */
static void cmp_report_boots_text(FILE *f, const struct comparison *c)
{
	if (!c->ba || !c->bb)
		return;
	double conf = 1.0 - c->opt.alpha;
	fprintf(f, "\nboots: A %zu, B %zu (the boot is the unit of replication)\n", c->ba->k, c->bb->k);
	const struct boot_side *sides[2] = { c->ba, c->bb };
	for (int s = 0; s < 2; s++) {
		const struct boot_side *bs = sides[s];
		fprintf(f, "  %c per-boot p50: ", 'A' + s);
		vec(f, bs->p50, bs->k);
		fprintf(f, "; p99: ");
		vec(f, bs->p99, bs->k);
		fputc('\n', f);
		if (bs->k > 1) {
			fprintf(f, "    boots %s", bs->all_identical ? "byte-identical" : "differ");
			if (!isnan(c->var_between[s]))
				fprintf(f, "; variance of log latency: between boots %.3g (SD %.3g), within a boot %.3g"
					" (SD %.3g)", c->var_between[s], sqrt(c->var_between[s]), c->var_within[s],
					sqrt(c->var_within[s]));
			fputc('\n', f);
		}
	}
	if (c->deterministic) {
		if (c->ba->k > 1 || c->bb->k > 1)
			fprintf(f, "  deterministic mode: boots %s\n",
				c->ba->all_identical && c->bb->all_identical
					? "byte-identical on both sides, as icount promises"
					: "NOT identical: icount reproducibility is broken");
		fprintf(f, "  exact per-tick difference (B - A, boot 1, paired by tick index): %zu ticks paired,"
			" %zu differ", c->ticks.paired, c->ticks.differing);
		if (c->ticks.paired)
			fprintf(f, "; mean %+.6g, min %+.6g, max %+.6g %s", c->ticks.mean, c->ticks.min,
				c->ticks.max, unit_of(c));
		fputc('\n', f);
		return;
	}
	for (int s = 0; s < BOOT_STATS; s++) {
		const struct cmp_boot_result *r = &c->boot_stat[s];
		if (!c->boot_ok[s]) {
			if (s == 0)
				fprintf(f, "  boot-level test: not possible: %s\n", c->boot_err);
			continue;
		}
		fprintf(f, "  boot-level %-4s B/A = %.4g  %g%% CI [%.4g, %.4g]  t(%.0f) = %.3g, p = %.3g;"
			" detectable: +-%.3g %%\n", cmp_boot_stat_names[s], r->ratio, conf * 100, r->ratio_lo,
			r->ratio_hi, r->df, r->t, r->p, r->mde_pct);
	}
	if (c->boot_ok[0]) {
		const struct cmp_boot_result *r = &c->boot_stat[0];
		fprintf(f, "  (t on per-boot log statistics, one pooled between-boot variance, %.0f df",
			r->df);
		if (r->noise_from_history)
			fprintf(f, " of which %.0f from history (variance %.3g)", c->opt.noise.df, c->opt.noise.var);
		fprintf(f, ")\n");
	}
	fprintf(f, "minimum detectable effect (median, alpha %g, power %g): ", c->opt.alpha, c->opt.power);
	if (isinf(c->mde_pct))
		fprintf(f, "unknown (no between-boot noise estimate)\n");
	else
		fprintf(f, "+-%.3g %%\n", c->mde_pct);
}

void cmp_report_text(FILE *f, const struct comparison *c)
{
	const struct side_stats *a = &c->a, *b = &c->b;
	double conf = 1.0 - c->opt.alpha;
	fprintf(f, "vtb-compare: B against A, metric %s (%s)\n", cmp_metric_name(c->opt.metric),
		unit_note(c, &c->info_a));
	fprintf(f, "  A: %s (%s, %s)\n", c->info_a.dir, c->info_a.mode, c->info_a.source);
	fprintf(f, "  B: %s (%s, %s)\n", c->info_b.dir, c->info_b.mode, c->info_b.source);
	if (strcmp(c->info_a.mode, c->info_b.mode))
		fprintf(f, "  WARNING: platform modes differ; the figures are not comparable\n");
	if (!isnan(c->info_a.cntfrq_hz) && c->opt.metric == METRIC_TICKS)
		fprintf(f, "  counter frequency (A): %.10g Hz\n", c->info_a.cntfrq_hz);
	fprintf(f, "\n  %-8s %16s %16s %16s\n", "", "A", "B", "B-A");
	fprintf(f, "  %-8s %16zu %16zu\n", "n", a->n, b->n);
	row(f, "min", a->min, b->min);
	row(f, "median", a->median, b->median);
	row(f, "p90", a->p90, b->p90);
	row(f, "p99", a->p99, b->p99);
	row(f, "p99.9", a->p99_9, b->p99_9);
	row(f, "max", a->max, b->max);
	row(f, "mean", a->mean, b->mean);
	fputc('\n', f);

	fprintf(f, "difference of medians (B-A): ");
	snum(f, c->boot.median_diff.point);
	if (c->boot.reps)
		ci(f, conf, c->boot.median_diff.lo, c->boot.median_diff.hi);
	fprintf(f, "\ndifference of p99 (B-A):     ");
	snum(f, c->boot.p99_diff.point);
	if (c->boot.reps) {
		ci(f, conf, c->boot.p99_diff.lo, c->boot.p99_diff.hi);
		fprintf(f, "\n  (percentile bootstrap, %zu replicates, %s method, seed %llu)\n",
			c->boot.reps, cmp_boot_method_name(c->boot.method),
			(unsigned long long)c->boot.seed);
	} else {
		fprintf(f, "\n  (no bootstrap: --bootstrap 0)\n");
	}

	fprintf(f, "within-boot sample tests (samples of one boot are not independent replicates;\n"
		   "  the verdict rests on %s):\n", c->deterministic ? "the exact difference" : "the boots");
	fprintf(f, "Mann-Whitney U: U_B = %.15g, U_A = %.15g, ", c->mwu.u_b, c->mwu.u_a);
	if (c->mwu.exact)
		fprintf(f, "p = %.4g (exact, two-sided)\n", c->mwu.p);
	else if (isnan(c->mwu.z))
		fprintf(f, "p = %.4g (all values equal)\n", c->mwu.p);
	else
		fprintf(f, "z = %.4f, p = %.4g (normal approximation%s, continuity-corrected, two-sided)\n",
			c->mwu.z, c->mwu.p, c->mwu.ties ? ", tie-corrected" : "");
	if (c->mwu.p == 0.0)
		fprintf(f, "  (p = 0 means below the smallest double, < 1e-300)\n");
	fprintf(f, "  P(B > A) + P(B = A)/2 = %.4f\n", c->mwu.prob_sup);
	fprintf(f, "Hodges-Lehmann shift (B-A): ");
	snum(f, c->hl.shift);
	ci(f, c->hl.conf, c->hl.lo, c->hl.hi);
	fprintf(f, " (%s ranks %llu and %llu)\n", c->hl.exact ? "exact" : "normal-approximation",
		(unsigned long long)c->hl.k_lo, (unsigned long long)c->hl.k_hi);
	if (c->bf.valid) {
		fprintf(f, "Brown-Forsythe spread test: F(1, %.0f) = %.4g, p = %.4g; mean |x - median|: A ",
			c->bf.df2, c->bf.f, c->bf.p);
		num(f, c->bf.mad_a);
		fputs(", B ", f);
		num(f, c->bf.mad_b);
		fputs(" (B/A ", f);
		num(f, c->bf.ratio);
		fputs(")\n", f);
	} else {
		fprintf(f, "Brown-Forsythe spread test: not testable (fewer than 3 samples)\n");
	}
	fputc('\n', f);

	cmp_report_boots_text(f, c);
	fprintf(f, "\nverdict: %s", cmp_verdict_name(c->verdict));
	double rel = a->median ? 100.0 * (b->median - a->median) / fabs(a->median) : NAN;
	if (c->verdict == V_IDENTICAL) {
		/* nothing to add: every sample equal */
	} else if (c->deterministic) {
		fprintf(f, " (exact: median %+.10g %s = %+.3g%% of A's, threshold %g%%; instruction-exact runs,"
			" no sampling, no p-value)", b->median - a->median, unit_of(c), rel, c->opt.threshold_pct);
	} else if (c->verdict == V_INCONCLUSIVE) {
		if (isinf(c->mde_pct))
			fprintf(f, " (%zu vs %zu boots and no calibrated noise: the boot is the unit; run --boots 5"
				" or ./run-bench.sh calibrate)", c->ba ? c->ba->k : 0, c->bb ? c->bb->k : 0);
		else
			fprintf(f, " (could detect only changes beyond +-%.3g %%)", c->mde_pct);
	} else if (c->boot_ok[0]) {
		const struct cmp_boot_result *r = &c->boot_stat[0];
		fprintf(f, " (boot level: median B/A = %.4g, %g%% CI [%.4g, %.4g], p = %.3g, %zu vs %zu boots;"
			" threshold %g%%)", r->ratio, conf * 100, r->ratio_lo, r->ratio_hi, r->p, r->ka, r->kb,
			c->opt.threshold_pct);
	}
	fprintf(f, "\nspread: %s\n", cmp_spread_verdict_name(c->spread));
}

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *side_json(const struct run_info *i, const struct side_stats *s)
{
	return json_pack("{s:s, s:s, s:s, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
			 "dir", i->dir, "platform_mode", i->mode, "source", i->source,
			 "n", (json_int_t)s->n, "min", jnum(s->min), "median", jnum(s->median),
			 "p90", jnum(s->p90), "p99", jnum(s->p99), "p99_9", jnum(s->p99_9),
			 "max", jnum(s->max), "mean", jnum(s->mean), "ns_per_tick",
			 jnum(i->ns_per_tick));
}

static json_t *ci_json(const struct comparison *c, const struct boot_ci *b)
{
	int have = c->boot.reps > 0;
	return json_pack("{s:o, s:o, s:o}", "estimate", jnum(b->point),
			 "ci_lo", have ? jnum(b->lo) : json_null(),
			 "ci_hi", have ? jnum(b->hi) : json_null());
}

char *cmp_report_json_dump(const struct comparison *c)
{
	json_t *root = json_pack(
		"{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:b, s:b,"
		" s:o, s:o, s:{s:I, s:I, s:s, s:o},"
		" s:{s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:o},"
		" s:{s:o, s:o, s:o, s:o, s:I, s:I, s:b},"
		" s:{s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o},"
		" s:s, s:s}",
		"schema", VTB_SCHEMA_COMPARE,
		"metric", cmp_metric_name(c->opt.metric),
		"unit", unit_of(c),
		"alpha", jnum(c->opt.alpha),
		"threshold_pct", jnum(c->opt.threshold_pct),
		"threshold_abs", jnum(c->threshold_abs),
		"a", side_json(&c->info_a, &c->a),
		"b", side_json(&c->info_b, &c->b),
		"identical", c->identical,
		"modes_match", strcmp(c->info_a.mode, c->info_b.mode) == 0,
		"median_diff", ci_json(c, &c->boot.median_diff),
		"p99_diff", ci_json(c, &c->boot.p99_diff),
		"bootstrap",
		"replicates", (json_int_t)c->boot.reps,
		"seed", (json_int_t)c->boot.seed,
		"method", cmp_boot_method_name(c->boot.method),
		"confidence", jnum(1.0 - c->opt.alpha),
		"mann_whitney",
		"u_b", jnum(c->mwu.u_b), "u_a", jnum(c->mwu.u_a), "z", jnum(c->mwu.z),
		"p", jnum(c->mwu.p), "sigma", jnum(c->mwu.sigma),
		"exact", c->mwu.exact, "ties", c->mwu.ties,
		"prob_superiority", jnum(c->mwu.prob_sup),
		"hodges_lehmann",
		"shift", jnum(c->hl.shift), "ci_lo", jnum(c->hl.lo), "ci_hi", jnum(c->hl.hi),
		"confidence", jnum(c->hl.conf), "k_lo", (json_int_t)c->hl.k_lo,
		"k_hi", (json_int_t)c->hl.k_hi, "exact_ranks", c->hl.exact,
		"spread_test",
		"name", "brown-forsythe", "valid", c->bf.valid, "f", jnum(c->bf.f),
		"df1", jnum(c->bf.df1), "df2", jnum(c->bf.df2), "p", jnum(c->bf.p),
		"mad_a", jnum(c->bf.mad_a), "mad_b", jnum(c->bf.mad_b), "ratio", jnum(c->bf.ratio),
		"verdict", cmp_verdict_name(c->verdict),
		"spread_verdict", cmp_spread_verdict_name(c->spread));
	if (!root)
		return NULL;
	json_object_set_new(root, "deterministic", json_boolean(c->deterministic));
	json_object_set_new(root, "basis", json_string(c->basis ? c->basis : "samples"));
	json_object_set_new(root, "power", jnum(c->opt.power));
	json_object_set_new(root, "mde_pct", jnum(c->mde_pct));
	if (c->ba && c->bb) {
		json_t *boots = json_object();
		const struct boot_side *sides[2] = { c->ba, c->bb };
		for (int sd = 0; sd < 2; sd++) {
			json_t *p50 = json_array(), *p99 = json_array(), *mean = json_array();
			for (size_t i = 0; i < sides[sd]->k; i++) {
				json_array_append_new(p50, jnum(sides[sd]->p50[i]));
				json_array_append_new(p99, jnum(sides[sd]->p99[i]));
				json_array_append_new(mean, jnum(sides[sd]->mean[i]));
			}
			json_object_set_new(boots, sd ? "b" : "a",
					    json_pack("{s:I, s:b, s:o, s:o, s:o, s:o, s:o}", "k",
						      (json_int_t)sides[sd]->k, "identical", sides[sd]->all_identical,
						      "p50", p50, "p99", p99, "mean", mean, "var_between_log",
						      jnum(c->var_between[sd]), "var_within_log", jnum(c->var_within[sd])));
		}
		json_t *bl = json_object();
		for (int st = 0; st < BOOT_STATS; st++) {
			const struct cmp_boot_result *r = &c->boot_stat[st];
			json_object_set_new(bl, cmp_boot_stat_names[st],
					    !c->boot_ok[st] ? json_null()
					    : json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}",
							"ratio", jnum(r->ratio), "ci_lo", jnum(r->ratio_lo), "ci_hi",
							jnum(r->ratio_hi), "t", jnum(r->t), "df", jnum(r->df), "p",
							jnum(r->p), "se_log", jnum(r->se), "mde_pct", jnum(r->mde_pct),
							"sd_log_a", jnum(r->sd_a), "noise_from_history",
							r->noise_from_history));
		}
		json_object_set_new(boots, "test", bl);
		json_object_set_new(boots, "noise_history",
				    c->opt.noise.df > 0 ? json_pack("{s:o, s:o}", "var", jnum(c->opt.noise.var), "df",
								    jnum(c->opt.noise.df))
							: json_null());
		json_object_set_new(root, "boots", boots);
		json_object_set_new(root, "exact_ticks",
				    c->deterministic ? json_pack("{s:I, s:I, s:o, s:o, s:o}", "paired",
								 (json_int_t)c->ticks.paired, "differing",
								 (json_int_t)c->ticks.differing, "mean",
								 jnum(c->ticks.mean), "min", jnum(c->ticks.min), "max",
								 jnum(c->ticks.max))
						     : json_null());
	}
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
	json_decref(root);
	return s;
}

int cmp_report_json_write(const char *path, const struct comparison *c, char *err, size_t errlen)
{
	char *text = cmp_report_json_dump(c);
	if (!text) {
		snprintf(err, errlen, "%s: cannot build JSON", path);
		return -1;
	}
	struct vtb_atomic out;
	int rc = vtb_atomic_open_path(&out, path);
	if (rc == 0) {
		fputs(text, out.f);
		fputc('\n', out.f);
		rc = vtb_atomic_commit(&out);
	}
	if (rc)
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
	free(text);
	return rc;
}
