/* Unit tests for the xentrace decoder and analysis. Traces are built here
 * with the test-only writer, so every expected figure is known exactly.
 * usage: xtr-test BINDIR XEN_SRC ROOT | xtr-test --write-corpus DIR */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xtr_analyze.h"
#include "xtr_decode.h"
#include "xtr_events.h"
#include "xtr_writer.h"
#include "vtb/test.h"

static const char *bindir, *xensrc, *root;
static char tmpdir[256];
#define EQ(a, b) CHECK_MSG((uint64_t)(a) == (uint64_t)(b), "%s = %" PRIu64 ", want %" PRIu64, #a, (uint64_t)(a), (uint64_t)(b))

struct res {
	struct xtr_stats st;
	struct xtr_an an;
	uint64_t nrec;
	uint64_t sum; /* order-sensitive digest of every decoded field */
};

/* window: run the storm-window pass first, as vtb-xentrace-analyze does. */
static void decode_opt(const uint8_t *p, size_t len, size_t bufsize, struct res *r, int window)
{
	struct xtr_mem_src m = {p, len, 0};
	struct xtr_reader *rd;
	struct xtr_rec rec;
	if (xtr_an_init(&r->an)) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	if (window) {
		if (!(rd = xtr_reader_new(xtr_read_mem, &m, bufsize))) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		while (xtr_next(rd, &rec))
			xtr_an_window_feed(&r->an, &rec);
		xtr_an_window_done(&r->an);
		xtr_reader_free(rd);
		m.pos = 0;
	}
	if (!(rd = xtr_reader_new(xtr_read_mem, &m, bufsize))) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	r->nrec = 0;
	r->sum = 1469598103934665603ull;
	while (xtr_next(rd, &rec)) {
		xtr_an_feed(&r->an, &rec);
		r->nrec++;
		uint64_t f[6] = {rec.event, rec.cpu, rec.tsc, rec.n_extra, rec.offset, rec.flags};
		for (int i = 0; i < 6; i++)
			r->sum = (r->sum ^ f[i]) * 1099511628211ull;
		for (unsigned i = 0; i < rec.n_extra; i++)
			r->sum = (r->sum ^ rec.extra[i]) * 1099511628211ull;
	}
	xtr_an_finish(&r->an);
	r->st = *xtr_reader_stats(rd);
	xtr_reader_free(rd);
}

static void decode(const uint8_t *p, size_t len, size_t bufsize, struct res *r)
{
	decode_opt(p, len, bufsize, r, 0);
}

static void res_free(struct res *r) { xtr_an_free(&r->an); }

/* --- trace building blocks ------------------------------------------- */
#define DV(d, v) (((uint32_t)(d) << 16) | (v))

/* One vtimer tick handled by stock Xen on pCPU c, stage lengths given. */
static uint64_t tick(struct xw *w, unsigned c, uint32_t dv, uint64_t cval_virt, uint64_t cntvoff,
		     uint64_t to_el2, uint64_t to_inject, uint64_t to_entry)
{
	uint64_t te = cval_virt + cntvoff + to_el2, ti = te + to_inject, tn = ti + to_entry;
	XW(w, c, TRC_ARM_GUEST_EXIT, te, 1, dv, 0);
	XW(w, c, TRC_ARM_PIRQ, te + 1, 27, dv);
	XW(w, c, TRC_ARM_VTIMER_IRQ, te + 2, dv, 5, (uint32_t)cval_virt, (uint32_t)(cval_virt >> 32),
	   (uint32_t)cntvoff, (uint32_t)(cntvoff >> 32));
	XW(w, c, TRC_ARM_VIRQ_INJECT, ti, dv, 27, 0, 27);
	XW(w, c, TRC_ARM_LR_WRITE, ti + 1, 0, 27, 2, 27);
	XW(w, c, TRC_ARM_GUEST_ENTRY, tn, dv);
	return tn;
}

static uint64_t hvc(struct xw *w, unsigned c, uint32_t dv, uint64_t t, uint64_t len)
{
	XW(w, c, TRC_ARM_GUEST_EXIT, t, 0 | (0x16u << 8), dv, 0x5a000000);
	XW(w, c, TRC_ARM_GUEST_ENTRY, t + len, dv);
	return t + len;
}

/* 100 ticks on each of 2 pCPUs: cval->el2 = k, el2->inject = 100+k,
 * inject->entry = 50, k = 1..100; plus 10 HVC exits of 30 ticks each. */
static void std_trace(struct xw *w, size_t window)
{
	for (unsigned c = 0; c < 2; c++) {
		uint64_t t = 1000;
		for (unsigned k = 1; k <= 100; k++) {
			uint64_t cval = t + 500; /* virtual; CNTVOFF 7 */
			t = tick(w, c, DV(1, c), cval, 7, k, 100 + k, 50) + 10;
			if (k % 10 == 0)
				t = hvc(w, c, DV(1, c), t + 5, 30) + 10;
		}
	}
	xw_flush(w, window);
}

static const struct xtr_hist *stage(const struct res *r, uint32_t dv, enum vtb_tick_stage s)
{
	const struct xtr_vcpu *v = xtr_an_find(&r->an, dv);
	static struct xtr_hist empty;
	return v ? &v->stage[s] : &empty;
}

/* --- tests ------------------------------------------------------------- */
static void t_basic_decode(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	xw_rec(&w, 0, 0x00028004u, 1, 0x123456789ull, 2, (uint32_t[]){1, 2});
	xw_rec(&w, 0, 0x0002800bu, 0, 0, 0, NULL);
	xw_rec(&w, 1, 0x0002800au, 1, 5, 4, (uint32_t[]){0x7fff, 1, 1, 0});
	xw_rec(&w, 1, 0x08001234u, 1, 6, 7, (uint32_t[]){1, 2, 3, 4, 5, 6, 7});
	xw_flush(&w, 1 << 20);
	decode(w.out.p, w.out.len, 0, &r);
	EQ(r.nrec, 6); /* 2 cpu_change + 4 */
	EQ(r.st.windows, 2);
	EQ(r.st.bytes, w.out.len);
	EQ(xtr_issue_total(&r.st), 0);
	EQ(r.an.pcpu[1].records, 3);
	EQ(r.an.pcpu[1].switches, 1);
	EQ(r.an.first_tsc, 5);
	EQ(r.an.last_tsc, 0x123456789ull);
	res_free(&r);
	xw_free(&w);
}

