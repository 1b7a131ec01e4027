/* Ways out of the guest: the Xen console_io hypercall (or a PL011 when not
 * under Xen), and PSCI SYSTEM_OFF. */
#ifndef VTB_HYP_H
#define VTB_HYP_H
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum console_kind { CONSOLE_XEN, CONSOLE_PL011 };

void console_use_xen(void);
void console_use_pl011(uintptr_t base);
void console_write(const char *s, size_t n);
void console_puts(const char *s);

void psci_set_conduit_smc(bool smc);
__attribute__((noreturn)) void system_off(void);
/* Prints "vtb-guest: error: <msg>\n" and powers off. */
__attribute__((noreturn)) void die(const char *msg);
#endif
