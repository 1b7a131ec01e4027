/* vtb-prof: a QEMU TCG plugin that profiles the hypervisor instruction by
 * instruction (docs/profiler.md). Every executed instruction is attributed
 * to a Xen function (by address in xen-syms' executable sections), to the
 * guest (any other address below the upper half) or to an upper-half kernel
 * (a Linux dom0); entries into Xen's exception vector count exits by class;
 * the guest's tick handler entry closes one per-tick window.
 *
 * Counting is inline (no callback) except at the few instructions that need
 * one: vector entries, Xen's erets and the guest's tick handler entry.
 *
 * Exactness: QEMU runs an inline counter when it enters the instruction it is
 * attached to, so a block that stops part-way (an MMIO access that icount
 * re-executes alone, or a synchronous exception) would have counted
 * instructions that did not run. A counted segment therefore ends after
 * every instruction that can stop a block (loads and stores, system and
 * exception-generating instructions) and at every function boundary: a
 * stopped segment has run all of its instructions.
 *
 * Deterministic (icount, one vCPU) runs only: the counters are not atomic.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

#include "elfsym.h"
#include "raw.h"
#include "vtb/atomic_file.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define UPPER_HALF 0xffff000000000000ull
#define MAX_NEST 16

enum { O_XEN_OTHER, O_GUEST, O_UPPER, O_N };    /* owners after the Xen functions */
enum { K_VEC = 1, K_ERET = 2, K_TICK = 4 };

struct spec {                   /* a segment whose first instruction needs a callback */
	uint32_t owner, len;
	uint8_t kind, cls;
};

struct tick {
	uint64_t xen, guest, upper, other;
	uint32_t exits[PROF_NCLASS];
	size_t f0, nf;          /* its entries in fdelta[] */
};

struct fd {
	uint32_t fid;
	uint64_t n;
};

struct exit_rec {
	uint64_t tick;          /* window it began in: the number of ticks seen so far */
	uint32_t cls;
	uint64_t insns;         /* Xen instructions from the vector entry to the eret, both included */
};

static struct prof_elf xen, guest;
static const char *xen_path, *guest_path, *out_path, *tick_name = "irq_handler";
static uint64_t vec_base;
static uint64_t tick_va, tick_off, tick_size;
static const unsigned char *tick_code;
static int tick_known;

static uint64_t *cnt, *prev;    /* per owner: Xen functions, then O_N */
static size_t nf;
static uint64_t exits[PROF_NCLASS], prev_exits[PROF_NCLASS];

static struct tick *ticks;
static size_t nticks, cap_ticks;
static struct fd *fdelta;
static size_t nfd, cap_fd;
static struct exit_rec *exrec;
static size_t nexrec, cap_exrec;
static struct { uint32_t cls; uint64_t at; } nest[MAX_NEST];
static int depth, nest_overflow;
static int oom;

static void *grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return p;
	while (c < need)
		c *= 2;
	q = realloc(p, c * elem);
	if (!q) {
		oom = 1;
		return NULL;
	}
	*cap = c;
	return q;
}

static uint64_t xen_total(void)
{
	uint64_t s = cnt[nf + O_XEN_OTHER];

	for (size_t i = 0; i < nf; i++)
		s += cnt[i];
	return s;
}

static size_t owner_of(uint64_t va)
{
	long f;

	if (prof_elf_is_exec(&xen, va)) {
		f = prof_elf_func_at(&xen, va);
		return f >= 0 ? (size_t)f : nf + O_XEN_OTHER;
	}
	return nf + (va >= UPPER_HALF ? O_UPPER : O_GUEST);
}

/* Instructions after which a block may stop part-way. */
static int may_stop(uint32_t w)
{
	return (w & 0x0a000000) == 0x08000000 ||        /* loads and stores */
	       (w & 0xffc00000) == 0xd5000000 ||        /* system: MSR, MRS, SYS, hints */
	       (w & 0xff000000) == 0xd4000000;          /* SVC, HVC, SMC, BRK, HLT */
}

