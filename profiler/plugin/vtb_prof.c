/* vtb-prof: a QEMU TCG plugin that profiles the hypervisor instruction by
 * instruction (docs/profiler.md). Every executed instruction is attributed
 * to a Xen function (by address in xen-syms' executable sections), to the
 * storm guest (the code of its ELF, wherever it was loaded), to an
 * upper-half kernel (a Linux dom0) or to other low addresses (dom0's user
 * space); entries into Xen's exception vector count exits by class, and say
 * whether the storm guest was running when it exited; the guest's tick
 * handler entry closes one per-tick window.
 *
 * Where the guest runs is learned from its entry: the first block that
 * starts on a page boundary and holds, in guest memory, the first 64 bytes
 * of the guest ELF (a branch and the arm64 Image header with the image's
 * size) is its load address. Every block is translated after that one, so
 * no guest instruction is ever classified before it is known.
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

enum { O_XEN_OTHER, O_STORM, O_LOW, O_UPPER, O_N };     /* owners after the Xen functions */
enum { K_VEC = 1, K_ERET = 2, K_TICK = 4, K_STAMP = 8 };

struct spec {                   /* a segment whose first instruction needs a callback */
	uint32_t owner, len;
	uint8_t kind, cls;
};

struct tick {
	uint64_t xen, other, storm, low, upper;
	uint32_t exits[PROF_NCLASS];
	uint32_t storm_exits[PROF_NCLASS];
	size_t f0, nf;          /* its entries in fdelta[] */
};

struct fd {
	uint32_t fid;
	uint64_t n;
};

struct exit_rec {
	uint64_t tick;          /* window it began in: the number of ticks seen so far */
	uint32_t cls;
	uint32_t storm;         /* the storm guest was running when it exited */
	uint64_t insns;         /* Xen instructions from the vector entry to the eret, both included */
	uint32_t nstamp;        /* trace timestamp reads in it (not in nested exceptions) */
	uint64_t first, last;   /* instructions from the vector entry to the first and last */
};

static struct prof_elf xen, guest;
static const char *xen_path, *guest_path, *out_path, *tick_name = "guest_irq_handler";
static uint64_t vec_base;
static uint64_t tick_va, tick_off;
static const unsigned char *entry_code;  /* the guest ELF's first 64 bytes */
static uint64_t guest_base, guest_code_end;     /* its code once loaded: [base, end) */
static int guest_known;
static uint64_t storm_at_eret, low_at_eret, upper_at_eret, zero_exits;
static uint32_t last_storm;

static uint64_t *cnt, *prev;    /* per owner: Xen functions, then O_N */
static size_t nf;
static uint64_t exits[PROF_NCLASS], prev_exits[PROF_NCLASS];
static uint64_t storm_exits[PROF_NCLASS], prev_storm_exits[PROF_NCLASS];

static struct tick *ticks;
static size_t nticks, cap_ticks;
static struct fd *fdelta;
static size_t nfd, cap_fd;
static struct exit_rec *exrec;
static size_t nexrec, cap_exrec;
static struct { uint32_t cls, storm, nstamp; uint64_t at, first, last; } nest[MAX_NEST];
static const char *stamp_prefix = "__insert_record";
static unsigned char *is_stamp_func;    /* per Xen function: holds the trace timestamp read */
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
	if (guest_known && va >= guest_base && va < guest_code_end)
		return nf + O_STORM;
	return nf + (va >= UPPER_HALF ? O_UPPER : O_LOW);
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
	t->storm = cnt[nf + O_STORM] - prev[nf + O_STORM];
	t->low = cnt[nf + O_LOW] - prev[nf + O_LOW];
	t->upper = cnt[nf + O_UPPER] - prev[nf + O_UPPER];
	for (size_t i = nf; i < nf + O_N; i++)
		prev[i] = cnt[i];
	for (int c = 0; c < PROF_NCLASS; c++) {
		t->exits[c] = (uint32_t)(exits[c] - prev_exits[c]);
		prev_exits[c] = exits[c];
		t->storm_exits[c] = (uint32_t)(storm_exits[c] - prev_storm_exits[c]);
		prev_storm_exits[c] = storm_exits[c];
	}
}

