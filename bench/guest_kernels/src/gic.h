/* Minimal GIC driver: GICv3 (this CPU's redistributor, PPIs, the ICC
 * system registers) or GICv2 (distributor and memory-mapped CPU interface),
 * whichever the device tree describes. */
#ifndef VTB_GIC_H
#define VTB_GIC_H
#include <stdint.h>
#include "dt.h"
#include "vtb/protocol_writer_text.h"
#include "sysreg.h"
#include "args.h"

#define GIC_INTID_SPURIOUS_MIN 1020u

/* Distributor on, this CPU's redistributor awake, CPU interface enabled
 * (EOImode 0). -1 with a reason in 'err' if this CPU has no redistributor.
 * On a GICv2 it also rewrites every gic_ack()/gic_eoi() below to go through
 * the memory-mapped CPU interface (gic.c, "GICv2"): call it before any
 * interrupt is unmasked and before the secondaries start. */
int guest_gic_init(const struct platform *p, struct vtb_text *err);
/* The per-CPU half of guest_gic_init, for secondary CPUs (the distributor is on). */
int guest_gic_init_cpu(const struct platform *p, struct vtb_text *err);
/* Group-1 SGI to the CPU with affinity 'mpidr'. */
void guest_gic_send_sgi(unsigned intid, uint64_t mpidr);
void guest_gic_enable_ppi(unsigned intid, uint8_t prio);
/* One write to this CPU's own state of PPI 'intid': its GICR_ISPENDR0,
 * ISENABLER0 or ICENABLER0 (GICv3), or the same banked register of the
 * GICv2 distributor, then a DSB. Not for the measured path. */
enum gic_ppi_op { GIC_PPI_PEND, GIC_PPI_ENABLE, GIC_PPI_DISABLE };
void guest_gic_ppi(enum gic_ppi_op op, unsigned intid);
/* GICD_CTLR: an MMIO read that a hypervisor emulates, i.e. one exit. */
uint32_t guest_gic_dist_ctlr(void);
/* Redistributor found by logical CPU 'cpu' (0 before its guest_gic_init*,
 * and always 0 on a GICv2, which has none). */
uint64_t guest_gic_redist_base(unsigned cpu);

/* Inline: they sit on the measured IRQ path. They are the GICv3 system
 * register accesses and nothing else, on every GIC: on a GICv2,
 * guest_gic_init() finds each of these two instructions in the loaded image
 * and replaces it by a branch to a stub that does the same through
 * GICC_IAR / GICC_EOIR (gic.c, "GICv2"), so supporting GICv2 costs a GICv3
 * run not one instruction. Keep them read_icc()/write_icc() of exactly these
 * registers: the stub takes the register operand from the instruction. */
static inline uint32_t gic_ack(void)
{
	uint32_t iar = (uint32_t)read_icc(ICC_IAR1_EL1);
	dsb(sy);
	return iar;
}

static inline void gic_eoi(uint32_t iar)
{
	write_icc(iar, ICC_EOIR1_EL1);
	isb();
}
#endif