static void t_stages(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	/* Small windows so exits and entries land in different windows, with
	 * the other CPU's windows in between. */
	std_trace(&w, 100);
	decode(w.out.p, w.out.len, 0, &r);
	EQ(xtr_issue_total(&r.st), 0);
	CHECK_MSG(r.st.windows > 20, "windows %" PRIu64, r.st.windows);
	for (unsigned c = 0; c < 2; c++) {
		const struct xtr_vcpu *v = xtr_an_find(&r.an, DV(1, c));
		CHECK_MSG(v != NULL, "vcpu d1v%u missing", c);
		if (!v)
			continue;
		EQ(v->ticks_delivered, 100);
		EQ(v->ticks_complete, 100);
		EQ(v->exits[VTB_EXIT_IRQ_VTIMER], 100);
		EQ(v->exits[VTB_EXIT_SYNC_HVC], 10);
		EQ(v->exits_total, 110);
		EQ(v->lr_writes, 100);
		EQ(v->delivered_lr, 100); /* flags 2: pending */
		EQ(v->hyp[VTB_EXIT_SYNC_HVC].count, 10);
		EQ(xtr_hist_pct(&v->hyp[VTB_EXIT_SYNC_HVC], 0.5), 30);
		/* hyp time of a tick exit = el2->entry = 150 + k */
		EQ(xtr_hist_pct(&v->hyp[VTB_EXIT_IRQ_VTIMER], 0.5), 200);
		/* the vCPU is running: Xen's first event is the IRQ exit (deadline
		 * + k), there is no switch-in, and the guest is entered 150 + k
		 * later; the parts add up to deadline_to_entry = 150 + 2k */
		EQ(v->ticks_staged, 100);
		const struct xtr_hist *h = stage(&r, DV(1, c), VTB_STAGE_DEADLINE_TO_XEN);
		EQ(h->count, 100);
		EQ(h->min, 1);
		EQ(xtr_hist_pct(h, 0.5), 50);
		EQ(xtr_hist_pct(h, 0.9), 90);
		EQ(xtr_hist_pct(h, 0.99), 99);
		EQ(h->max, 100);
		EQ(stage(&r, DV(1, c), VTB_STAGE_XEN_TO_SWITCH_IN)->count, 100);
		EQ(stage(&r, DV(1, c), VTB_STAGE_XEN_TO_SWITCH_IN)->max, 0);
		EQ(xtr_hist_pct(stage(&r, DV(1, c), VTB_STAGE_SWITCH_IN_TO_ENTRY), 0.5), 200);
		EQ(xtr_hist_pct(stage(&r, DV(1, c), VTB_STAGE_DEADLINE_TO_ENTRY), 0.5), 250);
		EQ(stage(&r, DV(1, c), VTB_STAGE_DEADLINE_TO_ENTRY)->max, 350);
		double parts = 0;
		for (int s = 0; s < VTB_TICK_STAGE_PARTS; s++)
			parts += stage(&r, DV(1, c), s)->sum;
		CHECK(parts == stage(&r, DV(1, c), VTB_STAGE_DEADLINE_TO_ENTRY)->sum);
	}
	EQ(r.an.an.entry_without_exit, 0);
	EQ(r.an.an.ticks_abandoned, 0);
	EQ(r.an.an.negative_interval, 0);
	/* identical records whatever the read buffer size */
	struct res r2;
	decode(w.out.p, w.out.len, 4096, &r2);
	EQ(r2.sum, r.sum);
	EQ(r2.nrec, r.nrec);
	res_free(&r2);
	res_free(&r);
	xw_free(&w);
}

static void t_lost_records(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	uint32_t dv = DV(2, 0);
	XW(&w, 0, TRC_ARM_GUEST_EXIT, 100, 0 | (0x16u << 8), dv, 0);
	/* Xen writes the lost-records record before the next record it keeps. */
	XW(&w, 0, XTR_EVT_LOST_RECORDS, 150, 17, 2, 90, 0);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 200, dv);
	hvc(&w, 0, dv, 300, 40);
	XW(&w, 1, XTR_EVT_LOST_RECORDS, 150, 3, 0, 90, 0);
	xw_flush(&w, 1 << 20);
	decode(w.out.p, w.out.len, 0, &r);
	EQ(r.an.lost_events, 2);
	EQ(r.an.lost_records, 20);
	EQ(r.an.pcpu[0].lost_records, 17);
	EQ(r.an.pcpu[1].lost_records, 3);
	const struct xtr_vcpu *v = xtr_an_find(&r.an, dv);
	CHECK_MSG(v != NULL, "vcpu missing");
	if (v) {
		EQ(v->exits_total, 2);
		/* The exit cut by lost records is counted but not timed. */
		EQ(v->hyp[VTB_EXIT_SYNC_HVC].count, 1);
		EQ(v->hyp[VTB_EXIT_SYNC_HVC].max, 40);
	}
	EQ(r.an.an.entry_without_exit, 1);
	EQ(xtr_issue_total(&r.st), 0);
	res_free(&r);

	/* The tool reports them in the summary and on stderr, exit 0. */
	char path[1024], out[512], cmd[4096];
	snprintf(path, sizeof(path), "%s/lost.xentrace", tmpdir);
	snprintf(out, sizeof(out), "%s/lost-out", tmpdir);
	CHECK_MSG(xw_save(&w, path) == 0, "save");
	snprintf(cmd, sizeof(cmd), "%s/vtb-xentrace-analyze %s --out-dir %s --quiet 2>%s/lost.err",
		 bindir, path, out, tmpdir);
	EQ(WEXITSTATUS(system(cmd)), 0);
	snprintf(path, sizeof(path), "%s/trace-summary.json", out);
	json_t *j = json_load_file(path, 0, NULL);
	CHECK_MSG(j != NULL, "no summary");
	EQ(json_integer_value(json_object_get(json_object_get(j, "lost_records"), "records")), 20);
	EQ(json_integer_value(json_object_get(json_object_get(j, "lost_records"), "events")), 2);
	json_decref(j);
	snprintf(cmd, sizeof(cmd), "grep -q '20 records lost' %s/lost.err", tmpdir);
	EQ(WEXITSTATUS(system(cmd)), 0);
	xw_free(&w);
}

/* Runs the analyze tool; returns exit status; *exists says whether a summary was written. */
static int run_analyze(const struct xw *w, const char *name, const char *extra, int *exists)
{
	char path[1024], out[512], cmd[4096];
	snprintf(path, sizeof(path), "%s/%s.xentrace", tmpdir, name);
	snprintf(out, sizeof(out), "%s/%s-out", tmpdir, name);
	if (xw_save(w, path))
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf %s; %s/vtb-xentrace-analyze %s --out-dir %s --quiet %s 2>%s/%s.err",
		 out, bindir, path, out, extra, tmpdir, name);
	int rc = WEXITSTATUS(system(cmd));
	snprintf(path, sizeof(path), "%s/trace-summary.json", out);
	*exists = access(path, F_OK) == 0;
	return rc;
}

static void t_truncated(void)
{
	struct xw w;
	struct res r;
	int exists;
	xw_init(&w);
	std_trace(&w, 1 << 20);
	size_t full = w.out.len;
	w.out.len -= 6; /* last record (a 12-byte entry) cut in half */
	decode(w.out.p, w.out.len, 0, &r);
	EQ(r.st.issues[XTR_ISSUE_TRUNCATED_RECORD], 1);
	EQ(r.st.issues[XTR_ISSUE_WINDOW_PAST_EOF], 1);
	EQ(r.st.bytes, full - 6);
	const struct xtr_vcpu *v = xtr_an_find(&r.an, DV(1, 1));
	if (v) { /* the file ends in an HVC exit whose entry was cut */
		EQ(v->ticks_complete, 100);
		EQ(v->hyp[VTB_EXIT_SYNC_HVC].count, 9);
		EQ(v->exits[VTB_EXIT_SYNC_HVC], 10);
	}
	EQ(r.an.an.exits_open_at_end, 1);
	res_free(&r);
	/* strict: one line, non-zero, no output; --partial-ok: flagged summary */
	CHECK_MSG(run_analyze(&w, "trunc", "", &exists) != 0, "strict run must fail");
	CHECK_MSG(!exists, "no summary on failure");
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "test $(wc -l < %s/trunc.err) -eq 1 && grep -q truncated_record %s/trunc.err", tmpdir, tmpdir);
	EQ(WEXITSTATUS(system(cmd)), 0);
	EQ(run_analyze(&w, "trunc", "--partial-ok", &exists), 0);
	CHECK_MSG(exists, "partial summary missing");
	char path[600];
	snprintf(path, sizeof(path), "%s/trunc-out/trace-summary.json", tmpdir);
	json_t *j = json_load_file(path, 0, NULL);
	CHECK_MSG(j && json_is_true(json_object_get(j, "partial")), "partial flag");
	json_decref(j);

	/* cut inside a cpu_change record */
	w.out.len = full;
	xw_window_hdr(&w, 0, 64);
	w.out.len -= 4;
	decode(w.out.p, w.out.len, 0, &r);
	EQ(r.st.issues[XTR_ISSUE_TRUNCATED_RECORD], 1);
	EQ(r.st.bytes, w.out.len);
	res_free(&r);
	xw_free(&w);
}