static void on_special(unsigned int vcpu, void *ud)
{
	const struct spec *s = ud;

	(void)vcpu;
	if (s->kind & K_TICK)
		close_window();
	if (s->kind & K_VEC) {
		/* Guest code runs only between an eret and the next vector entry:
		 * the storm guest ran there if its count moved. */
		uint32_t storm = 0;

		exits[s->cls]++;
		if (s->cls >= PROF_FIRST_LOWER) {
			if (cnt[nf + O_STORM] == storm_at_eret && cnt[nf + O_LOW] == low_at_eret &&
			    cnt[nf + O_UPPER] == upper_at_eret) {
				/* An interrupt taken at the eret, before the guest's
				 * first instruction: the guest is the one that ran last
				 * (a context switch in between would make it wrong). */
				zero_exits++;
				storm = last_storm;
			} else {
				storm = cnt[nf + O_STORM] != storm_at_eret;
			}
			last_storm = storm;
			storm_exits[s->cls] += storm;
		}
		if (depth < MAX_NEST) {
			nest[depth].cls = s->cls;
			nest[depth].storm = storm;
			nest[depth].nstamp = 0;
			nest[depth].at = xen_total();
		} else {
			nest_overflow = 1;
		}
		depth++;
	}
	if ((s->kind & K_STAMP) && depth > 0 && depth <= MAX_NEST) {
		uint64_t off = xen_total() - nest[depth - 1].at;

		if (!nest[depth - 1].nstamp++)
			nest[depth - 1].first = off;
		nest[depth - 1].last = off;
	}
	cnt[s->owner] += s->len;
	if (s->kind & K_ERET) {
		storm_at_eret = cnt[nf + O_STORM];
		low_at_eret = cnt[nf + O_LOW];
		upper_at_eret = cnt[nf + O_UPPER];
	}
	if ((s->kind & K_ERET) && depth > 0) {
		depth--;
		if (depth < MAX_NEST && nest[depth].cls >= PROF_FIRST_LOWER) {
			exrec = grow(exrec, &cap_exrec, nexrec + 1, sizeof(*exrec));
			if (exrec)
				exrec[nexrec++] = (struct exit_rec){ nticks, nest[depth].cls,
					nest[depth].storm, xen_total() - nest[depth].at, nest[depth].nstamp,
					nest[depth].nstamp ? nest[depth].first : 0,
					nest[depth].nstamp ? nest[depth].last : 0 };
		}
	}
}

