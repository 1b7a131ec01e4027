/* vtb-report: writes RUN_DIR/report.md and RUN_DIR/report.html from what a
 * run left behind: per-variant summary.json (and trace-summary.json when the
 * run was traced), compare.json, plots/ and manifest.txt, variants in the
 * order of the run's model (raw/run.json, analysis/run).  It computes
 * nothing new: every figure is copied from those files. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "vtb/atomic_file.h"
#include "json_path.h"
#include "doc_model.h"
#include "trace_view.h"
#include "profile_view.h"

#include "run_model.h" /* analysis/run: the variants in run order */

/* A table has DOC_MAX_COLS columns, the first naming the row: runs with more
 * variants show the first ones in run order and say so. */
#define MAX_SHOWN (DOC_MAX_COLS - 1)

static const char *prog = "vtb-report";

struct variant {
	const char *name; /* borrowed from the run model */
	json_t *summary;
	json_t *trace;  /* trace-summary.json or NULL */
	json_t *traced; /* traced/summary.json: the guest's view of the traced run */
	struct trace_view tv;
	int has_tv;
};

static json_t *load_json(const char *dir, const char *name, int required)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	if (!j && required)
		fprintf(stderr, "%s: %s: %s\n", prog, path, e.text);
	return j;
}

/* Loads the run's variants in the order its model gives (raw/run.json, or
 * raw/variants for older runs); a variant without a summary is an error. */
static int load_variants(const char *run, const struct run_model *m, struct variant *v, int n)
{
	for (int i = 0; i < n; i++) {
		char sub[4096];
		v[i].name = run_model_variant_name(m, (size_t)i);
		snprintf(sub, sizeof(sub), "%s/%s", run, v[i].name);
		v[i].summary = load_json(sub, "summary.json", 1);
		if (!v[i].summary)
			return -1;
		v[i].trace = load_json(sub, "trace-summary.json", 0);
		v[i].traced = load_json(sub, "traced/summary.json", 0);
		v[i].has_tv = v[i].trace && trace_view_init(&v[i].tv, v[i].trace) == 0;
	}
	return 0;
}

/* Formats a JSON number or string for a table cell; "-" when absent. */
static void cell(char *out, size_t len, json_t *j)
{
	if (json_is_integer(j))
		snprintf(out, len, "%lld", (long long)json_integer_value(j));
	else if (json_is_real(j))
		snprintf(out, len, "%.4g", json_real_value(j));
	else if (json_is_string(j))
		snprintf(out, len, "%s", json_string_value(j));
	else if (json_is_true(j) || json_is_false(j))
		snprintf(out, len, "%s", json_is_true(j) ? "yes" : "no");
	else
		snprintf(out, len, "-");
}

static void metric_rows(struct rep_doc *d, struct variant *v, int n, const char *group, const char *unit,
			int with_n)
{
	static const char *stats[] = {"n", "min", "p50", "p90", "p99", "p99_9", "max", "mean", "stddev"};
	for (size_t s = with_n ? 0 : 1; s < sizeof(stats) / sizeof(stats[0]); s++) {
		char label[96], buf[MAX_SHOWN][48], path[96];
		const char *row[MAX_SHOWN + 1];
		snprintf(label, sizeof(label), "latency %s (%s)", stats[s], unit);
		if (strcmp(stats[s], "n") == 0)
			snprintf(label, sizeof(label), "samples n");
		row[0] = label;
		snprintf(path, sizeof(path), "%s.%s", group, stats[s]);
		for (int i = 0; i < n; i++) {
			cell(buf[i], sizeof(buf[i]), rep_json_path_get(v[i].summary, path));
			row[i + 1] = buf[i];
		}
		rep_doc_row(d, row);
	}
}

/* One sentence per boot's per-tick series from its stationarity block
 * (vtb-analyze, docs/summary-format.md "Stationarity"): a warning when a
 * change point was found, so a warm-up never enters the figures unseen. */
