/* vtb-storm-ctf: statistics of a vtimer_storm LTTng-UST trace, optionally
 * checked against the storm's own --json report.
 * Exit: 0 consistent, 1 inconsistent (each problem on one line) or bad input
 * (one line), 2 usage error (docs/conventions.md). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storm_ctf.h"
#include "vtb/atomic_file.h"
#include "vtb/err.h"
#include "vtb/read_file.h"

static const char usage[] =
	"usage: vtb-storm-ctf TRACE_DIR [--expect STORM.json] [--json OUT.json]\n"
	"  TRACE_DIR  an LTTng session output directory holding vtb_storm:* events\n"
	"  --expect   compare with vtimer_storm --json: n, min, p50..max, mean, stddev,\n"
	"             per-thread cycles/min/max, overruns must be equal\n"
	"  --json     write the trace's statistics as JSON\n";

/* Bad input: one line, exit 1. */
static void die(const char *what, const char *detail)
{
	vtb_die(VTB_EXIT_ERROR, "%s%s%s", what, detail ? ": " : "", detail ? detail : "");
}

static char *slurp(const char *path)
{
	char *buf;
	size_t len;
	return vtb_read_file(path, &buf, &len) == 0 ? buf : NULL;
}

static int write_json(const char *path, const char *trace_dir, const struct storm_trace *t,
		      const struct storm_trace_stats *s)
{
	struct vtb_atomic out;
	if (vtb_atomic_open_path(&out, path))
		return -1;
	FILE *f = out.f;
	char members[1024];
	storm_summary_json_members(&s->sum, "      ", members, sizeof(members));
	fprintf(f, "{\n  \"tool\": \"vtb-storm-ctf\",\n  \"trace\": \"");
	for (const char *p = trace_dir; *p; p++)
		fprintf(f, (*p == '"' || *p == '\\') ? "\\%c" : "%c", *p);
	fprintf(f, "\",\n  \"source\": \"%s\",\n  \"mode\": \"%s\",\n  \"threads\": %u,\n  \"interval_ns\": %llu,\n"
		   "  \"wakeups\": %llu,\n  \"discarded_events\": %llu,\n  \"stop_reason\": \"%s\",\n"
		   "  \"summary\": {\"latency_ns\": {\n%s    }, \"overruns\": %llu}\n}\n",
		t->source, t->mode, t->threads, (unsigned long long)t->interval_ns, (unsigned long long)t->nwake,
		(unsigned long long)t->discarded_events, t->stop_reason, members,
		(unsigned long long)t->stop_overruns);
	return vtb_atomic_commit(&out);
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *expect = NULL, *json = NULL;
	vtb_set_prog("vtb-storm-ctf");
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(usage, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--expect") || !strcmp(argv[i], "--json")) {
			if (i + 1 >= argc)
				return vtb_usage_error("option needs a file name: %s", argv[i]);
			*(argv[i][2] == 'e' ? &expect : &json) = argv[i + 1];
			i++;
		} else if (argv[i][0] == '-') {
			return vtb_usage_error("unknown option: %s", argv[i]);
		} else if (dir) {
			return vtb_usage_error("more than one trace directory given: %s", argv[i]);
		} else {
			dir = argv[i];
		}
	}
	if (!dir)
		return vtb_usage_error("no trace directory given");
	char *expect_text = NULL;
	if (expect && !(expect_text = slurp(expect)))
		die(expect, strerror(errno));

	struct storm_trace t;
	struct storm_trace_stats s;
	char err[512];
	if (storm_trace_read(dir, &t, err, sizeof(err)))
		die(dir, err);
	if (storm_trace_stats(&t, &s, err, sizeof(err)))
		die(dir, err);

	printf("trace %s: source=%s mode=%s threads=%u interval_ns=%llu stop=%s wakeups=%llu early=%llu discarded_events=%llu\n",
	       dir, t.source, t.mode, t.threads, (unsigned long long)t.interval_ns, t.stop_reason,
	       (unsigned long long)t.nwake, (unsigned long long)t.early, (unsigned long long)t.discarded_events);
	for (unsigned i = 0; i < s.nthreads; i++)
		printf("T:%u cycles=%llu min=%llu avg=%.1f max=%llu (ns)\n", i, (unsigned long long)s.thr[i].n,
		       (unsigned long long)s.thr[i].min, s.thr[i].n ? (double)s.thr[i].sum / (double)s.thr[i].n : 0.0,
		       (unsigned long long)s.thr[i].max);
	char line[512];
	storm_summary_line(&s.sum, line, sizeof(line));
	printf("latency_ns %s\n", line);

	unsigned problems = storm_trace_selfcheck(&t, &s);
	if (expect_text) {
		int r = storm_trace_expect(&t, &s, expect_text, err, sizeof(err));
		if (r < 0)
			die(expect, err);
		problems += (unsigned)r;
		if (!r)
			printf("match: trace statistics equal %s (n, min, p50, p90, p99, p99_9, max, mean, stddev, per-thread, overruns)\n",
			       expect);
	}
	if (json && write_json(json, dir, &t, &s)) {
		vtb_err("cannot write '%s': %s", json, strerror(errno));
		problems++;
	}
	free(expect_text);
	storm_trace_stats_free(&s);
	storm_trace_free(&t);
	if (problems)
		vtb_err("%u problem(s)", problems);
	return problems ? 1 : 0;
}
