#include "hyp.h"
#include "sysreg.h"
#include <string.h>

#define XEN_HYPERCALL_CONSOLE_IO 18
#define CONSOLEIO_WRITE 0
#define PSCI_0_2_FN_SYSTEM_OFF 0x84000008u
#define PSCI_0_2_FN_CPU_OFF 0x84000002u
#define PSCI_0_2_FN64_CPU_ON 0xc4000003u

static enum console_kind con_kind = CONSOLE_XEN;
static volatile uint32_t *pl011;
static bool psci_smc;

void guest_console_use_xen(void)
{
	con_kind = CONSOLE_XEN;
}

void guest_console_use_pl011(uintptr_t base)
{
	pl011 = (volatile uint32_t *)base;
	con_kind = CONSOLE_PL011;
}

static void xen_console_write(const char *s, size_t n)
{
	/* Xen may clobber argument registers it did not use (debug builds poison
	 * them), so every register of the call is an output here. */
	register uint64_t x0 __asm__("x0") = CONSOLEIO_WRITE;
	register uint64_t x1 __asm__("x1") = n;
	register uint64_t x2 __asm__("x2") = (uint64_t)(uintptr_t)s;
	register uint64_t x3 __asm__("x3") = 0;
	register uint64_t x4 __asm__("x4") = 0;
	register uint64_t x16 __asm__("x16") = XEN_HYPERCALL_CONSOLE_IO;
	__asm__ volatile("hvc #0xEA1"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x16)
			 :
			 : "memory");
}

static void pl011_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			while (pl011[0x18 / 4] & (1u << 5))
				;
			pl011[0] = '\r';
		}
		while (pl011[0x18 / 4] & (1u << 5)) /* FR.TXFF */
			;
		pl011[0] = (unsigned char)s[i];
	}
}

void guest_console_drain(uint64_t max_ticks)
{
	if (con_kind != CONSOLE_PL011 || !pl011)
		return;
	/* FR.TXFE (bit 7) set and FR.BUSY (bit 3) clear: all sent. */
	uint64_t t0 = counter_now();
	while ((pl011[0x18 / 4] & ((1u << 7) | (1u << 3))) != (1u << 7))
		if (counter_now() - t0 > max_ticks)
			return;
}

void guest_console_write(const char *s, size_t n)
{
	if (con_kind == CONSOLE_PL011 && pl011)
		pl011_write(s, n);
	else
		xen_console_write(s, n);
}

void guest_console_puts(const char *s)
{
	guest_console_write(s, strlen(s));
}

void guest_psci_set_conduit_smc(bool smc)
{
	psci_smc = smc;
}

static uint64_t psci_call(uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;
	if (psci_smc)
		__asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	else
		__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return x0;
}

int64_t guest_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx)
{
	return (int64_t)psci_call(PSCI_0_2_FN64_CPU_ON, mpidr, entry, ctx);
}

void guest_cpu_off(void)
{
	irq_mask();
	psci_call(PSCI_0_2_FN_CPU_OFF, 0, 0, 0);
	for (;;)
		wfi();
}

void guest_system_off(void)
{
	psci_call(PSCI_0_2_FN_SYSTEM_OFF, 0, 0, 0);
	/* SYSTEM_OFF returned: say so rather than hang without a word. */
	guest_console_puts("vtb-guest: PSCI SYSTEM_OFF returned; halting\n");
	irq_mask();
	for (;;)
		wfi();
}

void guest_die(const char *msg)
{
	guest_console_puts("vtb-guest: error: ");
	guest_console_puts(msg);
	guest_console_puts("\n");
	guest_system_off();
}
