/* vtb-machine's unit tests: the exact QEMU argv of every boot form the
 * project uses, the description reader, and one-line errors for nonsense.
 * Run from platform/machine with the tool's path as argv[1] (make check). */
#define _POSIX_C_SOURCE 200809L
#include "boot.h"
#include "desc.h"
#include "describe.h"
#include "lava_job.h"
#include "qemu_argv.h"
#include "vtb/test.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static const char *tool;
static struct mach_desc gicv3;
static char err[512];

/* The argv of one boot, one argument a line, or "error: MSG". */
static char *argv_of(const struct mach_desc *d, const char *const *opts)
{
	static char out[8192];
	char *v[64];
	int n = 0;
	static char copies[64][512];
	for (; opts[n]; n++) {
		snprintf(copies[n], sizeof copies[n], "%s", opts[n]);
		v[n] = copies[n];
	}
	struct mach_boot b;
	struct mach_argv qa;
	if (mach_boot_parse(&b, n, v, err, sizeof err) != 0 || mach_boot_check(&b, err, sizeof err) != 0 ||
	    mach_qemu_argv(d, &b, &qa, err, sizeof err) != 0) {
		snprintf(out, sizeof out, "error: %s", err);
		return out;
	}
	out[0] = '\0';
	for (int i = 0; i < qa.n; i++) {
		strcat(out, qa.v[i]);
		strcat(out, "\n");
	}
	mach_argv_free(&qa);
	return out;
}

#define BASE "qemu-system-aarch64\n-machine\n"
#define DET_MACHINE "virt,virtualization=on,gic-version=3,dtb-randomness=off\n"
/* What every deterministic boot gets from virt-gicv3.conf. */
#define DET_CLOCK "-icount\nshift=0,sleep=off\n-rtc\nbase=2024-01-01T00:00:00,clock=vm\n"
#define CONSOLE(s) "-display\nnone\n-monitor\nnone\n-serial\n" s "\n-nic\nnone\n-no-reboot\n"

static void test_description_file(void)
{
	CHECK(mach_desc_load(&gicv3, "../machines/virt-gicv3.conf", err, sizeof err) == 0);
	CHECK_STR(gicv3.name, "virt-gicv3");
	CHECK(gicv3.gic == 3 && gicv3.el2);
	CHECK_STR(gicv3.cpu, "cortex-a57");
	CHECK_STR(gicv3.icount, "shift=0,sleep=off");
	CHECK_STR(gicv3.rtc, "base=2024-01-01T00:00:00,clock=vm");
	CHECK_STR(gicv3.kernel_addr, "0x49000000");
	struct mach_desc v2;
	CHECK(mach_desc_load(&v2, "../machines/virt-gicv2.conf", err, sizeof err) == 0);
	CHECK(v2.gic == 2);
}

/* platform/emulated.sh: the storm guest as dom0, console to a file. */
static void test_emulated_deterministic(void)
{
	const char *o[] = { "--mode", "deterministic", "--memory", "1G", "--serial", "file:/r/console.log",
			    "--xen", "/x/xen.img", "--xen-args", "dom0_mem=128M console=dtuart noreboot vtimer_delivery=direct",
			    "--kernel", "/g/vtb-guest.img", "--bootargs", "ticks=2000 mode=periodic period_ns=100000", NULL };
	CHECK_STR(argv_of(&gicv3, o),
		  BASE DET_MACHINE "-cpu\ncortex-a57\n-smp\n1\n-m\n1G\n" DET_CLOCK
		  CONSOLE("file:/r/console.log")
		  "-kernel\n/x/xen.img\n-append\ndom0_mem=128M console=dtuart noreboot vtimer_delivery=direct\n"
		  "-device\nguest-loader,addr=0x49000000,kernel=/g/vtb-guest.img,bootargs=ticks=2000 mode=periodic period_ns=100000\n");
}

