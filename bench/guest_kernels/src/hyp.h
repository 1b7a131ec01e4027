/* Ways out of the guest: the Xen console_io hypercall (or a PL011 when not
 * under Xen), and PSCI SYSTEM_OFF. */
#ifndef VTB_HYP_H
#define VTB_HYP_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum console_kind { CONSOLE_XEN, CONSOLE_PL011 };

void guest_console_use_xen(void);
void guest_console_use_pl011(uintptr_t base);
void guest_console_write(const char *s, size_t n);
void guest_console_puts(const char *s);
/* Waits (at most max_ticks of the counter) until a UART console has sent
 * everything: under xl, Xen's vpl011 reports TX empty once xenconsoled in
 * dom0 has taken the bytes, so dom0 is not busy with our text as the storm
 * starts. No-op for console_io (synchronous). */
void guest_console_drain(uint64_t max_ticks);

void guest_psci_set_conduit_smc(bool smc);
__attribute__((noreturn)) void guest_system_off(void);
/* PSCI CPU_ON (64-bit): 'entry' starts with the MMU off, x0 = 'ctx'.
 * Returns the PSCI status (0 = success). */
int64_t guest_psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t ctx);
/* PSCI CPU_OFF for this CPU; halts in WFI if it returns. */
__attribute__((noreturn)) void guest_cpu_off(void);
/* Prints "vtb-guest: error: <msg>\n" and powers off. */
__attribute__((noreturn)) void guest_die(const char *msg);
#endif
