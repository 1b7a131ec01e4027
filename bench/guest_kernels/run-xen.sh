#!/bin/sh
# Boot build/vtb-guest.img as dom0 under Xen in QEMU and print the console.
#   run-xen.sh [--xen XEN_IMG] [--xen-args 'OPTS'] [--realtime] [--timeout SECS] [BOOTARGS...]
# --xen-args adds Xen boot options (e.g. vtimer_delivery=direct, or
# dom0_max_vcpus=2: two dom0 vCPUs on the one pCPU, each running the storm).
# Default Xen image: the last line of tracing/build-xen.sh (cached build).
# Default clock: -icount shift=0,sleep=off (deterministic, 1 insn = 1 ns).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
xen='' xenargs='' clock="-icount shift=0,sleep=off" secs=300
while [ $# -gt 0 ]; do
	case $1 in
	--xen) xen=$2; shift 2 ;;
	--xen-args) xenargs=" $2"; shift 2 ;;
	--realtime) clock=; shift ;;
	--timeout) secs=$2; shift 2 ;;
	-h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	--) shift; break ;;
	-*) echo "run-xen.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
img=$here/build/vtb-guest.img
[ -f "$img" ] || { echo "run-xen.sh: $img missing: run make -C $here" >&2; exit 2; }
if [ -z "$xen" ]; then
	xen=$("$root/tracing/build-xen.sh" | tail -n 1)
fi
[ -f "$xen" ] || { echo "run-xen.sh: no Xen image at '$xen'" >&2; exit 2; }
bootargs=$*
case $bootargs in *,*) echo "run-xen.sh: bootargs may not contain ',' (QEMU option syntax)" >&2; exit 2 ;; esac
# shellcheck disable=SC2086 # $clock is a word list on purpose
exec timeout "$secs" qemu-system-aarch64 \
	-machine virt,virtualization=on,gic-version=3 -cpu cortex-a57 -smp 1 -m 1G \
	-nographic -no-reboot -net none $clock \
	-kernel "$xen" \
	-append "dom0_mem=128M console=dtuart dtuart=/pl011@9000000 sync_console$xenargs" \
	-device "guest-loader,addr=0x49000000,kernel=$img,bootargs=$bootargs"