/* Realtime mode: no icount, no dtb-randomness=off, the CPUs asked for. */
static void test_emulated_realtime(void)
{
	const char *o[] = { "--mode", "realtime", "--smp", "2", "--xen", "/x/xen.img", "--xen-args", "a=1",
			    "--kernel", "/k", "--initrd", "/i.cpio.gz", "--drive", "/d0.img", "--drive", "/d1.img", NULL };
	CHECK_STR(argv_of(&gicv3, o),
		  BASE "virt,virtualization=on,gic-version=3\n-cpu\ncortex-a57\n-smp\n2\n-m\n1G\n"
		  CONSOLE("stdio")
		  "-kernel\n/x/xen.img\n-append\na=1\n"
		  "-device\nguest-loader,addr=0x49000000,kernel=/k,bootargs=\n"
		  "-device\nguest-loader,addr=0x50000000,initrd=/i.cpio.gz\n"
		  "-drive\nfile=/d0.img,format=raw,if=none,id=vd0\n-device\nvirtio-blk-device,drive=vd0\n"
		  "-drive\nfile=/d1.img,format=raw,if=none,id=vd1\n-device\nvirtio-blk-device,drive=vd1\n");
}

/* platform/dom0/run-dom0-capture.sh in deterministic mode: the boot that
 * lacked dtb-randomness=off before vtb-machine made every command line. */
static void test_dom0_capture(void)
{
	const char *o[] = { "--mode", "deterministic", "--memory", "2G", "--xen", "/x/xen.img",
			    "--xen-args", "dom0_mem=512M,max:512M console=dtuart",
			    "--kernel", "/d/Image", "--bootargs", "console=hvc0 earlycon=xen rdinit=/init quiet",
			    "--initrd", "/t/initrd.cpio.gz", "--drive", "/t/out.img", "--drive-serial", "vtb-out", NULL };
	CHECK_STR(argv_of(&gicv3, o),
		  BASE DET_MACHINE "-cpu\ncortex-a57\n-smp\n1\n-m\n2G\n" DET_CLOCK
		  CONSOLE("stdio")
		  "-kernel\n/x/xen.img\n-append\ndom0_mem=512M,max:512M console=dtuart\n"
		  "-device\nguest-loader,addr=0x49000000,kernel=/d/Image,bootargs=console=hvc0 earlycon=xen rdinit=/init quiet\n"
		  "-device\nguest-loader,addr=0x50000000,initrd=/t/initrd.cpio.gz\n"
		  "-drive\nfile=/t/out.img,format=raw,if=none,id=vd0\n"
		  "-device\nvirtio-blk-device,drive=vd0,serial=vtb-out\n");
}

/* bench/guest_kernels/run-domu.sh: dump the machine's tree, then boot Xen
 * dom0less with the tree and the guest as a raw module. */
static void test_dom0less(void)
{
	const char *dump[] = { "--dumpdtb", "/t/virt.dtb", NULL };
	CHECK_STR(argv_of(&gicv3, dump),
		  BASE "virt,virtualization=on,gic-version=3,dtb-randomness=off,dumpdtb=/t/virt.dtb\n"
		  "-cpu\ncortex-a57\n-smp\n1\n-m\n1G\n" DET_CLOCK CONSOLE("stdio"));
	const char *boot[] = { "--dtb", "/t/domu.dtb", "--xen", "/x/xen.img", "--loader", "/g/a@b.img@0x4a000000", NULL };
	CHECK_STR(argv_of(&gicv3, boot),
		  BASE DET_MACHINE "-cpu\ncortex-a57\n-smp\n1\n-m\n1G\n" DET_CLOCK CONSOLE("stdio")
		  "-dtb\n/t/domu.dtb\n-kernel\n/x/xen.img\n"
		  "-device\nloader,file=/g/a@b.img,addr=0x4a000000,force-raw=on\n");
}

/* tests/e2e/53: Linux booted directly, no hypervisor, so no EL2. */
static void test_direct_linux(void)
{
	const char *o[] = { "--mode", "realtime", "--el2", "off", "--memory", "512M", "--kernel", "/o/Image",
			    "--initrd", "/o/rd.cpio.gz", "--bootargs", "console=ttyAMA0 panic=-1 -- -t1", NULL };
	CHECK_STR(argv_of(&gicv3, o),
		  BASE "virt,gic-version=3\n-cpu\ncortex-a57\n-smp\n1\n-m\n512M\n" CONSOLE("stdio")
		  "-kernel\n/o/Image\n-initrd\n/o/rd.cpio.gz\n-append\nconsole=ttyAMA0 panic=-1 -- -t1\n");
}

