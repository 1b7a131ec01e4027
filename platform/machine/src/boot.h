/* The boot parameters: what one boot puts on the machine (Xen and its
 * command line, dom0's kernel/initrd, dom0less raw loaders, a device tree,
 * disks, the console, TCG plugins) and the clock mode. Filled from
 * vtb-machine's command line. */
#ifndef MACH_BOOT_H
#define MACH_BOOT_H

#include <stddef.h>

#define MACH_MAX_LOADERS 8
#define MACH_MAX_DRIVES 8
#define MACH_MAX_PLUGINS 4
#define MACH_MAX_PLUGIN_ARGS 8

enum mach_mode { MACH_DETERMINISTIC, MACH_REALTIME };
enum mach_el2 { MACH_EL2_DESC, MACH_EL2_ON, MACH_EL2_OFF };

struct mach_loader {
	const char *file;
	const char *addr;
};

struct mach_drive {
	const char *file;
	const char *serial; /* the guest-visible serial, or NULL */
};

struct mach_plugin {
	const char *file;
	const char *args[MACH_MAX_PLUGIN_ARGS]; /* NAME=VALUE */
	int nargs;
};

struct mach_boot {
	enum mach_mode mode;
	unsigned smp;
	const char *memory;   /* NULL: the description's */
	enum mach_el2 el2;
	const char *xen;      /* with Xen: -kernel xen, dom0 through guest-loader */
	const char *xen_args;
	const char *kernel;   /* dom0's kernel, or the kernel booted directly */
	const char *bootargs;
	const char *initrd;
	const char *dtb;
	const char *dumpdtb;  /* write the machine's tree and exit */
	const char *serial;   /* QEMU -serial value */
	struct mach_loader loaders[MACH_MAX_LOADERS];
	int nloaders;
	struct mach_drive drives[MACH_MAX_DRIVES];
	int ndrives;
	struct mach_plugin plugins[MACH_MAX_PLUGINS];
	int nplugins;
};

/* Parses boot options from argv[0..argc); the strings are borrowed. 0, or -1
 * with a one-line message in err (always a usage error). */
int mach_boot_parse(struct mach_boot *b, int argc, char **argv, char *err, size_t errlen);

/* Checks that the options make one sensible boot. 0, or -1 with a message. */
int mach_boot_check(const struct mach_boot *b, char *err, size_t errlen);

#endif
