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

	fprintf(f, "verdict: %s", cmp_verdict_name(c->verdict));
	if (c->verdict != V_IDENTICAL) {
		fprintf(f, " (shift ");
		snum(f, c->hl.shift);
		fprintf(f, " %s", unit_of(c));
		if (a->median != 0.0)
			fprintf(f, " = %+.3g%% of A's median", 100.0 * c->hl.shift / fabs(a->median));
		fprintf(f, "; needs p < %g and |shift| > %g%% = %.4g %s)", c->opt.alpha,
			c->opt.threshold_pct, c->threshold_abs, unit_of(c));
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