/* A comma ends a QEMU option value: inside one it is written twice. */
static void test_comma_escaping(void)
{
	const char *o[] = { "--xen", "/x,y/xen", "--xen-args", "dom0_mem=512M,max:512M", "--kernel", "/k,1",
			    "--bootargs", "vtb.args=\"-a 1,2\"", "--drive", "/o,ut.img", NULL };
	char *a = argv_of(&gicv3, o);
	CHECK(strstr(a, "\n-kernel\n/x,y/xen\n-append\ndom0_mem=512M,max:512M\n") != NULL);
	CHECK(strstr(a, "guest-loader,addr=0x49000000,kernel=/k,,1,bootargs=vtb.args=\"-a 1,,2\"\n") != NULL);
	CHECK(strstr(a, "file=/o,,ut.img,format=raw") != NULL);
	CHECK_STR(mach_qemu_escape(",a,,b,"), ",,a,,,,b,,");
}

static void test_plugins(void)
{
	const char *o[] = { "--mode", "deterministic", "--xen", "/x", "--plugin", "/p/libcount.so",
			    "--plugin-arg", "split=0x00200000", "--plugin-arg", "out=/r/a,b", NULL };
	char *a = argv_of(&gicv3, o);
	CHECK(strstr(a, "\n-plugin\nfile=/p/libcount.so,split=0x00200000,out=/r/a,,b\n") != NULL);
}

static void test_boot_errors(void)
{
	const struct { const char *opts[8]; const char *msg; } cases[] = {
		{ { "--smp", "2", "--xen", "/x", NULL }, "deterministic mode is one CPU (--smp 2 given)" },
		{ { "--mode", "fast", NULL }, "--mode must be deterministic or realtime, not 'fast'" },
		{ { "--smp", "0", NULL }, "--smp needs a CPU count from 1 to 999, not '0'" },
		{ { "--memory", "lots", NULL }, "--memory must be a size like 512M or 2G, not 'lots'" },
		{ { "--mode", "realtime", NULL }, "nothing to boot: give --xen or --kernel" },
		{ { "--kernel", "/k", "--xen-args", "x", NULL }, "--xen-args without --xen" },
		{ { "--xen", "/x", "--initrd", "/i", NULL }, "--bootargs and --initrd need --kernel" },
		{ { "--xen", "/x", "--loader", "/g.img", NULL }, "--loader needs FILE@0xADDR, not '/g.img'" },
		{ { "--kernel", "/k", "--loader", "/g@0x1", NULL }, "--loader modules are for Xen's dom0less boot: give --xen" },
		{ { "--xen", "/x", "--drive-serial", "s", NULL }, "--drive-serial must follow a --drive" },
		{ { "--plugin-arg", "a=b", NULL }, "--plugin-arg must follow a --plugin" },
		{ { "--plugin", "/p", "--plugin-arg", "novalue", NULL }, "--plugin-arg needs NAME=VALUE, not 'novalue'" },
		{ { "--dumpdtb", "/t", "--xen", "/x", NULL }, "--dumpdtb only dumps the machine's tree: give no images" },
		{ { "--bogus", "1", NULL }, "unknown option '--bogus' (see --help)" },
		{ { "--xen", NULL }, "option '--xen' needs a value" },
		{ { "stray", NULL }, "unexpected argument 'stray' (see --help)" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char want[600];
		snprintf(want, sizeof want, "error: %s", cases[i].msg);
		CHECK_STR(argv_of(&gicv3, (const char *const *)cases[i].opts), want);
	}
}

static void test_description_errors(void)
{
	struct mach_desc d;
	const char *ok = "name = n\nqemu = q\nmachine = virt\ngic = 3\nel2 = on\ncpu = c\nmemory = 1G\n"
			 "kernel_addr = 0x1\ninitrd_addr = 0x2\nicount = shift=0\n";
	CHECK(mach_desc_parse(&d, ok, "t.conf", err, sizeof err) == 0);
	CHECK(d.rtc[0] == '\0' && d.seed[0] == '\0');
	CHECK(mach_desc_parse(&d, "# c\n\nname = n\ncolour = red\n", "t.conf", err, sizeof err) == -1);
	CHECK_STR(err, "t.conf:4: unknown key 'colour'");
	CHECK(mach_desc_parse(&d, "name\n", "t.conf", err, sizeof err) == -1);
	CHECK_STR(err, "t.conf:1: expected 'key = value'");
	CHECK(mach_desc_parse(&d, "gic = 4\n", "t.conf", err, sizeof err) == -1);
	CHECK_STR(err, "t.conf:1: gic must be 2 or 3, not '4'");
	CHECK(mach_desc_parse(&d, "name = n\n", "t.conf", err, sizeof err) == -1);
	CHECK_STR(err, "t.conf: missing key 'qemu'");
	CHECK(mach_desc_load(&d, "/nonexistent.conf", err, sizeof err) == -1);
	CHECK_STR(err, "/nonexistent.conf: No such file or directory");
}

/* Runs the tool through sh; returns its exit status, output in out. */
static int run_tool(const char *args, char *out, size_t outlen, size_t *got)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "%s %s 2>&1", tool, args);
	FILE *p = popen(cmd, "r");
	if (!p)
		return -1;
	*got = fread(out, 1, outlen - 1, p);
	out[*got] = '\0';
	int st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_cli_qemu_nul_separated(void)
{
	char out[4096];
	size_t n;
	int rc = run_tool("qemu --machine ../machines/virt-gicv3.conf --mode realtime --kernel /k", out, sizeof out, &n);
	CHECK(rc == 0);
	const char want[] = "qemu-system-aarch64\0-machine\0virt,virtualization=on,gic-version=3\0-cpu\0";
	CHECK(n > sizeof want && memcmp(out, want, sizeof want - 1) == 0);
	CHECK(n > 0 && out[n - 1] == '\0');
}

