/* vtb-xentrace-analyze: per-vCPU exits, hypervisor time and tick latency
 * stages from a xentrace capture; writes OUT/trace-summary.json atomically. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xtr_analyze.h"
#include "xtr_decode.h"
#include "xtr_events.h"
#include "xtr_report.h"

static const char *prog = "vtb-xentrace-analyze";

struct first_issue {
	int have;
	char line[300];
};

static void on_issue(void *ctx, enum xtr_issue what, uint64_t off, const char *detail)
{
	struct first_issue *fi = ctx;
	if (fi->have)
		return;
	fi->have = 1;
	snprintf(fi->line, sizeof(fi->line), "offset %" PRIu64 ": %s: %s", off,
		 xtr_issue_name(what), detail);
}

static void usage(void)
{
	fprintf(stderr, "usage: %s FILE --out-dir DIR [--guest-summary summary.json] "
		"[--guest-vcpu DOM:VCPU] [--cntfrq HZ] [--partial-ok] [--quiet]\n", prog);
	exit(2);
}

/* The guest summary's delivered-tick count: the first integer "taken" found
 * breadth-first, so both {"taken":N} and {"trailer":{"taken":N}} work. */
static int find_taken(json_t *root, uint64_t *out)
{
	json_t *queue[64];
	unsigned head = 0, tail = 0;
	queue[tail++] = root;
	while (head < tail) {
		json_t *o = queue[head++];
		if (json_is_object(o)) {
			json_t *t = json_object_get(o, "taken");
			if (json_is_integer(t) && json_integer_value(t) >= 0) {
				*out = (uint64_t)json_integer_value(t);
				return 0;
			}
			const char *k;
			json_t *v;
			json_object_foreach(o, k, v)
				if ((json_is_object(v) || json_is_array(v)) && tail < 64)
					queue[tail++] = v;
		} else if (json_is_array(o)) {
			size_t i;
			json_t *v;
			json_array_foreach(o, i, v)
				if ((json_is_object(v) || json_is_array(v)) && tail < 64)
					queue[tail++] = v;
		}
	}
	return -1;
}