static void t_window_past_eof(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 10, 1);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 20, 1);
	xw_window_hdr(&w, 0, 1000); /* declares 1000 bytes, provides 32 */
	xw_raw(&w, (uint32_t *)w.cpu[0].p, (unsigned)(w.cpu[0].len / 4));
	decode(w.out.p, w.out.len, 0, &r);
	EQ(r.nrec, 3);
	EQ(r.st.issues[XTR_ISSUE_WINDOW_PAST_EOF], 1);
	EQ(r.st.issues[XTR_ISSUE_TRUNCATED_RECORD], 0);
	EQ(r.st.bytes, w.out.len);
	res_free(&r);
	xw_free(&w);
}

static void t_corrupt_header(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	uint32_t good[2] = {TRC_ARM_GUEST_ENTRY | (1u << 28), 5}; /* entry, no tsc: 8 bytes */
	/* window of cpu 0: good (8) + class-0 header (4) + good (8) */
	xw_window_hdr(&w, 0, 20);
	xw_raw(&w, good, 2);
	xw_raw(&w, (uint32_t[]){0x00000005u}, 1);
	xw_raw(&w, good, 2);
	XW(&w, 1, TRC_ARM_GUEST_ENTRY, 10, 1);
	xw_flush(&w, 1 << 20);
	decode(w.out.p, w.out.len, 0, &r);
	EQ(r.st.issues[XTR_ISSUE_CORRUPT_HEADER], 1);
	EQ(r.st.skipped_bytes, 12);
	EQ(r.nrec, 1 + 1 + 2); /* window 0: hdr + 1 good; window 1: hdr + 1 */
	EQ(r.an.pcpu[1].records, 2);
	EQ(r.st.bytes, w.out.len);
	res_free(&r);
	xw_free(&w);
}

static void t_impossible_extra(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	/* header claims 7 extras + tsc (40 bytes); window has 8 left */
	xw_window_hdr(&w, 0, 8);
	xw_raw(&w, (uint32_t[]){TRC_ARM_VTIMER_IRQ | (7u << 28) | (1u << 31), 1}, 2);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 10, 1);
	xw_flush(&w, 1 << 20);
	decode(w.out.p, w.out.len, 0, &r);
	EQ(r.st.issues[XTR_ISSUE_RECORD_PAST_WINDOW], 1);
	EQ(r.nrec, 3);
	EQ(r.st.bytes, w.out.len);
	res_free(&r);
	/* a known event with too few words is decoded but not used */
	xw_clear(&w);
	XW(&w, 0, TRC_ARM_VIRQ_INJECT, 10, DV(1, 0), 27);
	xw_flush(&w, 1 << 20);
	decode(w.out.p, w.out.len, 0, &r);
	EQ(r.an.an.short_records, 1);
	CHECK_MSG(xtr_an_find(&r.an, DV(1, 0)) == NULL, "short record must not count a tick");
	res_free(&r);
	xw_free(&w);
}

static void t_bad_cpu_change(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 10, 1);
	xw_flush(&w, 1 << 20);
	for (uint32_t i = 0; i < 10; i++)
		xw_raw(&w, (uint32_t[]){0xdeadbeefu + i}, 1);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 20, 1);
	xw_flush(&w, 1 << 20);
	xw_window_hdr(&w, 3, 0x7ffffff0u); /* impossible window size */
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 30, 1);
	xw_flush(&w, 1 << 20);
	decode(w.out.p, w.out.len, 0, &r);
	EQ(r.st.issues[XTR_ISSUE_BAD_CPU_CHANGE], 2);
	EQ(r.st.issues[XTR_ISSUE_SKIPPED_BYTES], 2);
	EQ(r.st.skipped_bytes, 40 + 12);
	EQ(r.st.windows, 3);
	EQ(r.an.pcpu[0].records, 6);
	EQ(r.st.bytes, w.out.len);
	res_free(&r);
	/* garbage only */
	xw_clear(&w);
	for (uint32_t i = 0; i < 5; i++)
		xw_raw(&w, (uint32_t[]){i * 77}, 1);
	decode(w.out.p, w.out.len + 0, 0, &r);
	EQ(r.nrec, 0);
	EQ(r.st.issues[XTR_ISSUE_BAD_CPU_CHANGE], 1);
	EQ(r.st.skipped_bytes, 20);
	res_free(&r);
	xw_free(&w);
}

static void t_out_of_order(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	uint32_t dv = DV(1, 0);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 1000, dv);
	XW(&w, 0, TRC_ARM_GUEST_EXIT, 2000, 0 | (0x18u << 8), dv, 0);
	xw_flush(&w, 1 << 20);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 500, dv); /* window starts in the past */
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 600, dv);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 550, dv); /* steps back inside a window */
	xw_flush(&w, 1 << 20);
	decode(w.out.p, w.out.len, 0, &r);
	EQ(r.st.issues[XTR_ISSUE_WINDOW_OUT_OF_ORDER], 1);
	EQ(r.st.issues[XTR_ISSUE_TSC_BACKWARD], 1);
	EQ(r.an.an.negative_interval, 0); /* the reset kept 2000 -> 500 out of the stats */
	const struct xtr_vcpu *v = xtr_an_find(&r.an, dv);
	if (v) {
		EQ(v->exits[VTB_EXIT_SYNC_SYSREG], 1);
		EQ(v->hyp[VTB_EXIT_SYNC_SYSREG].count, 0);
	}
	res_free(&r);
	xw_free(&w);
}

static void t_tsc_wrap(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	uint32_t dv = DV(1, 0);
	uint64_t t = UINT64_MAX - 9;
	XW(&w, 1, TRC_ARM_GUEST_EXIT, t, 0 | (0x24u << 8), dv, 0);
	XW(&w, 1, TRC_ARM_GUEST_ENTRY, t + 25, dv); /* wraps to 15 */
	/* a tick whose stages straddle the wrap: entry at 49 after wrap */
	uint64_t tn = tick(&w, 0, dv, UINT64_MAX - 100, 0, 40, 50, 60);
	EQ(tn, 49);
	hvc(&w, 0, dv, tn + 10, 5);
	xw_flush(&w, 1 << 20);
	decode(w.out.p, w.out.len, 0, &r);
	EQ(xtr_issue_total(&r.st), 0);
	const struct xtr_vcpu *v = xtr_an_find(&r.an, dv);
	CHECK_MSG(v != NULL, "vcpu");
	if (v) {
		EQ(v->hyp[VTB_EXIT_SYNC_DABT].max, 25);
		EQ(v->stage[VTB_STAGE_DEADLINE_TO_ENTRY].max, 150);
		EQ(v->stage[VTB_STAGE_DEADLINE_TO_XEN].max, 40);
		EQ(v->stage[VTB_STAGE_SWITCH_IN_TO_ENTRY].max, 110);
		EQ(v->hyp[VTB_EXIT_SYNC_HVC].max, 5);
	}
	res_free(&r);
	xw_free(&w);
}