static void test_cli_describe(void)
{
	char out[8192];
	size_t n;
	int rc = run_tool("describe --machine ../machines/virt-gicv3.conf --xen /x --xen-args 'a b' "
			  "--kernel /k --bootargs c --initrd /i", out, sizeof out, &n);
	CHECK(rc == 0);
	json_t *j = json_loads(out, 0, NULL);
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(json_string_value(json_object_get(json_object_get(j, "machine"), "mode")), "deterministic");
	CHECK(json_is_false(json_object_get(json_object_get(j, "machine"), "dtb_randomness")));
	json_t *img = json_object_get(j, "images");
	CHECK(json_array_size(img) == 3);
	CHECK_STR(json_string_value(json_object_get(json_array_get(img, 1), "role")), "dom0-kernel");
	CHECK_STR(json_string_value(json_object_get(json_array_get(img, 1), "addr")), "0x49000000");
	/* The machine's own Xen options (virt-gicv3.conf's xen_args) come
	 * first, the boot's after them, so a boot can override them. */
	CHECK_STR(json_string_value(json_object_get(json_array_get(img, 0), "args")), "bootscrub=1 a b");
	CHECK_STR(json_string_value(json_array_get(json_object_get(j, "qemu_argv"), 0)), "qemu-system-aarch64");
	json_decref(j);
}

static void test_cli_errors_one_line(void)
{
	char out[1024];
	size_t n;
	CHECK(run_tool("qemu --machine ../machines/virt-gicv3.conf --smp x", out, sizeof out, &n) == 2);
	CHECK_STR(out, "vtb-machine: --smp needs a CPU count from 1 to 999, not 'x'\n");
	CHECK(run_tool("qemu --machine /nonexistent.conf --kernel /k", out, sizeof out, &n) == 1);
	CHECK_STR(out, "vtb-machine: /nonexistent.conf: No such file or directory\n");
	CHECK(run_tool("boot", out, sizeof out, &n) == 2);
	CHECK_STR(out, "vtb-machine: the first argument must be qemu, describe or lava-job (see --help)\n");
	CHECK(run_tool("qemu --kernel /k", out, sizeof out, &n) == 2);
	CHECK_STR(out, "vtb-machine: --machine FILE must come first after the command\n");
}

static const char lava_dev_text[] =
	"# a device\n"
	"device_type = qemu\n"
	"boot_method = qemu\n"
	"image_dir = /srv/img\n"
	"image_url = http://lab/img/\n"
	"tags = fast, arm64\n"
	"priority = high\n";

