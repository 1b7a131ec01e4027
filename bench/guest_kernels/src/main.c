/* vtb-guest: bare-metal vtimer storm. Reads the device tree, sets up the GIC
 * and the virtual timer, runs the storm, prints a @VTB report, powers off. */
#include "args.h"
#include "dt.h"
#include "gic.h"
#include "hist.h"
#include "hyp.h"
#include "report.h"
#include "sbuf.h"
#include "storm.h"
#include "sysreg.h"
#include <libfdt.h>

/* Set by start.S before .bss is cleared, hence in .data. */
__attribute__((section(".data"))) volatile int mmu_failed = 0;
__attribute__((section(".data"))) volatile int bad_reloc = 0;

/* The prebuilt Debian libfdt.a is built with -fstack-protector-strong. */
uintptr_t __stack_chk_guard = 0x5a17c0de9e3779b9ull;
__attribute__((noreturn)) void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	die("stack protector: stack smashed in libfdt");
}

static const char *const exc_names[] = {
	"sync (SP0)", "irq (SP0)", "fiq (SP0)", "serror (SP0)",
	"sync", "irq", "fiq", "serror",
	"sync (lower EL)", "irq (lower EL)", "fiq (lower EL)", "serror (lower EL)",
	"sync (lower EL32)", "irq (lower EL32)", "fiq (lower EL32)", "serror (lower EL32)",
};

__attribute__((noreturn)) void fatal_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far);
void fatal_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far)
{
	char buf[160];
	struct sbuf sb;
	sb_init(&sb, buf, sizeof(buf));
	sb_puts(&sb, "unexpected exception ");
	sb_puts(&sb, kind < 16 ? exc_names[kind] : "?");
	sb_puts(&sb, " esr=0x");
	sb_hex(&sb, esr, 0);
	sb_puts(&sb, " elr=0x");
	sb_hex(&sb, elr, 0);
	sb_puts(&sb, " far=0x");
	sb_hex(&sb, far, 0);
	die(buf);
}

static void sink_console(const char *line, size_t len, void *ctx)
{
	(void)ctx;
	console_write(line, len);
}

static void emit_report(const struct storm_config *cfg, const struct storm_result *res)
{
	const struct storm_args *a = cfg->args;
	char payload[VTB_LINE_MAX];
	struct sbuf sb;
	struct report r;

	report_init(&r, sink_console, 0);

	sb_init(&sb, payload, sizeof(payload));
	sb_puts(&sb, "guest=baremetal");
	sb_kv_str(&sb, "mode", mode_name(a->mode));
	sb_kv_u64(&sb, "ticks", a->ticks);
	sb_kv_u64(&sb, "cntfrq", cfg->cntfrq);
	sb_kv_u64(&sb, "intid", cfg->vtimer_intid);
	sb_kv_str(&sb, "record", record_name(a->record));
	sb_kv_u64(&sb, "period", a->mode == MODE_PERIODIC ? cfg->period : 0);
	sb_kv_u64(&sb, "rmin", a->mode == MODE_RANDOM ? cfg->rmin : 0);
	sb_kv_u64(&sb, "rmax", a->mode == MODE_RANDOM ? cfg->rmax : 0);
	sb_kv_u64(&sb, "seed", a->mode == MODE_RANDOM ? a->seed : 0);
	sb_kv_u64(&sb, "hist_shift", a->record == REC_HIST ? a->hist_shift : 0);
	sb_kv_str(&sb, "idle", idle_name(a->idle));
	sb_kv_str(&sb, "order", order_name(a->order));
	sb_kv_u64(&sb, "timeout", cfg->timeout);
	report_line(&r, 'H', payload);

	if (a->record == REC_SAMPLES)
		report_samples(&r, res->samples, res->taken);
	else
		report_hist(&r, res->hist, a->hist_shift);

	sb_init(&sb, payload, sizeof(payload));
	sb_puts(&sb, "taken=");
	sb_u64(&sb, res->taken);
	sb_kv_u64(&sb, "lost", res->lost);
	sb_kv_u64(&sb, "spurious", res->spurious);
	sb_kv_u64(&sb, "other", res->other);
	sb_kv_u64(&sb, "min", res->min);
	sb_kv_u64(&sb, "max", res->max);
	sb_kv_u64(&sb, "sum", res->sum);
	sb_kv_u64(&sb, "elapsed", res->elapsed);
	report_line(&r, 'T', payload);
	report_end(&r);
	if (r.overflow)
		die("report line too long (bug)");
}

