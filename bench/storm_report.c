#define _GNU_SOURCE
#include "storm_report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "vtb/atomic_file.h"
#include "vtb/protocol_writer.h"

int storm_run_finish(struct storm_run *r)
{
	uint64_t first = UINT64_MAX, last = 0;
	if (storm_stats_init(&r->all, r->o->hist_shift) || storm_lhist_init(&r->lall, r->o->hist_max_us))
		return -1;
	r->overruns = r->early = 0;
	for (unsigned i = 0; i < r->nthr; i++) {
		const struct storm_thread_result *t = &r->thr[i];
		storm_stats_merge(&r->all, &t->st);
		storm_lhist_merge(&r->lall, &t->lh);
		r->overruns += t->overruns;
		r->early += t->early;
		if (t->st.n) {
			if (t->first_deadline_ns < first)
				first = t->first_deadline_ns;
			if (t->last_wake_ns > last)
				last = t->last_wake_ns;
		}
	}
	r->elapsed_ns = last > first ? last - first : 0;
	storm_stats_summary(&r->all, &r->sum);
	r->percentiles = "histogram";
	if (r->o->vtb_record == STORM_REC_SAMPLES) {
		uint64_t *all = malloc((r->all.n ? r->all.n : 1) * sizeof(uint64_t)), k = 0;
		if (!all)
			return -1;
		for (unsigned i = 0; i < r->nthr; i++)
			for (uint64_t j = 0; j < r->thr[i].nsamples; j++)
				all[k++] = r->thr[i].samples[j];
		if (k == r->all.n) {
			storm_summary_exact(all, k, &r->sum);
			r->percentiles = "exact";
		}
		free(all);
	}
	return 0;
}

/* ---- text ---- */

static void text_perf(FILE *f, const struct storm_perf *p)
{
	fprintf(f, "perf");
	for (int i = 0; i < STORM_PERF_NCOUNTERS; i++) {
		const struct storm_perf_counter *c = &p->c[i];
		if (!c->available) {
			fprintf(f, " %s=unavailable", c->name);
			continue;
		}
		fprintf(f, " %s=%llu%s", c->name, (unsigned long long)c->value, c->unit);
		if (c->time_running < c->time_enabled)
			fprintf(f, "(counted %.0f%%)", 100.0 * (double)c->time_running / (double)c->time_enabled);
		if (c->user_only)
			fprintf(f, "(user)");
	}
	fputc('\n', f);
}

int storm_report_text(FILE *f, const struct storm_run *r)
{
	const struct storm_opts *o = r->o;
	const struct storm_summary *s = &r->sum;
	fprintf(f, "vtimer_storm source=%s mode=%s threads=%u interval_ns=%llu prio=%d stop=%s lttng=%s timerslack_ns=%lld\n",
		storm_source_name(o->source), storm_mode_name(o->mode), o->threads,
		(unsigned long long)o->interval_ns, o->prio, r->stop_reason, r->lttng ? "yes" : "no",
		r->timerslack_ns);
	for (unsigned i = 0; i < r->nthr; i++) {
		const struct storm_thread_result *t = &r->thr[i];
		fprintf(f, "T:%u cpu=%d cycles=%llu overruns=%llu min=%llu avg=%.1f max=%llu (ns)\n", t->id,
			t->cpu, (unsigned long long)t->st.n, (unsigned long long)t->overruns,
			(unsigned long long)(t->st.n ? t->st.min : 0),
			t->st.n ? (double)t->st.sum / (double)t->st.n : 0.0, (unsigned long long)t->st.max);
	}
	char line[512];
	storm_summary_line(s, line, sizeof(line));
	fprintf(f, "latency_ns %s\n", line);
	fprintf(f, "overruns=%llu early=%llu elapsed_ns=%llu\n", (unsigned long long)r->overruns,
		(unsigned long long)r->early, (unsigned long long)r->elapsed_ns);
	text_perf(f, &r->perf);
	if (r->lall.max_us) {
		/* Same shape as cyclictest -h, all threads summed into one column. */
		fprintf(f, "# Histogram\n");
		for (unsigned i = 0; i < r->lall.max_us; i++)
			fprintf(f, "%06u %06llu\n", i, (unsigned long long)r->lall.count[i]);
		fprintf(f, "# Total: %09llu\n", (unsigned long long)s->n);
		fprintf(f, "# Min Latencies: %05llu\n", (unsigned long long)(s->min / 1000));
		fprintf(f, "# Avg Latencies: %05llu\n", (unsigned long long)(s->mean / 1000));
		fprintf(f, "# Max Latencies: %05llu\n", (unsigned long long)(s->max / 1000));
		fprintf(f, "# Histogram Overflows: %05llu\n", (unsigned long long)r->lall.overflow);
	}
	return ferror(f) ? -1 : 0;
}

