/* The run's manifest: what ran (platform, Xen build, images, storm), as
 * manifest.json for programs and manifest.txt (key=value lines, the report's
 * Environment table) for people.  The text is a rendering of the JSON. */
#ifndef VTB_RUN_MANIFEST_H
#define VTB_RUN_MANIFEST_H

#include <jansson.h>
#include <stdio.h>

#include "run_model.h"

/* Facts only the machine running the run knows; NULL when not measured. */
struct manifest_facts {
	const char *date_utc, *host, *qemu, *cpu;
	const char *xen_image_sha256, *guest_image_sha256;
	const char *linux_kernel;     /* linux-dom0: the Debian kernel package */
	const char *xen_build_file;   /* tracing/build-xen.sh's key=value manifest */
	/* Which Xen exactly (xen_identity): the tree's path, `git describe`,
	 * commit and dirty state when it is a git tree, the full version
	 * (XEN_VERSION.XEN_SUBVERSION plus XEN_EXTRAVERSION, e.g. 4.22.1), and
	 * for Debian's source the package version. */
	const char *xen_tree, *xen_describe, *xen_commit, *xen_dirty, *xen_full_version, *xen_debian_package;
	const char *traced_boots;     /* "yes", or why the traced boots were skipped */
	const char *server;           /* imported capture: the server's Xen and dom0, from xl info */
	const char *machine_desc;     /* the emulated machine (its description's name, board, GIC, CPU) */
};

/* manifest.json's document, or NULL with a one-line reason in err. */
json_t *manifest_build(const struct run_model *m, const struct manifest_facts *f, char *err, size_t errlen);
/* manifest.txt: one key=value line per fact, in the JSON's order. */
int manifest_render_text(json_t *manifest, FILE *out);

#endif
