/* vtb-kvm-vmm: the smallest VMM that runs the bare-metal storm guest
 * (bench/guest_kernels) under KVM/arm64, in the style of the kernel's KVM
 * selftests (docs/kvm.md). One vCPU with PSCI 0.2, the in-kernel vGICv3 at
 * the QEMU-virt addresses, guest RAM, a device tree made with libfdt, and a
 * PL011 the VMM emulates from MMIO exits: the guest's console. Every line
 * the guest writes goes to our stdout whole (one write() per line), so that
 * the host kernel's own console lines cannot land inside a protocol line.
 * Nothing is measured here: the guest measures itself.
 *
 * usage: vtb-kvm-vmm IMAGE [BOOTARGS]
 * exit: 0 the guest powered off (PSCI SYSTEM_OFF); 1 anything else. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libfdt.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* QEMU virt's map: the guest sees the same addresses as on the machine. */
#define RAM_BASE 0x40000000ull
#define RAM_SIZE (64ull << 20)
#define GICD_BASE 0x08000000ull
#define GICD_SIZE 0x10000ull
#define GICR_BASE 0x080a0000ull
#define GICR_SIZE 0x20000ull /* one vCPU's redistributor (RD + SGI frames) */
#define UART_BASE 0x09000000ull
#define UART_SIZE 0x1000ull
#define IMAGE_OFF 0x00200000ull /* 2 MiB-aligned, as the Image protocol asks */
#define DTB_OFF (RAM_SIZE - (2ull << 20))
#define DTB_MAX 0x10000

static void die(const char *fmt, ...)
{
	va_list ap;
	char msg[256];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vtb-kvm-vmm: %s\n", msg);
	exit(1);
}

static int xioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int r = ioctl(fd, req, arg);
	if (r < 0)
		die("%s: %s", what, strerror(errno));
	return r;
}

static void set_reg(int vcpu, uint64_t id, uint64_t val, const char *what)
{
	struct kvm_one_reg r = {.id = id, .addr = (uint64_t)(uintptr_t)&val};
	xioctl(vcpu, KVM_SET_ONE_REG, &r, what);
}

#define CORE_REG(x) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | (offsetof(struct kvm_regs, x) / 4))

static void fdt_ok(int r, const char *what)
{
	if (r < 0)
		die("device tree: %s: %s", what, fdt_strerror(r));
}

static void reg_prop(void *fdt, uint64_t a, uint64_t s)
{
	fdt64_t v[2] = {cpu_to_fdt64(a), cpu_to_fdt64(s)};
	fdt_ok(fdt_property(fdt, "reg", v, sizeof(v)), "reg");
}

/* The tree QEMU's virt board would give a one-CPU guest, minus what the
 * guest does not use. */
