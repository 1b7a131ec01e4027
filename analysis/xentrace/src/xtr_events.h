/* Event ids we understand: Xen's generic and scheduler records (from
 * xen/include/public/trace.h) and our ARM trace points (ids fixed by the
 * tracing patch series; see docs/xentrace-decoder.md). */
#ifndef XTR_EVENTS_H
#define XTR_EVENTS_H

#include <stdint.h>

#define TRC_ARM_CLASS            0x0100f000u
#define TRC_ARM_GUEST_EXIT       0x01001001u
#define TRC_ARM_GUEST_ENTRY      0x01001002u
#define TRC_ARM_PIRQ             0x01002001u
#define TRC_ARM_VIRQ_INJECT      0x01002002u
#define TRC_ARM_LR_WRITE         0x01002003u
#define TRC_ARM_MAINT_IRQ        0x01002004u
#define TRC_ARM_VTIMER_IRQ       0x01004001u
#define TRC_ARM_VTIMER_SAVE      0x01004002u
#define TRC_ARM_VTIMER_RESTORE   0x01004003u
#define TRC_ARM_VTIMER_EXPIRED   0x01004004u

#define TRC_SCHED_RUNSTATE_BASE  0x00021000u /* + (old<<8) | (new<<4) | 1 */
#define TRC_SCHED_CONTINUE_RUNNING 0x00021002u
#define TRC_SCHED_SWITCH         0x0002800au
#define TRC_SCHED_SWITCH_INFPREV 0x0002800eu
#define TRC_SCHED_SWITCH_INFNEXT 0x0002800fu
#define TRC_SCHED_SWITCH_INFCONT 0x00028011u

#define XTR_DV_IDLE_DOM 0x7fffu
#define XTR_VTIMER_INTID 27u
#define XTR_MAINT_INTID 25u

/* Minimum extra words a record must carry for us to use it; NULL name if unknown. */
struct xtr_evdesc {
	uint32_t id;
	const char *name;
	uint32_t min_extra;
	uint32_t needs_tsc;
};

const struct xtr_evdesc *xtr_event_desc(uint32_t event);
/* Name for any id (runstate changes get a composed name); buf holds >= 32 bytes. */
const char *xtr_event_name(uint32_t event, char *buf, unsigned len);
/* ESR_EL2.EC name, e.g. "HVC64". */
const char *xtr_ec_name(uint32_t ec);

#endif
