#include "summary_table.h"

#include <string.h>

#define KEY_W 16
#define COL_W 30
#define HALF_W 15

static void fmt(const json_t *v, char *buf, size_t len)
{
	if (!v)
		snprintf(buf, len, "-");
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.2f", json_real_value(v));
	else if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_null(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "?");
}

/* path is "a" or "a.b": one level of nesting is all the schema has. */
static const json_t *get(const json_t *s, const char *path)
{
	const char *dot = strchr(path, '.');
	char head[64];

	if (!dot)
		return json_object_get(s, path);
	snprintf(head, sizeof(head), "%.*s", (int)(dot - path), path);
	return json_object_get(json_object_get(s, head), dot + 1);
}

static void row(FILE *out, const char *name, const json_t *const *s, size_t n, const char *path)
{
	char buf[128];

	fprintf(out, "%-*s", KEY_W, name);
	for (size_t i = 0; i < n; i++) {
		fmt(get(s[i], path), buf, sizeof(buf));
		fprintf(out, " %-*s", COL_W - 1, buf);
	}
	fputc('\n', out);
}

int vtb_print_summary_table(FILE *out, const json_t *const *s, const char *const *names,
			    size_t n)
{
	static const char *const stats[] = { "n", "min", "p50", "p90", "p99", "p99_9",
					     "max", "mean", "stddev" };
	static const char *const shown[] = { "n", "min", "p50", "p90", "p99", "p99.9",
					     "max", "mean", "stddev" };
	int any_det = 0, any_hist = 0;
	char buf[128];

	if (n < 1 || n > 2)
		return -1;
	fprintf(out, "%-*s", KEY_W, "");
	for (size_t i = 0; i < n; i++) {
		if (names && names[i])
			snprintf(buf, sizeof(buf), "%s", names[i]);
		else
			fmt(json_object_get(s[i], "label"), buf, sizeof(buf));
		fprintf(out, " %-*s", COL_W - 1, buf);
		if (json_is_string(json_object_get(s[i], "platform_mode")) &&
		    strcmp(json_string_value(json_object_get(s[i], "platform_mode")),
			   "deterministic") == 0)
			any_det = 1;
		if (json_is_string(json_object_get(s[i], "source")) &&
		    strcmp(json_string_value(json_object_get(s[i], "source")), "histogram") == 0)
			any_hist = 1;
	}
	fputc('\n', out);
	row(out, "platform_mode", s, n, "platform_mode");
	row(out, "guest", s, n, "guest.guest");
	row(out, "mode", s, n, "guest.mode");
	row(out, "source", s, n, "source");
	row(out, "cntfrq_hz", s, n, "clock.cntfrq_hz");
	row(out, "ns_per_tick", s, n, "clock.ns_per_tick");
	row(out, "ticks", s, n, "counts.ticks");
	row(out, "taken", s, n, "counts.taken");
	row(out, "lost", s, n, "counts.lost");
	row(out, "spurious", s, n, "counts.spurious");
	row(out, "other", s, n, "counts.other");

	fprintf(out, "%-*s", KEY_W, "latency");
	for (size_t i = 0; i < n; i++)
		fprintf(out, " %-*s%-*s", HALF_W - 1, "ticks", HALF_W,
			json_is_object(json_object_get(s[i], "latency_instructions")) ?
			"ns (=instr)" : "ns");
	fputc('\n', out);
	for (size_t k = 0; k < sizeof(stats) / sizeof(stats[0]); k++) {
		fprintf(out, "  %-*s", KEY_W - 2, shown[k]);
		for (size_t i = 0; i < n; i++) {
			char t[64], ns[64];
			fmt(json_object_get(json_object_get(s[i], "latency_ticks"), stats[k]),
			    t, sizeof(t));
			fmt(json_object_get(json_object_get(s[i], "latency_ns"), stats[k]),
			    ns, sizeof(ns));
			fprintf(out, " %-*s%-*s", HALF_W - 1, t, HALF_W, ns);
		}
		fputc('\n', out);
	}
	if (any_det)
		fprintf(out, "deterministic: QEMU -icount shift=0, 1 guest instruction = 1 ns\n");
	if (any_hist)
		fprintf(out, "histogram: percentiles and stddev from bucket midpoints; "
			"min, max, mean exact\n");
	return ferror(out) ? -1 : 0;
}
