#!/usr/bin/env bash
# Boot build/vtb-guest.img as dom0 under Xen in QEMU and print the console.
#   run-xen.sh [--xen XEN_IMG] [--xen-args 'OPTS'] [--realtime] [--timeout SECS] [BOOTARGS...]
# --xen-args adds Xen boot options (e.g. vtimer_delivery=direct, or
# dom0_max_vcpus=2: two dom0 vCPUs on the one pCPU, each running the storm).
# Default Xen image: the last line of tracing/build-xen.sh (cached build).
# Default clock: deterministic (icount, 1 insn = 1 ns); the machine and its
# QEMU command line come from platform/machine (docs/machine.md).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cli_prog=run-xen.sh
. "$root/scripts/lib/cli.sh"
. "$root/platform/lib/boot.sh"
xen='' xenargs='' mode=deterministic secs=300
while [ $# -gt 0 ]; do
	case $1 in
	--xen) cli_need_value "$@"; xen=$2; shift 2 ;;
	--xen-args) cli_need_value "$@"; xenargs=" $2"; shift 2 ;;
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
if [ -z "$xen" ]; then
	xen=$("$root/tracing/build-xen.sh" | tail -n 1)
fi
[ -f "$xen" ] || cli_usage_error "no Xen image at '$xen'"
vtb_qemu_argv qemu --mode "$mode" --xen "$xen" \
	--xen-args "dom0_mem=128M console=dtuart dtuart=/pl011@9000000 sync_console$xenargs" \
	--kernel "$img" --bootargs "$*" || exit 2
vtb_boot "$secs" /dev/stdout /dev/stderr -- "${qemu[@]}" || cli_die "$vtb_boot_why"
