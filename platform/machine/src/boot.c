#define _POSIX_C_SOURCE 200809L
#include "boot.h"
#include "desc.h"
#include "errmsg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int parse_smp(const char *v, unsigned *out)
{
	if (v[0] < '1' || v[0] > '9' || strspn(v, "0123456789") != strlen(v) || strlen(v) > 3)
		return -1;
	*out = (unsigned)strtoul(v, NULL, 10);
	return 0;
}

int mach_boot_parse(struct mach_boot *b, int argc, char **argv, char *err, size_t errlen)
{
	memset(b, 0, sizeof *b);
	b->mode = MACH_DETERMINISTIC;
	b->smp = 1;
	b->serial = "stdio";
	for (int i = 0; i < argc; i++) {
		const char *o = argv[i];
		if (strncmp(o, "--", 2) != 0)
			return mach_errf(err, errlen, "unexpected argument '%s' (see --help)", o);
		if (i + 1 >= argc)
			return mach_errf(err, errlen, "option '%s' needs a value", o);
		const char *v = argv[++i];
		if (strcmp(o, "--mode") == 0) {
			if (strcmp(v, "deterministic") == 0)
				b->mode = MACH_DETERMINISTIC;
			else if (strcmp(v, "realtime") == 0)
				b->mode = MACH_REALTIME;
			else
				return mach_errf(err, errlen, "--mode must be deterministic or realtime, not '%s'", v);
		} else if (strcmp(o, "--smp") == 0) {
			if (parse_smp(v, &b->smp) != 0)
				return mach_errf(err, errlen, "--smp needs a CPU count from 1 to 999, not '%s'", v);
		} else if (strcmp(o, "--memory") == 0) {
			if (!mach_is_memory_size(v))
				return mach_errf(err, errlen, "--memory must be a size like 512M or 2G, not '%s'", v);
			b->memory = v;
		} else if (strcmp(o, "--el2") == 0) {
			if (strcmp(v, "on") != 0 && strcmp(v, "off") != 0)
				return mach_errf(err, errlen, "--el2 must be on or off, not '%s'", v);
			b->el2 = strcmp(v, "on") == 0 ? MACH_EL2_ON : MACH_EL2_OFF;
		} else if (strcmp(o, "--xen") == 0) {
			b->xen = v;
		} else if (strcmp(o, "--xen-args") == 0) {
			b->xen_args = v;
		} else if (strcmp(o, "--kernel") == 0) {
			b->kernel = v;
		} else if (strcmp(o, "--bootargs") == 0) {
			b->bootargs = v;
		} else if (strcmp(o, "--initrd") == 0) {
			b->initrd = v;
		} else if (strcmp(o, "--dtb") == 0) {
			b->dtb = v;
		} else if (strcmp(o, "--dumpdtb") == 0) {
			b->dumpdtb = v;
		} else if (strcmp(o, "--serial") == 0) {
			b->serial = v;
		} else if (strcmp(o, "--loader") == 0) {
			/* FILE@ADDR: the last '@', so a path may hold one. */
			const char *at = strrchr(v, '@');
			if (!at || at == v || !mach_is_hex_addr(at + 1))
				return mach_errf(err, errlen, "--loader needs FILE@0xADDR, not '%s'", v);
			if (b->nloaders == MACH_MAX_LOADERS)
				return mach_errf(err, errlen, "more than %d --loader", MACH_MAX_LOADERS);
			/* argv is ours to cut: the value ends before the '@'. */
			argv[i][at - v] = '\0';
			b->loaders[b->nloaders++] = (struct mach_loader){ v, at + 1 };
		} else if (strcmp(o, "--drive") == 0) {
			if (b->ndrives == MACH_MAX_DRIVES)
				return mach_errf(err, errlen, "more than %d --drive", MACH_MAX_DRIVES);
			b->drives[b->ndrives++] = (struct mach_drive){ v, NULL };
		} else if (strcmp(o, "--drive-serial") == 0) {
			if (b->ndrives == 0)
				return mach_errf(err, errlen, "--drive-serial must follow a --drive");
			b->drives[b->ndrives - 1].serial = v;
		} else if (strcmp(o, "--plugin") == 0) {
			if (b->nplugins == MACH_MAX_PLUGINS)
				return mach_errf(err, errlen, "more than %d --plugin", MACH_MAX_PLUGINS);
			b->plugins[b->nplugins++] = (struct mach_plugin){ .file = v };
		} else if (strcmp(o, "--plugin-arg") == 0) {
			if (b->nplugins == 0)
				return mach_errf(err, errlen, "--plugin-arg must follow a --plugin");
			struct mach_plugin *p = &b->plugins[b->nplugins - 1];
			const char *eq = strchr(v, '=');
			if (!eq || eq == v || memchr(v, ',', (size_t)(eq - v)))
				return mach_errf(err, errlen, "--plugin-arg needs NAME=VALUE, not '%s'", v);
			if (p->nargs == MACH_MAX_PLUGIN_ARGS)
				return mach_errf(err, errlen, "more than %d --plugin-arg", MACH_MAX_PLUGIN_ARGS);
			p->args[p->nargs++] = v;
		} else {
			return mach_errf(err, errlen, "unknown option '%s' (see --help)", o);
		}
	}
	return 0;
}

int mach_boot_check(const struct mach_boot *b, char *err, size_t errlen)
{
	if (b->mode == MACH_DETERMINISTIC && b->smp != 1)
		return mach_errf(err, errlen, "deterministic mode is one CPU (--smp %u given)", b->smp);
	if (b->dumpdtb)
		return b->xen || b->kernel || b->initrd || b->dtb || b->nloaders || b->ndrives
			? mach_errf(err, errlen, "--dumpdtb only dumps the machine's tree: give no images")
			: 0;
	if (!b->xen && !b->kernel)
		return mach_errf(err, errlen, "nothing to boot: give --xen or --kernel");
	if (b->xen_args && !b->xen)
		return mach_errf(err, errlen, "--xen-args without --xen");
	if ((b->bootargs || b->initrd) && !b->kernel)
		return mach_errf(err, errlen, "--bootargs and --initrd need --kernel");
	if (b->nloaders && !b->xen)
		return mach_errf(err, errlen, "--loader modules are for Xen's dom0less boot: give --xen");
	return 0;
}