static void t_paths_and_sched(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	uint32_t a = DV(1, 0), b = DV(2, 0);
	XW(&w, 0, TRC_SCHED_SWITCH, 10, 0x7fff, 0, 2, 0);
	XW(&w, 0, TRC_ARM_LR_WRITE, 11, 0, 30, 1, 0); /* attributed to d2v0 */
	XW(&w, 0, 0x00021101u, 12, a);                /* runnable_to_running d1v0 */
	XW(&w, 0, TRC_ARM_LR_WRITE, 13, 0, 30, 1, 0); /* attributed to d1v0 */
	/* direct path: VIRQ_INJECT flags path=1, HW bit */
	XW(&w, 0, TRC_ARM_GUEST_EXIT, 100, 1, a, 0);
	XW(&w, 0, TRC_ARM_PIRQ, 101, 27, a);
	XW(&w, 0, TRC_ARM_VIRQ_INJECT, 110, a, 27, 0x11, 27);
	XW(&w, 0, TRC_ARM_LR_WRITE, 111, 0, 27, 3, 27);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 130, a);
	/* vCPU b not resident: Xen's software timer fires */
	XW(&w, 0, TRC_ARM_VTIMER_SAVE, 140, b, 1, 900, 0, 100, 0);
	XW(&w, 0, TRC_ARM_VTIMER_EXPIRED, 1005, b, 900, 0);
	XW(&w, 0, TRC_ARM_VIRQ_INJECT, 1010, b, 27, 0, 27);
	XW(&w, 0, TRC_SCHED_SWITCH, 1020, 0x7fff, 0, 2, 0); /* b switched in */
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 1030, b);
	/* maintenance IRQ exit */
	XW(&w, 0, TRC_ARM_GUEST_EXIT, 1100, 1, b, 0);
	XW(&w, 0, TRC_ARM_PIRQ, 1101, 25, b);
	XW(&w, 0, TRC_ARM_MAINT_IRQ, 1102, b, 1);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 1120, b);
	xw_flush(&w, 1 << 20);
	decode(w.out.p, w.out.len, 0, &r);
	const struct xtr_vcpu *va = xtr_an_find(&r.an, a), *vb = xtr_an_find(&r.an, b);
	CHECK_MSG(va && vb, "vcpus");
	if (va && vb) {
		EQ(va->lr_writes, 2);
		EQ(va->lr_vtimer_hw, 1);
		EQ(va->delivered_lr, 1);
		EQ(vb->delivered_lr, 0); /* vIRQ 30 */
		EQ(vb->lr_writes, 1);
		EQ(vb->sched_in, 2);
		EQ(va->delivered_direct, 1);
		EQ(va->delivered_sw, 0);
		EQ(va->ticks_complete, 1);
		EQ(va->ticks_staged, 0); /* no VTIMER_IRQ: no deadline, no stage */
		EQ(va->stage[VTB_STAGE_DEADLINE_TO_XEN].count, 0);
		EQ(vb->vtimer_expired, 1);
		/* blocked: deadline 900 + 100, software timer at 1005, switched
		 * in at 1020, entered at 1030 */
		EQ(vb->ticks_staged, 1);
		EQ(vb->stage[VTB_STAGE_DEADLINE_TO_XEN].max, 5);
		EQ(vb->stage[VTB_STAGE_XEN_TO_SWITCH_IN].max, 15);
		EQ(vb->stage[VTB_STAGE_SWITCH_IN_TO_ENTRY].max, 10);
		EQ(vb->stage[VTB_STAGE_DEADLINE_TO_ENTRY].max, 30);
		EQ(vb->exits[VTB_EXIT_IRQ_MAINT], 1);
		EQ(vb->maint_irqs, 1);
	}
	res_free(&r);
	xw_free(&w);
}

/* A blocked vCPU's tick stays open while another vCPU (dom0) takes its own
 * timer tick on the same pCPU: ticks are per vCPU, not per pCPU. */
static void t_interleaved_ticks(void)
{
	struct xw w;
	struct res r;
	xw_init(&w);
	uint32_t g = DV(1, 0), d0 = DV(0, 0);
	XW(&w, 0, TRC_ARM_VTIMER_SAVE, 100, g, 1, 900, 0, 100, 0);   /* g blocks; CNTVOFF 100 */
	XW(&w, 0, TRC_ARM_VTIMER_EXPIRED, 1010, g, 900, 0);          /* deadline 1000 */
	/* dom0 runs first and takes its own vtimer PPI */
	XW(&w, 0, TRC_ARM_GUEST_EXIT, 1100, 1, d0, 0);
	XW(&w, 0, TRC_ARM_PIRQ, 1101, 27, d0);
	XW(&w, 0, TRC_ARM_VTIMER_IRQ, 1102, d0, 5, 1050, 0, 0, 0);
	XW(&w, 0, TRC_ARM_VIRQ_INJECT, 1103, d0, 27, 0, 0);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 1120, d0);
	/* then g is switched in, gets its tick and is entered */
	XW(&w, 0, TRC_SCHED_SWITCH, 1500, 0, 0, 1, 0);
	XW(&w, 0, TRC_ARM_VIRQ_INJECT, 1510, g, 27, 0x11, 27);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 1600, g);
	xw_flush(&w, 1 << 20);
	decode(w.out.p, w.out.len, 0, &r);
	const struct xtr_vcpu *vg = xtr_an_find(&r.an, g), *vd = xtr_an_find(&r.an, d0);
	CHECK_MSG(vg && vd, "vcpus");
	if (vg && vd) {
		EQ(r.an.an.ticks_abandoned, 0);
		EQ(vg->ticks_staged, 1);
		EQ(vg->stage[VTB_STAGE_DEADLINE_TO_XEN].max, 10);
		EQ(vg->stage[VTB_STAGE_XEN_TO_SWITCH_IN].max, 490);
		EQ(vg->stage[VTB_STAGE_SWITCH_IN_TO_ENTRY].max, 100);
		EQ(vg->stage[VTB_STAGE_DEADLINE_TO_ENTRY].max, 600);
		EQ(vd->ticks_staged, 1); /* dom0's own: exit 1100 - deadline 1050 */
		EQ(vd->stage[VTB_STAGE_DEADLINE_TO_XEN].max, 50);
		EQ(vd->stage[VTB_STAGE_XEN_TO_SWITCH_IN].max, 0);
	}
	res_free(&r);
	xw_free(&w);
}

