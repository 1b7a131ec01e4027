#define _POSIX_C_SOURCE 200809L
#include "manifest.h"

#include <errno.h>
#include <string.h>

#include "vtb/schema.h"
#define MANIFEST_SCHEMA VTB_SCHEMA_MANIFEST

static void put(json_t *o, const char *key, const char *value)
{
	if (value)
		json_object_set_new(o, key, json_string(value));
}

/* build-xen's manifest: source=..., patch=... (repeated), version=...; a
 * repeated key becomes an array so nothing is lost, and "patch" is always
 * one, so a reader never has to ask whether one patch or several were applied. */
static json_t *read_key_values(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	json_t *o = json_object();
	char line[2048];
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = 0;
		char *eq = strchr(line, '=');
		if (!eq)
			continue;
		*eq = 0;
		json_t *old = json_object_get(o, line);
		if (json_is_array(old))
			json_array_append_new(old, json_string(eq + 1));
		else if (old)
			json_object_set_new(o, line, json_pack("[O, s]", old, eq + 1));
		else if (!strcmp(line, "patch"))
			json_object_set_new(o, line, json_pack("[s]", eq + 1));
		else
			json_object_set_new(o, line, json_string(eq + 1));
	}
	fclose(f);
	return o;
}

json_t *manifest_build(const struct run_model *m, const struct manifest_facts *f, char *err, size_t errlen)
{
	const char *target = run_model_string(m, "target");
	json_t *storm = json_object_get(m->root, "storm");
	const char *linux_args = json_string_value(json_object_get(storm, "linux_storm_args"));
	if (!target || !storm) {
		snprintf(err, errlen, "the run's model has no target or storm (made before raw/run.json?)");
		return NULL;
	}
	json_t *o = json_object();
	char buf[1024];
	put(o, "schema", MANIFEST_SCHEMA);
	put(o, "run_id", run_model_string(m, "run_id"));
	put(o, "date_utc", f->date_utc);
	put(o, "label", run_model_string(m, "label"));
	put(o, "target", target);
	if (!strcmp(target, "native")) {
		snprintf(buf, sizeof(buf), "native (no hypervisor): %s", f->host ? f->host : "?");
		put(o, "platform", buf);
		put(o, "platform_mode", run_model_string(m, "platform_mode"));
		put(o, "cpu", f->cpu);
		snprintf(buf, sizeof(buf), "vtimer_storm %s", linux_args);
		put(o, "storm", buf);
		return o;
	}
	if (!strcmp(target, "server")) {
		snprintf(buf, sizeof(buf), "Xen/ARM server capture (tracing/dom0-run.sh): %s",
			 f->server ? f->server : "?");
		put(o, "platform", buf);
	} else if (f->machine_desc) {
		snprintf(buf, sizeof(buf), "emulated (%s)", f->machine_desc);
		put(o, "platform", buf);
	} else
		put(o, "platform", "emulated (qemu-system-aarch64 virt, GICv3, cortex-a57)");
	put(o, "platform_mode", run_model_string(m, "platform_mode"));
	if (run_model_string(m, "runner"))
		put(o, "runner", run_model_string(m, "runner"));
	put(o, "traced_boots", f->traced_boots);
	put(o, "qemu", f->qemu);
	put(o, "host", f->host);
	put(o, "guest_bootargs", json_string_value(json_object_get(storm, "guest_bootargs")));
	json_object_set(o, "variants", json_object_get(m->root, "variants"));
	put(o, "xen_image_sha256", f->xen_image_sha256);
	if (!strcmp(target, "linux-dom0")) {
		snprintf(buf, sizeof(buf), "Debian arm64 Linux dom0 (%s) running vtimer_storm %s",
			 f->linux_kernel ? f->linux_kernel : "", linux_args);
		put(o, "guest", buf);
	} else
		put(o, "guest_image_sha256", f->guest_image_sha256);
	if (f->xen_build_file) {
		json_t *xen = read_key_values(f->xen_build_file, err, errlen);
		if (!xen) {
			json_decref(o);
			return NULL;
		}
		json_object_set_new(o, "xen_build", xen);
	}
	json_t *id = json_object();
	put(id, "tree", f->xen_tree);
	put(id, "git_describe", f->xen_describe);
	put(id, "commit", f->xen_commit);
	put(id, "dirty", f->xen_dirty);
	put(id, "full_version", f->xen_full_version);
	put(id, "debian_package", f->xen_debian_package);
	if (json_object_size(id))
		json_object_set_new(o, "xen_identity", id);
	else
		json_decref(id);
	return o;
}

/* The variants as --variants takes them: name=options,... */
static void render_variants(json_t *vs, FILE *out)
{
	size_t i;
	json_t *v;
	fputs("variants=", out);
	json_array_foreach(vs, i, v)
		fprintf(out, "%s%s=%s", i ? "," : "", json_string_value(json_object_get(v, "name")),
			json_string_value(json_object_get(v, "xen_options")));
	fputc('\n', out);
}

int manifest_render_text(json_t *man, FILE *out)
{
	const char *key;
	json_t *v;
	json_object_foreach(man, key, v) {
		if (!strcmp(key, "schema") || !strcmp(key, "target"))
			continue;
		if (!strcmp(key, "variants"))
			render_variants(v, out);
		else if (!strcmp(key, "xen_identity")) {
			const char *k;
			json_t *x;
			json_object_foreach(v, k, x) fprintf(out, "xen_%s=%s\n", k, json_string_value(x));
		} else if (!strcmp(key, "xen_build")) {
			const char *k;
			json_t *x;
			json_object_foreach(v, k, x) {
				size_t i;
				json_t *e;
				if (json_is_array(x))
					json_array_foreach(x, i, e) fprintf(out, "xen_%s=%s\n", k, json_string_value(e));
				else
					fprintf(out, "xen_%s=%s\n", k, json_string_value(x));
			}
		} else if (json_is_string(v))
			fprintf(out, "%s=%s\n", key, json_string_value(v));
	}
	return ferror(out) ? -1 : 0;
}
