/* System register and barrier helpers (aarch64 guest only). */
#ifndef VTB_SYSREG_H
#define VTB_SYSREG_H
#include <stdint.h>

#define read_sysreg(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " #r : "=r"(v_)); v_; })
#define write_sysreg(v, r) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")
#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define irq_mask() __asm__ volatile("msr daifset, #2" : : : "memory")
#define irq_unmask() __asm__ volatile("msr daifclr, #2" : : : "memory")
#define wfi() __asm__ volatile("wfi" : : : "memory")
#define wfe() __asm__ volatile("wfe" : : : "memory")
#define sev() __asm__ volatile("sev" : : : "memory")

/* GICv3 CPU interface registers by encoding, so any assembler accepts them. */
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
/* Two-level expansion so the encodings above are substituted before stringizing. */
#define read_icc(r) ({ uint64_t v_; __asm__ volatile("mrs %0, " VTB_STR(r) : "=r"(v_)); v_; })
#define write_icc(v, r) __asm__ volatile("msr " VTB_STR(r) ", %0" : : "r"((uint64_t)(v)) : "memory")
#define VTB_STR2(x) #x
#define VTB_STR(x) VTB_STR2(x)

#define CNT_CTL_ENABLE (1u << 0)
#define CNT_CTL_IMASK (1u << 1)
#define CNT_CTL_ISTATUS (1u << 2)

#define ICC_SGI1R_EL1 S3_0_C12_C11_5

/* Our logical CPU index (0 = boot CPU), kept in TPIDR_EL1 by start-up code. */
static inline unsigned this_cpu(void)
{
	return (unsigned)read_sysreg(tpidr_el1);
}

static inline uint64_t counter_now(void)
{
	isb(); /* no early, speculative counter read */
	return read_sysreg(cntvct_el0);
}
#endif
