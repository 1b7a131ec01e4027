/* The plugin's raw output (docs/profiler.md, "Raw format"): written by
 * plugin/vtb_prof.c at QEMU's exit, read by vtb-profile. Text, one record a
 * line, so a damaged file is reported by line. */
#ifndef PROF_RAW_H
#define PROF_RAW_H
#include <stddef.h>
#include <stdint.h>

#define PROF_RAW_MAGIC "vtb-prof-raw"
#define PROF_RAW_VERSION 1
/* Exception classes are the 16 slots of the AArch64 vector table, in table
 * order (offset / 0x80); slots 8..15 come from a lower EL: guest exits. */
#define PROF_NCLASS 16
#define PROF_FIRST_LOWER 8

extern const char *const prof_class_name[PROF_NCLASS];

struct prof_rfunc {
	uint32_t id;
	uint64_t addr, total;
	char *name;
};

struct prof_win {               /* one window: from one tick handler entry to the next */
	uint64_t seq;           /* window k ends at the k-th handler entry (the tail: after the last) */
	uint64_t xen, other;    /* Xen; other: Xen code outside any symbol */
	uint64_t storm, low, upper;     /* storm guest; other low addresses; upper half */
	uint32_t exits[PROF_NCLASS];            /* vector entries, any guest */
	uint32_t storm_exits[PROF_NCLASS];      /* lower-EL ones taken from the storm guest */
	size_t f0, nf;          /* its function deltas in prof_raw.fd */
};

struct prof_fdelta {
	size_t func;            /* index into prof_raw.funcs */
	uint64_t n;
};

struct prof_xrec {              /* one guest exit */
	uint64_t tick;          /* handler entries seen before it began */
	uint32_t cls;
	int storm;              /* taken from the storm guest */
	uint64_t insns;
	uint32_t nstamp;        /* trace timestamp reads in it */
	uint64_t first, last;   /* instructions from its vector entry to the first and last of them */         /* Xen instructions from vector entry to the eret back, both included */
};

struct prof_raw {
	char *xen_syms, *guest_elf, *tick_name;
	uint64_t vectors, tick_va, guest_base;
	int nest_overflow;
	uint64_t zero_exits;    /* guest exits with no guest instruction since the last eret */
	struct prof_rfunc *funcs;
	size_t nfuncs;
	uint64_t total_xen, total_other, total_storm, total_low, total_upper;
	uint64_t exits[PROF_NCLASS], storm_exits[PROF_NCLASS];
	struct prof_win *wins;  /* handler-to-handler windows, then the tail */
	size_t nwins;
	struct prof_fdelta *fd;
	size_t nfd;
	struct prof_xrec *x;
	size_t nx;
	uint64_t ticks;         /* handler entries seen */
};

/* 0, or -1 with "path:line: reason" in err. Checks the file's own sums. */
int prof_raw_read(struct prof_raw *r, const char *path, char *err, size_t errlen);
void prof_raw_free(struct prof_raw *r);

#endif
