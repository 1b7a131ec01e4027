/* vtimer_storm: a Linux userspace timer storm.
 *
 * N threads each sleep until an absolute CLOCK_MONOTONIC deadline, through
 * timerfd, clock_nanosleep(TIMER_ABSTIME) or a POSIX timer delivering a
 * signal, and record latency = CLOCK_MONOTONIC after wake-up - deadline, in
 * ns.  Run natively it measures the host; run in a Linux guest under Xen/ARM
 * it loads the guest's virtual timer (PPI 27) through the guest kernel,
 * which is the path the harness compares.  See docs/vtimer-storm.md. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "storm_opts.h"
#include "storm_perf.h"
#include "storm_report.h"
#include "storm_stats.h"
#include "storm_timer.h"
#include "storm_trace.h"

/* Sent to the process by the last storm thread to finish: wakes main. */
#define SIG_DONE SIGUSR2

struct worker {
	pthread_t th;
	const struct storm_opts *o;
	struct storm_thread_result *res;
	int err;                 /* errno of a failed timer call */
	const char *what;        /* which call failed */
	int started;
};

static atomic_int stop_flag;
static atomic_uint done_count;
static unsigned nworkers;

static uint64_t ts_ns(const struct timespec *t)
{
	return (uint64_t)t->tv_sec * 1000000000ull + (uint64_t)t->tv_nsec;
}

static struct timespec ns_ts(uint64_t ns)
{
	struct timespec t = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };
	return t;
}

static uint64_t now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return ts_ns(&t);
}

static void on_stop_signal(int sig)
{
	(void)sig; /* only there to make blocking calls return EINTR */
}

static void worker_done(void)
{
	if (atomic_fetch_add(&done_count, 1) + 1 == nworkers)
		kill(getpid(), SIG_DONE);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	const struct storm_opts *o = w->o;
	struct storm_thread_result *r = w->res;
	struct storm_timer tm;
	sigset_t set;

	if (o->source != STORM_SRC_SIGNAL) {
		/* The stop signal must interrupt read()/clock_nanosleep(). */
		sigemptyset(&set);
		sigaddset(&set, STORM_SIG_STOP);
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	}
	if (storm_timer_init(&tm, o->source)) {
		w->err = errno;
		w->what = "timer setup";
		atomic_store(&stop_flag, 1);
		kill(getpid(), SIG_DONE);
		worker_done();
		return NULL;
	}
	uint64_t next = now_ns() + o->interval_ns;
	r->first_deadline_ns = next;
	while (!atomic_load_explicit(&stop_flag, memory_order_relaxed)) {
		struct timespec dl = ns_ts(next);
		int rc = storm_timer_wait(&tm, &dl);
		if (rc == 1)
			break;
		if (rc < 0) {
			w->err = errno;
			w->what = "timer wait";
			/* One failed thread ends the run; main reports it. */
			atomic_store(&stop_flag, 1);
			kill(getpid(), SIG_DONE);
			break;
		}
		uint64_t now = now_ns();
		int64_t lat = (int64_t)(now - next);
		uint64_t v = 0;
		if (lat < 0)
			r->early++;
		else
			v = (uint64_t)lat;
		storm_stats_add(&r->st, v);
		storm_lhist_add(&r->lh, v);
		if (r->samples)
			r->samples[r->nsamples++] = v;
		r->last_wake_ns = now;
		STORM_TRACE(wakeup, r->id, next, now, lat);
		if (o->loops && r->st.n >= o->loops)
			break;
		if (o->mode == STORM_MODE_PERIODIC) {
			/* Fixed grid: deadlines already past are skipped and counted. */
			next += o->interval_ns;
			while (next <= now) {
				next += o->interval_ns;
				r->overruns++;
			}
		} else {
			next = now_ns() + o->interval_ns;
		}
	}
	storm_timer_fini(&tm);
	worker_done();
	return NULL;
}

static void die_opt(const char *msg)
{
	fprintf(stderr, "vtimer_storm: %s\n", msg);
	exit(2);
}

