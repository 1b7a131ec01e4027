#include "dt.h"
#include <libfdt.h>
#include <string.h>

static int err_fdt(struct vtb_text *err, const char *what, int code)
{
	vtb_text_puts(err, what);
	vtb_text_puts(err, ": ");
	vtb_text_puts(err, fdt_strerror(code));
	return -1;
}

static uint64_t read_cells(const fdt32_t *c, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = (v << 32) | fdt32_ld(&c[i]);
	return v;
}

/* reg entry 'idx' of 'node', decoded with its parent's #address-cells/#size-cells. */
static int reg_entry(const void *fdt, int node, int idx, uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	if (parent < 0)
		return parent;
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	if (ac < 0)
		return ac;
	if (sc < 0)
		return sc;
	if (ac > 2 || sc > 2)
		return -FDT_ERR_BADNCELLS;
	int len;
	const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return len;
	int per = ac + sc;
	if ((idx + 1) * per * 4 > len)
		return -FDT_ERR_NOTFOUND;
	*addr = read_cells(reg + idx * per, ac);
	*size = read_cells(reg + idx * per + ac, sc);
	return 0;
}

void guest_dt_probe_console(const void *fdt, struct platform *p)
{
	int node;
	p->xen = fdt_node_offset_by_compatible(fdt, -1, "xen,xen") >= 0;
	p->pl011 = 0;
	p->sbsa_uart = 0;
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	if (node >= 0) {
		uint64_t a, s;
		if (reg_entry(fdt, node, 0, &a, &s) == 0)
			p->pl011 = a;
	}
	/* libxl's vpl011 (xl config vuart = "sbsa_uart"): the only console an
	 * xl-created domU can write on a release Xen. */
	node = fdt_node_offset_by_compatible(fdt, -1, "arm,sbsa-uart");
	if (node >= 0) {
		uint64_t a, s;
		if (reg_entry(fdt, node, 0, &a, &s) == 0)
			p->sbsa_uart = a;
	}
	p->have_psci = false;
	p->psci_smc = false;
	node = fdt_path_offset(fdt, "/psci");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	if (node >= 0) {
		const char *m = fdt_getprop(fdt, node, "method", NULL);
		p->have_psci = true;
		p->psci_smc = m && strcmp(m, "smc") == 0;
	}
}

/* GICv2 bindings we accept: QEMU virt says cortex-a15-gic, the GIC-400 boards
 * (ZCU102, Raspberry Pi 4) gic-400; Xen gives its guests the host's. */
static const char *const gicv2_compat[] = {
	"arm,gic-400", "arm,cortex-a15-gic", "arm,cortex-a7-gic", "arm,cortex-a9-gic",
};

/* The GIC node: the first GICv3, else the first GICv2 of the list above. */
static int find_gic(const void *fdt, unsigned *version)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");
	*version = 3;
	if (node >= 0)
		return node;
	*version = 2;
	for (unsigned i = 0; i < sizeof(gicv2_compat) / sizeof(gicv2_compat[0]); i++) {
		node = fdt_node_offset_by_compatible(fdt, -1, gicv2_compat[i]);
		if (node >= 0)
			return node;
	}
	*version = 0;
	return node;
}

static int probe_gicv2(const void *fdt, int node, struct platform *p, struct vtb_text *err)
{
	int rc = reg_entry(fdt, node, 0, &p->gicd, &p->gicd_size);
	if (rc)
		return err_fdt(err, "GIC distributor reg", rc);
	rc = reg_entry(fdt, node, 1, &p->gicc, &p->gicc_size);
	if (rc)
		return err_fdt(err, "GICv2 CPU interface reg", rc);
	p->n_gicr = 0;
	p->gicr_stride = 0;
	return 0;
}

