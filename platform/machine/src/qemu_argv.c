#define _POSIX_C_SOURCE 200809L
#include "qemu_argv.h"
#include "vtb/str.h"
#include "errmsg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *mach_qemu_escape(const char *s)
{
	size_t n = strlen(s), commas = 0;
	for (const char *p = s; *p; p++)
		commas += *p == ',';
	char *out = malloc(n + commas + 1), *o = out;
	if (!out)
		return NULL;
	for (const char *p = s; *p; p++) {
		*o++ = *p;
		if (*p == ',')
			*o++ = ',';
	}
	*o = '\0';
	return out;
}

/* Builder state: the first failure sticks, so callers check once at the end. */
struct builder {
	struct mach_argv *a;
	int failed;
};

static void add_owned(struct builder *bd, char *s)
{
	if (!s || bd->a->n == MACH_MAX_ARGV) {
		free(s);
		bd->failed = 1;
		return;
	}
	bd->a->v[bd->a->n++] = s;
	bd->a->v[bd->a->n] = NULL;
}

static void add(struct builder *bd, const char *s) { add_owned(bd, strdup(s)); }

/* "OPTION VALUE", or nothing when the boot has no value for it. */
static void add_opt(struct builder *bd, const char *option, const char *value)
{
	if (!value)
		return;
	add(bd, option);
	add(bd, value);
}