static void stationarity_line(struct rep_doc *d, const char *name, const char *boot, json_t *summary)
{
	json_t *st = json_object_get(summary, "stationarity");
	if (!json_is_object(st))
		return;
	if (!json_is_true(json_object_get(st, "tested"))) {
		rep_doc_para(d, "%s, %s boot: not tested for stationarity (%s).", name, boot,
			     json_string_value(json_object_get(st, "why")) ? json_string_value(json_object_get(st, "why"))
									    : "no per-tick series");
		return;
	}
	char p[32], at[32], mb[32], ma[32], p50[32], p99[32], n[32];
	cell(p, sizeof(p), json_object_get(st, "p"));
	json_t *cp = json_object_get(st, "change_point");
	if (!json_is_object(cp)) {
		json_t *sp = json_object_get(st, "split");
		cell(n, sizeof(n), json_object_get(st, "n"));
		cell(at, sizeof(at), json_object_get(sp, "at_tick"));
		cell(mb, sizeof(mb), json_object_get(sp, "median_before_ticks"));
		cell(ma, sizeof(ma), json_object_get(sp, "median_after_ticks"));
		rep_doc_para(d, "%s, %s boot: no change point in its %s ticks (strongest split at tick %s: "
			     "median %s -> %s, Pettitt p = %s).", name, boot, n, at, mb, ma, p);
		return;
	}
	cell(at, sizeof(at), json_object_get(cp, "at_tick"));
	cell(mb, sizeof(mb), json_object_get(cp, "median_before_ticks"));
	cell(ma, sizeof(ma), json_object_get(cp, "median_after_ticks"));
	cell(p50, sizeof(p50), rep_json_path_get(cp, "latency_ticks_after.p50"));
	cell(p99, sizeof(p99), rep_json_path_get(cp, "latency_ticks_after.p99"));
	rep_doc_para(d, "**Warning: %s, %s boot: the per-tick latency changes at tick %s** (median %s -> %s "
		     "counter ticks, Pettitt p = %s): a warm-up or a drift, not delivery. The figures above "
		     "include it; from tick %s on: p50 %s, p99 %s.",
		     name, boot, at, mb, ma, p, at, p50, p99);
}

static void stationarity_section(struct rep_doc *d, struct variant *v, int n)
{
	int any = 0;
	for (int i = 0; i < n; i++)
		any |= json_is_object(json_object_get(v[i].summary, "stationarity"));
	if (!any)
		return;
	rep_doc_heading(d, 1, "Stationarity of the per-tick series");
	const char *scrub = json_string_value(json_object_get(v[0].summary, "xen_boot_scrub"));
	rep_doc_para(d, "Each boot's latency series, tick by tick, tested for one change point (Pettitt's rank "
		     "test, alpha %s). Xen's boot-time scrub of free RAM: %s.",
		     "0.01",
		     !scrub ? "not seen in the console"
		     : strcmp(scrub, "background") == 0
			     ? "in the background, while the storm runs (Xen's default): expect a warm-up"
			     : "before dom0 started (bootscrub=1), so the storm ran on a quiet platform");
	for (int i = 0; i < n; i++) {
		stationarity_line(d, v[i].name, "untraced", v[i].summary);
		if (v[i].traced)
			stationarity_line(d, v[i].name, "traced", v[i].traced);
	}
}

static void variant_header(struct rep_doc *d, struct variant *v, int n, const char *first)
{
	const char *head[MAX_SHOWN + 1] = {first};
	for (int i = 0; i < n; i++)
		head[i + 1] = v[i].name;
	rep_doc_table(d, n + 1, head);
}

static void latency_table(struct rep_doc *d, struct variant *v, int n)
{
	variant_header(d, v, n, "metric");
	static const struct {
		const char *key, *label;
	} counts[] = {{"ticks", "ticks requested"},        {"taken", "ticks delivered"},
		      {"lost", "ticks lost"},               {"spurious", "spurious timer interrupts"},
		      {"other", "other interrupts"}};
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		char buf[MAX_SHOWN][48], path[64];
		const char *row[MAX_SHOWN + 1] = {counts[c].label};
		snprintf(path, sizeof(path), "counts.%s", counts[c].key);
		for (int i = 0; i < n; i++) {
			cell(buf[i], sizeof(buf[i]), rep_json_path_get(v[i].summary, path));
			row[i + 1] = buf[i];
		}
		rep_doc_row(d, row);
	}
	metric_rows(d, v, n, "latency_ticks", "counter ticks", 1);
	metric_rows(d, v, n, "latency_ns", "ns", 0);
	if (json_is_object(rep_json_path_get(v[0].summary, "latency_instructions")))
		metric_rows(d, v, n, "latency_instructions", "instructions", 0);
}