/* The job of one boot, parsed back, or NULL with err set. */
static json_t *lava_job_of(const char *dev_text, const char *const *opts, const char *monitor)
{
	char *v[64];
	static char copies[64][512];
	int n = 0;
	for (; opts[n]; n++) {
		snprintf(copies[n], sizeof copies[n], "%s", opts[n]);
		v[n] = copies[n];
	}
	struct mach_boot b;
	struct mach_lava_device dev;
	struct mach_lava_opts o = { "vtimer-bench stock", 300, monitor };
	if (mach_boot_parse(&b, n, v, err, sizeof err) != 0 || mach_boot_check(&b, err, sizeof err) != 0 ||
	    mach_lava_device_parse(&dev, dev_text, "dev.conf", err, sizeof err) != 0)
		return NULL;
	char *s = mach_lava_job(&gicv3, &b, &dev, &o, err, sizeof err);
	if (!s)
		return NULL;
	json_t *j = json_loads(s, 0, NULL);
	free(s);
	return j;
}

static const char *jstr(json_t *j, const char *path)
{
	/* path: keys and array indices separated by '/' */
	char buf[256];
	snprintf(buf, sizeof buf, "%s", path);
	for (char *save = NULL, *k = strtok_r(buf, "/", &save); k && j; k = strtok_r(NULL, "/", &save))
		j = json_is_array(j) ? json_array_get(j, (size_t)atoi(k)) : json_object_get(j, k);
	return json_is_string(j) ? json_string_value(j) : "(none)";
}

/* The job carries the machine of a local deterministic boot: the same
 * board options, CPU, memory, clock, and loader addresses. */
static void test_lava_job_machine(void)
{
	const char *opts[] = { "--xen", "/b/xen.img", "--xen-args", "dom0_mem=128M vtimer_delivery=direct",
			       "--kernel", "/b/vtb-guest.img", "--bootargs", "ticks=500 mode=periodic,x", NULL };
	json_t *j = lava_job_of(lava_dev_text, opts, "vtb-stock");
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(jstr(j, "device_type"), "qemu");
	CHECK_STR(jstr(j, "job_name"), "vtimer-bench stock");
	CHECK_STR(jstr(j, "priority"), "high");
	CHECK_STR(jstr(j, "tags/1"), "arm64");
	CHECK_STR(jstr(j, "context/arch"), "arm64");
	CHECK_STR(jstr(j, "context/machine"), "virt,virtualization=on,gic-version=3,dtb-randomness=off");
	CHECK_STR(jstr(j, "context/cpu"), "cortex-a57");
	CHECK_STR(jstr(j, "context/memory"), "1G");
	CHECK_STR(jstr(j, "context/extra_options/0"), "-smp 1");
	CHECK_STR(jstr(j, "context/extra_options/1"), "-icount shift=0,sleep=off");
	CHECK_STR(jstr(j, "context/extra_options/2"), "-rtc base=2024-01-01T00:00:00,clock=vm");
	CHECK_STR(jstr(j, "context/extra_options/3"), "-no-reboot");
	CHECK_STR(jstr(j, "actions/0/deploy/images/xen/url"), "http://lab/img/xen.img");
	CHECK_STR(jstr(j, "actions/0/deploy/images/xen/image_arg"),
		  "-kernel {xen} -append \"dom0_mem=128M vtimer_delivery=direct\"");
	/* Commas doubled inside the -device value, as in the local argv. */
	CHECK_STR(jstr(j, "actions/0/deploy/images/kernel/image_arg"),
		  "-device guest-loader,addr=0x49000000,kernel={kernel},bootargs=\"ticks=500 mode=periodic,,x\"");
	CHECK_STR(jstr(j, "actions/1/boot/method"), "qemu");
	CHECK_STR(jstr(j, "actions/2/test/monitors/0/name"), "vtb-stock-counts");
	CHECK_STR(jstr(j, "actions/2/test/monitors/1/name"), "vtb-stock-latency-ticks");
	json_decref(j);
}