static int probe_gic(const void *fdt, struct platform *p, struct vtb_text *err)
{
	int node = find_gic(fdt, &p->gic_version);
	if (node < 0)
		return err_fdt(err, "no GIC node (compatible arm,gic-v3, arm,gic-400 or arm,cortex-a15-gic)", node);
	p->gicc = p->gicc_size = 0;
	if (p->gic_version == 2)
		return probe_gicv2(fdt, node, p, err);

	int n_rd = 1, len;
	const fdt32_t *v = fdt_getprop(fdt, node, "#redistributor-regions", &len);
	if (v && len == 4)
		n_rd = (int)fdt32_ld(v);
	if (n_rd < 1 || n_rd > DT_MAX_GICR) {
		vtb_text_puts(err, "unsupported #redistributor-regions");
		return -1;
	}
	int rc = reg_entry(fdt, node, 0, &p->gicd, &p->gicd_size);
	if (rc)
		return err_fdt(err, "GIC distributor reg", rc);
	for (int i = 0; i < n_rd; i++) {
		rc = reg_entry(fdt, node, 1 + i, &p->gicr[i], &p->gicr_size[i]);
		if (rc)
			return err_fdt(err, "GIC redistributor reg", rc);
	}
	p->n_gicr = (unsigned)n_rd;
	p->gicr_stride = 0;
	const fdt32_t *st = fdt_getprop(fdt, node, "redistributor-stride", &len);
	if (st && (len == 4 || len == 8))
		p->gicr_stride = read_cells(st, len / 4);
	return 0;
}

/* The timer's interrupts are GIC specifiers <type number flags>; type 1 = PPI. */
static int probe_timer(const void *fdt, struct platform *p, struct vtb_text *err)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");
	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv7-timer");
	if (node < 0)
		return err_fdt(err, "no timer node (compatible arm,armv8-timer)", node);

	unsigned version;
	int gic = find_gic(fdt, &version);
	int cells = 3, len;
	const fdt32_t *ic = fdt_getprop(fdt, gic, "#interrupt-cells", &len);
	if (ic && len == 4)
		cells = (int)fdt32_ld(ic);
	if (cells < 2) {
		vtb_text_puts(err, "GIC #interrupt-cells < 2");
		return -1;
	}
	const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
	if (!irq)
		return err_fdt(err, "timer interrupts property", len);
	if (len < 3 * cells * 4) {
		vtb_text_puts(err, "timer node has fewer than 3 interrupts");
		return -1;
	}
	for (int i = 1; i <= 2; i++) {
		uint32_t type = fdt32_ld(&irq[i * cells]);
		uint32_t num = fdt32_ld(&irq[i * cells + 1]);
		if (type != 1 || num > 15) {
			vtb_text_puts(err, "timer interrupt is not a PPI");
			return -1;
		}
		if (i == 1)
			p->ptimer_intid = 16 + num;
		else
			p->vtimer_intid = 16 + num;
	}
	return 0;
}

static int probe_cpus(const void *fdt, struct platform *p, struct vtb_text *err)
{
	p->n_cpus = 0;
	int cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return 0; /* no list: the boot CPU alone */
	int ac = fdt_address_cells(fdt, cpus);
	if (ac < 1 || ac > 2) {
		vtb_text_puts(err, "/cpus #address-cells is not 1 or 2");
		return -1;
	}
	int node;
	fdt_for_each_subnode(node, fdt, cpus) {
		const char *type = fdt_getprop(fdt, node, "device_type", NULL);
		if (!type || strcmp(type, "cpu") != 0)
			continue;
		int len;
		const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || len < ac * 4) {
			vtb_text_puts(err, "a /cpus cpu node has no reg");
			return -1;
		}
		if (p->n_cpus < DT_MAX_CPUS)
			p->cpu_mpidr[p->n_cpus] = read_cells(reg, ac);
		p->n_cpus++;
	}
	return 0;
}

int guest_dt_probe(const void *fdt, struct platform *p, struct vtb_text *err)
{
	int rc = fdt_check_header(fdt);
	if (rc)
		return err_fdt(err, "device tree header", rc);
	guest_dt_probe_console(fdt, p);
	if (probe_gic(fdt, p, err))
		return -1;
	if (probe_timer(fdt, p, err))
		return -1;
	if (probe_cpus(fdt, p, err))
		return -1;
	int chosen = fdt_path_offset(fdt, "/chosen");
	const char *args = chosen >= 0 ? fdt_getprop(fdt, chosen, "bootargs", NULL) : NULL;
	p->bootargs = args ? args : "";
	return 0;
}