/* Cells "p50 / p99" (with_mean: "p50 / p99 / mean") of one distribution of
 * every variant's guest vCPU into the shared row; 1 if any variant has it. */
static char dist_buf[MAX_SHOWN][80];
static const char *row[MAX_SHOWN + 1];
static int dist_row(struct rep_doc *d, struct variant *v, int n, const char *group, const char *name,
		    const char *label, int with_mean)
{
	(void)d;
	int present = 0;
	for (int i = 0; i < n; i++) {
		json_t *dist = v[i].has_tv ? rep_json_path_get(json_object_get(v[i].tv.vcpu, group), name) : NULL;
		json_t *p50 = json_object_get(dist, "p50"), *p99 = json_object_get(dist, "p99"),
		       *mean = json_object_get(dist, "mean");
		if (json_is_number(p50) && json_is_number(p99)) {
			char a[24], b[24];
			cell(a, sizeof(a), p50);
			cell(b, sizeof(b), p99);
			if (with_mean && json_is_number(mean))
				snprintf(dist_buf[i], sizeof(dist_buf[i]), "%s / %s / %.1f", a, b,
					 json_number_value(mean));
			else
				snprintf(dist_buf[i], sizeof(dist_buf[i]), "%s / %s", a, b);
			present = 1;
		} else
			snprintf(dist_buf[i], sizeof(dist_buf[i]), "-");
		row[i + 1] = dist_buf[i];
	}
	row[0] = label;
	return present;
}

/* The stages of a tick (vtb/trace_vocab.h, docs/xentrace-decoder.md) and
 * the check that they add up to what the guest measured in the same boot:
 * both are stated by vtb-xentrace-analyze (stage_check); nothing is
 * recomputed here. */
static void stage_section(struct rep_doc *d, struct variant *v, int n)
{
	static const struct {
		const char *name, *label;
	} stages[] = {
		{"deadline_to_xen", "deadline -> Xen acts (EL2 entry on the PPI, or software timer expiry)"},
		{"xen_to_switch_in", "Xen acts -> vCPU switched in (0 if it was running)"},
		{"switch_in_to_entry", "vCPU switched in -> guest entry"},
		{"deadline_to_entry", "deadline -> guest entry (sum of the above)"},
	};
	rep_doc_heading(d, 1, "Latency stages (xentrace)");
	rep_doc_para(d, "Each delivered tick of the traced boot, split on events both delivery paths share: "
		    "the deadline (CVAL + CNTVOFF), Xen's first event for the tick, the vCPU switched in, "
		    "and the return to the guest. p50 / p99 / mean in counter ticks (physical counter "
		    "timestamps of the trace records; includes the cost of tracing itself). The parts add up "
		    "tick by tick; the guest's own latency adds the stretch from guest entry to its handler.");
	variant_header(d, v, n, "stage");
	for (size_t s = 0; s < sizeof(stages) / sizeof(stages[0]); s++)
		if (dist_row(d, v, n, "stages", stages[s].name, stages[s].label, 1))
			rep_doc_row(d, row);
	int any = 0;
	for (int i = 0; i < n; i++)
		any |= v[i].has_tv && json_is_object(json_object_get(v[i].tv.vcpu, "stage_check"));
	if (!any)
		return;
	static const struct {
		const char *key, *label, *fmt;
	} chk[] = {
		{"entry_to_handler_mean", "guest entry -> handler, mean (guest's mean - trace's)", "%.1f"},
		{"stage_mean_sum", "sum of the stage means", "%.1f"},
		{"guest_mean", "guest-measured mean, same boot", "%.1f"},
		{"stage_p50_sum", "sum of the stage p50s", "%.0f"},
		{"guest_p50", "guest-measured p50, same boot", "%.0f"},
		{"relative_difference", "stages vs guest (means)", "%+.2f %%"},
	};
	for (size_t c = 0; c < sizeof(chk) / sizeof(chk[0]); c++) {
		for (int i = 0; i < n; i++) {
			json_t *x = v[i].has_tv ? rep_json_path_get(json_object_get(v[i].tv.vcpu, "stage_check"),
								     chk[c].key) : NULL;
			double k = strcmp(chk[c].key, "relative_difference") == 0 ? 100 : 1;
			if (json_is_number(x))
				snprintf(dist_buf[i], sizeof(dist_buf[i]), chk[c].fmt, k * json_number_value(x));
			else
				snprintf(dist_buf[i], sizeof(dist_buf[i]), "-");
			row[i + 1] = dist_buf[i];
		}
		row[0] = chk[c].label;
		rep_doc_row(d, row);
	}
	for (int i = 0; i < n; i++) {
		json_t *ck = v[i].has_tv ? json_object_get(v[i].tv.vcpu, "stage_check") : NULL;
		if (!json_is_object(ck))
			continue;
		char rel[32], tol[64];
		json_t *unseen = json_object_get(ck, "unseen_max_ticks");
		snprintf(rel, sizeof(rel), "%+.2f %%", 100 * json_number_value(json_object_get(ck, "relative_difference")));
		if (json_is_integer(unseen))
			snprintf(tol, sizeof(tol), "%g %% or %lld ticks",
				 100 * json_number_value(json_object_get(ck, "tolerance")),
				 (long long)json_integer_value(unseen));
		else
			snprintf(tol, sizeof(tol), "%g %%", 100 * json_number_value(json_object_get(ck, "tolerance")));
		if (json_is_true(json_object_get(ck, "agrees")))
			rep_doc_para(d, "%s: the stages add up to the guest's latency within %s (%s).", v[i].name, tol, rel);
		else
			rep_doc_para(d, "**Stage MISMATCH: %s: the stages add up to %.1f ticks, the guest measured "
				     "%.1f (%s, beyond %s)**: the trace misses part of the delivery.",
				     v[i].name, json_number_value(json_object_get(ck, "stage_mean_sum")),
				     json_number_value(json_object_get(ck, "guest_mean")), rel, tol);
	}
}