static void t_hist(void)
{
	struct xtr_hist h = {0};
	for (uint64_t v = 1; v <= 100000; v++)
		xtr_hist_add(&h, v);
	const double ps[] = {0.5, 0.9, 0.99, 0.999};
	for (int i = 0; i < 4; i++) {
		double want = ps[i] * 100000, got = (double)xtr_hist_pct(&h, ps[i]);
		CHECK_MSG(got >= want * (1 - 1.0 / 128) && got <= want * (1 + 1.0 / 128),
		      "p%g = %.0f, want %.0f", ps[i] * 100, got, want);
	}
	EQ(h.max, 100000);
	for (unsigned i = 0; i < XTR_HIST_NB; i++) /* bucket bounds are monotonic and consistent */
		if (xtr_hist_index(xtr_hist_bucket_lo(i)) != i) {
			CHECK_MSG(0, "bucket %u lo %" PRIu64 " maps to %u", i, xtr_hist_bucket_lo(i),
			      xtr_hist_index(xtr_hist_bucket_lo(i)));
			break;
		}
	EQ(xtr_hist_index(UINT64_MAX), XTR_HIST_NB - 1);
	xtr_hist_free(&h);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Random and mutated inputs: never a crash, every byte accounted for. */
static void t_garbage(void)
{
	struct xw w;
	xw_init(&w);
	std_trace(&w, 200);
	uint8_t *buf = malloc(w.out.len);
	int bad = 0;
	for (int it = 0; it < 3000 && !bad; it++) {
		size_t len = it < 1000 ? rnd() % 4096 : w.out.len - rnd() % 64;
		if (it < 1000)
			for (size_t i = 0; i < len; i++)
				buf[i] = (uint8_t)rnd();
		else {
			memcpy(buf, w.out.p, len);
			for (int k = 0; k < 4; k++)
				buf[rnd() % len] ^= (uint8_t)(1u << (rnd() % 8));
		}
		struct res r;
		decode(buf, len, 4096, &r);
		if (r.st.bytes != len) {
			CHECK_MSG(0, "iteration %d: %" PRIu64 " of %zu bytes accounted", it, r.st.bytes, len);
			bad = 1;
		}
		res_free(&r);
	}
	struct res r;
	decode(buf, 0, 0, &r);
	EQ(r.nrec, 0);
	EQ(xtr_issue_total(&r.st), 0);
	res_free(&r);
	free(buf);
	xw_free(&w);
}

/* Re-analyse the trace of @w as @name with a guest summary of mean/p50
 * latency @mean/@p50 ticks (written where @extra's --guest-summary points)
 * and return the one stage check in the trace summary (a new reference), or
 * NULL unless exactly one vCPU has one. */
static json_t *guest_stage_check(const struct xw *w, const char *extra, const char *name,
				 int mean, int p50)
{
	char path[600];
	int exists;
	snprintf(path, sizeof(path), "%s/summary.json", tmpdir);
	FILE *f = fopen(path, "w");
	if (f) {
		fprintf(f, "{\"trailer\":{\"taken\":55},\"latency_ticks\":{\"n\":100,\"mean\":%d,\"p50\":%d}}",
			mean, p50);
		fclose(f);
	}
	EQ(run_analyze(w, name, extra, &exists), 0);
	snprintf(path, sizeof(path), "%s/%s-out/trace-summary.json", tmpdir, name);
	json_t *j = json_load_file(path, 0, NULL), *v, *found = NULL;
	size_t i, n = 0;
	json_array_foreach(json_object_get(j, "vcpus"), i, v) {
		json_t *ck = json_object_get(v, "stage_check");
		if (json_is_object(ck)) {
			found = ck;
			n++;
		}
	}
	if (n == 1)
		json_incref(found);
	else
		found = NULL;
	json_decref(j);
	return found;
}

static void t_tools(void)
{
	struct xw w;
	int exists;
	xw_init(&w);
	std_trace(&w, 300);
	char path[600], cmd[2048];
	/* guest summary gives the denominator for exits per guest tick */
	snprintf(path, sizeof(path), "%s/summary.json", tmpdir);
	FILE *f = fopen(path, "w");
	CHECK_MSG(f != NULL, "open");
	if (!f)
		return;
	/* d1v1's stages add up to 150 + 2k, mean 251: the guest's mean 255 is
	 * within 2 %, entry to handler 4 ticks */
	fputs("{\"guest\":\"baremetal\",\"trailer\":{\"taken\":55,\"lost\":0},"
	      "\"latency_ticks\":{\"n\":100,\"mean\":255.0,\"p50\":254}}\n", f);
	fclose(f);
	char extra[700];
	snprintf(extra, sizeof(extra), "--guest-summary %s --guest-vcpu 1:1", path);
	EQ(run_analyze(&w, "tools", extra, &exists), 0);
	snprintf(path, sizeof(path), "%s/tools-out/trace-summary.json", tmpdir);
	json_t *j = json_load_file(path, 0, NULL);
	CHECK_MSG(j != NULL, "summary");
	json_t *vs = json_object_get(j, "vcpus"), *v;
	size_t i;
	int found = 0;
	json_array_foreach(vs, i, v) {
		if (strcmp(json_string_value(json_object_get(v, "id")), "d1v1"))
			continue;
		found = 1;
		EQ(json_integer_value(json_object_get(json_object_get(v, "ticks"), "guest_taken")), 55);
		/* the HVC after tick 100 is outside the storm window: 109 exits */
		double e = json_real_value(json_object_get(v, "exits_per_guest_tick"));
		CHECK_MSG(e > 1.981 && e < 1.982, "exits_per_guest_tick %f", e);
		double t = json_real_value(json_object_get(v, "exits_per_tick"));
		CHECK_MSG(t > 1.089 && t < 1.091, "exits_per_tick %f", t);
		EQ(json_integer_value(json_object_get(json_object_get(v, "exits_outside_window"), "total")), 1);
		json_t *st = json_object_get(json_object_get(v, "stages"), "deadline_to_xen");
		EQ(json_integer_value(json_object_get(st, "p90")), 90);
		json_t *ck = json_object_get(v, "stage_check");
		CHECK(json_is_true(json_object_get(ck, "agrees")));
		CHECK_NEAR(json_real_value(json_object_get(ck, "stage_mean_sum")), 251, 1e-9);
		CHECK_NEAR(json_real_value(json_object_get(ck, "entry_to_handler_mean")), 4, 1e-9);
		CHECK_NEAR(json_real_value(json_object_get(ck, "stage_p50_sum")), 50 + 0 + 200, 1e-9);
		EQ(json_integer_value(json_object_get(json_object_get(json_object_get(v, "exits"), "by_reason"), "sync_hvc")), 9);
		EQ(json_integer_value(json_object_get(json_object_get(json_object_get(v, "exits"), "sync_by_ec"), "0x16_HVC64")), 9);
	}
	CHECK_MSG(found, "d1v1 missing from summary");
	json_decref(j);
	/* a guest that saw 300 ticks on average: the stages (251) do not add
	 * up to it, and the summary says so */
	json_t *ck = guest_stage_check(&w, extra, "tools3", 300, 300);
	CHECK_MSG(ck != NULL, "one stage check (the guest's vCPU)");
	if (ck) {
		CHECK(json_is_false(json_object_get(ck, "agrees")));
		CHECK_NEAR(json_real_value(json_object_get(ck, "relative_difference")), -49.0 / 300, 1e-9);
		json_decref(ck);
	}
	/* a fast path: the guest's mean 263 is 4.6 % above the stages' 251, but
	 * the 12 ticks the trace cannot see (entry to handler) are within 16 */
	ck = guest_stage_check(&w, extra, "tools4", 263, 262);
	CHECK_MSG(ck != NULL, "one stage check (the guest's vCPU)");
	if (ck) {
		CHECK(json_is_true(json_object_get(ck, "agrees")));
		CHECK_NEAR(json_real_value(json_object_get(ck, "entry_to_handler_mean")), 12, 1e-9);
		EQ(json_integer_value(json_object_get(ck, "unseen_max_ticks")), 16);
		json_decref(ck);
	}
	/* a broken guest summary is a clear error */
	snprintf(path, sizeof(path), "%s/summary.json", tmpdir);
	f = fopen(path, "w");
	if (f) {
		fputs("{\"taken\":", f);
		fclose(f);
	}
	CHECK_MSG(run_analyze(&w, "tools2", extra, &exists) != 0, "bad guest summary must fail");
	CHECK_MSG(!exists, "no output on failure");
	/* dump --counts */
	snprintf(path, sizeof(path), "%s/tools.xentrace", tmpdir);
	snprintf(cmd, sizeof(cmd), "%s/vtb-xentrace-dump --counts %s | grep -qx '0x01002002 200 arm_virq_inject'", bindir, path);
	EQ(WEXITSTATUS(system(cmd)), 0);
	/* one dump line per record (cpu_change included) */
	snprintf(cmd, sizeof(cmd), "test $(%s/vtb-xentrace-dump %s | wc -l) -eq "
		 "$(%s/vtb-xentrace-dump --counts %s | awk '{s+=$2} END {print s}')", bindir, path, bindir, path);
	EQ(WEXITSTATUS(system(cmd)), 0);
	snprintf(cmd, sizeof(cmd), "%s/vtb-xentrace-dump /nonexistent 2>/dev/null", bindir);
	CHECK_MSG(WEXITSTATUS(system(cmd)) != 0, "missing file must fail");
	xw_free(&w);
}

/* trace-summary.json names the storm guest even without a guest summary
 * (readers never choose again) and records its input relative to the run
 * directory, the parent of --out-dir. */
static void t_guest_record(void)
{
	struct xw w;
	int exists;
	char path[1024], cmd[2048];
	xw_init(&w);
	std_trace(&w, 300);
	EQ(run_analyze(&w, "guest", "", &exists), 0);
	snprintf(path, sizeof(path), "%s/guest-out/trace-summary.json", tmpdir);
	json_t *j = json_load_file(path, 0, NULL);
	CHECK_MSG(j != NULL, "summary");
	json_t *g = json_object_get(j, "guest");
	CHECK_MSG(json_is_object(g), "guest block missing");
	CHECK_MSG(json_is_null(json_object_get(g, "path")), "guest.path without --guest-summary");
	CHECK_MSG(json_is_null(json_object_get(g, "taken")), "guest.taken without --guest-summary");
	/* The domU vCPU with most deliveries, the later one on a tie. */
	const char *want = NULL;
	json_int_t best = 0;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(j, "vcpus"), i, v) {
		json_int_t t = json_integer_value(json_object_get(json_object_get(v, "ticks"), "delivered"));
		if (json_integer_value(json_object_get(v, "domid")) > 0 && t > 0 && t >= best) {
			best = t;
			want = json_string_value(json_object_get(v, "id"));
		}
	}
	const char *got = json_string_value(json_object_get(g, "vcpu"));
	CHECK_MSG(want && got && !strcmp(got, want), "guest.vcpu %s, want %s", got ? got : "null",
		  want ? want : "null");
	const char *in = json_string_value(json_object_get(json_object_get(j, "input"), "path"));
	CHECK_MSG(in && !strcmp(in, "guest.xentrace"), "input.path %s", in ? in : "null");
	json_decref(j);
	/* usage errors exit 2 */
	snprintf(cmd, sizeof(cmd), "%s/vtb-xentrace-analyze 2>/dev/null", bindir);
	EQ(WEXITSTATUS(system(cmd)), 2);
	snprintf(cmd, sizeof(cmd), "%s/vtb-xentrace-analyze %s/guest.xentrace --out-dir %s/x --cntfrq 1x 2>/dev/null",
		 bindir, tmpdir, tmpdir);
	EQ(WEXITSTATUS(system(cmd)), 2);
	xw_free(&w);
}

