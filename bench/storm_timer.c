#define _GNU_SOURCE
#include "storm_timer.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

int storm_timer_init(struct storm_timer *t, enum storm_source src)
{
	memset(t, 0, sizeof(*t));
	t->src = src;
	t->fd = -1;
	if (src == STORM_SRC_TIMERFD) {
		t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
		return t->fd < 0 ? -1 : 0;
	}
	if (src == STORM_SRC_SIGNAL) {
		struct sigevent sev;
		memset(&sev, 0, sizeof(sev));
		/* Thread-directed, so each storm thread gets its own expiries
		 * (glibc 2.36 has no sigev_notify_thread_id name for the field). */
		sev.sigev_notify = SIGEV_THREAD_ID;
		sev.sigev_signo = STORM_SIG_TIMER;
		sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
		if (timer_create(CLOCK_MONOTONIC, &sev, &t->tid))
			return -1;
		t->have_tid = 1;
		sigemptyset(&t->wait);
		sigaddset(&t->wait, STORM_SIG_TIMER);
		sigaddset(&t->wait, STORM_SIG_STOP);
	}
	return 0;
}

int storm_timer_wait(struct storm_timer *t, const struct timespec *deadline)
{
	switch (t->src) {
	case STORM_SRC_TIMERFD: {
		struct itimerspec its = { .it_interval = { 0, 0 }, .it_value = *deadline };
		uint64_t expirations;
		if (timerfd_settime(t->fd, TFD_TIMER_ABSTIME, &its, NULL))
			return -1;
		ssize_t r = read(t->fd, &expirations, sizeof(expirations));
		if (r == (ssize_t)sizeof(expirations))
			return 0;
		if (r < 0 && errno == EINTR)
			return 1;
		if (r >= 0)
			errno = EIO;
		return -1;
	}
	case STORM_SRC_NANOSLEEP: {
		int e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, deadline, NULL);
		if (!e)
			return 0;
		if (e == EINTR)
			return 1;
		errno = e;
		return -1;
	}
	case STORM_SRC_SIGNAL: {
		struct itimerspec its = { .it_interval = { 0, 0 }, .it_value = *deadline };
		if (timer_settime(t->tid, TIMER_ABSTIME, &its, NULL))
			return -1;
		for (;;) {
			int sig = sigwaitinfo(&t->wait, NULL);
			if (sig == STORM_SIG_TIMER)
				return 0;
			if (sig == STORM_SIG_STOP)
				return 1;
			if (sig < 0 && errno != EINTR)
				return -1;
		}
	}
	}
	errno = EINVAL;
	return -1;
}

void storm_timer_fini(struct storm_timer *t)
{
	if (t->fd >= 0)
		close(t->fd);
	if (t->have_tid)
		timer_delete(t->tid);
	t->fd = -1;
	t->have_tid = 0;
}