static void make_dtb(void *fdt, const char *bootargs)
{
	fdt_ok(fdt_create(fdt, DTB_MAX), "create");
	fdt_ok(fdt_finish_reservemap(fdt), "reservemap");
	fdt_ok(fdt_begin_node(fdt, ""), "root");
	fdt_ok(fdt_property_string(fdt, "compatible", "linux,dummy-virt"), "compatible");
	fdt_ok(fdt_property_u32(fdt, "#address-cells", 2), "cells");
	fdt_ok(fdt_property_u32(fdt, "#size-cells", 2), "cells");
	fdt_ok(fdt_property_u32(fdt, "interrupt-parent", 1), "interrupt-parent");

	fdt_ok(fdt_begin_node(fdt, "chosen"), "chosen");
	fdt_ok(fdt_property_string(fdt, "bootargs", bootargs), "bootargs");
	fdt_ok(fdt_property_string(fdt, "stdout-path", "/pl011@9000000"), "stdout-path");
	fdt_ok(fdt_end_node(fdt), "chosen");

	fdt_ok(fdt_begin_node(fdt, "memory@40000000"), "memory");
	fdt_ok(fdt_property_string(fdt, "device_type", "memory"), "memory");
	reg_prop(fdt, RAM_BASE, RAM_SIZE);
	fdt_ok(fdt_end_node(fdt), "memory");

	fdt_ok(fdt_begin_node(fdt, "cpus"), "cpus");
	fdt_ok(fdt_property_u32(fdt, "#address-cells", 1), "cpus");
	fdt_ok(fdt_property_u32(fdt, "#size-cells", 0), "cpus");
	fdt_ok(fdt_begin_node(fdt, "cpu@0"), "cpu");
	fdt_ok(fdt_property_string(fdt, "device_type", "cpu"), "cpu");
	fdt_ok(fdt_property_string(fdt, "compatible", "arm,armv8"), "cpu");
	fdt_ok(fdt_property_string(fdt, "enable-method", "psci"), "cpu");
	fdt_ok(fdt_property_u32(fdt, "reg", 0), "cpu");
	fdt_ok(fdt_end_node(fdt), "cpu");
	fdt_ok(fdt_end_node(fdt), "cpus");

	fdt_ok(fdt_begin_node(fdt, "psci"), "psci");
	fdt_ok(fdt_property(fdt, "compatible", "arm,psci-0.2\0arm,psci", sizeof("arm,psci-0.2\0arm,psci")), "psci");
	fdt_ok(fdt_property_string(fdt, "method", "hvc"), "psci");
	fdt_ok(fdt_end_node(fdt), "psci");

	fdt_ok(fdt_begin_node(fdt, "intc@8000000"), "gic");
	fdt_ok(fdt_property_string(fdt, "compatible", "arm,gic-v3"), "gic");
	fdt_ok(fdt_property_u32(fdt, "phandle", 1), "gic");
	fdt_ok(fdt_property_u32(fdt, "#interrupt-cells", 3), "gic");
	fdt_ok(fdt_property(fdt, "interrupt-controller", NULL, 0), "gic");
	fdt_ok(fdt_property_u32(fdt, "#redistributor-regions", 1), "gic");
	fdt64_t gr[4] = {cpu_to_fdt64(GICD_BASE), cpu_to_fdt64(GICD_SIZE), cpu_to_fdt64(GICR_BASE),
			 cpu_to_fdt64(GICR_SIZE)};
	fdt_ok(fdt_property(fdt, "reg", gr, sizeof(gr)), "gic");
	fdt_ok(fdt_end_node(fdt), "gic");

	/* Secure, non-secure physical, virtual, hypervisor timer: PPIs 13 14 11
	 * 10 (INTIDs 29 30 27 26), level-high, as QEMU's virt board. */
	fdt_ok(fdt_begin_node(fdt, "timer"), "timer");
	fdt_ok(fdt_property_string(fdt, "compatible", "arm,armv8-timer"), "timer");
	static const uint32_t ppi[4] = {13, 14, 11, 10};
	fdt32_t ti[12];
	for (int i = 0; i < 4; i++) {
		ti[3 * i] = cpu_to_fdt32(1);
		ti[3 * i + 1] = cpu_to_fdt32(ppi[i]);
		ti[3 * i + 2] = cpu_to_fdt32(0xf04);
	}
	fdt_ok(fdt_property(fdt, "interrupts", ti, sizeof(ti)), "timer");
	fdt_ok(fdt_property(fdt, "always-on", NULL, 0), "timer");
	fdt_ok(fdt_end_node(fdt), "timer");

	fdt_ok(fdt_begin_node(fdt, "pl011@9000000"), "uart");
	fdt_ok(fdt_property(fdt, "compatible", "arm,pl011\0arm,primecell", sizeof("arm,pl011\0arm,primecell")),
	       "uart");
	reg_prop(fdt, UART_BASE, UART_SIZE);
	fdt_ok(fdt_end_node(fdt), "uart");

	fdt_ok(fdt_end_node(fdt), "root");
	fdt_ok(fdt_finish(fdt), "finish");
}

/* The console: bytes collect until a newline, then the line goes out in one
 * write(). */
static char line[4096];
static size_t line_len;

