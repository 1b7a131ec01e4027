#include "xtr_events.h"

#include <stdio.h>

static const struct xtr_evdesc descs[] = {
	{0x0001f001u, "lost_records", 4, 1},
	{0x0001f002u, "wrap_buffer", 0, 0},
	{0x0001f003u, "cpu_change", 2, 0},
	{TRC_SCHED_CONTINUE_RUNNING, "continue_running", 1, 1},
	{0x00028001u, "sched_add_domain", 1, 1},
	{0x00028002u, "sched_rem_domain", 1, 1},
	{0x00028003u, "domain_sleep", 2, 1},
	{0x00028004u, "domain_wake", 2, 1},
	{0x00028005u, "do_yield", 2, 1},
	{0x00028006u, "do_block", 2, 1},
	{0x00028007u, "domain_shutdown", 3, 1},
	{0x00028008u, "sched_ctl", 0, 1},
	{0x00028009u, "sched_adjdom", 1, 1},
	{TRC_SCHED_SWITCH, "sched_switch", 4, 1},
	{0x0002800bu, "s_timer_fn", 0, 1},
	{0x0002800cu, "t_timer_fn", 0, 1},
	{0x0002800du, "dom_timer_fn", 0, 1},
	{TRC_SCHED_SWITCH_INFPREV, "switch_infprev", 3, 1},
	{TRC_SCHED_SWITCH_INFNEXT, "switch_infnext", 4, 1},
	{0x00028010u, "domain_shutdown_code", 3, 1},
	{TRC_SCHED_SWITCH_INFCONT, "switch_infcont", 4, 1},
	{TRC_ARM_GUEST_EXIT, "arm_guest_exit", 3, 1},
	{TRC_ARM_GUEST_ENTRY, "arm_guest_entry", 1, 1},
	{TRC_ARM_PIRQ, "arm_pirq", 2, 1},
	{TRC_ARM_VIRQ_INJECT, "arm_virq_inject", 4, 1},
	{TRC_ARM_LR_WRITE, "arm_lr_write", 4, 1},
	{TRC_ARM_MAINT_IRQ, "arm_maint_irq", 2, 1},
	{TRC_ARM_VTIMER_IRQ, "arm_vtimer_irq", 6, 1},
	{TRC_ARM_VTIMER_SAVE, "arm_vtimer_save", 6, 1},
	{TRC_ARM_VTIMER_RESTORE, "arm_vtimer_restore", 6, 1},
	{TRC_ARM_VTIMER_EXPIRED, "arm_vtimer_expired", 3, 1},
};

const struct xtr_evdesc *xtr_event_desc(uint32_t event)
{
	for (unsigned i = 0; i < sizeof(descs) / sizeof(descs[0]); i++)
		if (descs[i].id == event)
			return &descs[i];
	return 0;
}

static const char *const runstate[4] = {"running", "runnable", "blocked", "offline"};

const char *xtr_event_name(uint32_t event, char *buf, unsigned len)
{
	const struct xtr_evdesc *d = xtr_event_desc(event);

	if (d)
		return d->name;
	if ((event & 0x0ffff00fu) == (TRC_SCHED_RUNSTATE_BASE | 1u) && !(event & 0xc0u) &&
	    !(event & 0xc00u)) {
		snprintf(buf, len, "%s_to_%s", runstate[(event >> 8) & 3], runstate[(event >> 4) & 3]);
		return buf;
	}
	snprintf(buf, len, "event_0x%08x", event);
	return buf;
}

const char *xtr_ec_name(uint32_t ec)
{
	switch (ec) {
	case 0x00: return "UNKNOWN";
	case 0x01: return "WFI_WFE";
	case 0x03: return "CP15_MCR";
	case 0x04: return "CP15_MCRR";
	case 0x05: return "CP14_MCR";
	case 0x06: return "CP14_LDC";
	case 0x07: return "FP_ASIMD";
	case 0x0c: return "CP14_MRRC";
	case 0x12: return "HVC32";
	case 0x13: return "SMC32";
	case 0x16: return "HVC64";
	case 0x17: return "SMC64";
	case 0x18: return "SYSREG";
	case 0x20: return "IABT_LOW";
	case 0x24: return "DABT_LOW";
	default: return "OTHER";
	}
}
