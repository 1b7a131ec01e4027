#include "gic.h"
#include "sysreg.h"
#include "hyp.h"

#define GICD_CTLR 0x0000
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE_NS (1u << 4)
#define GICD_CTLR_ENABLE_G1A (1u << 1)

#define GICR_TYPER 0x0008
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_TYPER_LAST (1u << 4)
#define GICR_WAKER 0x0014
#define GICR_WAKER_PSLEEP (1u << 1)
#define GICR_WAKER_CASLEEP (1u << 2)
#define GICR_SGI_OFFSET 0x10000
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_ICPENDR0 0x0280
#define GICR_IPRIORITYR 0x0400
#define GICR_CTLR_RWP (1u << 3)

/* GICv2: distributor (GICD_CTLR, ISENABLER0 etc. as above) and the
 * memory-mapped CPU interface. */
#define GICD_ICENABLER0 0x0180
#define GICD_ISENABLER0 0x0100
#define GICD_ISPENDR0 0x0200
#define GICD_ICPENDR0 0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR 0x0800
#define GICD_SGIR 0x0f00
#define GICD_CTLR_ENABLE (1u << 0)
#define GICC_CTLR 0x0000
#define GICC_CTLR_ENABLE (1u << 0) /* Group 0 in a virtual or single-security interface, Group 1 in the NS view */
#define GICC_PMR 0x0004
#define GICC_BPR 0x0008
#define GICC_IAR 0x000c
#define GICC_EOIR 0x0010

/* RD frame of each logical CPU; its SGI frame follows. */
static uintptr_t rd_bases[VTB_MAX_CPUS];

static unsigned gic_version;
static uintptr_t gicd_base, gicc_base;
/* GICv2 SGIs name their target by CPU interface number, not affinity: each
 * CPU records its MPIDR and its own GICD_ITARGETSR0 byte. */
static uint64_t v2_mpidr[VTB_MAX_CPUS];
static uint8_t v2_target[VTB_MAX_CPUS];

static inline uint32_t rd32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline uint64_t rd64(uintptr_t a) { return *(volatile uint64_t *)a; }
static inline void wr32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void wr8(uintptr_t a, uint8_t v) { *(volatile uint8_t *)a = v; }

/* A bounded wait: a register that never settles is reported, not hung on. */
static int wait_clear(uintptr_t reg, uint32_t bits)
{
	for (unsigned i = 0; i < 10000000u; i++)
		if (!(rd32(reg) & bits))
			return 0;
	return -1;
}

static uint32_t my_affinity(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	return (uint32_t)(((mpidr >> 32) & 0xff) << 24) | (uint32_t)(mpidr & 0xffffff);
}

static uintptr_t find_redist(const struct platform *p, uint32_t aff)
{
	for (unsigned r = 0; r < p->n_gicr; r++) {
		uintptr_t base = (uintptr_t)p->gicr[r];
		uintptr_t end = base + (uintptr_t)p->gicr_size[r];
		for (uintptr_t rd = base; rd + 0x20000 <= end;) {
			uint64_t typer = rd64(rd + GICR_TYPER);
			if ((uint32_t)(typer >> 32) == aff)
				return rd;
			if (typer & GICR_TYPER_LAST)
				break;
			if (p->gicr_stride)
				rd += (uintptr_t)p->gicr_stride;
			else
				rd += (typer & GICR_TYPER_VLPIS) ? 0x40000 : 0x20000;
		}
	}
	return 0;
}

static int enable_sre(struct vtb_text *err)
{
	/* ICC_* accesses need the system-register interface. */
	write_icc(read_icc(ICC_SRE_EL1) | 1u, ICC_SRE_EL1);
	isb();
	if (!(read_icc(ICC_SRE_EL1) & 1u)) {
		vtb_text_puts(err, "ICC_SRE_EL1.SRE stays 0: no GICv3 system register interface");
		return -1;
	}
	return 0;
}