/* Exits, stages and hypervisor time come from the traced boot of each
 * variant (analysis/xentrace); latency above comes from the untraced boot. */
static void trace_section(struct rep_doc *d, struct variant *v, int n)
{
	int any = 0;
	for (int i = 0; i < n; i++)
		any |= v[i].has_tv;
	if (!any)
		return;
	int kvm = 0;
	for (int i = 0; i < n; i++) {
		/* the source vtb-kvm-exits writes into its trace summary */
		const char *src = json_string_value(json_object_get(v[i].trace, "source"));
		kvm |= src && !strcmp(src, "kvm-tracepoints");
	}
	rep_doc_heading(d, 1, "Exits per delivered tick (xentrace)");
	rep_doc_para(d, "Guest exits to EL2 of the storm guest's vCPU divided by its delivered vtimer ticks, "
		    "by reason, from a real xentrace capture of a separate, traced boot%s.",
		     kvm ? " (KVM rows: the host kernel's kvm_exit/kvm_entry trace points, same vocabulary, "
			   "docs/kvm.md)" : "");
	variant_header(d, v, n, "exit reason");
	char buf[MAX_SHOWN][64];
	for (int r = -1; r < trace_exit_reason_count; r++) {
		double total = 0;
		for (int i = 0; i < n; i++) {
			double x = 0;
			if (v[i].has_tv && r >= 0)
				x = trace_view_exits_per_tick(&v[i].tv, trace_exit_reasons[r]);
			else if (v[i].has_tv)
				for (int k = 0; k < trace_exit_reason_count; k++)
					x += trace_view_exits_per_tick(&v[i].tv, trace_exit_reasons[k]);
			total += x;
			snprintf(buf[i], sizeof(buf[i]), v[i].has_tv ? "%.3f" : "-", x);
			row[i + 1] = buf[i];
		}
		if (r >= 0 && total == 0)
			continue;
		row[0] = r < 0 ? "all exits" : trace_exit_reasons[r];
		rep_doc_row(d, row);
	}
	row[0] = "vCPU (ticks counted from)";
	for (int i = 0; i < n; i++) {
		snprintf(buf[i], sizeof(buf[i]), "%s (%s)", v[i].has_tv ? v[i].tv.vcpu_id : "-",
			 v[i].has_tv ? v[i].tv.ticks_source : "-");
		row[i + 1] = buf[i];
	}
	rep_doc_row(d, row);

	stage_section(d, v, n);

	rep_doc_heading(d, 1, "Hypervisor time per exit (xentrace)");
	rep_doc_para(d, "p50 / p99 in counter ticks (physical counter timestamps of the trace records; "
		    "includes the cost of tracing itself).");
	variant_header(d, v, n, "exit reason");
	for (int r = 0; r < trace_exit_reason_count; r++) {
		if (dist_row(d, v, n, "hyp_time", trace_exit_reasons[r], trace_exit_reasons[r], 0))
			rep_doc_row(d, row);
	}

	int untraced_too = 0; /* an imported server capture has no untraced boot */
	for (int i = 0; i < n; i++)
		untraced_too |= v[i].traced != NULL;
	if (!untraced_too)
		return;
	rep_doc_heading(d, 1, "Tracing perturbation");
	rep_doc_para(d, "Guest-measured latency (counter ticks) of the untraced boot against the traced boot of "
		    "the same variant: what the trace points and xentrace cost.");
	variant_header(d, v, n, "latency");
	static const char *stats[] = {"p50", "p99", "mean"};
	for (int s = 0; s < 3; s++) {
		for (int t = 0; t < 2; t++) {
			char label[64], path[64];
			snprintf(label, sizeof(label), "%s, %s", stats[s], t ? "traced" : "untraced");
			snprintf(path, sizeof(path), "latency_ticks.%s", stats[s]);
			row[0] = label;
			for (int i = 0; i < n; i++) {
				cell(buf[i], sizeof(buf[i]), rep_json_path_get(t ? v[i].traced : v[i].summary, path));
				row[i + 1] = buf[i];
			}
			rep_doc_row(d, row);
		}
	}
}

