/* vtb-tracedata: turns the trace summaries of a run's variants into the data
 * files the exit and stage plots draw (analysis/plots/exits-per-tick.gp,
 * latency-stages.gp).  Figures are copied from trace-summary.json; the only
 * arithmetic is exits / delivered ticks. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vtb/atomic_file.h"
#include "vtb/trace_vocab.h"
#include "trace_view.h"

static const char *prog = "vtb-tracedata";

struct variant {
	char name[256];
	json_t *summary;
	struct trace_view tv;
};

static int open_out(struct vtb_atomic *af, const char *prefix, const char *suffix)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s%s", prefix, suffix);
	if (vtb_atomic_open_path(af, path)) {
		fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, strerror(errno));
		return -1;
	}
	return 0;
}

static int finish(struct vtb_atomic *af, const char *prefix, const char *suffix)
{
	if (vtb_atomic_commit(af)) {
		fprintf(stderr, "%s: cannot write %s%s: %s\n", prog, prefix, suffix, strerror(errno));
		return -1;
	}
	return 0;
}

/* Exits per tick, one row per variant, one column per reason seen anywhere:
 * gnuplot's rowstacked histogram draws it as stacked bars. */
static int write_exits(const char *prefix, struct variant *v, int n)
{
	int used[32] = {0};
	for (int r = 0; r < trace_exit_reason_count; r++)
		for (int i = 0; i < n; i++)
			used[r] |= trace_view_exits_per_tick(&v[i].tv, trace_exit_reasons[r]) > 0;
	struct vtb_atomic af;
	if (open_out(&af, prefix, "-exits.dat"))
		return -1;
	fprintf(af.f, "variant");
	for (int r = 0; r < trace_exit_reason_count; r++)
		if (used[r])
			fprintf(af.f, " %s", trace_exit_reasons[r]);
	fputc('\n', af.f);
	for (int i = 0; i < n; i++) {
		fprintf(af.f, "%s", v[i].name);
		for (int r = 0; r < trace_exit_reason_count; r++)
			if (used[r])
				fprintf(af.f, " %.4f", trace_view_exits_per_tick(&v[i].tv, trace_exit_reasons[r]));
		fputc('\n', af.f);
	}
	return finish(&af, prefix, "-exits.dat");
}

/* The mean of each part of a tick (vtb/trace_vocab.h: the parts add up to
 * deadline_to_entry) and the guest's rest, entry to handler, from the
 * summary's stage check; one row per variant, so gnuplot's rowstacked
 * histogram shows each path's latency as the sum of its stages. The
 * rest is 0 when the summary has no stage check. */
static int write_stage_means(const char *prefix, struct variant *v, int n)
{
	struct vtb_atomic af;
	if (open_out(&af, prefix, "-stage-means.dat"))
		return -1;
	fprintf(af.f, "variant");
	for (int s = 0; s < VTB_TICK_STAGE_PARTS; s++)
		fprintf(af.f, " %s", trace_stages[s]);
	fprintf(af.f, " entry_to_handler\n");
	for (int i = 0; i < n; i++) {
		fprintf(af.f, "%s", v[i].name);
		for (int s = 0; s < VTB_TICK_STAGE_PARTS; s++) {
			json_t *m = json_object_get(json_object_get(json_object_get(v[i].tv.vcpu, "stages"),
								    trace_stages[s]), "mean");
			fprintf(af.f, " %.3f", json_is_number(m) ? json_number_value(m) : 0.0);
		}
		json_t *rest = json_object_get(json_object_get(v[i].tv.vcpu, "stage_check"), "entry_to_handler_mean");
		fprintf(af.f, " %.3f\n", json_is_number(rest) ? json_number_value(rest) : 0.0);
	}
	return finish(&af, prefix, "-stage-means.dat");
}

/* One row per stage (or exit reason): p50 and p99 of every variant, in
 * counter ticks; '-' where a variant has no such interval. */
