#define _POSIX_C_SOURCE 200809L
#include "lava_job.h"
#include "vtb/read_file.h"
#include "vtb/str.h"
#include "errmsg.h"
#include "qemu_argv.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct dev_key {
	const char *name;
	size_t off;
	int required;
};
#define DEV_KEY(k, req) { #k, offsetof(struct mach_lava_device, k), req }
static const struct dev_key dev_keys[] = {
	DEV_KEY(device_type, 1), DEV_KEY(boot_method, 1), DEV_KEY(image_dir, 1),
	DEV_KEY(image_url, 1), DEV_KEY(tags, 0), DEV_KEY(priority, 0),
};
#define N_DEV_KEYS (sizeof dev_keys / sizeof dev_keys[0])

int mach_lava_device_parse(struct mach_lava_device *dev, const char *text, const char *origin,
			   char *err, size_t errlen)
{
	memset(dev, 0, sizeof *dev);
	int seen[N_DEV_KEYS] = { 0 };
	char *copy = strdup(text);
	if (!copy)
		return mach_errf(err, errlen, "%s: out of memory", origin);
	int rc = 0, lineno = 0;
	for (char *line = copy, *next; line && rc == 0; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		char *s = vtb_trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		if (!eq) {
			rc = mach_errf(err, errlen, "%s:%d: expected 'key = value'", origin, lineno);
			break;
		}
		*eq = '\0';
		char *k = vtb_trim(s), *v = vtb_trim(eq + 1);
		size_t i = 0;
		while (i < N_DEV_KEYS && strcmp(k, dev_keys[i].name) != 0)
			i++;
		if (i == N_DEV_KEYS)
			rc = mach_errf(err, errlen, "%s:%d: unknown key '%s'", origin, lineno, k);
		else if (strlen(v) >= MACH_LAVA_FIELD)
			rc = mach_errf(err, errlen, "%s:%d: value of %s is too long", origin, lineno, k);
		else {
			strcpy((char *)dev + dev_keys[i].off, v);
			seen[i] = 1;
		}
	}
	free(copy);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < N_DEV_KEYS; i++)
		if (dev_keys[i].required && (!seen[i] || !((char *)dev + dev_keys[i].off)[0]))
			return mach_errf(err, errlen, "%s: missing key '%s'", origin, dev_keys[i].name);
	return 0;
}

int mach_lava_device_load(struct mach_lava_device *dev, const char *path, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	if (vtb_read_file(path, &buf, &n) != 0)
		return mach_errf(err, errlen, "%s: %s", path, strerror(errno));
	/* The parser copies every value into the fixed fields. */
	int rc = mach_lava_device_parse(dev, buf, path, err, errlen);
	free(buf);
	return rc;
}

/* LAVA joins the QEMU options with spaces and pexpect splits them again,
 * honouring double quotes and backslashes; LAVA replaces {label} with the
 * image's path. A value with a quote, a backslash or a brace cannot pass
 * through that unchanged. */