/* ---- JSON ---- */

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_time(FILE *f, const struct timespec *ts)
{
	struct tm tm;
	char buf[64];
	gmtime_r(&ts->tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "\"%s.%06ldZ\"", buf, ts->tv_nsec / 1000);
}

static void json_summary(FILE *f, const struct storm_summary *s, const char *ind)
{
	char members[1024], ind2[32];
	snprintf(ind2, sizeof(ind2), "%s  ", ind);
	storm_summary_json_members(s, ind2, members, sizeof(members));
	fprintf(f, "{\n%s%s}", members, ind);
}

static void json_lhist(FILE *f, const struct storm_lhist *h)
{
	/* cyclictest --json style: only non-empty bins, keyed by us. */
	int first = 1;
	fputc('{', f);
	for (unsigned i = 0; i < h->max_us; i++) {
		if (!h->count[i])
			continue;
		fprintf(f, "%s\"%u\": %llu", first ? "" : ", ", i, (unsigned long long)h->count[i]);
		first = 0;
	}
	fputc('}', f);
}

int storm_report_json(FILE *f, const struct storm_run *r)
{
	const struct storm_opts *o = r->o;
	struct utsname u;
	fprintf(f, "{\n  \"file_version\": 1,\n  \"tool\": \"vtimer_storm\",\n  \"cmdline\": ");
	{
		size_t len = 1;
		for (int i = 0; i < r->argc; i++)
			len += strlen(r->argv[i]) + 1;
		char *cmd = calloc(1, len);
		if (!cmd)
			return -1;
		for (int i = 0; i < r->argc; i++) {
			if (i)
				strcat(cmd, " ");
			strcat(cmd, r->argv[i]);
		}
		json_str(f, cmd);
		free(cmd);
	}
	fprintf(f, ",\n  \"start_time\": ");
	json_time(f, &r->start_wall);
	fprintf(f, ",\n  \"end_time\": ");
	json_time(f, &r->end_wall);
	fprintf(f, ",\n  \"return_code\": 0,\n  \"stop_reason\": \"%s\",\n", r->stop_reason);
	if (uname(&u) == 0) {
		fprintf(f, "  \"sysinfo\": {\"sysname\": ");
		json_str(f, u.sysname);
		fprintf(f, ", \"nodename\": ");
		json_str(f, u.nodename);
		fprintf(f, ", \"release\": ");
		json_str(f, u.release);
		fprintf(f, ", \"machine\": ");
		json_str(f, u.machine);
		fprintf(f, "},\n");
	}
	fprintf(f, "  \"clock\": \"CLOCK_MONOTONIC\",\n  \"unit\": \"ns\",\n  \"resolution_in_ns\": %ld,\n",
		r->resolution_ns);
	fprintf(f, "  \"params\": {\"threads\": %u, \"interval_ns\": %llu, \"loops\": %llu, \"duration_ns\": %llu, "
		   "\"prio\": %d, \"policy\": \"%s\", \"cpus\": [",
		o->threads, (unsigned long long)o->interval_ns, (unsigned long long)o->loops,
		(unsigned long long)o->duration_ns, o->prio, o->prio ? "SCHED_FIFO" : "SCHED_OTHER");
	for (unsigned i = 0; i < o->ncpus; i++)
		fprintf(f, "%s%d", i ? ", " : "", o->cpus[i]);
	fprintf(f, "], \"source\": \"%s\", \"mode\": \"%s\", \"hist_shift\": %u, \"hist_max_us\": %u, "
		   "\"mlockall\": %s, \"timerslack_ns\": %lld, \"lttng\": %s},\n",
		storm_source_name(o->source), storm_mode_name(o->mode), o->hist_shift, o->hist_max_us,
		o->mlock ? "true" : "false", r->timerslack_ns, r->lttng ? "true" : "false");
	fprintf(f, "  \"num_threads\": %u,\n  \"thread\": {\n", r->nthr);
	for (unsigned i = 0; i < r->nthr; i++) {
		const struct storm_thread_result *t = &r->thr[i];
		fprintf(f, "    \"%u\": {\"cycles\": %llu, \"min\": %llu, \"max\": %llu, \"avg\": %.3f, "
			   "\"overruns\": %llu, \"early\": %llu, \"cpu\": %d",
			t->id, (unsigned long long)t->st.n, (unsigned long long)(t->st.n ? t->st.min : 0),
			(unsigned long long)t->st.max, t->st.n ? (double)t->st.sum / (double)t->st.n : 0.0,
			(unsigned long long)t->overruns, (unsigned long long)t->early, t->cpu);
		if (t->lh.max_us) {
			fprintf(f, ", \"histogram_us\": ");
			json_lhist(f, &t->lh);
			fprintf(f, ", \"histogram_us_overflow\": %llu", (unsigned long long)t->lh.overflow);
		}
		fprintf(f, "}%s\n", i + 1 < r->nthr ? "," : "");
	}
	fprintf(f, "  },\n  \"summary\": {\n    \"latency_ns\": ");
	json_summary(f, &r->sum, "    ");
	fprintf(f, ",\n    \"percentiles\": \"%s\",\n    \"overruns\": %llu,\n    \"early\": %llu,\n    \"elapsed_ns\": %llu\n  },\n",
		r->percentiles, (unsigned long long)r->overruns, (unsigned long long)r->early,
		(unsigned long long)r->elapsed_ns);
	fprintf(f, "  \"histogram_ns\": {\"scheme\": \"log-linear\", \"shift\": %u, \"buckets\": [",
		r->all.hist.shift);
	int first = 1;
	for (size_t i = 0; i < r->all.hist.nbuckets; i++) {
		if (!r->all.hist.count[i])
			continue;
		fprintf(f, "%s[%llu, %llu]", first ? "" : ", ",
			(unsigned long long)storm_hist_lo(r->all.hist.shift, i),
			(unsigned long long)r->all.hist.count[i]);
		first = 0;
	}
	fprintf(f, "]},\n  \"perf\": {\n");
	for (int i = 0; i < STORM_PERF_NCOUNTERS; i++) {
		const struct storm_perf_counter *c = &r->perf.c[i];
		fprintf(f, "    \"%s\": ", c->name);
		if (c->available)
			fprintf(f, "{\"status\": \"ok\", \"value\": %llu, \"unit\": \"%s\", \"time_enabled_ns\": %llu, "
				   "\"time_running_ns\": %llu, \"scope\": \"%s\"}",
				(unsigned long long)c->value, c->unit, (unsigned long long)c->time_enabled,
				(unsigned long long)c->time_running, c->user_only ? "user" : "user+kernel");
		else {
			fprintf(f, "{\"status\": \"unavailable\", \"reason\": ");
			json_str(f, c->why);
			fputc('}', f);
		}
		fprintf(f, "%s\n", i + 1 < STORM_PERF_NCOUNTERS ? "," : "");
	}
	fprintf(f, "  }\n}\n");
	return ferror(f) ? -1 : 0;
}

