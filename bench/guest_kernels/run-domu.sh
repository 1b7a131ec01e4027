#!/usr/bin/env bash
# Boot build/vtb-guest.img as a dom0less domU (domain 1, no dom0) under Xen in
# QEMU and print the console. Xen prints the domU's console_io writes as
# "(d1) ..." lines only with guest_loglvl=all. A domU's SYSTEM_OFF ends the
# domain, not the machine, so this stops QEMU once the report's E line (or an
# error line) has appeared. The machine and its QEMU command lines (the tree
# dump and the boot) come from platform/machine (docs/machine.md).
#   run-domu.sh [--xen XEN_IMG] [--realtime] [--timeout SECS] [BOOTARGS...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cli_prog=run-domu.sh
. "$root/scripts/lib/cli.sh"
. "$root/platform/lib/boot.sh"
xen='' mode=deterministic secs=300
while [ $# -gt 0 ]; do
	case $1 in
	--xen) cli_need_value "$@"; xen=$2; shift 2 ;;
	--realtime) mode=realtime; shift ;;
	--timeout) cli_need_value "$@"; cli_uint --timeout "$2"; secs=$2; shift 2 ;;
	-h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
case $bootargs in *\"*|*\\*) cli_usage_error "bootargs may not contain quotes or backslashes" ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

modaddr=0x4a000000
size=$(stat -c %s "$img")
# The tree Xen boots with is the machine's own (same CPUs, memory, GIC) plus
# the domain nodes under /chosen.
vtb_qemu_argv dump --mode "$mode" --dumpdtb "$tmp/virt.dtb" || exit 2
"${dump[@]}" > /dev/null 2>&1 < /dev/null || cli_die "QEMU could not dump the machine's device tree"
dtc -q -I dtb -O dts -o "$tmp/virt.dts" "$tmp/virt.dtb"
cat >> "$tmp/virt.dts" <<DTS
/ {
	chosen {
		xen,xen-bootargs = "console=dtuart dtuart=/pl011@9000000 sync_console guest_loglvl=all";
		domU1 {
			compatible = "xen,domain";
			#address-cells = <1>;
			#size-cells = <1>;
			memory = <0 131072>;
			cpus = <1>;
			module@${modaddr#0x} {
				compatible = "multiboot,kernel", "multiboot,module";
				reg = <$modaddr $size>;
				bootargs = "$bootargs";
			};
		};
	};
};
DTS
dtc -q -I dts -O dtb -o "$tmp/domu.dtb" "$tmp/virt.dts"

vtb_qemu_argv qemu --mode "$mode" --dtb "$tmp/domu.dtb" --xen "$xen" --loader "$img@$modaddr" || exit 2
rc=0
vtb_boot --until '@VTB [0-9]* [0-9]* E |vtb-guest: error' "$secs" "$tmp/console" "$tmp/console" -- "${qemu[@]}" || rc=1
cat "$tmp/console"
[ "$rc" = 0 ] || cli_die "$vtb_boot_why"
grep -q "@VTB [0-9]* [0-9]* E " "$tmp/console" || exit 1