static void uart_flush(void)
{
	size_t off = 0;
	while (off < line_len) {
		ssize_t w = write(1, line + off, line_len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			die("console write: %s", strerror(errno));
		off += (size_t)w;
	}
	line_len = 0;
}

static void uart_mmio(struct kvm_run *run)
{
	uint64_t off = run->mmio.phys_addr - UART_BASE;
	if (run->mmio.is_write) {
		if (off == 0) { /* UARTDR */
			line[line_len++] = (char)run->mmio.data[0];
			if (run->mmio.data[0] == '\n' || line_len == sizeof(line))
				uart_flush();
		}
		return; /* control registers: accepted, ignored */
	}
	/* UARTFR: TXFE and RXFE set, TXFF and BUSY clear (the byte is out);
	 * every other register reads as zero. */
	uint32_t v = off == 0x18 ? (1u << 7) | (1u << 4) : 0;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	memcpy(run->mmio.data, &v, run->mmio.len < 4 ? run->mmio.len : 4);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(argc == 2 ? stdout : stderr, "usage: vtb-kvm-vmm IMAGE [BOOTARGS]\n");
		return argc == 2 ? 0 : 2;
	}
	const char *bootargs = argc == 3 ? argv[2] : "";

	int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		die("/dev/kvm: %s", strerror(errno));
	int vm = xioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM");

	uint8_t *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram == MAP_FAILED)
		die("guest memory: %s", strerror(errno));
	struct kvm_userspace_memory_region mem = {
		.slot = 0, .guest_phys_addr = RAM_BASE, .memory_size = RAM_SIZE, .userspace_addr = (uintptr_t)ram};
	xioctl(vm, KVM_SET_USER_MEMORY_REGION, &mem, "KVM_SET_USER_MEMORY_REGION");

	int fd = open(argv[1], O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0)
		die("%s: %s", argv[1], strerror(errno));
	if (st.st_size < 64 || (uint64_t)st.st_size > DTB_OFF - IMAGE_OFF)
		die("%s: not a kernel image of a usable size", argv[1]);
	for (off_t got = 0; got < st.st_size;) {
		ssize_t r = read(fd, ram + IMAGE_OFF + got, (size_t)(st.st_size - got));
		if (r <= 0)
			die("%s: read failed", argv[1]);
		got += r;
	}
	close(fd);
	if (memcmp(ram + IMAGE_OFF + 56, "ARM\x64", 4))
		die("%s: no arm64 Image magic", argv[1]);
	make_dtb(ram + DTB_OFF, bootargs);

	int vcpu = xioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU");
	struct kvm_vcpu_init init;
	xioctl(vm, KVM_ARM_PREFERRED_TARGET, &init, "KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	xioctl(vcpu, KVM_ARM_VCPU_INIT, &init, "KVM_ARM_VCPU_INIT");

	/* The vGIC after the vCPU (KVM sizes the redistributors by the vCPUs
	 * that exist at CTRL_INIT). */
	struct kvm_create_device gic = {.type = KVM_DEV_TYPE_ARM_VGIC_V3};
	xioctl(vm, KVM_CREATE_DEVICE, &gic, "KVM_CREATE_DEVICE vGICv3");
	uint64_t dist = GICD_BASE, redist = GICR_BASE;
	uint32_t nr_irqs = 64;
	struct kvm_device_attr a = {.group = KVM_DEV_ARM_VGIC_GRP_ADDR, .attr = KVM_VGIC_V3_ADDR_TYPE_DIST,
				    .addr = (uintptr_t)&dist};
	xioctl(gic.fd, KVM_SET_DEVICE_ATTR, &a, "vGIC distributor address");
	a.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
	a.addr = (uintptr_t)&redist;
	xioctl(gic.fd, KVM_SET_DEVICE_ATTR, &a, "vGIC redistributor address");
	a = (struct kvm_device_attr){.group = KVM_DEV_ARM_VGIC_GRP_NR_IRQS, .addr = (uintptr_t)&nr_irqs};
	xioctl(gic.fd, KVM_SET_DEVICE_ATTR, &a, "vGIC interrupt count");
	a = (struct kvm_device_attr){.group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = KVM_DEV_ARM_VGIC_CTRL_INIT};
	xioctl(gic.fd, KVM_SET_DEVICE_ATTR, &a, "vGIC init");

	/* Linux's arm64 boot protocol: x0 = the tree, EL1h with DAIF masked
	 * (KVM_ARM_VCPU_INIT's reset state), pc = the image. */
	set_reg(vcpu, CORE_REG(regs.regs[0]), RAM_BASE + DTB_OFF, "x0");
	set_reg(vcpu, CORE_REG(regs.pc), RAM_BASE + IMAGE_OFF, "pc");

	int run_size = xioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
	struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("kvm_run: %s", strerror(errno));

	for (;;) {
		if (ioctl(vcpu, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("KVM_RUN: %s", strerror(errno));
		}
		switch (run->exit_reason) {
		case KVM_EXIT_MMIO:
			if (run->mmio.phys_addr >= UART_BASE && run->mmio.phys_addr < UART_BASE + UART_SIZE)
				uart_mmio(run);
			else
				die("guest %s at 0x%llx, which nothing emulates", run->mmio.is_write ? "write" : "read",
				    (unsigned long long)run->mmio.phys_addr);
			break;
		case KVM_EXIT_SYSTEM_EVENT:
			if (line_len)
				uart_flush();
			if (run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN)
				return 0;
			die("guest system event %u (not a power-off)", run->system_event.type);
			break;
		default:
			die("unexpected KVM exit reason %u", run->exit_reason);
		}
	}
}