/* Is this block the guest's entry? Then the guest is known from now on. */
static void learn_guest(struct qemu_plugin_tb *tb)
{
	struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, 0);
	uint64_t va = qemu_plugin_insn_vaddr(insn);
	const unsigned char *h;

	if (guest_known || !entry_code || (va & 0xfff) || va >= UPPER_HALF || prof_elf_is_exec(&xen, va))
		return;
	h = qemu_plugin_insn_haddr(insn);
	if (!h || memcmp(h, entry_code, 64) != 0)
		return;
	guest_known = 1;
	guest_base = va;
	for (size_t i = 0; i < guest.nexec; i++)
		if (va + guest.exec[i].end > guest_code_end)
			guest_code_end = va + guest.exec[i].end;
	tick_va = va + tick_off;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	size_t seg = 0;         /* first instruction of the open segment */
	size_t seg_owner = 0;
	unsigned seg_kind = 0, seg_cls = 0;

	(void)id;
	if (n)
		learn_guest(tb);
	for (size_t i = 0; i <= n; i++) {
		struct qemu_plugin_insn *insn = i < n ? qemu_plugin_tb_get_insn(tb, i) : NULL;
		uint64_t va = insn ? qemu_plugin_insn_vaddr(insn) : 0;
		size_t owner = insn ? owner_of(va) : 0;
		unsigned kind = 0, cls = 0;
		int start = i == 0;

		if (insn) {
			int in_xen = owner < nf + O_STORM;

			if (in_xen && va >= vec_base && va < vec_base + 0x800 && !(va & 0x7f)) {
				kind |= K_VEC;
				cls = (unsigned)((va - vec_base) >> 7);
			}
			if (in_xen && word_at(insn) == 0xd69f03e0)     /* eret */
				kind |= K_ERET;
			if (in_xen && owner < nf && is_stamp_func[owner] &&
			    (word_at(insn) & 0xffffffe0) == 0xd53be020)   /* mrs xN, cntpct_el0 */
				kind |= K_STAMP;
			if (guest_known && va == tick_va)
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
	fprintf(f, "guest-base 0x%" PRIx64 "\n", guest_known ? guest_base : 0);
	fprintf(f, "tick %s 0x%" PRIx64 "\n", tick_name, guest_known ? tick_va : 0);
	fprintf(f, "nest-overflow %d\n", nest_overflow);
	fprintf(f, "zero-instruction-exits %" PRIu64 "\n", zero_exits);
	for (size_t i = 0; i < nf; i++)
		if (cnt[i])
			fprintf(f, "func %zu 0x%" PRIx64 " %" PRIu64 " %s\n", i, xen.funcs[i].addr,
				cnt[i], xen.funcs[i].name);
	fprintf(f, "total %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 "\n",
		xen_total(), cnt[nf + O_XEN_OTHER], cnt[nf + O_STORM], cnt[nf + O_LOW], cnt[nf + O_UPPER]);
	fprintf(f, "exits");
	for (int c = 0; c < PROF_NCLASS; c++)
		fprintf(f, " %" PRIu64, exits[c]);
	for (int c = PROF_FIRST_LOWER; c < PROF_NCLASS; c++)
		fprintf(f, " %" PRIu64, storm_exits[c]);
	fprintf(f, "\n");
	close_window();         /* the tail: last tick to the end of the run */
	for (size_t k = 0; k < nticks; k++) {
		const struct tick *t = &ticks[k];

		fprintf(f, "%s %zu %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64,
			k + 1 < nticks ? "w" : "tail", k + 1, t->xen, t->other, t->storm, t->low, t->upper);
		for (int c = 0; c < PROF_NCLASS; c++)
			fprintf(f, " %" PRIu32, t->exits[c]);
		for (int c = PROF_FIRST_LOWER; c < PROF_NCLASS; c++)
			fprintf(f, " %" PRIu32, t->storm_exits[c]);
		for (size_t j = 0; j < t->nf; j++)
			fprintf(f, " %" PRIu32 ":%" PRIu64, fdelta[t->f0 + j].fid, fdelta[t->f0 + j].n);
		fprintf(f, "\n");
	}
	for (size_t k = 0; k < nexrec; k++)
		fprintf(f, "x %" PRIu64 " %" PRIu32 " %" PRIu32 " %" PRIu64 " %" PRIu32 " %" PRIu64 " %" PRIu64 "\n",
			exrec[k].tick, exrec[k].cls, exrec[k].storm, exrec[k].insns, exrec[k].nstamp,
			exrec[k].first, exrec[k].last);
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
	fprintf(stderr, "vtb-prof: %s (arguments: xen=XEN-SYMS,out=FILE[,guest=ELF][,tick=SYMBOL][,stamp=PREFIX])\n", why);
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
		else if (!strncmp(argv[i], "stamp=", 6))
			stamp_prefix = argv[i] + 6;
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
		if (!s) {
			fprintf(stderr, "vtb-prof: %s: no function %s\n", guest_path, tick_name);
			return -1;
		}
		tick_off = s->addr;
		entry_code = guest.nexec ? prof_elf_code(&guest, guest.exec[0].start, 64) : NULL;
		if (!entry_code || guest.exec[0].start != 0) {
			fprintf(stderr, "vtb-prof: %s: no 64 bytes of code at address 0 (not a storm guest ELF?)\n", guest_path);
			return -1;
		}
	}
	nf = xen.nfuncs;
	cnt = calloc(nf + O_N, sizeof(*cnt));
	prev = calloc(nf + O_N, sizeof(*prev));
	is_stamp_func = calloc(nf ? nf : 1, 1);
	for (size_t i = 0; is_stamp_func && i < nf; i++)
		is_stamp_func[i] = *stamp_prefix && !strncmp(xen.funcs[i].name, stamp_prefix, strlen(stamp_prefix));
	if (!cnt || !prev || !is_stamp_func) {
		fprintf(stderr, "vtb-prof: out of memory\n");
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