/* GICv2: each ack/eoi instruction of gic.h becomes a branch to its own stub.
 * 'ack': mrs xT, ICC_IAR1_EL1 ->
 *	ldr xT, =GICC_IAR; ldr wT, [xT]; b back
 * 'eoi': msr ICC_EOIR1_EL1, xT ->
 *	str xS, [sp, #-16]!; ldr xS, =GICC_EOIR; str wT, [xS]; ldr xS, [sp], #16; b back
 * (xS a scratch register other than xT, saved on the stack). Each stub is
 * 8 words: code, then the address as a 64-bit literal in words 6-7. The
 * stubs live in .bss, which the identity map leaves writable and executable
 * like the rest of the image.
 *
 * The sites are found by their encodings in the loaded file (_start to
 * __file_end): nothing else of ours touches these two registers, and marking
 * the sites from the asm (a table in a section) made GCC's size estimate of
 * the asm grow, which changed the GICv3 handler's code (a tail no longer
 * duplicated). The guest's data holds no such word (the CRC table is built
 * in .bss at run time). The guest says what it patched on a
 * "vtb-guest: gicv2 ..." line, which tests/e2e/62-gicv2.sh checks. */
#define INSN_MRS_IAR1 0xd538cc00u
#define INSN_MSR_EOIR1 0xd518cc20u
#define STUB_WORDS 8
#define MAX_SITES 16

extern uint32_t _start[] __attribute__((visibility("hidden")));
extern uint32_t __file_end[] __attribute__((visibility("hidden")));

static uint32_t stubs[MAX_SITES][STUB_WORDS] __attribute__((aligned(64)));
static unsigned n_sites;

static uint32_t insn_b(const void *from, const void *to)
{
	intptr_t d = (const char *)to - (const char *)from;
	return 0x14000000u | ((uint32_t)(d >> 2) & 0x3ffffffu);
}

static void sync_icache(const void *a, uintptr_t len)
{
	for (uintptr_t x = (uintptr_t)a & ~(uintptr_t)63; x < (uintptr_t)a + len; x += 64)
		__asm__ volatile("dc cvau, %0" : : "r"(x) : "memory");
	dsb(ish);
	for (uintptr_t x = (uintptr_t)a & ~(uintptr_t)63; x < (uintptr_t)a + len; x += 64)
		__asm__ volatile("ic ivau, %0" : : "r"(x) : "memory");
	dsb(ish);
	isb();
}

static void make_stub(uint32_t *c, uint32_t *site, uint32_t insn)
{
	uint32_t t = insn & 0x1f;
	uint64_t addr;
	if ((insn & ~0x1fu) == INSN_MRS_IAR1) {
		addr = gicc_base + GICC_IAR;
		c[0] = 0x58000000u | (6u << 5) | t; /* ldr xT, [pc + 24] */
		c[1] = 0xb9400000u | (t << 5) | t;  /* ldr wT, [xT] */
		c[2] = insn_b(&c[2], site + 1);
		c[3] = c[4] = c[5] = 0xd503201fu;  /* nop */
	} else {
		uint32_t x = t == 16 ? 17 : 16;
		addr = gicc_base + GICC_EOIR;
		c[0] = 0xf81f0fe0u | x;             /* str xS, [sp, #-16]! */
		c[1] = 0x58000000u | (5u << 5) | x; /* ldr xS, [pc + 20] */
		c[2] = 0xb9000000u | (x << 5) | t;  /* str wT, [xS] */
		c[3] = 0xf84107e0u | x;             /* ldr xS, [sp], #16 */
		c[4] = insn_b(&c[4], site + 1);
		c[5] = 0xd503201fu;
	}
	c[6] = (uint32_t)addr;
	c[7] = (uint32_t)(addr >> 32);
}

