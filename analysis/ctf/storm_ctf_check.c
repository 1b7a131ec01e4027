/* Statistics of a vtb_storm trace and their comparison with the storm's own
 * JSON report.  Pure (no babeltrace2), so it is unit-tested on its own. */
#define _GNU_SOURCE
#include "storm_ctf.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int storm_trace_stats(const struct storm_trace *t, struct storm_trace_stats *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	unsigned shift = t->run_starts ? t->hist_shift : 10;
	if (shift > 16) {
		snprintf(err, errlen, "run_start has hist_shift %u (max 16)", shift);
		return -1;
	}
	s->nthreads = t->threads;
	for (uint64_t i = 0; i < t->nwake; i++)
		if (t->wake_thread[i] >= s->nthreads)
			s->nthreads = t->wake_thread[i] + 1;
	if (storm_stats_init(&s->all, shift) ||
	    !(s->thr = calloc(s->nthreads ? s->nthreads : 1, sizeof(*s->thr)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (unsigned i = 0; i < s->nthreads; i++)
		s->thr[i].min = UINT64_MAX;
	for (uint64_t i = 0; i < t->nwake; i++) {
		uint64_t v = t->wake_value[i];
		struct storm_trace_thread *th = &s->thr[t->wake_thread[i]];
		storm_stats_add(&s->all, v);
		th->n++;
		th->sum += v;
		if (v < th->min)
			th->min = v;
		if (v > th->max)
			th->max = v;
	}
	for (unsigned i = 0; i < s->nthreads; i++)
		if (!s->thr[i].n)
			s->thr[i].min = 0;
	storm_stats_summary(&s->all, &s->sum);
	return 0;
}

void storm_trace_stats_free(struct storm_trace_stats *s)
{
	storm_stats_free(&s->all);
	free(s->thr);
	s->thr = NULL;
}

#define PROBLEM(...)                                           \
	do {                                                   \
		fprintf(stderr, "vtb-storm-ctf: " __VA_ARGS__); \
		fputc('\n', stderr);                           \
		problems++;                                    \
	} while (0)

unsigned storm_trace_selfcheck(const struct storm_trace *t, const struct storm_trace_stats *s)
{
	unsigned problems = 0;
	if (t->run_starts != 1)
		PROBLEM("trace holds %u run_start events, expected exactly 1 (one storm run per session)",
			t->run_starts);
	if (t->run_stops != 1)
		PROBLEM("trace holds %u run_stop events, expected exactly 1", t->run_stops);
	if (t->discarded_events || t->discarded_packets)
		PROBLEM("trace lost %llu events and %llu packets (ring buffer too small: enlarge the channel's subbuffers)",
			(unsigned long long)t->discarded_events, (unsigned long long)t->discarded_packets);
	if (t->field_mismatch)
		PROBLEM("%llu wakeup events have latency_ns != actual_ns - expected_ns",
			(unsigned long long)t->field_mismatch);
	if (t->run_starts && s->nthreads > t->threads)
		PROBLEM("wakeup events name thread %u but run_start announced %u threads", s->nthreads - 1,
			t->threads);
	if (t->run_stops == 1) {
		const struct storm_stats *a = &s->all;
		uint64_t min = a->n ? a->min : 0;
		if (t->stop_n != a->n || t->stop_min != min || t->stop_max != a->max || t->stop_sum != a->sum)
			PROBLEM("wakeup events (n=%llu min=%llu max=%llu sum=%llu) disagree with run_stop "
				"(n=%llu min=%llu max=%llu sum=%llu)",
				(unsigned long long)a->n, (unsigned long long)min, (unsigned long long)a->max,
				(unsigned long long)a->sum, (unsigned long long)t->stop_n,
				(unsigned long long)t->stop_min, (unsigned long long)t->stop_max,
				(unsigned long long)t->stop_sum);
	}
	return problems;
}

static int get_u64(json_t *obj, const char *key, uint64_t *v)
{
	json_t *x = json_object_get(obj, key);
	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return -1;
	*v = (uint64_t)json_integer_value(x);
	return 0;
}

static int get_num(json_t *obj, const char *key, double *v)
{
	json_t *x = json_object_get(obj, key);
	if (!json_is_number(x))
		return -1;
	*v = json_number_value(x);
	return 0;
}

int storm_trace_expect(const struct storm_trace *t, const struct storm_trace_stats *s,
		       const char *json_text, char *err, size_t errlen)
{
	json_error_t je;
	json_t *root = json_loads(json_text, 0, &je);
	int problems = 0;
	if (!root) {
		snprintf(err, errlen, "storm JSON: line %d: %s", je.line, je.text);
		return -1;
	}
	json_t *lat = json_object_get(json_object_get(root, "summary"), "latency_ns");
	json_t *thr = json_object_get(root, "thread");
	json_t *params = json_object_get(root, "params");
	if (!json_is_object(lat) || !json_is_object(thr) || !json_is_object(params)) {
		snprintf(err, errlen, "storm JSON: no summary.latency_ns, thread or params object (not a vtimer_storm report?)");
		json_decref(root);
		return -1;
	}
	/* The storm keeps every sample with --vtb-record samples and then reports
	 * exact percentiles; the trace has every sample too, so do the same. */
	struct storm_summary sum = s->sum;
	json_t *pm = json_object_get(json_object_get(root, "summary"), "percentiles");
	if (json_is_string(pm) && !strcmp(json_string_value(pm), "exact")) {
		uint64_t *copy = malloc((t->nwake ? t->nwake : 1) * sizeof(uint64_t));
		if (!copy) {
			snprintf(err, errlen, "out of memory");
			json_decref(root);
			return -1;
		}
		memcpy(copy, t->wake_value, t->nwake * sizeof(uint64_t));
		storm_summary_exact(copy, t->nwake, &sum);
		free(copy);
	}
	/* Percentiles are integers or end in .5: exact in binary, so compared exactly. */
	static const char *keys[] = { "n", "min", "p50", "p90", "p99", "p99_9", "max" };
	const double mine[] = { (double)sum.n, (double)sum.min, sum.p50, sum.p90, sum.p99, sum.p99_9,
				(double)sum.max };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		double v;
		if (get_num(lat, keys[i], &v)) {
			snprintf(err, errlen, "storm JSON: summary.latency_ns.%s missing or not a number", keys[i]);
			json_decref(root);
			return -1;
		}
		if (v != mine[i]) {
			char a[32], b[32];
			PROBLEM("latency %s: trace %s, storm JSON %s", keys[i], storm_fmt_q(mine[i], a, sizeof(a)),
				storm_fmt_q(v, b, sizeof(b)));
		}
	}
	/* The JSON prints mean and stddev with 3 decimals. */
	double mean, sd;
	if (get_num(lat, "mean", &mean) || get_num(lat, "stddev", &sd)) {
		snprintf(err, errlen, "storm JSON: summary.latency_ns.mean/stddev missing");
		json_decref(root);
		return -1;
	}
	if (fabs(mean - s->sum.mean) > 0.0005 + 1e-9 * fabs(mean))
		PROBLEM("latency mean: trace %.3f, storm JSON %.3f", s->sum.mean, mean);
	if (fabs(sd - s->sum.stddev) > 0.0005 + 1e-9 * fabs(sd))
		PROBLEM("latency stddev: trace %.3f, storm JSON %.3f", s->sum.stddev, sd);

	uint64_t ov, shift;
	if (!get_u64(json_object_get(root, "summary"), "overruns", &ov) && t->run_stops == 1 && ov != t->stop_overruns)
		PROBLEM("overruns: trace run_stop %llu, storm JSON %llu", (unsigned long long)t->stop_overruns,
			(unsigned long long)ov);
	if (!get_u64(params, "hist_shift", &shift) && shift != s->all.hist.shift)
		PROBLEM("hist_shift: trace %u, storm JSON %llu", s->all.hist.shift, (unsigned long long)shift);

	if (json_object_size(thr) != s->nthreads)
		PROBLEM("threads: trace %u, storm JSON %zu", s->nthreads, json_object_size(thr));
	for (unsigned i = 0; i < s->nthreads; i++) {
		char key[16];
		snprintf(key, sizeof(key), "%u", i);
		json_t *o = json_object_get(thr, key);
		uint64_t n, mn, mx;
		if (!json_is_object(o) || get_u64(o, "cycles", &n) || get_u64(o, "min", &mn) || get_u64(o, "max", &mx)) {
			PROBLEM("thread %u: missing from the storm JSON", i);
			continue;
		}
		if (n != s->thr[i].n || mn != s->thr[i].min || mx != s->thr[i].max)
			PROBLEM("thread %u: trace cycles=%llu min=%llu max=%llu, storm JSON cycles=%llu min=%llu max=%llu",
				i, (unsigned long long)s->thr[i].n, (unsigned long long)s->thr[i].min,
				(unsigned long long)s->thr[i].max, (unsigned long long)n, (unsigned long long)mn,
				(unsigned long long)mx);
	}
	json_decref(root);
	return problems;
}

void storm_trace_free(struct storm_trace *t)
{
	free(t->wake_thread);
	free(t->wake_value);
	t->wake_thread = NULL;
	t->wake_value = NULL;
}
