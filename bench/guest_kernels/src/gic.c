#include "gic.h"
#include "sysreg.h"

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
#define GICR_ICPENDR0 0x0280
#define GICR_IPRIORITYR 0x0400
#define GICR_CTLR_RWP (1u << 3)

/* RD frame of each logical CPU; its SGI frame follows. */
static uintptr_t rd_bases[VTB_MAX_CPUS];

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

int guest_gic_init(const struct platform *p, struct vtb_text *err)
{
	uintptr_t gicd = (uintptr_t)p->gicd;

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

void guest_gic_enable_ppi(unsigned intid, uint8_t prio)
{
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

uint64_t guest_gic_redist_base(unsigned cpu)
{
	return cpu < VTB_MAX_CPUS ? rd_bases[cpu] : 0;
}

void guest_gic_send_sgi(unsigned intid, uint64_t mpidr)
{
	/* ICC_SGI1R_EL1: Aff3 [55:48], Aff2 [39:32], INTID [27:24], Aff1 [23:16],
	 * TargetList [15:0] (bit = Aff0; Aff0 < 16 for every CPU we drive). */
	uint64_t v = ((mpidr >> 32) & 0xff) << 48 | ((mpidr >> 16) & 0xff) << 32 |
		     (uint64_t)(intid & 0xf) << 24 | ((mpidr >> 8) & 0xff) << 16 |
		     (1ull << (mpidr & 0xf));
	dsb(ishst);
	write_icc(v, ICC_SGI1R_EL1);
	isb();
}
