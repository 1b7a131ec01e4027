/* One timer per storm thread, behind a single "sleep until this absolute
 * CLOCK_MONOTONIC deadline" call, whatever the kernel mechanism. */
#ifndef STORM_TIMER_H
#define STORM_TIMER_H

#include <signal.h>
#include <time.h>

#include "storm_opts.h"

/* Signal that interrupts a blocked storm thread when the run must stop. */
#define STORM_SIG_STOP SIGUSR1
/* Signal the POSIX timer of --source signal delivers. */
#define STORM_SIG_TIMER (SIGRTMIN)

struct storm_timer {
	enum storm_source src;
	int fd;          /* timerfd */
	timer_t tid;     /* POSIX timer */
	int have_tid;
	sigset_t wait;   /* signal source: timer + stop signals */
};

/* Called in the thread that will wait (the POSIX timer targets it). */
int storm_timer_init(struct storm_timer *t, enum storm_source src);
/* 0: woke at (or after) the deadline; 1: interrupted by STORM_SIG_STOP;
 * -1: error (errno set). */
int storm_timer_wait(struct storm_timer *t, const struct timespec *deadline);
void storm_timer_fini(struct storm_timer *t);

#endif
