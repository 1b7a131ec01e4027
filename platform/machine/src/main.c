/* vtb-machine: the one place a QEMU command line is made (docs/machine.md).
 *   vtb-machine qemu --machine FILE [boot options]      argv, NUL-separated
 *   vtb-machine describe --machine FILE [boot options]  the boot as JSON
 *   vtb-machine lava-job --machine FILE --device DEV [job options] [boot options]
 *                                                       the boot as a LAVA job */
#define _POSIX_C_SOURCE 200809L
#include "boot.h"
#include "desc.h"
#include "describe.h"
#include "lava_job.h"
#include "qemu_argv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
	"usage: vtb-machine qemu|describe --machine FILE [boot options]\n"
	"       vtb-machine lava-job --machine FILE --device DEV [job options] [boot options]\n"
	"  qemu       print the QEMU argv, each argument NUL-terminated\n"
	"             (bash: mapfile -d '' argv < <(vtb-machine qemu ...))\n"
	"  describe   print the machine and the boot as JSON\n"
	"  lava-job   print the boot as a LAVA job definition (JSON, read as YAML;\n"
	"             docs/lava.md); job options, before the boot options:\n"
	"    --device DEV       LAVA device description (platform/lava/devices/*.conf)\n"
	"    --job-name S       the job's name (default vtimer-bench)\n"
	"    --timeout SEC      the job's timeout (default 900)\n"
	"    --monitor NAME     LAVA reads the guest protocol's trailer as test\n"
	"                       results of suites NAME-counts, NAME-latency-ticks\n"
	"  --machine FILE       machine description (platform/machines/*.conf)\n"
	"  --mode MODE          deterministic (icount, 1 CPU; default) or realtime\n"
	"  --smp N              CPUs (realtime mode; default 1)\n"
	"  --memory SIZE        machine memory (default: the description's)\n"
	"  --el2 on|off         EL2 for a hypervisor (default: the description's)\n"
	"  --xen IMG            Xen as the kernel; --kernel/--initrd become dom0's\n"
	"  --xen-args STR       Xen's command line\n"
	"  --kernel IMG         dom0's kernel under Xen, else the kernel booted\n"
	"  --bootargs STR       that kernel's command line\n"
	"  --initrd FILE        its initrd\n"
	"  --loader FILE@ADDR   raw module at ADDR (Xen dom0less; repeatable)\n"
	"  --dtb FILE           device tree to boot with\n"
	"  --dumpdtb FILE       write the machine's own tree to FILE (no images)\n"
	"  --drive FILE         raw virtio-blk disk (repeatable)\n"
	"  --drive-serial S     the serial of the last --drive\n"
	"  --serial SPEC        QEMU -serial value (default stdio)\n"
	"  --plugin SO          TCG plugin (repeatable)\n"
	"  --plugin-arg K=V     an argument of the last --plugin\n"
	"Exit: 0 ok, 1 bad machine description, 2 bad usage.\n";

static int die(int code, const char *msg)
{
	fprintf(stderr, "vtb-machine: %s\n", msg);
	return code;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (argc < 2 || (strcmp(argv[1], "qemu") != 0 && strcmp(argv[1], "describe") != 0 &&
			 strcmp(argv[1], "lava-job") != 0))
		return die(2, "the first argument must be qemu, describe or lava-job (see --help)");
	int describe = strcmp(argv[1], "describe") == 0;
	int lava = strcmp(argv[1], "lava-job") == 0;
	if (argc < 4 || strcmp(argv[2], "--machine") != 0)
		return die(2, "--machine FILE must come first after the command");

	char err[512];
	int first = 4;
	const char *device = NULL;
	struct mach_lava_opts lo = { "vtimer-bench", 900, NULL };
	while (lava && first + 1 < argc) {
		const char *opt = argv[first], *val = argv[first + 1];
		if (strcmp(opt, "--device") == 0)
			device = val;
		else if (strcmp(opt, "--job-name") == 0)
			lo.job_name = val;
		else if (strcmp(opt, "--monitor") == 0)
			lo.monitor = val;
		else if (strcmp(opt, "--timeout") == 0) {
			char *end;
			unsigned long t = strtoul(val, &end, 10);
			if (!*val || *end || t == 0 || t > 86400 * 7)
				return die(2, "--timeout needs seconds, 1 to 604800");
			lo.timeout = (unsigned)t;
		} else
			break;
		first += 2;
	}
	if (lava && !device)
		return die(2, "lava-job needs --device DEV after --machine FILE");
	struct mach_desc d;
	struct mach_boot b;
	if (mach_boot_parse(&b, argc - first, argv + first, err, sizeof err) != 0 ||
	    mach_boot_check(&b, err, sizeof err) != 0)
		return die(2, err);
	if (mach_desc_load(&d, argv[3], err, sizeof err) != 0)
		return die(1, err);
	/* The machine's own Xen options come first, so a boot's may override
	 * them (Xen keeps the last value of an option); a boot that gives none
	 * (dom0less: Xen reads its options from the tree) gets none. */
	char xen_cmdline[4096];
	if (d.xen_args[0] && b.xen_args) {
		if ((size_t)snprintf(xen_cmdline, sizeof xen_cmdline, "%s%s%s", d.xen_args,
				     b.xen_args[0] ? " " : "", b.xen_args) >= sizeof xen_cmdline)
			return die(2, "--xen-args: Xen's command line is too long");
		b.xen_args = xen_cmdline;
	}
	struct mach_argv qa;
	if (mach_qemu_argv(&d, &b, &qa, err, sizeof err) != 0)
		return die(1, err);

	int rc = 0;
	if (lava) {
		struct mach_lava_device dev;
		char *job = NULL;
		if (mach_lava_device_load(&dev, device, err, sizeof err) != 0 ||
		    !(job = mach_lava_job(&d, &b, &dev, &lo, err, sizeof err)))
			rc = die(1, err);
		else
			printf("%s\n", job);
		free(job);
	} else if (describe) {
		char *json = mach_describe_json(&d, &b, &qa);
		if (!json)
			rc = die(1, "out of memory");
		else
			printf("%s\n", json);
		free(json);
	} else {
		for (int i = 0; i < qa.n; i++)
			fwrite(qa.v[i], 1, strlen(qa.v[i]) + 1, stdout);
	}
	mach_argv_free(&qa);
	if (fflush(stdout) != 0 || ferror(stdout))
		return die(1, "cannot write to standard output");
	return rc;
}
