/* Minimal GICv3 driver: this CPU's redistributor, PPIs, the ICC interface. */
#ifndef VTB_GIC_H
#define VTB_GIC_H
#include <stdint.h>
#include "dt.h"
#include "vtb/protocol_writer_text.h"
#include "sysreg.h"
#include "args.h"

#define GIC_INTID_SPURIOUS_MIN 1020u

/* Distributor on, this CPU's redistributor awake, CPU interface enabled
 * (EOImode 0). -1 with a reason in 'err' if this CPU has no redistributor. */
int guest_gic_init(const struct platform *p, struct vtb_text *err);
/* The per-CPU half of guest_gic_init, for secondary CPUs (the distributor is on). */
int guest_gic_init_cpu(const struct platform *p, struct vtb_text *err);
/* Group-1 SGI to the CPU with affinity 'mpidr'. */
void guest_gic_send_sgi(unsigned intid, uint64_t mpidr);
void guest_gic_enable_ppi(unsigned intid, uint8_t prio);
/* Redistributor found by logical CPU 'cpu' (0 before its guest_gic_init*). */
uint64_t guest_gic_redist_base(unsigned cpu);

/* Inline: they sit on the measured IRQ path. */
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
