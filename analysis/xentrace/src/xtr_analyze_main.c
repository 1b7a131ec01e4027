/* vtb-xentrace-analyze: per-vCPU exits, hypervisor time and tick latency
 * stages from a xentrace capture; writes OUT/trace-summary.json atomically.
 * Exit 0 ok, 1 bad input or output error, 2 usage (docs/conventions.md). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vtb/atomic_file.h"
#include "vtb/err.h"
#include "vtb/parse.h"
#include "xtr_analyze.h"
#include "xtr_decode.h"
#include "xtr_events.h"
#include "xtr_report.h"

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

struct options {
	const char *path, *outdir, *guest_path, *guest_vcpu;
	uint64_t hz;
	int partial_ok, quiet;
};

static const char usage_text[] =
	"usage: vtb-xentrace-analyze FILE --out-dir DIR [--guest-summary summary.json] "
	"[--guest-vcpu DOM:VCPU] [--cntfrq HZ] [--partial-ok] [--quiet]\n"
	"Writes DIR/trace-summary.json (docs/xentrace-decoder.md); paths under DIR's parent\n"
	"(the run directory) are recorded relative to it. Exit 0 ok, 1 bad input, 2 usage.\n";

/* 0, -1 after --help, or VTB_EXIT_USAGE after a one-line message. */
static int parse_args(int argc, char **argv, struct options *o)
{
	*o = (struct options){.hz = 62500000};
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int has_value = i + 1 < argc;
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage_text, stdout);
			return -1;
		} else if (!strcmp(a, "--out-dir") && has_value)
			o->outdir = argv[++i];
		else if (!strcmp(a, "--guest-summary") && has_value)
			o->guest_path = argv[++i];
		else if (!strcmp(a, "--guest-vcpu") && has_value)
			o->guest_vcpu = argv[++i];
		else if (!strcmp(a, "--cntfrq") && has_value) {
			if (vtb_parse_u64_base(argv[++i], 0, &o->hz) || !o->hz)
				return vtb_usage_error("bad value '%s' for --cntfrq", argv[i]);
		} else if (!strcmp(a, "--partial-ok"))
			o->partial_ok = 1;
		else if (!strcmp(a, "--quiet"))
			o->quiet = 1;
		else if (a[0] == '-')
			return vtb_usage_error("unknown option or missing value: %s", a);
		else if (!o->path)
			o->path = a;
		else
			return vtb_usage_error("unexpected argument: %s", a);
	}
	if (!o->path || !o->outdir)
		return vtb_usage_error("FILE and --out-dir are required");
	return 0;
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

/* The delivered-tick count of the guest's own summary. 0 or 1 (reported). */
static int read_guest_summary(const char *path, struct xtr_report_meta *meta)
{
	json_error_t err;
	json_t *g = json_load_file(path, 0, &err);
	if (!g) {
		vtb_err("%s:%d: %s", path, err.line, err.text);
		return 1;
	}
	int bad = find_taken(g, &meta->guest_taken);
	/* A vtb-analyze summary.json also has the guest's latency: the stage
	 * check compares the trace's stages with it (docs/xentrace-decoder.md). */
	json_t *lat = json_object_get(g, "latency_ticks");
	json_t *n = json_object_get(lat, "n"), *mean = json_object_get(lat, "mean"),
	       *p50 = json_object_get(lat, "p50");
	if (json_is_number(n) && json_is_number(mean) && json_is_number(p50)) {
		meta->have_guest_latency = 1;
		meta->guest_lat_n = json_number_value(n);
		meta->guest_lat_mean = json_number_value(mean);
		meta->guest_lat_p50 = json_number_value(p50);
	}
	json_decref(g);
	if (bad) {
		vtb_err("%s: no integer \"taken\" key", path);
		return 1;
	}
	meta->have_guest = 1;
	return 0;
}

static int parse_guest_vcpu(const char *s, struct xtr_report_meta *meta)
{
	unsigned d, v;
	char c;
	if (sscanf(s, "%u:%u%c", &d, &v, &c) != 2 || d > 0xffff || v > 0xffff)
		return vtb_usage_error("--guest-vcpu wants DOM:VCPU, got '%s'", s);
	meta->guest_dv = (d << 16) | v;
	meta->have_guest_dv = 1;
	return 0;
}

/* Both passes over the capture: the first finds each vCPU's storm window
 * (first/last tick), the second analyses with it. Two reads keep memory
 * independent of the trace's size. Returns the second pass's reader (its
 * statistics), or NULL after a message. */