/* compare.json is written by analysis/compare/bin/vtb-compare; the report
 * shows its estimates and verdicts as they are, never re-deriving them. */
static void compare_section(struct rep_doc *d, const char *run)
{
	json_t *c = load_json(run, "compare.json", 0);
	if (!c)
		return;
	const char *unit = json_string_value(json_object_get(c, "unit"));
	rep_doc_heading(d, 1, "A/B comparison (B - A)");
	char alpha[48], thr[48];
	cell(alpha, sizeof(alpha), json_object_get(c, "alpha"));
	cell(thr, sizeof(thr), json_object_get(c, "threshold_pct"));
	const char *a = json_string_value(rep_json_path_get(c, "a.dir")), *b = json_string_value(rep_json_path_get(c, "b.dir"));
	const char *verdict = json_string_value(json_object_get(c, "verdict"));
	const char *spread = json_string_value(json_object_get(c, "spread_verdict"));
	rep_doc_para(d, "A = %s, B = %s; latency in counter %s. Verdict: %s (needs p < %s and a shift beyond %s%% of "
		    "A's median); spread: %s.",
		 a ? a : "A", b ? b : "B", unit ? unit : "ticks", verdict ? verdict : "-", alpha, thr,
		 spread ? spread : "-");
	if (json_is_object(json_object_get(c, "boots"))) { /* vtb-compare's boot level (docs/noise.md) */
		char ka[48], kb[48], mde[48], ratio[48], lo[48], hi[48], p[48];
		const char *basis = json_string_value(json_object_get(c, "basis"));
		cell(ka, sizeof(ka), rep_json_path_get(c, "boots.a.k"));
		cell(kb, sizeof(kb), rep_json_path_get(c, "boots.b.k"));
		cell(mde, sizeof(mde), json_object_get(c, "mde_pct"));
		cell(ratio, sizeof(ratio), rep_json_path_get(c, "boots.test.p50.ratio"));
		cell(lo, sizeof(lo), rep_json_path_get(c, "boots.test.p50.ci_lo"));
		cell(hi, sizeof(hi), rep_json_path_get(c, "boots.test.p50.ci_hi"));
		cell(p, sizeof(p), rep_json_path_get(c, "boots.test.p50.p"));
		rep_doc_para(d, "Boots: A %s, B %s (the boot is the unit). The verdict rests on %s; minimum detectable "
			    "effect of the median: +-%s %%; boot-level median ratio B/A %s, CI [%s, %s], p = %s.",
			 ka, kb, basis ? basis : "-", mde, ratio, lo, hi, p);
	}
	const char *head[] = {"statistic", "estimate", "95% CI / p"};
	rep_doc_table(d, 3, head);
	static const struct {
		const char *label, *est, *lo, *hi, *p;
	} rows[] = {
		{"sample sizes A / B", "a.n", NULL, NULL, "b.n"},
		{"difference of medians", "median_diff.estimate", "median_diff.ci_lo", "median_diff.ci_hi", NULL},
		{"difference of p99", "p99_diff.estimate", "p99_diff.ci_lo", "p99_diff.ci_hi", NULL},
		{"Hodges-Lehmann shift", "hodges_lehmann.shift", "hodges_lehmann.ci_lo", "hodges_lehmann.ci_hi", NULL},
		{"Mann-Whitney U (B)", "mann_whitney.u_b", NULL, NULL, "mann_whitney.p"},
		{"P(B > A)", "mann_whitney.prob_superiority", NULL, NULL, NULL},
		{"Brown-Forsythe F (spread)", "spread_test.f", NULL, NULL, "spread_test.p"},
	};
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		char est[48], lo[48], hi[48], third[112];
		cell(est, sizeof(est), rep_json_path_get(c, rows[r].est));
		if (rows[r].lo) {
			cell(lo, sizeof(lo), rep_json_path_get(c, rows[r].lo));
			cell(hi, sizeof(hi), rep_json_path_get(c, rows[r].hi));
			snprintf(third, sizeof(third), "[%s, %s]", lo, hi);
		} else if (rows[r].p) {
			cell(lo, sizeof(lo), rep_json_path_get(c, rows[r].p));
			snprintf(third, sizeof(third), r == 0 ? "%s" : "p = %s", lo);
		} else
			snprintf(third, sizeof(third), "-");
		const char *row[] = {rows[r].label, est, third};
		rep_doc_row(d, row);
	}
	json_decref(c);
}