static int patch_sites_v2(struct vtb_text *err)
{
	unsigned acks = 0, eois = 0;
	for (uint32_t *site = _start; site < __file_end; site++) {
		uint32_t insn = *site, op = insn & ~0x1fu;
		if ((op != INSN_MRS_IAR1 && op != INSN_MSR_EOIR1) || (insn & 0x1f) == 31)
			continue;
		if (n_sites == MAX_SITES) {
			vtb_text_puts(err, "GICv2: more than 16 ICC_IAR1/ICC_EOIR1 instructions to patch");
			return -1;
		}
		uint32_t *c = stubs[n_sites++];
		make_stub(c, site, insn);
		sync_icache(c, sizeof(stubs[0]));
		*site = insn_b(site, c);
		sync_icache(site, 4);
		if (op == INSN_MRS_IAR1)
			acks++;
		else
			eois++;
	}
	if (!acks || !eois) {
		vtb_text_puts(err, "GICv2: no ICC_IAR1/ICC_EOIR1 instruction found to patch");
		return -1;
	}
	char buf[120];
	struct vtb_text sb;
	vtb_text_init(&sb, buf, sizeof(buf));
	vtb_text_puts(&sb, "vtb-guest: gicv2 gicc=0x");
	vtb_text_hex(&sb, gicc_base, 0);
	vtb_text_kv_u64(&sb, "patched_ack", acks);
	vtb_text_kv_u64(&sb, "patched_eoi", eois);
	vtb_text_puts(&sb, "\n");
	guest_console_write(buf, sb.len);
	return 0;
}

static int gicv2_init_cpu(struct vtb_text *err)
{
	(void)err;
	unsigned cpu = this_cpu();
	v2_mpidr[cpu] = read_sysreg(mpidr_el1) & 0xff00ffffffull;
	/* ITARGETSR0..7 read back this CPU's own interface bit. */
	v2_target[cpu] = *(volatile uint8_t *)(gicd_base + GICD_ITARGETSR);
	wr32(gicc_base + GICC_PMR, 0xff);
	wr32(gicc_base + GICC_BPR, 0);
	wr32(gicc_base + GICC_CTLR, GICC_CTLR_ENABLE); /* EOImode 0 */
	dsb(sy);
	isb();
	return 0;
}

static int gicv2_init(const struct platform *p, struct vtb_text *err)
{
	gicd_base = (uintptr_t)p->gicd;
	gicc_base = (uintptr_t)p->gicc;
	if (patch_sites_v2(err))
		return -1;
	wr32(gicd_base + GICD_CTLR, rd32(gicd_base + GICD_CTLR) | GICD_CTLR_ENABLE);
	dsb(sy);
	return gicv2_init_cpu(err);
}

int guest_gic_init(const struct platform *p, struct vtb_text *err)
{
	uintptr_t gicd = (uintptr_t)p->gicd;

	gicd_base = gicd;
	gic_version = p->gic_version;
	if (gic_version == 2)
		return gicv2_init(p, err);

	if (enable_sre(err))
		return -1;
	wr32(gicd + GICD_CTLR, rd32(gicd + GICD_CTLR) | GICD_CTLR_ARE_NS | GICD_CTLR_ENABLE_G1A);
	if (wait_clear(gicd + GICD_CTLR, GICD_CTLR_RWP)) {
		vtb_text_puts(err, "GICD_CTLR.RWP never cleared");
		return -1;
	}
	return guest_gic_init_cpu(p, err);
}

int guest_gic_init_cpu(const struct platform *p, struct vtb_text *err)
{
	if (gic_version == 2)
		return gicv2_init_cpu(err);
	uint32_t aff = my_affinity();

	if (enable_sre(err))
		return -1;
	uintptr_t rd_base = find_redist(p, aff);
	rd_bases[this_cpu()] = rd_base;
	if (!rd_base) {
		vtb_text_puts(err, "no redistributor with GICR_TYPER affinity 0x");
		vtb_text_hex(err, aff, 8);
		return -1;
	}
	wr32(rd_base + GICR_WAKER, rd32(rd_base + GICR_WAKER) & ~GICR_WAKER_PSLEEP);
	if (wait_clear(rd_base + GICR_WAKER, GICR_WAKER_CASLEEP)) {
		vtb_text_puts(err, "GICR_WAKER.ChildrenAsleep never cleared");
		return -1;
	}

	write_icc(0xff, ICC_PMR_EL1);
	write_icc(0, ICC_BPR1_EL1);
	write_icc(read_icc(ICC_CTLR_EL1) & ~(uint64_t)2u, ICC_CTLR_EL1); /* EOImode 0 */
	write_icc(1, ICC_IGRPEN1_EL1);
	isb();
	return 0;
}