static void print_params(const struct platform *p, const struct storm_config *cfg)
{
	const struct storm_args *a = cfg->args;
	char buf[VTB_LINE_MAX];
	struct sbuf sb;
	sb_init(&sb, buf, sizeof(buf));
	sb_puts(&sb, "vtb-guest: vtimer storm");
	sb_kv_str(&sb, "mode", mode_name(a->mode));
	sb_kv_u64(&sb, "ticks", a->ticks);
	sb_kv_u64(&sb, "period_ns", a->period_ns);
	sb_kv_u64(&sb, "rmin_ns", a->rmin_ns);
	sb_kv_u64(&sb, "rmax_ns", a->rmax_ns);
	sb_kv_u64(&sb, "seed", a->seed);
	sb_kv_str(&sb, "record", record_name(a->record));
	sb_kv_str(&sb, "idle", idle_name(a->idle));
	sb_kv_str(&sb, "order", order_name(a->order));
	sb_kv_u64(&sb, "timeout_ns", a->timeout_ns);
	/* Two lines: a domU's console lines are cut at 200 bytes by Xen. */
	sb_puts(&sb, "\nvtb-guest: found");
	sb_kv_u64(&sb, "cntfrq", cfg->cntfrq);
	sb_kv_u64(&sb, "intid", cfg->vtimer_intid);
	sb_kv_u64(&sb, "wdog_intid", cfg->wdog_intid);
	sb_puts(&sb, " gicd=0x");
	sb_hex(&sb, p->gicd, 0);
	sb_puts(&sb, " gicr=0x");
	sb_hex(&sb, gic_redist_base(), 0);
	sb_puts(&sb, " mpidr=0x");
	sb_hex(&sb, read_sysreg(mpidr_el1), 0);
	sb_puts(&sb, (!p->xen && p->pl011) ? " console=pl011" : " console=xen");
	sb_puts(&sb, "\n");
	console_write(buf, sb.len);
}

static void print_stats(const struct storm_result *res)
{
	char buf[256];
	struct sbuf sb;
	sb_init(&sb, buf, sizeof(buf));
	sb_puts(&sb, "vtb-guest: done");
	sb_kv_u64(&sb, "taken", res->taken);
	sb_kv_u64(&sb, "lost", res->lost);
	sb_kv_u64(&sb, "spurious", res->spurious);
	sb_kv_u64(&sb, "other", res->other);
	sb_kv_u64(&sb, "gic_spurious", res->gic_spurious);
	sb_kv_u64(&sb, "wdog_armed", res->wdog_armed);
	sb_kv_u64(&sb, "wdog_fired", res->wdog_fired);
	sb_puts(&sb, "\n");
	console_write(buf, sb.len);
}

void vtb_main(const void *fdt);
void vtb_main(const void *fdt)
{
	static struct platform plat;
	static struct storm_args args;
	static struct storm_config cfg;
	static struct storm_result res;
	char errbuf[256];
	struct sbuf err;

	sb_init(&err, errbuf, sizeof(errbuf));
	/* Until the tree says otherwise, assume Xen's console (dom0's case). */
	console_use_xen();
	if (fdt_check_header(fdt) == 0) {
		dt_probe_console(fdt, &plat);
		if (!plat.xen && plat.pl011)
			console_use_pl011((uintptr_t)plat.pl011);
		psci_set_conduit_smc(plat.psci_smc);
	}
	if (mmu_failed)
		die("image or device tree above 512 GiB: MMU not enabled");
	if (bad_reloc)
		die("image has a relocation other than R_AARCH64_RELATIVE");
	if (dt_probe(fdt, &plat, &err))
		die(errbuf);

	args_defaults(&args);
	sb_init(&err, errbuf, sizeof(errbuf));
	sb_puts(&err, "bootargs: ");
	if (args_parse(plat.bootargs, &args, &err))
		die(errbuf);

	cfg.args = &args;
	cfg.cntfrq = read_sysreg(cntfrq_el0);
	if (cfg.cntfrq == 0)
		die("CNTFRQ_EL0 is 0");
	cfg.period = ns_to_ticks(args.period_ns, cfg.cntfrq);
	cfg.rmin = ns_to_ticks(args.rmin_ns, cfg.cntfrq);
	cfg.rmax = ns_to_ticks(args.rmax_ns, cfg.cntfrq);
	cfg.timeout = ns_to_ticks(args.timeout_ns, cfg.cntfrq);
	if (args.mode == MODE_PERIODIC && cfg.period == 0)
		die("period_ns is below one counter tick");
	if (cfg.timeout == 0)
		die("timeout_ns is below one counter tick");
	cfg.vtimer_intid = plat.vtimer_intid;
	cfg.wdog_intid = args.idle == IDLE_WFI ? plat.ptimer_intid : 0;

	sb_init(&err, errbuf, sizeof(errbuf));
	if (gic_init(&plat, &err))
		die(errbuf);
	gic_enable_ppi(cfg.vtimer_intid, 0xa0);
	if (cfg.wdog_intid)
		gic_enable_ppi(cfg.wdog_intid, 0xa0);

	print_params(&plat, &cfg);
	storm_run(&cfg, &res);
	print_stats(&res);
	emit_report(&cfg, &res);
	system_off();
}