/* Checks what only the running system can refuse, before anything starts. */
static void check_system(const struct storm_opts *o)
{
	char msg[256];
	if (o->ncpus) {
		cpu_set_t allowed;
		if (sched_getaffinity(0, sizeof(allowed), &allowed))
			CPU_ZERO(&allowed);
		for (unsigned i = 0; i < o->ncpus; i++) {
			if (o->cpus[i] >= CPU_SETSIZE || !CPU_ISSET(o->cpus[i], &allowed)) {
				snprintf(msg, sizeof(msg), "option -a: CPU %d is not available to this process (%d CPUs allowed)",
					 o->cpus[i], CPU_COUNT(&allowed));
				die_opt(msg);
			}
		}
	}
	if (o->prio) {
		struct sched_param sp = { .sched_priority = o->prio };
		int e = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
		if (e) {
			snprintf(msg, sizeof(msg), "option -p: cannot use SCHED_FIFO priority %d: %s", o->prio, strerror(e));
			die_opt(msg);
		}
		sp.sched_priority = 0;
		pthread_setschedparam(pthread_self(), SCHED_OTHER, &sp);
	}
	if (o->mlock && mlockall(MCL_CURRENT | MCL_FUTURE)) {
		snprintf(msg, sizeof(msg), "option -m: mlockall failed: %s", strerror(errno));
		die_opt(msg);
	}
	if (o->timerslack_ns > 0 && prctl(PR_SET_TIMERSLACK, (unsigned long)o->timerslack_ns, 0, 0, 0)) {
		snprintf(msg, sizeof(msg), "option --timerslack: prctl failed: %s", strerror(errno));
		die_opt(msg);
	}
}

static int start_worker(struct worker *w, unsigned i)
{
	const struct storm_opts *o = w->o;
	pthread_attr_t attr;
	pthread_attr_init(&attr);
	if (o->ncpus) {
		cpu_set_t cs;
		CPU_ZERO(&cs);
		CPU_SET(o->cpus[i % o->ncpus], &cs);
		pthread_attr_setaffinity_np(&attr, sizeof(cs), &cs);
	}
	if (o->prio) {
		struct sched_param sp = { .sched_priority = o->prio };
		pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
		pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
		pthread_attr_setschedparam(&attr, &sp);
	}
	int e = pthread_create(&w->th, &attr, worker_main, w);
	pthread_attr_destroy(&attr);
	if (e) {
		errno = e;
		return -1;
	}
	w->started = 1;
	return 0;
}

static void request_stop(struct worker *ws, unsigned n)
{
	atomic_store(&stop_flag, 1);
	for (unsigned i = 0; i < n; i++)
		if (ws[i].started)
			pthread_kill(ws[i].th, STORM_SIG_STOP);
}

/* Sleeps in main until every thread is done, the duration is over or the
 * user interrupts; returns the stop reason. */
static const char *wait_for_end(const struct storm_opts *o, uint64_t start_ns)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIG_DONE);
	for (;;) {
		int sig;
		if (atomic_load(&stop_flag))
			return "error";
		if (atomic_load(&done_count) == nworkers)
			return "count";
		if (o->duration_ns) {
			uint64_t now = now_ns(), end = start_ns + o->duration_ns;
			if (now >= end)
				return "duration";
			struct timespec to = ns_ts(end - now);
			sig = sigtimedwait(&set, NULL, &to);
			if (sig < 0 && errno == EAGAIN)
				return "duration";
		} else {
			sig = sigwaitinfo(&set, NULL);
		}
		if (sig == SIGINT || sig == SIGTERM)
			return "signal";
	}
}

