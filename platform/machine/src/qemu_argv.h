/* One boot as a QEMU command line: the description and the boot parameters
 * in, argv (argv[0] = the emulator) out. Every QEMU invocation of the project
 * is made here, so a setting such as dtb-randomness=off reaches every boot. */
#ifndef MACH_QEMU_ARGV_H
#define MACH_QEMU_ARGV_H

#include "boot.h"
#include "desc.h"

#define MACH_MAX_ARGV 160

struct mach_argv {
	char *v[MACH_MAX_ARGV + 1]; /* NULL-terminated; owned */
	int n;
};

/* 0, or -1 with a one-line message in err (out of memory). */
int mach_qemu_argv(const struct mach_desc *d, const struct mach_boot *b,
		   struct mach_argv *out, char *err, size_t errlen);
void mach_argv_free(struct mach_argv *a);

/* s with every ',' doubled: QEMU's escape inside a -device/-drive value. */
char *mach_qemu_escape(const char *s);

#endif
