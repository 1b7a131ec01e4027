#include "describe.h"

#include <jansson.h>
#include <stdlib.h>

static json_t *str_or_null(const char *s) { return s ? json_string(s) : json_null(); }

static json_t *machine_json(const struct mach_desc *d, const struct mach_boot *b)
{
	bool el2 = b->el2 == MACH_EL2_DESC ? d->el2 : b->el2 == MACH_EL2_ON;
	bool det = b->mode == MACH_DETERMINISTIC;
	return json_pack("{s:s, s:s, s:s, s:i, s:b, s:s, s:s, s:I, s:s, s:o, s:b, s:o, s:o}",
			 "name", d->name, "qemu", d->qemu, "machine", d->machine,
			 "gic", d->gic, "el2", el2, "cpu", d->cpu,
			 "memory", b->memory ? b->memory : d->memory,
			 "smp", (json_int_t)b->smp,
			 "mode", det ? "deterministic" : "realtime",
			 "icount", det ? json_string(d->icount) : json_null(),
			 "dtb_randomness", !det,
			 "rtc", det && d->rtc[0] ? json_string(d->rtc) : json_null(),
			 "seed", det && d->seed[0] ? json_string(d->seed) : json_null());
}

/* The images in load order, each with where it goes: what a LAVA deploy
 * action lists as its images. */
static json_t *images_json(const struct mach_desc *d, const struct mach_boot *b)
{
	json_t *a = json_array();
	if (b->xen)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "role", "xen",
						   "file", b->xen, "args", b->xen_args ? b->xen_args : ""));
	if (b->kernel)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o, s:s}", "role", b->xen ? "dom0-kernel" : "kernel",
						   "file", b->kernel,
						   "addr", b->xen ? json_string(d->kernel_addr) : json_null(),
						   "args", b->bootargs ? b->bootargs : ""));
	if (b->initrd)
		json_array_append_new(a, json_pack("{s:s, s:s, s:o}", "role", b->xen ? "dom0-initrd" : "initrd",
						   "file", b->initrd,
						   "addr", b->xen ? json_string(d->initrd_addr) : json_null()));
	for (int i = 0; i < b->nloaders; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "role", "raw-module",
						   "file", b->loaders[i].file, "addr", b->loaders[i].addr));
	if (b->dtb)
		json_array_append_new(a, json_pack("{s:s, s:s}", "role", "dtb", "file", b->dtb));
	return a;
}

static json_t *drives_json(const struct mach_boot *b)
{
	json_t *a = json_array();
	for (int i = 0; i < b->ndrives; i++)
		json_array_append_new(a, json_pack("{s:s, s:o}", "file", b->drives[i].file,
						   "serial", str_or_null(b->drives[i].serial)));
	return a;
}

static json_t *plugins_json(const struct mach_boot *b)
{
	json_t *a = json_array();
	for (int i = 0; i < b->nplugins; i++) {
		json_t *args = json_array();
		for (int k = 0; k < b->plugins[i].nargs; k++)
			json_array_append_new(args, json_string(b->plugins[i].args[k]));
		json_array_append_new(a, json_pack("{s:s, s:o}", "file", b->plugins[i].file, "args", args));
	}
	return a;
}

char *mach_describe_json(const struct mach_desc *d, const struct mach_boot *b,
			 const struct mach_argv *argv)
{
	json_t *qa = json_array();
	for (int i = 0; i < argv->n; i++)
		json_array_append_new(qa, json_string(argv->v[i]));
	json_t *root = json_pack("{s:o, s:o, s:o, s:s, s:o, s:o}",
				 "machine", machine_json(d, b),
				 "images", images_json(d, b),
				 "drives", drives_json(b),
				 "serial", b->serial,
				 "plugins", plugins_json(b),
				 "qemu_argv", qa);
	if (!root)
		return NULL;
	char *s = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(root);
	return s;
}