static int write_atomic(const char *dir, json_t *doc)
{
	char tmp[4096], final[4096];
	if (snprintf(final, sizeof(final), "%s/trace-summary.json", dir) >= (int)sizeof(final) ||
	    snprintf(tmp, sizeof(tmp), "%s/.trace-summary.json.XXXXXX", dir) >= (int)sizeof(tmp)) {
		fprintf(stderr, "%s: output path too long\n", prog);
		return -1;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, tmp, strerror(errno));
		return -1;
	}
	FILE *f = fdopen(fd, "w");
	int bad = !f || json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
		  fputc('\n', f) == EOF || fflush(f) != 0 || fsync(fd) != 0;
	if (f ? fclose(f) != 0 : close(fd) != 0)
		bad = 1;
	if (bad || chmod(tmp, 0644) != 0 || rename(tmp, final) != 0) {
		fprintf(stderr, "%s: writing %s: %s\n", prog, final, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *path = NULL, *outdir = NULL, *guest_path = NULL, *guest_vcpu = NULL;
	uint64_t hz = 62500000;
	int partial_ok = 0, quiet = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--out-dir") && i + 1 < argc)
			outdir = argv[++i];
		else if (!strcmp(a, "--guest-summary") && i + 1 < argc)
			guest_path = argv[++i];
		else if (!strcmp(a, "--guest-vcpu") && i + 1 < argc)
			guest_vcpu = argv[++i];
		else if (!strcmp(a, "--cntfrq") && i + 1 < argc) {
			char *e;
			hz = strtoull(argv[++i], &e, 0);
			if (*e || !hz)
				usage();
		} else if (!strcmp(a, "--partial-ok"))
			partial_ok = 1;
		else if (!strcmp(a, "--quiet"))
			quiet = 1;
		else if (a[0] == '-')
			usage();
		else if (!path)
			path = a;
		else
			usage();
	}
	if (!path || !outdir)
		usage();

	struct xtr_report_meta meta = {.input_path = path, .cntfrq_hz = hz,
				       .guest_summary_path = guest_path};
	if (guest_path) {
		json_error_t err;
		json_t *g = json_load_file(guest_path, 0, &err);
		if (!g) {
			fprintf(stderr, "%s: %s:%d: %s\n", prog, guest_path, err.line, err.text);
			return 1;
		}
		if (find_taken(g, &meta.guest_taken)) {
			fprintf(stderr, "%s: %s: no integer \"taken\" key\n", prog, guest_path);
			json_decref(g);
			return 1;
		}
		json_decref(g);
		meta.have_guest = 1;
	}
	if (guest_vcpu) {
		unsigned d, v;
		char c;
		if (sscanf(guest_vcpu, "%u:%u%c", &d, &v, &c) != 2 || d > 0xffff || v > 0xffff) {
			fprintf(stderr, "%s: --guest-vcpu wants DOM:VCPU, got '%s'\n", prog, guest_vcpu);
			return 2;
		}
		meta.guest_dv = (d << 16) | v;
	}

	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
		return 1;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	struct first_issue fi = {0};
	static struct xtr_an an;
	struct xtr_rec rec;
	if (xtr_an_init(&an)) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	/* Pass 1 finds each vCPU's storm window (first/last tick); pass 2 does
	 * the analysis with it. Two reads keep memory independent of the trace. */
	struct xtr_reader *r = xtr_reader_new(xtr_read_fd, &fd, 0);
	if (!r) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	while (xtr_next(r, &rec))
		xtr_an_window_feed(&an, &rec);
	xtr_an_window_done(&an);
	xtr_reader_free(r);
	if (lseek(fd, 0, SEEK_SET) != 0) {
		fprintf(stderr, "%s: %s: cannot seek for the second pass: %s\n", prog, path, strerror(errno));
		return 1;
	}
	r = xtr_reader_new(xtr_read_fd, &fd, 0);
	if (!r) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return 1;
	}
	xtr_reader_on_issue(r, on_issue, &fi);
	while (xtr_next(r, &rec))
		xtr_an_feed(&an, &rec);
	xtr_an_finish(&an);
	close(fd);

	const struct xtr_stats *st = xtr_reader_stats(r);
	uint64_t bad = xtr_issue_total(st);
	int rc = 1;
	json_t *doc = NULL;
	if (st->records == 0 && !bad) {
		fprintf(stderr, "%s: %s: empty trace (no records)\n", prog, path);
		goto out;
	}
	if (bad && !partial_ok) {
		fprintf(stderr, "%s: %s: damaged trace (%" PRIu64 " decode issues, first at %s); "
			"--partial-ok writes a flagged partial summary\n", prog, path, bad, fi.line);
		goto out;
	}
	if (bad) {
		meta.partial = 1;
		fprintf(stderr, "%s: %s: warning: damaged trace, summary flagged partial "
			"(%" PRIu64 " decode issues, first at %s)\n", prog, path, bad, fi.line);
	}
	if (an.lost_events)
		fprintf(stderr, "%s: %s: warning: %" PRIu64 " records lost in %" PRIu64
			" lost-record events; figures cover only the records kept\n",
			prog, path, an.lost_records, an.lost_events);
	if (meta.have_guest && !guest_vcpu) {
		/* The storm guest is the vCPU that received the most timer ticks. */
		uint64_t best = 0;
		for (unsigned i = 0; i < an.nvcpu; i++)
			if ((an.vcpu[i].dv >> 16) != XTR_DV_IDLE_DOM && an.vcpu[i].ticks_delivered >= best) {
				best = an.vcpu[i].ticks_delivered;
				meta.guest_dv = an.vcpu[i].dv;
			}
	}

	if (mkdir(outdir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "%s: %s: %s\n", prog, outdir, strerror(errno));
		goto out;
	}
	doc = xtr_report_json(&an, st, &meta);
	if (!doc) {
		fprintf(stderr, "%s: out of memory building JSON\n", prog);
		goto out;
	}
	if (write_atomic(outdir, doc))
		goto out;
	if (!quiet)
		xtr_report_table(stdout, &an, st, &meta);
	if (fflush(stdout) != 0) {
		fprintf(stderr, "%s: writing the table: %s\n", prog, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	json_decref(doc);
	xtr_reader_free(r);
	xtr_an_free(&an);
	return rc;
}