static void manifest_section(struct rep_doc *d, const char *run)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/manifest.txt", run);
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	rep_doc_heading(d, 1, "Environment");
	const char *head[] = {"key", "value"};
	rep_doc_table(d, 2, head);
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = 0;
		const char *row[] = {line, eq + 1};
		rep_doc_row(d, row);
	}
	fclose(f);
}

static void plots_section(struct rep_doc *d, const char *run)
{
	static const struct {
		const char *file, *caption;
	} plots[] = {
		{"latency-cdf", "Latency CDF (left) and tail on a log scale (right)"},
		{"latency-hist", "Latency histogram (log-scale counts)"},
		{"latency-series", "Latency over the run"},
		{"exits-per-tick", "Guest exits per delivered tick, by reason"},
		{"latency-stages", "Latency stages: deadline, Xen acts, vCPU switched in, guest entry"},
		{"trend-p50", "History: median latency per run"},
		{"trend-p99", "History: p99 latency per run"},
	};
	int any = 0;
	for (size_t i = 0; i < sizeof(plots) / sizeof(plots[0]); i++) {
		char base[4096], rel[256], svg[4200];
		struct stat st;
		snprintf(base, sizeof(base), "%s/plots/%s", run, plots[i].file);
		snprintf(svg, sizeof(svg), "%s.svg", base);
		if (stat(svg, &st))
			continue;
		if (!any++)
			rep_doc_heading(d, 1, "Plots");
		snprintf(rel, sizeof(rel), "plots/%s", plots[i].file);
		rep_doc_figure(d, base, rel, plots[i].caption);
	}
}

