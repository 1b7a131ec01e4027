/* vtimer_storm command line: parsed into a plain struct so the parser can be
 * unit-tested without starting threads or timers. */
#ifndef STORM_OPTS_H
#define STORM_OPTS_H

#include <stddef.h>
#include <stdint.h>

#define STORM_MAX_THREADS 256
#define STORM_MAX_CPUS 1024
#define STORM_MAX_HIST_US 1000000u
#define STORM_DEFAULT_HIST_SHIFT 10u
#define STORM_MAX_HIST_SHIFT 16u

enum storm_source { STORM_SRC_TIMERFD, STORM_SRC_NANOSLEEP, STORM_SRC_SIGNAL };
enum storm_mode { STORM_MODE_PERIODIC, STORM_MODE_B2B };
enum storm_record { STORM_REC_HIST, STORM_REC_SAMPLES };

struct storm_opts {
	unsigned threads;          /* -t */
	uint64_t interval_ns;      /* -i (given in us, like cyclictest) */
	uint64_t loops;            /* -l, per thread; 0 = no count limit */
	uint64_t duration_ns;      /* -D; 0 = no time limit */
	int prio;                  /* -p; 0 = SCHED_OTHER, 1..99 = SCHED_FIFO */
	unsigned ncpus;            /* -a: thread i runs on cpus[i % ncpus] */
	int cpus[STORM_MAX_CPUS];
	unsigned hist_max_us;      /* -h: 1 us bins [0, max) + overflow; 0 = off */
	unsigned hist_shift;       /* --hist-shift: log-linear ns histogram */
	int mlock;                 /* -m */
	int quiet;                 /* -q: no text report on stdout */
	long long timerslack_ns;   /* --timerslack; -1 = leave the kernel default */
	enum storm_source source;
	enum storm_mode mode;
	const char *json_path;     /* --json */
	const char *vtb_path;      /* --vtb-protocol ("-" = stdout) */
	enum storm_record vtb_record;
};

/* Result of storm_opts_parse. */
enum { STORM_OPTS_OK = 0, STORM_OPTS_HELP = 1, STORM_OPTS_ERR = -1 };

void storm_opts_default(struct storm_opts *o);
/* Parses argv; on error writes one line (no newline) into err.  Does not
 * check things only the running system knows (CPU count, privileges). */
int storm_opts_parse(int argc, char **argv, struct storm_opts *o, char *err, size_t errlen);
const char *storm_opts_usage(void);

const char *storm_source_name(enum storm_source s);
const char *storm_mode_name(enum storm_mode m);

#endif
