/* "Where the hypervisor's instructions go" (profile_view.h): copies the
 * profile figures of a run into the report; computes nothing. */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "json_path.h"
#include "profile_view.h"
#include "trace_view.h"

#define MAXV (DOC_MAX_COLS - 1)

/* RUN/[VARIANT/]FILE, or NULL when absent. */
static json_t *load(const char *run, const char *variant, const char *file)
{
	char path[4096];

	if (snprintf(path, sizeof(path), "%s/%s%s%s", run, variant ? variant : "", variant ? "/" : "", file) >=
	    (int)sizeof(path))
		return NULL;
	return json_load_file(path, 0, NULL);
}

static void fmt(char *out, size_t len, json_t *j, const char *real_fmt)
{
	if (json_is_integer(j))
		snprintf(out, len, "%lld", (long long)json_integer_value(j));
	else if (json_is_real(j))
		snprintf(out, len, real_fmt, json_real_value(j));
	else
		snprintf(out, len, "-");
}

static double num(json_t *j)
{
	return json_is_number(j) ? json_number_value(j) : 0;
}

/* EL2 (Xen) instructions per tick window, per variant. */
static void el2_table(struct rep_doc *d, const char *const *names, json_t **p, int n)
{
	static const struct {
		const char *path, *label;
	} rows[] = {
		{ "el2_per_tick.p50", "EL2 instructions per tick, p50" },
		{ "el2_per_tick.p99", "EL2 instructions per tick, p99" },
		{ "el2_per_tick.mean", "EL2 instructions per tick, mean" },
		{ "el2_per_tick.min", "EL2 instructions per tick, min" },
		{ "el2_per_tick.max", "EL2 instructions per tick, max" },
		{ "guest_per_tick.p50", "guest instructions per tick, p50" },
		{ "ticks.windows", "tick windows counted" },
	};
	const char *head[MAXV + 1] = { "figure" };
	char buf[MAXV][48];
	const char *row[MAXV + 1];

	for (int i = 0; i < n; i++)
		head[i + 1] = names[i];
	rep_doc_table(d, n + 1, head);
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		row[0] = rows[r].label;
		for (int i = 0; i < n; i++) {
			fmt(buf[i], sizeof(buf[i]), p[i] ? rep_json_path_get(p[i], rows[r].path) : NULL, "%.1f");
			row[i + 1] = buf[i];
		}
		rep_doc_row(d, row);
	}
}

static void fn_row(struct rep_doc *d, const char *name, json_t *base, json_t *new, json_t *change)
{
	char a[32], b[32], c[32];
	const char *row[4] = { name, a, b, c };

	fmt(a, sizeof(a), base, "%.2f");
	fmt(b, sizeof(b), new, "%.2f");
	fmt(c, sizeof(c), change, "%+.2f");
	rep_doc_row(d, row);
}

