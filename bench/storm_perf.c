#define _GNU_SOURCE
#include "storm_perf.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct {
	const char *name, *unit;
	uint32_t type;
	uint64_t config;
} events[STORM_PERF_NCOUNTERS] = {
	{ "context-switches", "", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CONTEXT_SWITCHES },
	{ "cpu-migrations", "", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_MIGRATIONS },
	{ "task-clock", "ns", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_TASK_CLOCK },
	{ "page-faults", "", PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS },
	{ "cycles", "", PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES },
	{ "instructions", "", PERF_TYPE_HARDWARE, PERF_COUNT_HW_INSTRUCTIONS },
};

static int open_one(uint32_t type, uint64_t config, int exclude_kernel)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = type;
	a.config = config;
	a.inherit = 1; /* count the storm threads too */
	a.exclude_kernel = exclude_kernel ? 1 : 0;
	a.exclude_hv = 1;
	a.read_format = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;
	return (int)syscall(SYS_perf_event_open, &a, 0 /* this process */, -1 /* any cpu */, -1, 0);
}

void storm_perf_start(struct storm_perf *p)
{
	for (int i = 0; i < STORM_PERF_NCOUNTERS; i++) {
		struct storm_perf_counter *c = &p->c[i];
		memset(c, 0, sizeof(*c));
		c->name = events[i].name;
		c->unit = events[i].unit;
		c->fd = open_one(events[i].type, events[i].config, 0);
		if (c->fd < 0 && (errno == EACCES || errno == EPERM)) {
			/* perf_event_paranoid >= 2 without privileges: user-space only. */
			c->fd = open_one(events[i].type, events[i].config, 1);
			c->user_only = c->fd >= 0;
		}
		if (c->fd < 0)
			snprintf(c->why, sizeof(c->why), "%s", strerror(errno));
		else
			c->available = 1;
	}
}

void storm_perf_stop(struct storm_perf *p)
{
	for (int i = 0; i < STORM_PERF_NCOUNTERS; i++) {
		struct storm_perf_counter *c = &p->c[i];
		uint64_t buf[3];
		if (c->fd < 0)
			continue;
		ssize_t r = read(c->fd, buf, sizeof(buf));
		if (r != (ssize_t)sizeof(buf)) {
			c->available = 0;
			snprintf(c->why, sizeof(c->why), "read: %s", r < 0 ? strerror(errno) : "short");
		} else if (buf[2] == 0) {
			/* Never scheduled onto the PMU: the count means nothing. */
			c->available = 0;
			snprintf(c->why, sizeof(c->why), "not counted (time_running 0)");
		} else {
			c->value = buf[0];
			c->time_enabled = buf[1];
			c->time_running = buf[2];
		}
		close(c->fd);
		c->fd = -1;
	}
}
