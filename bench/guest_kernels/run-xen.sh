#!/usr/bin/env bash
# Boot build/vtb-guest.img under Xen in QEMU and print the console.
#   run-xen.sh [--xen XEN_IMG] [--xen-args 'OPTS'] [--dom0less] [--realtime]
#              [--timeout SECS] [BOOTARGS...]
# As dom0 by default; --dom0less boots it as domain 1 with no dom0 (Xen's
# dom0less boot). --xen-args adds Xen boot options (e.g.
# vtimer_delivery=direct, or dom0_max_vcpus=2: two dom0 vCPUs on the one
# pCPU, each running the storm). Default Xen image: the last line of
# tracing/build-xen.sh (cached build). Default clock: deterministic (icount,
# 1 insn = 1 ns). The machine and its QEMU command lines come from
# platform/machine (docs/machine.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cli_prog=run-xen.sh
. "$root/scripts/lib/cli.sh"
. "$root/platform/lib/boot.sh"
xen='' xenargs='' mode=deterministic secs=300 dom0less=0
while [ $# -gt 0 ]; do
	case $1 in
	--xen) cli_need_value "$@"; xen=$2; shift 2 ;;
	--xen-args) cli_need_value "$@"; xenargs=" $2"; shift 2 ;;
	--dom0less) dom0less=1; shift ;;
	--realtime) mode=realtime; shift ;;
	--timeout) cli_need_value "$@"; cli_uint --timeout "$2"; secs=$2; shift 2 ;;
	-h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) cli_usage_error "unknown option $1" ;;
	*) break ;;
	esac
done
img=$here/build/vtb-guest.img
[ -f "$img" ] || cli_usage_error "$img missing: run make -C $here"
[ -n "$xen" ] || xen=$("$root/tracing/build-xen.sh" | tail -n 1)
[ -f "$xen" ] || cli_usage_error "no Xen image at '$xen'"
bootargs=$*
xen_console="console=dtuart dtuart=/pl011@9000000 sync_console"

if [ "$dom0less" = 0 ]; then
	vtb_qemu_argv qemu --mode "$mode" --xen "$xen" --xen-args "dom0_mem=128M $xen_console$xenargs" \
		--kernel "$img" --bootargs "$bootargs" || exit 2
	vtb_boot "$secs" /dev/stdout /dev/stderr -- "${qemu[@]}" || cli_die "$vtb_boot_why"
	exit 0
fi

# dom0less: the tree Xen boots with is the machine's own (same CPUs, memory,
# GIC) plus the domain under /chosen; the guest is a raw module. Xen prints
# the domU's console_io writes as "(d1) ..." only with guest_loglvl=all.
case $bootargs$xenargs in *\"*|*\\*) cli_usage_error "bootargs and Xen args may not contain quotes or backslashes here" ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
modaddr=0x4a000000
vtb_qemu_argv dump --mode "$mode" --dumpdtb "$tmp/virt.dtb" || exit 2
"${dump[@]}" > /dev/null 2>&1 < /dev/null || cli_die "QEMU could not dump the machine's device tree"
dtc -q -I dtb -O dts -o "$tmp/virt.dts" "$tmp/virt.dtb"
cat >> "$tmp/virt.dts" <<DTS
/ {
	chosen {
		xen,xen-bootargs = "$xen_console guest_loglvl=all$xenargs";
		domU1 {
			compatible = "xen,domain";
			#address-cells = <1>;
			#size-cells = <1>;
			memory = <0 131072>;
			cpus = <1>;
			module@${modaddr#0x} {
				compatible = "multiboot,kernel", "multiboot,module";
				reg = <$modaddr $(stat -c %s "$img")>;
				bootargs = "$bootargs";
			};
		};
	};
};
DTS
dtc -q -I dts -O dtb -o "$tmp/domu.dtb" "$tmp/virt.dts"
vtb_qemu_argv qemu --mode "$mode" --dtb "$tmp/domu.dtb" --xen "$xen" --loader "$img@$modaddr" || exit 2
# A domU's SYSTEM_OFF ends the domain, not the machine: stop QEMU once the
# report's E line (or an error line) has appeared.
rc=0
vtb_boot --until '@VTB [0-9]* [0-9]* E |vtb-guest: error' "$secs" "$tmp/console" "$tmp/console" -- "${qemu[@]}" || rc=1
cat "$tmp/console"
[ "$rc" = 0 ] || cli_die "$vtb_boot_why"
grep -q "@VTB [0-9]* [0-9]* E " "$tmp/console" || exit 1
