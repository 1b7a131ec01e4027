/* The machine description: what is fixed about the emulated machine whatever
 * is booted on it (QEMU binary, board, GIC, CPU, memory, loader addresses,
 * the deterministic clock). Read from a "key = value" file such as
 * platform/machines/virt-gicv3.conf. */
#ifndef MACH_DESC_H
#define MACH_DESC_H

#include <stdbool.h>
#include <stddef.h>

#define MACH_FIELD 256

struct mach_desc {
	char name[MACH_FIELD];
	char qemu[MACH_FIELD];        /* the emulator binary */
	char machine[MACH_FIELD];     /* board type, e.g. "virt" */
	int gic;                      /* 2 or 3 */
	bool el2;                     /* virtualization=on */
	char cpu[MACH_FIELD];
	char memory[MACH_FIELD];      /* default -m, overridable per boot */
	char kernel_addr[MACH_FIELD]; /* guest-loader address of dom0's kernel */
	char initrd_addr[MACH_FIELD]; /* ... and of its initrd */
	char icount[MACH_FIELD];      /* -icount options of deterministic mode */
	char rtc[MACH_FIELD];         /* optional -rtc of deterministic mode */
	char seed[MACH_FIELD];        /* optional -seed of deterministic mode */
	char xen_args[MACH_FIELD];    /* optional Xen options every boot of this
					 machine starts its command line with */
};

/* Parses the text of a description; origin names it in errors. 0, or -1 with
 * a one-line message in err. */
int mach_desc_parse(struct mach_desc *d, const char *text, const char *origin,
		    char *err, size_t errlen);
/* Reads and parses the file at path. */
int mach_desc_load(struct mach_desc *d, const char *path, char *err, size_t errlen);

/* Shared syntax checks, also used for per-boot overrides. */
bool mach_is_memory_size(const char *s); /* 512M, 2G, 1048576 */
bool mach_is_hex_addr(const char *s);    /* 0x4a000000 */

#endif