static int write_both(const struct rep_doc *d, const char *run)
{
	struct vtb_atomic md, html;
	if (vtb_atomic_open(&md, run, "report.md")) {
		fprintf(stderr, "%s: cannot write %s/report.md: %s\n", prog, run, strerror(errno));
		return -1;
	}
	if (vtb_atomic_open(&html, run, "report.html")) {
		fprintf(stderr, "%s: cannot write %s/report.html: %s\n", prog, run, strerror(errno));
		vtb_atomic_abort(&md);
		return -1;
	}
	if (rep_doc_write_markdown(d, md.f) || rep_doc_write_html(d, html.f) || vtb_atomic_commit(&md) ||
	    vtb_atomic_commit(&html)) {
		fprintf(stderr, "%s: writing the report in %s failed: %s\n", prog, run, strerror(errno));
		vtb_atomic_abort(&md);
		vtb_atomic_abort(&html);
		return -1;
	}
	return 0;
}

static void free_variants(struct variant *v, int n)
{
	for (int i = 0; i < n; i++) {
		json_decref(v[i].summary);
		json_decref(v[i].trace);
		json_decref(v[i].traced);
	}
}

int main(int argc, char **argv)
{
	const char *title = "vtimer-bench: Xen/ARM virtual timer interrupt delivery";
	int print_traces = 0;
	static const struct option opts[] = {{"title", required_argument, 0, 't'},
					     {"print-traces", no_argument, 0, 'p'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		if (c == 't')
			title = optarg;
		else if (c == 'p')
			print_traces = 1;
		else {
			FILE *to = c == 'h' ? stdout : stderr;
			fprintf(to, "usage: %s [--title T] [--print-traces] RUN_DIR\n"
				    "Writes RUN_DIR/report.md and RUN_DIR/report.html (one file, plots inlined)\n"
				    "from RUN_DIR/<variant>/summary.json, compare.json, plots/*.svg, manifest.txt.\n"
				    "--print-traces prints the trace tables (exits per tick, stages,\n"
				    "hypervisor time, tracing perturbation) on standard output instead.\n",
				prog);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "%s: exactly one RUN_DIR expected (see --help)\n", prog);
		return 2;
	}
	const char *run = argv[optind];
	struct run_model model;
	char err[512];
	if (run_model_load(&model, run, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return 1;
	}
	int total = (int)run_model_variant_count(&model);
	int n = total < MAX_SHOWN ? total : MAX_SHOWN;
	struct variant v[MAX_SHOWN];
	memset(v, 0, sizeof(v));
	if (load_variants(run, &model, v, n)) {
		free_variants(v, n);
		run_model_free(&model);
		return 1;
	}

	struct rep_doc d;
	int rc;
	if (print_traces) {
		rep_doc_init(&d, "Trace figures (xentrace)");
		trace_section(&d, v, n);
		rc = rep_doc_write_markdown(&d, stdout);
	} else {
		rep_doc_init(&d, title);
		json_t *mode = rep_json_path_get(v[0].summary, "platform_mode");
		int exact = json_is_string(mode) && strcmp(json_string_value(mode), "deterministic") == 0;
		rep_doc_para(&d, "%s",
			 exact ? "Platform mode: deterministic (QEMU -icount shift=0): figures are instruction-exact "
				 "and repeatable; 1 guest instruction = 1 ns of virtual time."
			       : "Platform mode: realtime: figures are wall-clock and vary from run to run.");
		if (total > n)
			rep_doc_para(&d, "This run has %d variants; the tables show the first %d in run order.", total, n);
		/* Where the figures come from when not from an untraced and a traced boot. */
		const char *target = run_model_string(&model, "target");
		json_t *man = load_json(run, "manifest.json", 0);
		const char *tb = json_string_value(json_object_get(man, "traced_boots"));
		if (target && !strcmp(target, "server"))
			rep_doc_para(&d, "Imported Xen/ARM server capture (tracing/dom0-run.sh): there is no untraced boot; "
				     "every figure, latency included, comes from the traced guest.");
		else if (tb && strcmp(tb, "yes"))
			rep_doc_para(&d, "Traced boots: %s.", tb);
		json_decref(man);
		rep_doc_heading(&d, 1, "Latency and delivery");
		latency_table(&d, v, n);
		stationarity_section(&d, v, n);
		compare_section(&d, run);
		trace_section(&d, v, n);
		rep_profile_section(&d, run, &model, n);
		plots_section(&d, run);
		manifest_section(&d, run);
		rc = write_both(&d, run);
	}
	rep_doc_free(&d);
	free_variants(v, n);
	run_model_free(&model);
	return rc ? 1 : 0;
}