static int quotable(const char *what, const char *s, char *err, size_t errlen)
{
	if (strpbrk(s, "\"\\{}\n\r"))
		return mach_errf(err, errlen, "%s '%s' holds a quote, backslash, brace or newline, "
				 "which LAVA's QEMU command line cannot carry", what, s);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* One deploy image: its URL in the device's image store and the QEMU
 * options that load it. */
static int add_image(json_t *images, const char *label, const struct mach_lava_device *dev,
		     const char *file, char *arg, char *err, size_t errlen)
{
	if (!arg)
		return mach_errf(err, errlen, "out of memory");
	const char *url_sep = dev->image_url[strlen(dev->image_url) - 1] == '/' ? "" : "/";
	char *url = vtb_strf("%s%s%s", dev->image_url, url_sep, base_name(file));
	json_t *img = json_pack("{s:s, s:s}", "url", url ? url : "", "image_arg", arg);
	free(url);
	free(arg);
	if (!img)
		return mach_errf(err, errlen, "out of memory");
	json_object_set_new(images, label, img);
	return 0;
}

/* The machine as LAVA's qemu device-type context: its template writes
 * "-cpu", "-machine" and "-m" from these and appends extra_options. */
static json_t *context_json(const struct mach_desc *d, const struct mach_boot *b)
{
	int el2 = b->el2 == MACH_EL2_DESC ? d->el2 : b->el2 == MACH_EL2_ON;
	int det = b->mode == MACH_DETERMINISTIC;
	char machine[4 * MACH_FIELD];
	snprintf(machine, sizeof machine, "%s%s,gic-version=%d%s", d->machine,
		 el2 ? ",virtualization=on" : "", d->gic, det ? ",dtb-randomness=off" : "");
	json_t *extra = json_array();
	char opt[2 * MACH_FIELD];
	snprintf(opt, sizeof opt, "-smp %u", b->smp);
	json_array_append_new(extra, json_string(opt));
	if (det) {
		snprintf(opt, sizeof opt, "-icount %s", d->icount);
		json_array_append_new(extra, json_string(opt));
		if (d->rtc[0]) {
			snprintf(opt, sizeof opt, "-rtc %s", d->rtc);
			json_array_append_new(extra, json_string(opt));
		}
		if (d->seed[0]) {
			snprintf(opt, sizeof opt, "-seed %s", d->seed);
			json_array_append_new(extra, json_string(opt));
		}
	}
	/* As every local boot: a reset ends the run. */
	json_array_append_new(extra, json_string("-no-reboot"));
	return json_pack("{s:s, s:s, s:s, s:s, s:o}", "arch", "arm64", "machine", machine,
			 "cpu", d->cpu, "memory", b->memory ? b->memory : d->memory,
			 "extra_options", extra);
}

/* The guest result protocol (docs/guest-protocol.md) read by LAVA itself:
 * the trailer's counts and latency bounds become test cases with
 * measurements, so they show in LAVA's result pages. Two monitors, one
 * after the other on the trailer line: the suite name carries the unit,
 * which the console line does not. The second starts with a lookahead, so
 * it finds "min=" the first left, and ends with the report's last line, whole
 * (LAVA keeps no console after the last monitor; Xen ends lines with
 * \r\r\n, DESIGN.md). Each value must be followed by its space:
 * pexpect matches what has arrived so far and "taken=20" may be the start
 * of "taken=2000". */
static json_t *monitors_json(const char *name)
{
	char counts[256], ticks[256];
	snprintf(counts, sizeof counts, "%s-counts", name);
	snprintf(ticks, sizeof ticks, "%s-latency-ticks", name);
	return json_pack(
		"[{s:s, s:s, s:s, s:s}, {s:s, s:s, s:s, s:s}]",
		"name", counts, "start", "@VTB 1 [0-9]+ T ",
		"end", "other=[0-9]+ ",
		"pattern", "(?P<test_case_id>taken|lost|spurious)=(?P<measurement>[0-9]+) ",
		"name", ticks, "start", "(?=min=[0-9]+ )",
		"end", "@VTB 1 [0-9]+ E lines=[0-9]+ [*][0-9a-f]{8}\\r*\\n",
		"pattern", "(?P<test_case_id>min|max)=(?P<measurement>[0-9]+) ");
}

char *mach_lava_job(const struct mach_desc *d, const struct mach_boot *b,
		    const struct mach_lava_device *dev, const struct mach_lava_opts *o,
		    char *err, size_t errlen)
{
	if (strcmp(dev->boot_method, "qemu") != 0) {
		mach_errf(err, errlen, "boot_method '%s': jobs are generated for LAVA's qemu boot "
			  "method only (docs/lava.md shows a server's job)", dev->boot_method);
		return NULL;
	}
	if (!b->xen || !b->kernel) {
		mach_errf(err, errlen, "a LAVA job boots Xen with a dom0 kernel (--xen and --kernel)");
		return NULL;
	}
	if (b->ndrives || b->nplugins || b->nloaders || b->dtb || b->dumpdtb) {
		mach_errf(err, errlen, "drives, plugins, raw loaders and device trees are not supported "
			  "under LAVA (results come back on the console)");
		return NULL;
	}
	if (b->serial && strcmp(b->serial, "stdio") != 0) {
		mach_errf(err, errlen, "under LAVA the console is LAVA's (--serial stdio)");
		return NULL;
	}
	const char *xargs = b->xen_args ? b->xen_args : "", *bargs = b->bootargs ? b->bootargs : "";
	if (quotable("Xen's command line", xargs, err, errlen) || quotable("dom0's command line", bargs, err, errlen) ||
	    quotable("image", base_name(b->xen), err, errlen) || quotable("image", base_name(b->kernel), err, errlen) ||
	    (b->initrd && quotable("image", base_name(b->initrd), err, errlen)))
		return NULL;

	json_t *images = json_object();
	char *esc = mach_qemu_escape(bargs);
	if (add_image(images, "xen", dev, b->xen, vtb_strf("-kernel {xen} -append \"%s\"", xargs), err, errlen) ||
	    add_image(images, "kernel", dev, b->kernel,
		      esc ? vtb_strf("-device guest-loader,addr=%s,kernel={kernel},bootargs=\"%s\"", d->kernel_addr, esc) : NULL,
		      err, errlen) ||
	    (b->initrd && add_image(images, "ramdisk", dev, b->initrd,
				   vtb_strf("-device guest-loader,addr=%s,initrd={ramdisk}", d->initrd_addr), err, errlen))) {
		free(esc);
		json_decref(images);
		return NULL;
	}
	free(esc);
	/* The initrd goes to the machine as it is: no "format", "compression"
	 * or "overlays" keys, which would have LAVA unpack it, add its test
	 * overlay and pack it again. Monitors need no overlay (no LAVA test
	 * shell runs on the device), and the bytes the dom0 boots from are
	 * those of a local boot, so its deterministic figures are too. */

	unsigned t = o->timeout;
	json_t *actions = json_array();
	json_array_append_new(actions, json_pack("{s:{s:s, s:{s:I}, s:o}}", "deploy", "to", "tmpfs",
						 "timeout", "seconds", (json_int_t)t, "images", images));
	json_array_append_new(actions, json_pack("{s:{s:s, s:s, s:{s:I}}}", "boot", "method", "qemu",
						 "media", "tmpfs", "timeout", "seconds", (json_int_t)t));
	if (o->monitor)
		json_array_append_new(actions, json_pack("{s:{s:{s:I}, s:o}}", "test", "timeout", "seconds",
							 (json_int_t)t, "monitors", monitors_json(o->monitor)));

	json_t *job = json_pack("{s:s, s:s, s:s, s:{s:{s:I}, s:{s:I}, s:{s:I}}, s:o, s:o}",
				"device_type", dev->device_type, "job_name", o->job_name,
				"visibility", "public",
				"timeouts", "job", "seconds", (json_int_t)t, "action", "seconds", (json_int_t)t,
				"connection", "seconds", (json_int_t)t,
				"context", context_json(d, b), "actions", actions);
	if (!job) {
		mach_errf(err, errlen, "out of memory");
		return NULL;
	}
	if (dev->priority[0])
		json_object_set_new(job, "priority", json_string(dev->priority));
	if (dev->tags[0]) {
		json_t *tags = json_array();
		char copy[MACH_LAVA_FIELD];
		snprintf(copy, sizeof copy, "%s", dev->tags);
		for (char *save = NULL, *tag = strtok_r(copy, ",", &save); tag; tag = strtok_r(NULL, ",", &save))
			if (*vtb_trim(tag))
				json_array_append_new(tags, json_string(vtb_trim(tag)));
		json_object_set_new(job, "tags", tags);
	}
	char *s = json_dumps(job, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(job);
	if (!s)
		mach_errf(err, errlen, "out of memory");
	return s;
}