static int write_dist_table(const char *prefix, const char *suffix, struct variant *v, int n,
			    const char *group, const char *const *rows, int nrows)
{
	struct vtb_atomic af;
	if (open_out(&af, prefix, suffix))
		return -1;
	fprintf(af.f, "%s", group);
	for (int i = 0; i < n; i++)
		fprintf(af.f, " %s_p50 %s_p99", v[i].name, v[i].name);
	fputc('\n', af.f);
	for (int r = 0; r < nrows; r++) {
		int any = 0;
		for (int i = 0; i < n; i++)
			any |= json_is_number(json_object_get(
				json_object_get(json_object_get(v[i].tv.vcpu, group), rows[r]), "p50"));
		if (!any)
			continue;
		fprintf(af.f, "%s", rows[r]);
		for (int i = 0; i < n; i++) {
			json_t *d = json_object_get(json_object_get(v[i].tv.vcpu, group), rows[r]);
			json_t *p50 = json_object_get(d, "p50"), *p99 = json_object_get(d, "p99");
			if (json_is_number(p50) && json_is_number(p99))
				fprintf(af.f, " %g %g", json_number_value(p50), json_number_value(p99));
			else
				fprintf(af.f, " - -");
		}
		fputc('\n', af.f);
	}
	return finish(&af, prefix, suffix);
}

int main(int argc, char **argv)
{
	const char *prefix = NULL;
	static const struct option opts[] = {{"out", required_argument, 0, 'o'},
					     {"help", no_argument, 0, 'h'},
					     {0, 0, 0, 0}};
	int c;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		if (c == 'o')
			prefix = optarg;
		else {
			FILE *to = c == 'h' ? stdout : stderr;
			fprintf(to,
				"usage: %s --out PREFIX VARIANT_DIR...\n"
				"Reads VARIANT_DIR/trace-summary.json (analysis/xentrace) and writes, for the\n"
				"storm guest's vCPU of each variant:\n"
				"  PREFIX-exits.dat    exits per delivered tick by reason (row per variant)\n"
				"  PREFIX-stages.dat   latency stages p50/p99 in counter ticks (row per stage)\n"
				"  PREFIX-stage-means.dat  mean of each part of a tick and the guest's rest\n"
				"                      (entry to handler), row per variant\n"
				"  PREFIX-hyptime.dat  hypervisor time per exit p50/p99 by reason\n",
				prog);
			return c == 'h' ? 0 : 2;
		}
	}
	int n = argc - optind;
	if (!prefix || n < 1) {
		fprintf(stderr, "%s: --out and at least one variant directory are required (see --help)\n", prog);
		return 2;
	}
	struct variant *v = calloc((size_t)n, sizeof(*v));
	if (!v) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	int rc = 1, loaded = 0;
	for (int i = 0; i < n; i++, loaded++) {
		char path[4096], b[4096];
		snprintf(b, sizeof(b), "%s", argv[optind + i]);
		snprintf(v[i].name, sizeof(v[i].name), "%s", basename(b));
		snprintf(path, sizeof(path), "%s/trace-summary.json", argv[optind + i]);
		json_error_t e;
		v[i].summary = json_load_file(path, 0, &e);
		if (!v[i].summary) {
			fprintf(stderr, "%s: %s: %s\n", prog, path, e.text);
			goto out;
		}
		if (trace_view_init(&v[i].tv, v[i].summary)) {
			json_decref(v[i].summary);
			fprintf(stderr, "%s: %s: no vCPU with delivered vtimer ticks\n", prog, path);
			goto out;
		}
		double exits = 0;
		for (int r = 0; r < trace_exit_reason_count; r++)
			exits += trace_view_exits_per_tick(&v[i].tv, trace_exit_reasons[r]);
		if (exits == 0) {
			loaded++;
			fprintf(stderr, "%s: %s: no guest exits recorded (was Xen built with the ARM trace points?)\n",
				prog, path);
			goto out;
		}
	}
	rc = write_exits(prefix, v, n) ||
	     write_dist_table(prefix, "-stages.dat", v, n, "stages", trace_stages, trace_stage_count) ||
	     write_stage_means(prefix, v, n) ||
	     write_dist_table(prefix, "-hyptime.dat", v, n, "hyp_time", trace_exit_reasons,
			      trace_exit_reason_count);
out:
	for (int i = 0; i < loaded; i++)
		json_decref(v[i].summary);
	free(v);
	return rc ? 1 : 0;
}
