/* Minimal <stdlib.h>: libfdt_env.h includes it; libfdt's overlay code wants strtoul. */
#ifndef VTB_STDLIB_H
#define VTB_STDLIB_H
#include <stddef.h>
unsigned long strtoul(const char *s, char **end, int base);
#endif