static struct xtr_reader *analyse_file(const char *path, struct xtr_an *an, struct first_issue *fi)
{
	struct xtr_rec rec;
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		vtb_err("%s: %s", path, strerror(errno));
		return NULL;
	}
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
	struct xtr_reader *r = xtr_reader_new(xtr_read_fd, &fd, 0);
	if (!r) {
		vtb_err("out of memory");
		close(fd);
		return NULL;
	}
	while (xtr_next(r, &rec))
		xtr_an_window_feed(an, &rec);
	xtr_an_window_done(an);
	xtr_reader_free(r);
	if (lseek(fd, 0, SEEK_SET) != 0) {
		vtb_err("%s: cannot seek for the second pass: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	r = xtr_reader_new(xtr_read_fd, &fd, 0);
	if (!r) {
		vtb_err("out of memory");
		close(fd);
		return NULL;
	}
	xtr_reader_on_issue(r, on_issue, fi);
	while (xtr_next(r, &rec))
		xtr_an_feed(an, &rec);
	xtr_an_finish(an);
	close(fd);
	return r;
}

/* Policy on damaged input: refuse, or with --partial-ok flag the summary.
 * 0 to go on, 1 after the message. */
static int judge_input(const struct options *o, const struct xtr_stats *st,
		       const struct first_issue *fi, const struct xtr_an *an,
		       struct xtr_report_meta *meta)
{
	uint64_t bad = xtr_issue_total(st);
	if (st->records == 0 && !bad) {
		vtb_err("%s: empty trace (no records)", o->path);
		return 1;
	}
	if (bad && !o->partial_ok) {
		vtb_err("%s: damaged trace (%" PRIu64 " decode issues, first at %s); "
			"--partial-ok writes a flagged partial summary", o->path, bad, fi->line);
		return 1;
	}
	if (bad) {
		meta->partial = 1;
		vtb_err("%s: warning: damaged trace, summary flagged partial "
			"(%" PRIu64 " decode issues, first at %s)", o->path, bad, fi->line);
	}
	if (an->lost_events)
		vtb_err("%s: warning: %" PRIu64 " records lost in %" PRIu64
			" lost-record events; figures cover only the records kept",
			o->path, an->lost_records, an->lost_events);
	return 0;
}

/* How the summary records a path: relative to the run directory (the
 * parent of --out-dir) when it lies inside it, so the record stays true
 * after run-bench renames its hidden work directory into place; as given
 * otherwise. malloc'd. */
static char *run_relative(const char *path, const char *outdir)
{
	char *rp = realpath(path, NULL), *run = realpath(outdir, NULL), *label = NULL;
	char *slash = run ? strrchr(run, '/') : NULL;
	if (rp && slash && slash != run) {
		size_t n = (size_t)(slash - run);
		if (strncmp(rp, run, n) == 0 && rp[n] == '/')
			label = strdup(rp + n + 1);
	}
	free(rp);
	free(run);
	return label ? label : strdup(path);
}

static int write_summary(const char *outdir, json_t *doc)
{
	struct vtb_atomic out;
	if (vtb_atomic_open(&out, outdir, "trace-summary.json") != 0) {
		vtb_err("%s/trace-summary.json: %s", outdir, strerror(errno));
		return 1;
	}
	if (json_dumpf(doc, out.f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	    fputc('\n', out.f) == EOF) {
		vtb_err("writing %s/trace-summary.json: %s", outdir, strerror(errno ? errno : EIO));
		vtb_atomic_abort(&out);
		return 1;
	}
	if (vtb_atomic_commit(&out) != 0) {
		vtb_err("writing %s/trace-summary.json: %s", outdir, strerror(errno));
		return 1;
	}
	return 0;
}

/* Labels, the summary, then the table. 0 or 1 (reported). */
static int report(const struct options *o, const struct xtr_an *an, const struct xtr_stats *st,
		  struct xtr_report_meta *meta)
{
	int rc = 1;
	char *input_label = NULL, *guest_label = NULL;
	json_t *doc = NULL;
	if (vtb_mkdirs(o->outdir) != 0) {
		vtb_err("%s: %s", o->outdir, strerror(errno));
		return 1;
	}
	input_label = run_relative(o->path, o->outdir);
	guest_label = o->guest_path ? run_relative(o->guest_path, o->outdir) : NULL;
	meta->input_label = input_label;
	meta->guest_summary_label = guest_label;
	doc = input_label && (guest_label || !o->guest_path) ? xtr_report_json(an, st, meta) : NULL;
	if (!doc) {
		vtb_err("out of memory building JSON");
		goto out;
	}
	if (write_summary(o->outdir, doc))
		goto out;
	if (!o->quiet)
		xtr_report_table(stdout, an, st, meta);
	if (fflush(stdout) != 0) {
		vtb_err("writing the table: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	json_decref(doc);
	free(input_label);
	free(guest_label);
	return rc;
}

int main(int argc, char **argv)
{
	static struct xtr_an an;
	struct options o;
	struct first_issue fi = {0};
	int rc;

	vtb_set_prog("vtb-xentrace-analyze");
	rc = parse_args(argc, argv, &o);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct xtr_report_meta meta = {.input_path = o.path, .cntfrq_hz = o.hz};
	if (o.guest_path && read_guest_summary(o.guest_path, &meta))
		return 1;
	if (o.guest_vcpu && (rc = parse_guest_vcpu(o.guest_vcpu, &meta)))
		return rc;
	if (xtr_an_init(&an)) {
		vtb_err("out of memory");
		return 1;
	}
	struct xtr_reader *r = analyse_file(o.path, &an, &fi);
	rc = 1;
	if (r && !judge_input(&o, xtr_reader_stats(r), &fi, &an, &meta)) {
		if (!meta.have_guest_dv)
			meta.have_guest_dv = xtr_an_guest_vcpu(&an, &meta.guest_dv) == 0;
		rc = report(&o, &an, xtr_reader_stats(r), &meta);
	}
	xtr_reader_free(r);
	xtr_an_free(&an);
	return rc;
}