static void addf(struct builder *bd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void addf(struct builder *bd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = vtb_vstrf(fmt, ap);
	va_end(ap);
	add_owned(bd, s);
}

/* Appends ",key=escaped(value)" to a growing option string. */
static char *opt_append(char *opts, const char *key, const char *value)
{
	char *esc = mach_qemu_escape(value);
	if (!opts || !esc) {
		free(opts);
		free(esc);
		return NULL;
	}
	size_t n = strlen(opts) + strlen(key) + strlen(esc) + 3;
	char *s = malloc(n);
	if (s)
		snprintf(s, n, "%s%s%s=%s", opts, *opts ? "," : "", key, esc);
	free(opts);
	free(esc);
	return s;
}

static void add_machine(struct builder *bd, const struct mach_desc *d, const struct mach_boot *b)
{
	bool el2 = b->el2 == MACH_EL2_DESC ? d->el2 : b->el2 == MACH_EL2_ON;
	char *m = strdup(d->machine);
	if (el2)
		m = opt_append(m, "virtualization", "on");
	m = opt_append(m, "gic-version", d->gic == 2 ? "2" : "3");
	/* QEMU 7.2 writes fresh /chosen rng-seed and kaslr-seed values into the
	 * tree on every boot and Xen hands them on to dom0: a Linux guest then
	 * seeds its entropy from the host and two runs differ. */
	if (b->mode == MACH_DETERMINISTIC)
		m = opt_append(m, "dtb-randomness", "off");
	if (b->dumpdtb)
		m = opt_append(m, "dumpdtb", b->dumpdtb);
	add(bd, "-machine");
	add_owned(bd, m);
}

static void add_clock(struct builder *bd, const struct mach_desc *d, const struct mach_boot *b)
{
	if (b->mode != MACH_DETERMINISTIC)
		return;
	add_opt(bd, "-icount", d->icount);
	add_opt(bd, "-rtc", d->rtc[0] ? d->rtc : NULL);
	add_opt(bd, "-seed", d->seed[0] ? d->seed : NULL);
}

/* "-device TYPE,OPTS"; OPTS NULL (out of memory) fails the build. */
static void add_device(struct builder *bd, const char *type, char *opts)
{
	add(bd, "-device");
	if (opts)
		addf(bd, "%s,%s", type, opts);
	else
		bd->failed = 1;
	free(opts);
}

/* Xen is the kernel; dom0 and its initrd come through guest-loader devices,
 * which write the /chosen module nodes Xen looks for. */
static void add_xen_boot(struct builder *bd, const struct mach_desc *d, const struct mach_boot *b)
{
	add_opt(bd, "-kernel", b->xen);
	/* Without -append Xen reads its options from the tree (dom0less). */
	add_opt(bd, "-append", b->xen_args);
	if (b->kernel) {
		char *o = opt_append(strdup(""), "addr", d->kernel_addr);
		o = opt_append(o, "kernel", b->kernel);
		add_device(bd, "guest-loader", opt_append(o, "bootargs", b->bootargs ? b->bootargs : ""));
	}
	if (b->initrd)
		add_device(bd, "guest-loader", opt_append(opt_append(strdup(""), "addr", d->initrd_addr),
							  "initrd", b->initrd));
	for (int i = 0; i < b->nloaders; i++) {
		char *o = opt_append(strdup(""), "file", b->loaders[i].file);
		o = opt_append(o, "addr", b->loaders[i].addr);
		add_device(bd, "loader", opt_append(o, "force-raw", "on"));
	}
}

static void add_direct_boot(struct builder *bd, const struct mach_boot *b)
{
	add_opt(bd, "-kernel", b->kernel);
	add_opt(bd, "-initrd", b->initrd);
	add_opt(bd, "-append", b->bootargs);
}

static void add_drives(struct builder *bd, const struct mach_boot *b)
{
	for (int i = 0; i < b->ndrives; i++) {
		char id[16];
		snprintf(id, sizeof id, "vd%d", i);
		char *f = opt_append(strdup(""), "file", b->drives[i].file);
		add(bd, "-drive");
		if (f)
			addf(bd, "%s,format=raw,if=none,id=%s", f, id);
		bd->failed |= !f;
		free(f);
		char *o = opt_append(strdup(""), "drive", id);
		if (b->drives[i].serial)
			o = opt_append(o, "serial", b->drives[i].serial);
		add_device(bd, "virtio-blk-device", o);
	}
}

static void add_plugins(struct builder *bd, const struct mach_boot *b)
{
	for (int i = 0; i < b->nplugins; i++) {
		const struct mach_plugin *p = &b->plugins[i];
		char *o = opt_append(strdup(""), "file", p->file);
		for (int k = 0; k < p->nargs; k++) {
			const char *eq = strchr(p->args[k], '=');
			char name[MACH_FIELD];
			snprintf(name, sizeof name, "%.*s", (int)(eq - p->args[k]), p->args[k]);
			o = opt_append(o, name, eq + 1);
		}
		add(bd, "-plugin");
		add_owned(bd, o);
	}
}

int mach_qemu_argv(const struct mach_desc *d, const struct mach_boot *b,
		   struct mach_argv *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	struct builder bd = { out, 0 };
	add(&bd, d->qemu);
	add_machine(&bd, d, b);
	add_opt(&bd, "-cpu", d->cpu);
	add(&bd, "-smp");
	addf(&bd, "%u", b->smp);
	add_opt(&bd, "-m", b->memory ? b->memory : d->memory);
	add_clock(&bd, d, b);
	/* The console is the one serial port; no monitor, display or network:
	 * nothing but the boot's own images can reach the guest. -no-reboot
	 * turns a guest's reset into the end of the run. */
	add_opt(&bd, "-display", "none");
	add_opt(&bd, "-monitor", "none");
	add_opt(&bd, "-serial", b->serial);
	add_opt(&bd, "-nic", "none");
	add(&bd, "-no-reboot");
	if (!b->dumpdtb) {
		add_opt(&bd, "-dtb", b->dtb);
		if (b->xen)
			add_xen_boot(&bd, d, b);
		else
			add_direct_boot(&bd, b);
		add_drives(&bd, b);
		add_plugins(&bd, b);
	}
	if (bd.failed) {
		mach_argv_free(out);
		return mach_errf(err, errlen, "command line too long or out of memory");
	}
	return 0;
}

void mach_argv_free(struct mach_argv *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->v[i]);
	a->n = 0;
	a->v[0] = NULL;
}
