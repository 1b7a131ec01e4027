/* What the storm needs from the device tree, found with libfdt. */
#ifndef VTB_DT_H
#define VTB_DT_H
#include <stdint.h>
#include <stdbool.h>
#include "vtb/protocol_writer_text.h"

#define DT_MAX_GICR 8
#define DT_MAX_CPUS 64

struct platform {
	unsigned gic_version; /* 3: "arm,gic-v3"; 2: a GICv2 ("arm,cortex-a15-gic", "arm,gic-400", ...) */
	uint64_t gicd, gicd_size;
	uint64_t gicc, gicc_size; /* GICv2: the memory-mapped CPU interface (reg[1]) */
	uint64_t gicr[DT_MAX_GICR], gicr_size[DT_MAX_GICR];
	unsigned n_gicr;
	uint64_t gicr_stride; /* 0: take it from GICR_TYPER.VLPIS */
	unsigned vtimer_intid; /* 3rd /timer interrupt: virtual timer */
	unsigned ptimer_intid; /* 2nd: non-secure EL1 physical timer (watchdog) */
	bool psci_smc;
	bool have_psci;
	bool xen; /* /hypervisor compatible "xen,xen" */
	uint64_t pl011; /* 0 if none */
	uint64_t sbsa_uart; /* "arm,sbsa-uart" (Xen vpl011), 0 if none */
	const char *bootargs; /* "" if none */
	/* /cpus children with device_type "cpu", in tree order: their reg is the
	 * MPIDR affinity that PSCI CPU_ON takes (n_cpus may exceed what is kept). */
	unsigned n_cpus;
	uint64_t cpu_mpidr[DT_MAX_CPUS];
};

/* Fills 'p' from the tree at 'fdt'; on failure -1 with a reason in 'err'. */
int guest_dt_probe(const void *fdt, struct platform *p, struct vtb_text *err);
/* Console and PSCI only, so that errors after this can be printed; never fails. */
void guest_dt_probe_console(const void *fdt, struct platform *p);
#endif
