#!/bin/sh
# Boot build/vtb-guest.img as a dom0less domU (domain 1, no dom0) under Xen in
# QEMU and print the console. Xen prints the domU's console_io writes as
# "(d1) ..." lines only with guest_loglvl=all. A domU's SYSTEM_OFF ends the
# domain, not the machine, so this stops QEMU once the report's E line (or an
# error line) has appeared.
#   run-domu.sh [--xen XEN_IMG] [--realtime] [--timeout SECS] [BOOTARGS...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
xen='' clock="-icount shift=0,sleep=off" secs=300
while [ $# -gt 0 ]; do
	case $1 in
	--xen) xen=$2; shift 2 ;;
	--realtime) clock=; shift ;;
	--timeout) secs=$2; shift 2 ;;
	--) shift; break ;;
	-*) echo "run-domu.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
img=$here/build/vtb-guest.img
[ -f "$img" ] || { echo "run-domu.sh: $img missing: run make -C $here" >&2; exit 2; }
[ -n "$xen" ] || xen=$("$root/tracing/build-xen.sh" | tail -n 1)
[ -f "$xen" ] || { echo "run-domu.sh: no Xen image at '$xen'" >&2; exit 2; }
bootargs=$*
case $bootargs in *\"*|*\\*) echo "run-domu.sh: bootargs may not contain quotes or backslashes" >&2; exit 2 ;; esac

tmp=$(mktemp -d)
qpid=
cleanup() { [ -z "$qpid" ] || kill "$qpid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM

machine="virt,virtualization=on,gic-version=3"
qemu_base="-machine $machine -cpu cortex-a57 -smp 1 -m 1G -nographic -no-reboot -net none"
modaddr=0x4a000000
size=$(stat -c %s "$img")
# shellcheck disable=SC2086
qemu-system-aarch64 $qemu_base -machine dumpdtb="$tmp/virt.dtb" >/dev/null 2>&1
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

# shellcheck disable=SC2086
timeout "$secs" qemu-system-aarch64 $qemu_base $clock -dtb "$tmp/domu.dtb" \
	-kernel "$xen" -device "loader,file=$img,addr=$modaddr,force-raw=on" \
	> "$tmp/console" 2>&1 &
qpid=$!
while kill -0 "$qpid" 2>/dev/null; do
	if grep -q -e '@VTB [0-9]* [0-9]* E ' -e 'vtb-guest: error' "$tmp/console"; then
		sleep 1
		break
	fi
	sleep 1
done
rc=0
if kill -0 "$qpid" 2>/dev/null; then
	kill "$qpid"
	wait "$qpid" 2>/dev/null || true
else
	wait "$qpid" || rc=$?
fi
qpid=
cat "$tmp/console"
if ! grep -q "@VTB [0-9]* [0-9]* E " "$tmp/console"; then [ "$rc" -ne 0 ] || rc=1; exit "$rc"; fi
