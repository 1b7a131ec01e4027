/* Unit tests of the trace statistics and the JSON comparison (no trace
 * files needed: the trace is built in memory). TAP (vtb/test.h). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storm_ctf.h"
#include "vtb/test.h"

static void make_trace(struct storm_trace *t, uint64_t n)
{
	memset(t, 0, sizeof(*t));
	t->run_starts = t->run_stops = 1;
	t->threads = 2;
	t->hist_shift = 10;
	t->wake_thread = calloc(n, sizeof(uint32_t));
	t->wake_value = calloc(n, sizeof(uint64_t));
	t->nwake = t->cap = n;
	uint64_t min = UINT64_MAX, max = 0, sum = 0;
	for (uint64_t i = 0; i < n; i++) {
		t->wake_thread[i] = (uint32_t)(i % 2);
		t->wake_value[i] = 1000 + (i * 7919) % 50000;
		uint64_t v = t->wake_value[i];
		min = v < min ? v : min;
		max = v > max ? v : max;
		sum += v;
	}
	t->stop_n = n;
	t->stop_min = min;
	t->stop_max = max;
	t->stop_sum = sum;
	t->stop_overruns = 3;
}

/* The JSON a storm would have written for these statistics. */
static char *storm_json(const struct storm_trace_stats *s, double p99_delta, int overruns)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	const struct storm_summary *m = &s->sum;
	fprintf(f, "{\"params\": {\"hist_shift\": %u}, \"thread\": {", s->all.hist.shift);
	for (unsigned i = 0; i < s->nthreads; i++)
		fprintf(f, "%s\"%u\": {\"cycles\": %llu, \"min\": %llu, \"max\": %llu}", i ? ", " : "", i,
			(unsigned long long)s->thr[i].n, (unsigned long long)s->thr[i].min,
			(unsigned long long)s->thr[i].max);
	fprintf(f, "}, \"summary\": {\"latency_ns\": {\"n\": %llu, \"min\": %llu, \"p50\": %.1f, \"p90\": %.1f, "
		   "\"p99\": %.1f, \"p99_9\": %.1f, \"max\": %llu, \"mean\": %.3f, \"stddev\": %.3f}, \"overruns\": %d}}",
		(unsigned long long)m->n, (unsigned long long)m->min, m->p50,
		m->p90, m->p99 + p99_delta, m->p99_9,
		(unsigned long long)m->max, m->mean, m->stddev, overruns);
	fclose(f);
	return buf;
}

/* The usual fixture: a two-thread trace of 10001 wake-ups and its statistics. */
static void setup(struct storm_trace *t, struct storm_trace_stats *s)
{
	char err[256];
	make_trace(t, 10001);
	CHECK(storm_trace_stats(t, s, err, sizeof(err)) == 0);
}

static void teardown(struct storm_trace *t, struct storm_trace_stats *s)
{
	storm_trace_stats_free(s);
	storm_trace_free(t);
}

static void test_stats_of_a_trace(void)
{
	struct storm_trace t;
	struct storm_trace_stats s;

	setup(&t, &s);
	CHECK(s.nthreads == 2 && s.thr[0].n == 5001 && s.thr[1].n == 5000);
	CHECK(s.sum.n == 10001 && s.sum.min == t.stop_min && s.sum.max == t.stop_max);
	CHECK(s.sum.p50 <= s.sum.p90 && s.sum.p90 <= s.sum.p99 && s.sum.p99 <= s.sum.p99_9 &&
	      s.sum.p99_9 <= (double)s.sum.max);
	CHECK(storm_trace_selfcheck(&t, &s) == 0);
	teardown(&t, &s);
}

static void test_expect_compares_the_storm_json(void)
{
	struct storm_trace t;
	struct storm_trace_stats s;
	char err[256];

	setup(&t, &s);
	char *j = storm_json(&s, 0, 3);
	CHECK(storm_trace_expect(&t, &s, j, err, sizeof(err)) == 0);
	free(j);
	j = storm_json(&s, 0.5, 3); /* one percentile off by half a ns */
	CHECK(storm_trace_expect(&t, &s, j, err, sizeof(err)) == 1);
	free(j);
	j = storm_json(&s, 0, 4); /* overruns differ */
	CHECK(storm_trace_expect(&t, &s, j, err, sizeof(err)) == 1);
	free(j);
	/* A storm that kept every sample reports exact percentiles: so must the reader. */
	j = storm_json(&s, 0, 3);
	CHECK(storm_trace_expect(&t, &s, j, err, sizeof(err)) == 0);
	char *ins = strstr(j, "\"overruns\"");
	char *jx = NULL;
	CHECK(ins && asprintf(&jx, "%.*s\"percentiles\": \"exact\", %s", (int)(ins - j), j, ins) > 0);
	/* The histogram midpoints differ from the exact values for these data. */
	CHECK(storm_trace_expect(&t, &s, jx, err, sizeof(err)) > 0);
	free(jx);
	free(j);
	CHECK(storm_trace_expect(&t, &s, "{\"summary\": 1", err, sizeof(err)) == -1 && err[0]);
	CHECK(storm_trace_expect(&t, &s, "{\"a\": 1}", err, sizeof(err)) == -1 && strstr(err, "summary"));
	teardown(&t, &s);
}

static void test_selfcheck_counts_each_failure(void)
{
	struct storm_trace t;
	struct storm_trace_stats s;

	setup(&t, &s);
	t.discarded_events = 5;
	CHECK(storm_trace_selfcheck(&t, &s) == 1);
	t.discarded_events = 0;
	t.stop_sum++;
	CHECK(storm_trace_selfcheck(&t, &s) == 1);
	t.stop_sum--;
	t.run_starts = 2;
	CHECK(storm_trace_selfcheck(&t, &s) == 1);
	t.run_starts = 1;
	t.field_mismatch = 1;
	CHECK(storm_trace_selfcheck(&t, &s) == 1);
	t.field_mismatch = 0;
	teardown(&t, &s);
}

/* A wake-up naming a thread run_start did not announce. */
static void test_unannounced_thread(void)
{
	struct storm_trace t;
	struct storm_trace_stats s;
	char err[256];

	make_trace(&t, 10001);
	t.wake_thread[7] = 5;
	CHECK(storm_trace_stats(&t, &s, err, sizeof(err)) == 0 && s.nthreads == 6);
	CHECK(storm_trace_selfcheck(&t, &s) == 1);
	storm_trace_stats_free(&s);
	storm_trace_free(&t);
}

/* Empty trace: no division by zero, zeros everywhere. */
static void test_empty_trace(void)
{
	struct storm_trace t;
	struct storm_trace_stats s;
	char err[256];

	make_trace(&t, 0);
	CHECK(storm_trace_stats(&t, &s, err, sizeof(err)) == 0 && s.sum.n == 0 && s.sum.p99 == 0);
	storm_trace_stats_free(&s);
	storm_trace_free(&t);
}

int main(void)
{
	RUN(test_stats_of_a_trace);
	RUN(test_expect_compares_the_storm_json);
	RUN(test_selfcheck_counts_each_failure);
	RUN(test_unannounced_thread);
	RUN(test_empty_trace);
	return vtb_test_done();
}