static void gicv2_enable_ppi(unsigned intid, uint8_t prio)
{
	/* Banked per CPU for INTIDs 0-31. No group: a virtual or NS CPU
	 * interface sees what the hypervisor or firmware chose. */
	uint32_t bit = 1u << intid;
	wr32(gicd_base + GICD_ICENABLER0, bit);
	wr8(gicd_base + GICD_IPRIORITYR + intid, prio);
	wr32(gicd_base + GICD_ICPENDR0, bit);
	wr32(gicd_base + GICD_ISENABLER0, bit);
	dsb(sy);
}

void guest_gic_enable_ppi(unsigned intid, uint8_t prio)
{
	if (gic_version == 2) {
		gicv2_enable_ppi(intid, prio);
		return;
	}
	uintptr_t rd_base = rd_bases[this_cpu()];
	uintptr_t sgi = rd_base + GICR_SGI_OFFSET;
	uint32_t bit = 1u << intid;
	wr32(sgi + GICR_ICENABLER0, bit);
	wait_clear(rd_base, GICR_CTLR_RWP);
	wr32(sgi + GICR_IGROUPR0, rd32(sgi + GICR_IGROUPR0) | bit); /* Group 1 NS */
	wr8(sgi + GICR_IPRIORITYR + intid, prio);
	wr32(sgi + GICR_ICPENDR0, bit);
	wr32(sgi + GICR_ISENABLER0, bit);
	dsb(sy);
}

void guest_gic_ppi(enum gic_ppi_op op, unsigned intid)
{
	/* The same offsets in a GICv3 SGI frame and a GICv2 distributor. */
	static const unsigned reg[] = {
		[GIC_PPI_PEND] = GICR_ISPENDR0,
		[GIC_PPI_ENABLE] = GICR_ISENABLER0,
		[GIC_PPI_DISABLE] = GICR_ICENABLER0,
	};
	_Static_assert(GICD_ISPENDR0 == GICR_ISPENDR0 && GICD_ISENABLER0 == GICR_ISENABLER0 &&
			       GICD_ICENABLER0 == GICR_ICENABLER0,
		       "GICv2 distributor and GICv3 SGI frame offsets");
	uintptr_t base = gic_version == 2 ? gicd_base : rd_bases[this_cpu()] + GICR_SGI_OFFSET;
	wr32(base + reg[op], 1u << intid);
	dsb(sy);
}

uint32_t guest_gic_dist_ctlr(void)
{
	return rd32(gicd_base + GICD_CTLR);
}

uint64_t guest_gic_redist_base(unsigned cpu)
{
	return cpu < VTB_MAX_CPUS ? rd_bases[cpu] : 0;
}

void guest_gic_send_sgi(unsigned intid, uint64_t mpidr)
{
	/* ICC_SGI1R_EL1: Aff3 [55:48], Aff2 [39:32], INTID [27:24], Aff1 [23:16],
	 * TargetList [15:0] (bit = Aff0; Aff0 < 16 for every CPU we drive). */
	if (gic_version == 2) {
		uint8_t target = 0;
		for (unsigned c = 0; c < VTB_MAX_CPUS; c++)
			if (v2_target[c] && v2_mpidr[c] == (mpidr & 0xff00ffffffull))
				target = v2_target[c];
		dsb(ishst);
		/* TargetListFilter 0: the CPUs in the list. */
		wr32(gicd_base + GICD_SGIR, (uint32_t)target << 16 | (intid & 0xf));
		return;
	}
	uint64_t v = ((mpidr >> 32) & 0xff) << 48 | ((mpidr >> 16) & 0xff) << 32 |
		     (uint64_t)(intid & 0xf) << 24 | ((mpidr >> 8) & 0xff) << 16 |
		     (1ull << (mpidr & 0xf));
	dsb(ishst);
	write_icc(v, ICC_SGI1R_EL1);
	isb();
}
