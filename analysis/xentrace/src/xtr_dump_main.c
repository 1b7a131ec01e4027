/* vtb-xentrace-dump: one line per record (debugging, cross-checks). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "xtr_analyze.h"
#include "xtr_decode.h"
#include "xtr_events.h"

static const char *prog = "vtb-xentrace-dump";
static unsigned issues_printed;

static void on_issue(void *ctx, enum xtr_issue what, uint64_t off, const char *detail)
{
	const char *path = ctx;
	if (issues_printed++ < 20)
		fprintf(stderr, "%s: %s: offset %" PRIu64 ": %s: %s\n", prog, path, off,
			xtr_issue_name(what), detail);
}

static void usage(void)
{
	fprintf(stderr, "usage: %s [--counts] FILE\n", prog);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *path = NULL;
	int counts = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--counts"))
			counts = 1;
		else if (argv[i][0] == '-' && argv[i][1])
			usage();
		else if (!path)
			path = argv[i];
		else
			usage();
	}
	if (!path)
		usage();
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 2;
	}
	struct xtr_reader *r = xtr_reader_new(xtr_read_fd, &fd, 0);
	static struct xtr_an an;
	if (!r || xtr_an_init(&an)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 2;
	}
	xtr_reader_on_issue(r, on_issue, (void *)path);

	static uint64_t last_tsc[XTR_MAX_CPUS];
	struct xtr_rec rec;
	char nb[48];
	while (xtr_next(r, &rec)) {
		xtr_an_feed(&an, &rec);
		if (counts)
			continue;
		uint64_t rel = rec.has_tsc && last_tsc[rec.cpu] ? rec.tsc - last_tsc[rec.cpu] : 0;
		if (rec.has_tsc)
			last_tsc[rec.cpu] = rec.tsc;
		printf("CPU%u %" PRIu64 " (+%8" PRIu64 ") %-20s 0x%08x [", rec.cpu, rec.tsc, rel,
		       xtr_event_name(rec.event, nb, sizeof(nb)), rec.event);
		for (unsigned i = 0; i < rec.n_extra; i++)
			printf(" 0x%08x", rec.extra[i]);
		printf(" ]%s\n", rec.flags & XTR_F_BACKWARD ? " TSC-BACKWARD" : "");
	}
	xtr_an_finish(&an);
	if (counts) {
		static uint32_t ids[XTR_EVCOUNT_SLOTS];
		static uint64_t cnt[XTR_EVCOUNT_SLOTS];
		unsigned n = xtr_an_event_counts(&an, ids, cnt);
		for (unsigned i = 0; i < n; i++)
			printf("0x%08x %" PRIu64 " %s\n", ids[i], cnt[i],
			       xtr_event_name(ids[i], nb, sizeof(nb)));
	}
	if (fflush(stdout)) {
		fprintf(stderr, "%s: writing output: %s\n", prog, strerror(errno));
		return 2;
	}
	if (an.lost_events)
		fprintf(stderr, "%s: %s: warning: %" PRIu64 " records lost (%" PRIu64 " lost-record events)\n",
			prog, path, an.lost_records, an.lost_events);
	const struct xtr_stats *st = xtr_reader_stats(r);
	uint64_t bad = xtr_issue_total(st);
	if (bad)
		fprintf(stderr, "%s: %s: damaged trace: %" PRIu64 " decode issues, %" PRIu64 " bytes skipped\n",
			prog, path, bad, st->skipped_bytes);
	xtr_reader_free(r);
	xtr_an_free(&an);
	close(fd);
	return bad ? 1 : 0;
}