static uint64_t sync_exit(struct xw *w, unsigned c, uint32_t dv, uint32_t ec, uint64_t t, uint64_t len)
{
	XW(w, c, TRC_ARM_GUEST_EXIT, t, 0 | (ec << 8), dv, ec << 26);
	XW(w, c, TRC_ARM_GUEST_ENTRY, t + len, dv);
	return t + len;
}

/* A guest's life: UART writes (data aborts) and an HVC before the storm,
 * a WFI that the first tick (Xen's software timer) ends, 4 PPI ticks with
 * an HVC between, then UART writes and an HVC after the last tick. Only
 * the storm's exits may count per tick. d1v1 has no tick: no window. */
static void window_trace(struct xw *w, uint64_t *last_entry)
{
	const uint32_t dv = DV(1, 0);
	uint64_t t = 100;
	for (int i = 0; i < 3; i++)
		t = sync_exit(w, 0, dv, 0x24, t + 10, 20);
	t = sync_exit(w, 0, dv, 0x16, t + 10, 20);
	XW(w, 0, TRC_ARM_GUEST_EXIT, 500, 0 | (0x01u << 8), dv, 0x01u << 26);  /* WFI */
	XW(w, 0, TRC_ARM_VTIMER_EXPIRED, 1000, dv, 900, 0);
	XW(w, 0, TRC_ARM_VIRQ_INJECT, 1001, dv, 27, 0, 27);
	XW(w, 0, TRC_ARM_GUEST_ENTRY, 1010, dv);
	t = 1010;
	for (int k = 0; k < 4; k++) {
		t = tick(w, 0, dv, t + 100, 7, 5, 50, 20);
		if (k == 1)
			t = sync_exit(w, 0, dv, 0x16, t + 10, 30);
	}
	*last_entry = t;
	for (int i = 0; i < 5; i++)
		t = sync_exit(w, 0, dv, 0x24, t + 10, 20);
	t = sync_exit(w, 0, dv, 0x16, t + 10, 20);
	for (int i = 0; i < 4; i++)
		sync_exit(w, 1, DV(1, 1), 0x24, 200 + 100 * i, 20);
	xw_flush(w, 100);
}