/* Side by side, from vtb-profile diff of the pair (profile-compare.json). */
static void pair_tables(struct rep_doc *d, json_t *c)
{
	const char *la = json_string_value(rep_json_path_get(c, "base.label"));
	const char *lb = json_string_value(rep_json_path_get(c, "new.label"));
	char diffh[96];
	const char *head[4] = { "Xen function", la ? la : "A", lb ? lb : "B", diffh };
	json_t *e, *rest = rep_json_path_get(c, "functions.rest");
	size_t i;
	char restname[64];

	snprintf(diffh, sizeof(diffh), "%s - %s", head[2], head[1]);
	rep_doc_para(d, "EL2 instructions per tick by Xen function (mean over the tick windows: the functions add up "
		     "to the EL2 mean), the functions with the most instructions in either variant first:");
	rep_doc_table(d, 4, head);
	json_array_foreach(rep_json_path_get(c, "functions.top"), i, e)
		fn_row(d, json_string_value(json_object_get(e, "name")), json_object_get(e, "base_per_tick"),
		       json_object_get(e, "new_per_tick"), json_object_get(e, "change_per_tick"));
	snprintf(restname, sizeof(restname), "the other %lld functions",
		 (long long)json_integer_value(json_object_get(rest, "functions")));
	fn_row(d, restname, json_object_get(rest, "base_per_tick"), json_object_get(rest, "new_per_tick"),
	       json_object_get(rest, "change_per_tick"));
	fn_row(d, "all of Xen (EL2 mean)", rep_json_path_get(c, "el2_per_tick.mean.base"),
	       rep_json_path_get(c, "el2_per_tick.mean.new"), rep_json_path_get(c, "el2_per_tick.mean.change"));

	json_t *moved = json_object_get(c, "moved");
	size_t nm = json_array_size(moved);

	if (!nm) {
		rep_doc_para(d, "No function's instructions per tick differ between %s and %s.", head[1], head[2]);
		return;
	}
	rep_doc_para(d, "The largest differences (%zu functions differ in all; the counts are exact, so every "
		     "difference is a difference of the code that ran):", nm);
	rep_doc_table(d, 4, head);
	json_array_foreach(moved, i, e) {
		if (i >= 12)
			break;
		fn_row(d, json_string_value(json_object_get(e, "name")), json_object_get(e, "base_per_tick"),
		       json_object_get(e, "new_per_tick"), json_object_get(e, "change_per_tick"));
	}
}

/* One variant alone: its own top functions (profile.json). */
static void single_table(struct rep_doc *d, const char *name, json_t *p)
{
	/* The KVM rows profile the emulated machine's Linux, KVM's host. */
	int host = strncmp(name, "kvm", 3) == 0;
	const char *head[4] = { host ? "host kernel function" : "Xen function", "per tick, mean",
				"per tick, p50", host ? "share of the host kernel" : "share of Xen" };
	json_t *e;
	size_t i;

	rep_doc_para(d, "%s instructions per tick by %s function, %s:", host ? "Host kernel" : "EL2",
		     host ? "host kernel" : "Xen", name);
	rep_doc_table(d, 4, head);
	json_array_foreach(rep_json_path_get(p, "by_function.top"), i, e) {
		char a[32], b[32], s[32];
		const char *row[4] = { json_string_value(json_object_get(e, "name")), a, b, s };

		if (i >= 10)
			break;
		fmt(a, sizeof(a), rep_json_path_get(e, "per_tick.mean"), "%.2f");
		fmt(b, sizeof(b), rep_json_path_get(e, "per_tick.p50"), "%.2f");
		snprintf(s, sizeof(s), "%.1f%%", 100 * num(json_object_get(e, "share")));
		rep_doc_row(d, row);
	}
}

/* Exits per tick by class: the plugin's (vector entries of the untraced
 * boot) next to xentrace's (GUEST_EXIT records of the traced boot). */
