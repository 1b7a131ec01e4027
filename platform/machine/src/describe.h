/* The resolved machine and boot as JSON: what a run's manifest records and
 * what a generator for another runner (a LAVA job) reads (docs/machine.md). */
#ifndef MACH_DESCRIBE_H
#define MACH_DESCRIBE_H

#include "boot.h"
#include "desc.h"
#include "qemu_argv.h"

/* The JSON text (caller frees), or NULL when out of memory. */
char *mach_describe_json(const struct mach_desc *d, const struct mach_boot *b,
			 const struct mach_argv *argv);

#endif
