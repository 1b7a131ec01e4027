/* A LAVA job definition of one boot (docs/lava.md): the same machine and
 * images as the QEMU argv made by qemu_argv.c, for LAVA's "qemu" device type,
 * so a deterministic boot under LAVA gives a local run's figures. The
 * definition is JSON, which LAVA reads as YAML. */
#ifndef MACH_LAVA_JOB_H
#define MACH_LAVA_JOB_H

#include "boot.h"
#include "desc.h"

#include <stddef.h>

#define MACH_LAVA_FIELD 512

/* The user's LAVA device description (platform/lava/devices/qemu.conf). */
struct mach_lava_device {
	char device_type[MACH_LAVA_FIELD];
	char boot_method[MACH_LAVA_FIELD];
	char image_dir[MACH_LAVA_FIELD];
	char image_url[MACH_LAVA_FIELD];
	char tags[MACH_LAVA_FIELD];     /* comma-separated, may be empty */
	char priority[MACH_LAVA_FIELD]; /* may be empty */
};

/* What one job is besides the boot. */
struct mach_lava_opts {
	const char *job_name;
	unsigned timeout;      /* seconds, the whole job */
	const char *monitor;   /* suite name prefix of the guest-protocol monitors, or NULL */
};

int mach_lava_device_parse(struct mach_lava_device *dev, const char *text, const char *origin,
			   char *err, size_t errlen);
int mach_lava_device_load(struct mach_lava_device *dev, const char *path, char *err, size_t errlen);

/* The job as JSON text (caller frees), or NULL with a one-line message in
 * err (a boot LAVA cannot run, a value that cannot be quoted). */
char *mach_lava_job(const struct mach_desc *d, const struct mach_boot *b,
		    const struct mach_lava_device *dev, const struct mach_lava_opts *o,
		    char *err, size_t errlen);

#endif