static void exits_table(struct rep_doc *d, const char *const *names, json_t **p, json_t **ts, int n)
{
	static const struct {
		const char *label, *plugin[2], *trace_prefix;
	} rows[] = {
		{ "synchronous (WFI/WFE, HVC, sysreg, aborts)", { "guest64_sync", "guest32_sync" }, "sync_" },
		{ "IRQ", { "guest64_irq", "guest32_irq" }, "irq_" },
		{ "FIQ", { "guest64_fiq", "guest32_fiq" }, "fiq" },
		{ "SError", { "guest64_serror", "guest32_serror" }, "serror" },
	};
	const char *head[MAXV + 1] = { "exits per tick" };
	char hb[MAXV][96], buf[MAXV][64];
	const char *row[MAXV + 1];
	struct trace_view tv[MAXV];
	int has_tv[MAXV], any_tv = 0;

	for (int i = 0; i < n; i++) {
		has_tv[i] = ts[i] && trace_view_init(&tv[i], ts[i]) == 0;
		any_tv |= has_tv[i];
	}
	for (int i = 0; i < n; i++) {
		snprintf(hb[i], sizeof(hb[i]), any_tv ? "%s: plugin / xentrace" : "%s: plugin", names[i]);
		head[i + 1] = hb[i];
	}
	rep_doc_para(d, "The storm guest's exits to EL2 per tick, by class: counted by the plugin at Xen's exception "
		     "vector in the untraced boot (mean per tick window)%s.",
		     any_tv ? ", next to xentrace's GUEST_EXIT records per delivered tick in the traced boot (a separate "
			      "boot, the guest an xl domU of a Linux dom0)" : "");
	rep_doc_table(d, n + 1, head);
	for (size_t r = 0; r < sizeof(rows) / sizeof(rows[0]); r++) {
		int present = 0;

		row[0] = rows[r].label;
		for (int i = 0; i < n; i++) {
			double pl = 0, tr = 0;
			int have = 0;

			for (int k = 0; k < 2; k++) {
				json_t *e = p[i] ? json_object_get(json_object_get(p[i], "exits_per_tick"), rows[r].plugin[k]) : NULL;

				have |= e != NULL;
				pl += num(json_object_get(e, "mean"));
			}
			if (has_tv[i])
				for (int k = 0; k < trace_exit_reason_count; k++)
					if (!strncmp(trace_exit_reasons[k], rows[r].trace_prefix, strlen(rows[r].trace_prefix)))
						tr += trace_view_exits_per_tick(&tv[i], trace_exit_reasons[k]);
			present |= have || tr > 0;
			if (has_tv[i])
				snprintf(buf[i], sizeof(buf[i]), "%.3f / %.3f", pl, tr);
			else
				snprintf(buf[i], sizeof(buf[i]), p[i] ? "%.3f" : "-", pl);
			row[i + 1] = buf[i];
		}
		if (present)
			rep_doc_row(d, row);
	}
}

void rep_profile_section(struct rep_doc *d, const char *run, const struct run_model *m, int n)
{
	json_t *p[MAXV] = { 0 }, *ts[MAXV] = { 0 }, *c;
	const char *names[MAXV];
	int any = 0;
	char path[4200], base[4096];
	struct stat st;

	if (n > MAXV)
		n = MAXV;
	for (int i = 0; i < n; i++) {
		names[i] = run_model_variant_name(m, (size_t)i);
		p[i] = load(run, names[i], "profile/profile.json");
		ts[i] = load(run, names[i], "trace-summary.json");
		any |= p[i] != NULL;
	}
	if (!any)
		goto out;
	rep_doc_heading(d, 1, "Where the hypervisor's instructions go");
	rep_doc_para(d, "Counted by the vtb-prof QEMU TCG plugin (profiler/, docs/profiler.md) on each variant's "
		     "untraced boot, the one whose latency is reported above: every instruction Xen executed, by "
		     "function. Instruction-exact (deterministic mode: 1 instruction = 1 ns of virtual time), and the "
		     "plugin moves no figure of the run. A tick window runs from one entry of the guest's tick handler "
		     "to the next: it holds what delivering that tick cost, including Xen's idle work while the guest "
		     "waits (the boot before the first tick and the tail after the last are left out).");
	el2_table(d, names, p, n);
	c = load(run, NULL, "profile-compare.json");
	if (c)
		pair_tables(d, c);
	else
		for (int i = 0; i < n; i++)
			if (p[i])
				single_table(d, names[i], p[i]);
	json_decref(c);
	exits_table(d, names, p, ts, n);
	if (snprintf(base, sizeof(base), "%s/plots/profile-functions", run) < (int)sizeof(base) &&
	    snprintf(path, sizeof(path), "%s.svg", base) < (int)sizeof(path) && !stat(path, &st))
		rep_doc_figure(d, base, "plots/profile-functions",
			       "EL2 instructions per tick by Xen function (mean over the tick windows)");
	rep_doc_para(d, "Folded stacks for flame-graph tools (flamegraph.pl, speedscope), per-exit costs and the full "
		     "profile: <variant>/profile/profile.folded, exits.csv, profile.json.");
out:
	for (int i = 0; i < n; i++) {
		json_decref(p[i]);
		json_decref(ts[i]);
	}
}