static void t_storm_window(void)
{
	struct xw w;
	struct res r;
	uint64_t last_entry;
	int exists;
	xw_init(&w);
	window_trace(&w, &last_entry);
	/* without the window pass every exit counts (library default) */
	decode(w.out.p, w.out.len, 0, &r);
	const struct xtr_vcpu *v = xtr_an_find(&r.an, DV(1, 0));
	CHECK_MSG(v != NULL, "d1v0 missing");
	if (v) {
		EQ(v->exits_total, 16);
		EQ(v->out_total, 0);
	}
	res_free(&r);
	for (int bufsize = 0; bufsize <= 4096; bufsize += 4096) {
		decode_opt(w.out.p, w.out.len, (size_t)bufsize, &r, 1);
		EQ(xtr_issue_total(&r.st), 0);
		CHECK_MSG(r.st.windows > 5, "windows %" PRIu64, r.st.windows);
		v = xtr_an_find(&r.an, DV(1, 0));
		CHECK_MSG(v != NULL, "d1v0 missing");
		if (v) {
			EQ(v->has_window, 1);
			EQ(v->win_first, 1000);          /* VTIMER_EXPIRED of the first tick */
			EQ(v->win_end, last_entry);      /* entry after the last injection */
			EQ(v->ticks_delivered, 5);
			EQ(v->exits_total, 6);           /* WFI + 4 tick IRQs + the HVC between */
			EQ(v->exits[VTB_EXIT_SYNC_WFX], 1);
			EQ(v->exits[VTB_EXIT_IRQ_VTIMER], 4);
			EQ(v->exits[VTB_EXIT_SYNC_HVC], 1);
			EQ(v->exits[VTB_EXIT_SYNC_DABT], 0);
			EQ(v->sync_by_ec[0x24], 0);
			EQ(v->hyp[VTB_EXIT_SYNC_HVC].count, 1);
			EQ(v->hyp[VTB_EXIT_SYNC_HVC].max, 30);
			EQ(v->hyp[VTB_EXIT_SYNC_WFX].max, 510);
			EQ(v->out_total, 10);
			EQ(v->out_exits[VTB_EXIT_SYNC_DABT], 8);
			EQ(v->out_exits[VTB_EXIT_SYNC_HVC], 2);
			EQ(v->out_hyp_sum, 10 * 20);
		}
		v = xtr_an_find(&r.an, DV(1, 1));
		CHECK_MSG(v != NULL, "d1v1 missing");
		if (v) {
			EQ(v->has_window, 0);
			EQ(v->exits[VTB_EXIT_SYNC_DABT], 4); /* no ticks: nothing to window */
			EQ(v->out_total, 0);
		}
		res_free(&r);
	}
	/* the tool applies the window and reports it */
	EQ(run_analyze(&w, "window", "", &exists), 0);
	char path[600];
	snprintf(path, sizeof(path), "%s/window-out/trace-summary.json", tmpdir);
	json_t *j = json_load_file(path, 0, NULL), *e;
	CHECK_MSG(j != NULL, "summary");
	size_t i;
	int found = 0;
	json_array_foreach(json_object_get(j, "vcpus"), i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		json_t *win = json_object_get(e, "window");
		if (id && !strcmp(id, "d1v1"))
			CHECK_MSG(json_is_null(win), "d1v1 has no ticks, window must be null");
		if (!id || strcmp(id, "d1v0"))
			continue;
		found = 1;
		EQ(json_integer_value(json_object_get(win, "first_tsc")), 1000);
		EQ(json_integer_value(json_object_get(win, "last_tsc")), last_entry);
		EQ(json_integer_value(json_object_get(win, "ticks")), 5);
		json_t *out = json_object_get(e, "exits_outside_window");
		EQ(json_integer_value(json_object_get(out, "total")), 10);
		EQ(json_integer_value(json_object_get(json_object_get(out, "by_reason"), "sync_dabt")), 8);
		EQ(json_integer_value(json_object_get(json_object_get(json_object_get(e, "exits"), "by_reason"), "sync_dabt")), 0);
		double t = json_real_value(json_object_get(e, "exits_per_tick"));
		CHECK_MSG(t > 1.199 && t < 1.201, "exits_per_tick %f", t);
	}
	CHECK_MSG(found, "d1v0 missing from summary");
	json_decref(j);
	xw_free(&w);
}

/* Which interpreters can run Xen's xentrace_format: the script is Python 2;
 * Python 3 gets a mechanical port (tests/xentrace_format_py3.sh). */
static int find_python2(char *out, size_t n)
{
	const char *cands[] = {"python2", "python2.7", "/usr/bin/python2", NULL};
	char cmd[600];
	for (int i = 0; cands[i]; i++) {
		snprintf(cmd, sizeof(cmd), "%s -c 'print 1' >/dev/null 2>&1", cands[i]);
		if (system(cmd) == 0) {
			snprintf(out, n, "%s", cands[i]);
			return 1;
		}
	}
	/* pyenv keeps interpreters outside PATH */
	FILE *p = popen("ls -d $HOME/.pyenv/versions/2.*/bin/python2 2>/dev/null | head -1", "r");
	if (p) {
		int ok = fgets(out, (int)n, p) != NULL;
		pclose(p);
		if (ok) {
			out[strcspn(out, "\n")] = 0;
			return out[0] != 0;
		}
	}
	return 0;
}

static int crosscheck_with(const char *interp, const char *script, const char *trace)
{
	char cmd[4096], formats[1024];
	/* (1) every record through xentrace_format's own parser: a defs file
	 * whose default rule prints the event id. */
	snprintf(cmd, sizeof(cmd), "printf '0x0 %%%%(event)d\\n' > %s/defs0", tmpdir);
	if (system(cmd))
		return -1;
	snprintf(cmd, sizeof(cmd),
		 "%s %s %s/defs0 < %s 2>%s/xf.err | grep -E '^[0-9]+$' | sort -n | uniq -c | "
		 "awk '{printf \"0x%%08x %%s\\n\", $2, $1}' > %s/xf.counts && "
		 "%s/vtb-xentrace-dump --counts %s 2>/dev/null | awk '{print $1, $2}' > %s/ours.counts && "
		 "test -s %s/ours.counts && cmp -s %s/xf.counts %s/ours.counts",
		 interp, script, tmpdir, trace, tmpdir, tmpdir, bindir, trace, tmpdir,
		 tmpdir, tmpdir, tmpdir);
	int rc1 = system(cmd);
	CHECK_MSG(rc1 == 0, "per-event counts differ from xentrace_format (%s): see %s/xf.counts vs ours.counts", interp, tmpdir);
	/* (2) with the real formats file: lines printed == our records of the
	 * ids it defines (both 0 for a capture from a Xen without our trace
	 * points; the synthetic traces always have some). */
	snprintf(formats, sizeof(formats), "%s/tracing/xentrace-formats", root);
	if (access(formats, R_OK))
		snprintf(formats, sizeof(formats), "%s/tools/xentrace/formats", xensrc);
	printf("# formats file: %s\n", formats);
	snprintf(cmd, sizeof(cmd),
		 "n=$(%s %s %s < %s 2>/dev/null | grep -vc '^TSC stepped'); "
		 "m=$(awk '/^0x/{print tolower($1)}' %s | sort -u > %s/fmt.ids; "
		 "%s/vtb-xentrace-dump --counts %s 2>/dev/null | awk 'NR==FNR{k[$1]=1; next} ($1 in k) || (\"0x00000000\" in k){s+=$2} END{print s+0}' %s/fmt.ids -); "
		 "test -n \"$n\" && test \"$n\" -eq \"$m\"",
		 interp, script, formats, trace, formats, tmpdir, bindir, trace, tmpdir);
	int rc2 = system(cmd);
	CHECK_MSG(rc2 == 0, "formats-file line count differs (%s, %s)", interp, formats);
	return 0;
}