int main(int argc, char **argv)
{
	struct storm_opts o;
	char err[256];
	int rc = storm_opts_parse(argc, argv, &o, err, sizeof(err));
	if (rc == STORM_OPTS_HELP) {
		fputs(storm_opts_usage(), stdout);
		return 0;
	}
	if (rc != STORM_OPTS_OK)
		die_opt(err);
	check_system(&o);

	struct storm_run run;
	memset(&run, 0, sizeof(run));
	run.o = &o;
	run.argc = argc;
	run.argv = argv;
	run.nthr = o.threads;
	run.lttng = STORM_HAVE_LTTNG;
	struct timespec res;
	run.resolution_ns = clock_getres(CLOCK_MONOTONIC, &res) ? -1 : res.tv_nsec;
	run.timerslack_ns = (long long)prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	run.thr = calloc(o.threads, sizeof(*run.thr));
	struct worker *ws = calloc(o.threads, sizeof(*ws));
	if (!run.thr || !ws) {
		fprintf(stderr, "vtimer_storm: out of memory\n");
		return 1;
	}
	for (unsigned i = 0; i < o.threads; i++) {
		struct storm_thread_result *t = &run.thr[i];
		t->id = i;
		t->cpu = o.ncpus ? o.cpus[i % o.ncpus] : -1;
		if (storm_stats_init(&t->st, o.hist_shift) || storm_lhist_init(&t->lh, o.hist_max_us) ||
		    (o.vtb_record == STORM_REC_SAMPLES && !(t->samples = calloc(o.loops, sizeof(uint64_t))))) {
			fprintf(stderr, "vtimer_storm: out of memory for %u threads' histograms\n", o.threads);
			return 1;
		}
		ws[i].o = &o;
		ws[i].res = t;
	}

	/* Every thread inherits this mask: signals are taken only where meant. */
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIG_DONE);
	sigaddset(&block, STORM_SIG_STOP);
	sigaddset(&block, STORM_SIG_TIMER);
	pthread_sigmask(SIG_BLOCK, &block, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal; /* no SA_RESTART: blocked calls return EINTR */
	sigaction(STORM_SIG_STOP, &sa, NULL);

	nworkers = o.threads;
	clock_gettime(CLOCK_REALTIME, &run.start_wall);
	STORM_TRACE(run_start, o.threads, o.interval_ns, o.loops, o.duration_ns, o.prio,
		    storm_source_name(o.source), storm_mode_name(o.mode), o.hist_shift);
	storm_perf_start(&run.perf);
	uint64_t start = now_ns();
	unsigned started = 0;
	int start_err = 0;
	for (; started < o.threads; started++) {
		if (start_worker(&ws[started], started)) {
			start_err = errno;
			break;
		}
	}
	if (start_err) {
		/* Count the threads never started as done so main does not wait for them. */
		atomic_fetch_add(&done_count, o.threads - started);
		request_stop(ws, started);
		run.stop_reason = "error";
	} else {
		run.stop_reason = wait_for_end(&o, start);
		request_stop(ws, started);
	}
	for (unsigned i = 0; i < started; i++)
		pthread_join(ws[i].th, NULL);
	storm_perf_stop(&run.perf);
	clock_gettime(CLOCK_REALTIME, &run.end_wall);

	if (storm_run_finish(&run)) {
		fprintf(stderr, "vtimer_storm: out of memory\n");
		return 1;
	}
	STORM_TRACE(run_stop, run.all.n, run.sum.min, run.all.max, run.all.sum, run.overruns,
		    run.stop_reason);
	if (start_err) {
		fprintf(stderr, "vtimer_storm: cannot start thread %u: %s\n", started, strerror(start_err));
		return 1;
	}
	for (unsigned i = 0; i < o.threads; i++) {
		if (ws[i].err) {
			fprintf(stderr, "vtimer_storm: thread %u: %s failed: %s\n", i, ws[i].what, strerror(ws[i].err));
			return 1;
		}
	}
	rc = 0;
	if (o.json_path && storm_write_file(o.json_path, storm_report_json, &run, err, sizeof(err))) {
		fprintf(stderr, "vtimer_storm: %s\n", err);
		rc = 1;
	}
	if (!rc && o.vtb_path && storm_write_file(o.vtb_path, storm_report_vtb, &run, err, sizeof(err))) {
		fprintf(stderr, "vtimer_storm: %s\n", err);
		rc = 1;
	}
	if (!rc && !o.quiet && !(o.vtb_path && !strcmp(o.vtb_path, "-")) && storm_report_text(stdout, &run)) {
		fprintf(stderr, "vtimer_storm: writing the report failed\n");
		rc = 1;
	}
	for (unsigned i = 0; i < o.threads; i++) {
		storm_stats_free(&run.thr[i].st);
		storm_lhist_free(&run.thr[i].lh);
		free(run.thr[i].samples);
	}
	storm_stats_free(&run.all);
	storm_lhist_free(&run.lall);
	free(run.thr);
	free(ws);
	return rc;
}