static uint32_t word_at(struct qemu_plugin_insn *insn)
{
	const unsigned char *p = qemu_plugin_insn_data(insn);

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void close_window(void)
{
	struct tick *t;
	uint64_t d;

	ticks = grow(ticks, &cap_ticks, nticks + 1, sizeof(*ticks));
	if (!ticks)
		return;
	t = &ticks[nticks++];
	memset(t, 0, sizeof(*t));
	t->f0 = nfd;
	for (size_t i = 0; i < nf; i++) {
		d = cnt[i] - prev[i];
		if (!d)
			continue;
		fdelta = grow(fdelta, &cap_fd, nfd + 1, sizeof(*fdelta));
		if (!fdelta)
			return;
		fdelta[nfd++] = (struct fd){ (uint32_t)i, d };
		t->xen += d;
		prev[i] = cnt[i];
	}
	t->nf = nfd - t->f0;
	t->other = cnt[nf + O_XEN_OTHER] - prev[nf + O_XEN_OTHER];
	t->xen += t->other;
	t->guest = cnt[nf + O_GUEST] - prev[nf + O_GUEST];
	t->upper = cnt[nf + O_UPPER] - prev[nf + O_UPPER];
	for (size_t i = nf; i < nf + O_N; i++)
		prev[i] = cnt[i];
	for (int c = 0; c < PROF_NCLASS; c++) {
		t->exits[c] = (uint32_t)(exits[c] - prev_exits[c]);
		prev_exits[c] = exits[c];
	}
}

static void on_special(unsigned int vcpu, void *ud)
{
	const struct spec *s = ud;

	(void)vcpu;
	if (s->kind & K_TICK)
		close_window();
	if (s->kind & K_VEC) {
		exits[s->cls]++;
		if (depth < MAX_NEST) {
			nest[depth].cls = s->cls;
			nest[depth].at = xen_total();
		} else {
			nest_overflow = 1;
		}
		depth++;
	}
	cnt[s->owner] += s->len;
	if ((s->kind & K_ERET) && depth > 0) {
		depth--;
		if (depth < MAX_NEST && nest[depth].cls >= PROF_FIRST_LOWER) {
			exrec = grow(exrec, &cap_exrec, nexrec + 1, sizeof(*exrec));
			if (exrec)
				exrec[nexrec++] = (struct exit_rec){ nticks, nest[depth].cls,
					xen_total() - nest[depth].at };
		}
	}
}

/* Is this the guest's tick handler? Its page offset, and every byte of the
 * function as it sits in guest memory (read through the host mapping, within
 * the page), equal the guest ELF's. */
static int is_tick_entry(struct qemu_plugin_insn *insn, uint64_t va)
{
	const unsigned char *h;
	uint64_t n = tick_size;

	if (tick_known)
		return va == tick_va;
	if (!tick_code || (va & 0xfff) != (tick_off & 0xfff))
		return 0;
	if ((va & 0xfff) + n > 0x1000)
		n = 0x1000 - (va & 0xfff);
	h = qemu_plugin_insn_haddr(insn);
	if (!h || memcmp(h, tick_code, n) != 0)
		return 0;
	tick_known = 1;
	tick_va = va;
	return 1;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	size_t seg = 0;         /* first instruction of the open segment */
	size_t seg_owner = 0;
	unsigned seg_kind = 0, seg_cls = 0;

	(void)id;
	for (size_t i = 0; i <= n; i++) {
		struct qemu_plugin_insn *insn = i < n ? qemu_plugin_tb_get_insn(tb, i) : NULL;
		uint64_t va = insn ? qemu_plugin_insn_vaddr(insn) : 0;
		size_t owner = insn ? owner_of(va) : 0;
		unsigned kind = 0, cls = 0;
		int start = i == 0;

		if (insn) {
			int in_xen = owner < nf + O_GUEST;

			if (in_xen && va >= vec_base && va < vec_base + 0x800 && !(va & 0x7f)) {
				kind |= K_VEC;
				cls = (unsigned)((va - vec_base) >> 7);
			}
			if (in_xen && word_at(insn) == 0xd69f03e0)     /* eret */
				kind |= K_ERET;
			if (!in_xen && is_tick_entry(insn, va))
				kind |= K_TICK;
			if (i > 0) {
				struct qemu_plugin_insn *p = qemu_plugin_tb_get_insn(tb, i - 1);

				start = kind || owner != seg_owner || may_stop(word_at(p));
			}
		}
		if (i > 0 && (start || !insn)) {         /* close [seg, i) */
			struct qemu_plugin_insn *first = qemu_plugin_tb_get_insn(tb, seg);
			uint32_t len = (uint32_t)(i - seg);

			if (seg_kind) {
				struct spec *s = malloc(sizeof(*s));

				if (!s) {
					oom = 1;
					return;
				}
				*s = (struct spec){ (uint32_t)seg_owner, len, (uint8_t)seg_kind, (uint8_t)seg_cls };
				qemu_plugin_register_vcpu_insn_exec_cb(first, on_special,
								       QEMU_PLUGIN_CB_NO_REGS, s);
			} else {
				qemu_plugin_register_vcpu_insn_exec_inline(first, QEMU_PLUGIN_INLINE_ADD_U64,
									   &cnt[seg_owner], len);
			}
		}
		if (start && insn) {
			seg = i;
			seg_owner = owner;
			seg_kind = kind;
			seg_cls = cls;
		}
	}
}

static void write_raw(void)
{
	struct vtb_atomic a;
	FILE *f;

	if (oom) {
		fprintf(stderr, "vtb-prof: out of memory: no profile written\n");
		return;
	}
	if (vtb_atomic_open_path(&a, out_path) != 0) {
		fprintf(stderr, "vtb-prof: cannot create %s\n", out_path);
		return;
	}
	f = a.f;
	fprintf(f, "%s %d\n", PROF_RAW_MAGIC, PROF_RAW_VERSION);
	fprintf(f, "xen-syms %s\n", xen_path);
	fprintf(f, "guest-elf %s\n", guest_path ? guest_path : "-");
	fprintf(f, "vectors 0x%" PRIx64 "\n", vec_base);
	fprintf(f, "tick %s 0x%" PRIx64 "\n", tick_name, tick_known ? tick_va : 0);
	fprintf(f, "nest-overflow %d\n", nest_overflow);
	for (size_t i = 0; i < nf; i++)
		if (cnt[i])
			fprintf(f, "func %zu 0x%" PRIx64 " %" PRIu64 " %s\n", i, xen.funcs[i].addr,
				cnt[i], xen.funcs[i].name);
	fprintf(f, "total xen=%" PRIu64 " other=%" PRIu64 " guest=%" PRIu64 " upper=%" PRIu64 "\n",
		xen_total(), cnt[nf + O_XEN_OTHER], cnt[nf + O_GUEST], cnt[nf + O_UPPER]);
	fprintf(f, "exits");
	for (int c = 0; c < PROF_NCLASS; c++)
		fprintf(f, " %" PRIu64, exits[c]);
	fprintf(f, "\n");
	close_window();         /* the tail: last tick to the end of the run */
	for (size_t k = 0; k < nticks; k++) {
		const struct tick *t = &ticks[k];

		fprintf(f, "%s %zu %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64,
			k + 1 < nticks ? "w" : "tail", k + 1, t->xen, t->other, t->guest, t->upper);
		for (int c = 0; c < PROF_NCLASS; c++)
			fprintf(f, " %" PRIu32, t->exits[c]);
		for (size_t j = 0; j < t->nf; j++)
			fprintf(f, " %" PRIu32 ":%" PRIu64, fdelta[t->f0 + j].fid, fdelta[t->f0 + j].n);
		fprintf(f, "\n");
	}
	for (size_t k = 0; k < nexrec; k++)
		fprintf(f, "x %" PRIu64 " %" PRIu32 " %" PRIu64 "\n", exrec[k].tick, exrec[k].cls,
			exrec[k].insns);
	fprintf(f, "end %zu\n", nticks ? nticks - 1 : 0);
	if (oom || ferror(f) || vtb_atomic_commit(&a) != 0) {
		vtb_atomic_abort(&a);
		fprintf(stderr, "vtb-prof: cannot write %s\n", out_path);
	}
}

static void at_exit(qemu_plugin_id_t id, void *p)
{
	(void)id;
	(void)p;
	write_raw();
}

static int usage(const char *why)
{
	fprintf(stderr, "vtb-prof: %s (arguments: xen=XEN-SYMS,out=FILE[,guest=ELF][,tick=SYMBOL])\n", why);
	return -1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
					   int argc, char **argv)
{
	char err[512];
	const struct prof_func *s;

	if (strcmp(info->target_name, "aarch64") != 0)
		return usage("profiles aarch64 machines only");
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "xen=", 4))
			xen_path = argv[i] + 4;
		else if (!strncmp(argv[i], "guest=", 6))
			guest_path = argv[i] + 6;
		else if (!strncmp(argv[i], "out=", 4))
			out_path = argv[i] + 4;
		else if (!strncmp(argv[i], "tick=", 5))
			tick_name = argv[i] + 5;
		else
			return usage("unknown argument");
	}
	if (!xen_path || !*xen_path || !out_path || !*out_path)
		return usage("xen= and out= are required");
	if (prof_elf_load(&xen, xen_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "vtb-prof: %s\n", err);
		return -1;
	}
	s = prof_elf_sym(&xen, "hyp_traps_vector");
	if (!s) {
		fprintf(stderr, "vtb-prof: %s: no symbol hyp_traps_vector (not a Xen/arm64 xen-syms?)\n", xen_path);
		return -1;
	}
	vec_base = s->addr;
	if (guest_path) {
		if (prof_elf_load(&guest, guest_path, err, sizeof(err)) != 0) {
			fprintf(stderr, "vtb-prof: %s\n", err);
			return -1;
		}
		s = prof_elf_sym(&guest, tick_name);
		if (!s || !s->size || !(tick_code = prof_elf_code(&guest, s->addr, s->size))) {
			fprintf(stderr, "vtb-prof: %s: no function %s with a size\n", guest_path, tick_name);
			return -1;
		}
		tick_off = s->addr;
		tick_size = s->size;
	}
	nf = xen.nfuncs;
	cnt = calloc(nf + O_N, sizeof(*cnt));
	prev = calloc(nf + O_N, sizeof(*prev));
	if (!cnt || !prev) {
		fprintf(stderr, "vtb-prof: out of memory\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