static void t_crosscheck(void)
{
	if (!xensrc || !*xensrc) {
		printf("# note: no Xen source tree (build/xen/*/src): cross-check skipped\n");
		vtb_test_skip("a prerequisite is missing (see the note above)");
		return;
	}
	char script[1024], trace[600], py2[512], port[700], cmd[2048];
	snprintf(script, sizeof(script), "%s/tools/xentrace/xentrace_format", xensrc);
	if (access(script, R_OK)) {
		printf("# note: %s missing: cross-check skipped\n", script);
		vtb_test_skip("a prerequisite is missing (see the note above)");
		return;
	}
	struct xw w;
	xw_init(&w);
	std_trace(&w, 256);
	XW(&w, 0, XTR_EVT_LOST_RECORDS, 99999, 4, 0, 1, 0);
	XW(&w, 1, TRC_SCHED_SWITCH, 99999, 0x7fff, 1, 1, 1);
	XW(&w, 1, 0x00028004u, 100000, 1, 1);
	xw_rec(&w, 1, 0x0002800bu, 0, 0, 0, NULL);
	xw_flush(&w, 256);
	snprintf(trace, sizeof(trace), "%s/cross.xentrace", tmpdir);
	CHECK_MSG(xw_save(&w, trace) == 0, "save");
	xw_free(&w);
	int ran = 0;
	if (find_python2(py2, sizeof(py2))) {
		printf("# cross-check: %s %s (unmodified)\n", py2, script);
		crosscheck_with(py2, script, trace);
		ran++;
	}
	if (system("python3 -c 'import lib2to3' >/dev/null 2>&1") == 0) {
		snprintf(port, sizeof(port), "%s/xentrace_format.py3", tmpdir);
		snprintf(cmd, sizeof(cmd), "%s/analysis/xentrace/tests/xentrace_format_py3.sh %s %s", root, script, port);
		if (system(cmd) == 0) {
			printf("# cross-check: python3 + mechanical port of %s\n", script);
			crosscheck_with("python3", port, trace);
			ran++;
		} else {
			CHECK_MSG(0, "python3 port of xentrace_format failed");
		}
	}
	if (!ran) {
		printf("# note: no python2/python3 interpreter: cross-check skipped\n");
		vtb_test_skip("a prerequisite is missing (see the note above)");
	}
}

/* Real captures from the capture helper, if any: clean ones must give the
 * same per-event counts as xentrace_format; any must analyze without crashing. */
static void t_real_captures(void)
{
	char py2[512], cmd[8192], line[2048];
	if (!xensrc || !*xensrc || !find_python2(py2, sizeof(py2))) {
		printf("# note: no Xen tree or python2: real-capture cross-check skipped\n");
		vtb_test_skip("a prerequisite is missing (see the note above)");
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "find %s/results %s/build ${XTR_CAPTURE_DIRS:-} \\( -name '*.xentrace' -o -name trace.bin \\) "
		 "-size -4096k -size +0 2>/dev/null | sort | head -3", root, root);
	FILE *p = popen(cmd, "r");
	int n = 0;
	while (p && fgets(line, sizeof(line), p)) {
		line[strcspn(line, "\n")] = 0;
		n++;
		snprintf(cmd, sizeof(cmd), "%s/vtb-xentrace-analyze '%s' --out-dir %s/real-out --quiet --partial-ok 2>/dev/null",
			 bindir, line, tmpdir);
		CHECK_MSG(WEXITSTATUS(system(cmd)) == 0, "analyze failed on %s", line);
		snprintf(cmd, sizeof(cmd), "%s/vtb-xentrace-dump --counts '%s' >/dev/null 2>&1", bindir, line);
		int clean = system(cmd) == 0;
		if (!clean) {
			printf("# note: %s is damaged: counts not compared\n", line);
			continue;
		}
		printf("# real capture: %s\n", line);
		char script[1024];
		snprintf(script, sizeof(script), "%s/tools/xentrace/xentrace_format", xensrc);
		crosscheck_with(py2, script, line);
	}
	if (p)
		pclose(p);
	if (!n) {
		printf("# note: no real capture (*.xentrace, trace.bin) under results/ or build/\n");
		vtb_test_skip("a prerequisite is missing (see the note above)");
	}
}

/* --- corpus for the fuzzer ---------------------------------------------- */
static int write_corpus(const char *dir)
{
	struct xw w;
	char path[1024];
	int n = 0;
	xw_init(&w);
	std_trace(&w, 300);
	snprintf(path, sizeof(path), "%s/std", dir);
	n += xw_save(&w, path) == 0;
	xw_clear(&w);
	uint32_t a = DV(1, 0);
	XW(&w, 0, TRC_SCHED_SWITCH, 10, 0x7fff, 0, 1, 0);
	XW(&w, 0, TRC_ARM_VTIMER_SAVE, 140, a, 1, 900, 0, 100, 0);
	XW(&w, 0, TRC_ARM_VTIMER_RESTORE, 150, a, 1, 900, 0, 100, 0);
	XW(&w, 0, TRC_ARM_VTIMER_EXPIRED, 1005, a, 900, 0);
	XW(&w, 0, TRC_ARM_VIRQ_INJECT, 1010, a, 27, 0x11, 27);
	XW(&w, 0, TRC_ARM_GUEST_ENTRY, 1030, a);
	XW(&w, 0, XTR_EVT_LOST_RECORDS, 1040, 3, 0, 1, 0);
	XW(&w, 1, TRC_ARM_GUEST_EXIT, 1100, 1, a, 0);
	XW(&w, 1, TRC_ARM_PIRQ, 1101, 25, a);
	XW(&w, 1, TRC_ARM_MAINT_IRQ, 1102, a, 1);
	XW(&w, 1, 0x00021101u, 1103, a);
	xw_flush(&w, 64);
	snprintf(path, sizeof(path), "%s/mixed", dir);
	n += xw_save(&w, path) == 0;
	xw_free(&w);
	printf("wrote %d corpus files to %s\n", n, dir);
	return n == 2 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--write-corpus"))
		return write_corpus(argv[2]);
	if (argc != 4) {
		fprintf(stderr, "usage: xtr-test BINDIR XEN_SRC ROOT | xtr-test --write-corpus DIR\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	bindir = argv[1];
	xensrc = argv[2];
	root = argv[3];
	snprintf(tmpdir, sizeof(tmpdir), "%s/test-tmp", bindir);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", tmpdir, tmpdir);
	if (system(cmd)) {
		fprintf(stderr, "cannot create %s\n", tmpdir);
		return 2;
	}
	static const struct {
		const char *name;
		void (*fn)(void);
	} tests[] = {
		{"basic_decode", t_basic_decode}, {"stages", t_stages},
		{"lost_records", t_lost_records}, {"truncated", t_truncated},
		{"window_past_eof", t_window_past_eof}, {"corrupt_header", t_corrupt_header},
		{"impossible_extra", t_impossible_extra}, {"bad_cpu_change", t_bad_cpu_change},
		{"out_of_order", t_out_of_order}, {"tsc_wrap", t_tsc_wrap},
		{"paths_and_sched", t_paths_and_sched},
		{"interleaved_ticks", t_interleaved_ticks}, {"hist", t_hist},
		{"garbage", t_garbage}, {"storm_window", t_storm_window}, {"tools", t_tools}, {"guest_record", t_guest_record}, {"crosscheck", t_crosscheck},
		{"real_captures", t_real_captures},
	};
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		vtb_test_run(tests[i].name, tests[i].fn);
	return vtb_test_done();
}