/* ---- guest console protocol ---- */

/* Where the protocol writer's lines go, and whether any was lost. */
struct vtb_file_sink {
	FILE *f;
	int err;
};

static void vtb_to_file(const char *line, size_t len, void *ctx)
{
	struct vtb_file_sink *s = ctx;
	if (fwrite(line, 1, len, s->f) != len)
		s->err = 1;
}

static unsigned vtb_intid(void)
{
#if defined(__aarch64__)
	return 27; /* Linux on arm64 (also under Xen) runs on the EL1 virtual timer, PPI 27 */
#else
	return 0;  /* not an ARM timer: no meaningful interrupt ID */
#endif
}

int storm_report_vtb(FILE *f, const struct storm_run *r)
{
	const struct storm_opts *o = r->o;
	const struct storm_summary *s = &r->sum;
	int samples = o->vtb_record == STORM_REC_SAMPLES;
	struct vtb_file_sink sink = { f, 0 };
	struct vtb_pw pw, *w = &pw;
	char payload[VTB_PROTO_LINE_MAX];

	vtb_pw_init(w, vtb_to_file, &sink);
	snprintf(payload, sizeof(payload),
		 "guest=linux mode=%s ticks=%llu cntfrq=1000000000 intid=%u record=%s period=%llu rmin=0 rmax=0 "
		 "seed=0 hist_shift=%u source=%s threads=%u interval=%llu overruns=%llu early=%llu stop=%s",
		 storm_mode_name(o->mode), (unsigned long long)s->n, vtb_intid(), samples ? "samples" : "hist",
		 (unsigned long long)(o->mode == STORM_MODE_PERIODIC ? o->interval_ns : 0),
		 samples ? 0u : r->all.hist.shift, storm_source_name(o->source), r->nthr,
		 (unsigned long long)o->interval_ns, (unsigned long long)r->overruns,
		 (unsigned long long)r->early, r->stop_reason);
	vtb_pw_line(w, 'H', payload);
	if (samples) {
		/* Threads one after the other, indices contiguous across them. */
		for (unsigned t = 0; t < r->nthr; t++)
			for (uint64_t i = 0; i < r->thr[t].nsamples; i++)
				vtb_pw_sample(w, r->thr[t].samples[i]);
	} else {
		for (size_t i = 0; i < r->all.hist.nbuckets; i++)
			if (r->all.hist.count[i])
				vtb_pw_bucket(w, storm_hist_lo(r->all.hist.shift, i), r->all.hist.count[i]);
	}
	snprintf(payload, sizeof(payload),
		 "taken=%llu lost=0 spurious=0 other=0 min=%llu max=%llu sum=%llu elapsed=%llu",
		 (unsigned long long)s->n, (unsigned long long)s->min, (unsigned long long)s->max,
		 (unsigned long long)r->all.sum, (unsigned long long)r->elapsed_ns);
	vtb_pw_line(w, 'T', payload);
	vtb_pw_end(w);
	return w->overflow || sink.err || ferror(f) ? -1 : 0;
}

/* ---- files ---- */

int storm_write_file(const char *path, int (*fn)(FILE *, const struct storm_run *),
		     const struct storm_run *r, char *err, size_t errlen)
{
	struct vtb_atomic a;

	if (!strcmp(path, "-")) {
		if (fn(stdout, r) || fflush(stdout)) {
			snprintf(err, errlen, "writing to stdout failed");
			return -1;
		}
		return 0;
	}
	if (vtb_atomic_open_path(&a, path)) {
		snprintf(err, errlen, "cannot create a temporary file for '%s': %s", path, strerror(errno));
		return -1;
	}
	if (fn(a.f, r)) {
		vtb_atomic_abort(&a);
		snprintf(err, errlen, "cannot write '%s': write error", path);
		return -1;
	}
	if (vtb_atomic_commit(&a)) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