static void test_lava_job_realtime(void)
{
	const char *opts[] = { "--mode", "realtime", "--smp", "2", "--xen", "/b/xen", "--kernel", "/b/k", NULL };
	json_t *j = lava_job_of(lava_dev_text, opts, NULL);
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(jstr(j, "context/machine"), "virt,virtualization=on,gic-version=3");
	CHECK_STR(jstr(j, "context/extra_options/0"), "-smp 2");
	CHECK_STR(jstr(j, "context/extra_options/1"), "-no-reboot");
	CHECK(json_array_size(json_object_get(j, "actions")) == 2); /* no monitors asked for */
	json_decref(j);
}

/* The traced boot: Xen, the Linux dom0 and its initrd, which LAVA must pass
 * on untouched (no format keys: LAVA would unpack it and add its overlay). */
static void test_lava_job_initrd(void)
{
	const char *opts[] = { "--memory", "2G", "--xen", "/b/xen", "--kernel", "/b/Image",
			       "--bootargs", "console=hvc0 rdinit=/init quiet", "--initrd", "/b/rd.cpio.gz", NULL };
	json_t *j = lava_job_of(lava_dev_text, opts, NULL);
	CHECK(j != NULL);
	if (!j)
		return;
	CHECK_STR(jstr(j, "context/memory"), "2G");
	CHECK_STR(jstr(j, "actions/0/deploy/images/ramdisk/url"), "http://lab/img/rd.cpio.gz");
	CHECK_STR(jstr(j, "actions/0/deploy/images/ramdisk/image_arg"),
		  "-device guest-loader,addr=0x50000000,initrd={ramdisk}");
	json_t *deploy = json_object_get(json_array_get(json_object_get(j, "actions"), 0), "deploy");
	json_t *rd = json_object_get(json_object_get(deploy, "images"), "ramdisk");
	CHECK(json_object_size(rd) == 2);
	CHECK(json_object_get(rd, "format") == NULL && json_object_get(rd, "overlays") == NULL);
	json_decref(j);
}

static void test_lava_job_errors(void)
{
	const char *ok[] = { "--xen", "/b/xen", "--kernel", "/b/k", NULL };
	CHECK(lava_job_of("device_type = x\nboot_method = u-boot\nimage_dir = /a\nimage_url = file:///a\n", ok, NULL) == NULL);
	CHECK(strstr(err, "boot_method 'u-boot'") != NULL);
	CHECK(lava_job_of("device_type = qemu\nboot_method = qemu\nimage_dir = /a\n", ok, NULL) == NULL);
	CHECK_STR(err, "dev.conf: missing key 'image_url'");
	CHECK(lava_job_of("device_type = qemu\ncolour = red\n", ok, NULL) == NULL);
	CHECK_STR(err, "dev.conf:2: unknown key 'colour'");
	const char *quote[] = { "--xen", "/b/xen", "--kernel", "/b/k", "--bootargs", "a=\"b\"", NULL };
	CHECK(lava_job_of(lava_dev_text, quote, NULL) == NULL);
	CHECK(strstr(err, "cannot carry") != NULL);
	const char *drive[] = { "--xen", "/b/xen", "--kernel", "/b/k", "--drive", "/d.img", NULL };
	CHECK(lava_job_of(lava_dev_text, drive, NULL) == NULL);
	CHECK(strstr(err, "not supported under LAVA") != NULL);
	const char *noxen[] = { "--kernel", "/b/k", NULL };
	CHECK(lava_job_of(lava_dev_text, noxen, NULL) == NULL);
	CHECK(strstr(err, "--xen and --kernel") != NULL);
}

int main(int argc, char **argv)
{
	tool = argc > 1 ? argv[1] : "bin/vtb-machine";
	RUN(test_description_file);
	RUN(test_emulated_deterministic);
	RUN(test_emulated_realtime);
	RUN(test_dom0_capture);
	RUN(test_dom0less);
	RUN(test_direct_linux);
	RUN(test_comma_escaping);
	RUN(test_plugins);
	RUN(test_boot_errors);
	RUN(test_description_errors);
	RUN(test_cli_qemu_nul_separated);
	RUN(test_cli_describe);
	RUN(test_cli_errors_one_line);
	RUN(test_lava_job_machine);
	RUN(test_lava_job_realtime);
	RUN(test_lava_job_initrd);
	RUN(test_lava_job_errors);
	return vtb_test_done();
}
