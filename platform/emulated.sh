#!/usr/bin/env bash
# Host a run on emulated ARM: Xen under QEMU with one dom0 kernel (the
# bare-metal storm guest or a Linux dom0) and optional initrd. Orchestration
# only: the command line comes from platform/machine (vtb-machine), the
# watchdog from platform/lib/boot.sh; this keeps the serial console log and
# measures nothing.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/emulated.sh --xen IMG --kernel IMG --log FILE [options]
  --xen IMG            Xen image (tracing/build-xen.sh output)
  --kernel IMG         dom0 kernel (Linux arm64 Image format)
  --bootargs STR       dom0 command line
  --initrd FILE        dom0 initrd (optional)
  --xen-args STR       extra Xen command line options
  --dom0-mem SIZE      dom0 memory (default 128M)
  --mode MODE          deterministic (icount, 1 CPU; default) or realtime
  --smp N              CPUs in realtime mode (default 2; deterministic is 1)
  --memory SIZE        machine memory (default 1G)
  --timeout SEC        wall-clock watchdog (default 600)
  --drive FILE         raw disk image exposed as a virtio-blk device (repeatable)
  --log FILE           where the serial console log goes
  --plugin SPEC        TCG plugin, QEMU's form SO[,NAME=VALUE...] (deterministic
                       mode only; repeatable; docs/profiler.md)
VTB_MACHINE=NAME picks platform/machines/NAME.conf (default virt-gicv3).
Exit: 0 the machine powered off by itself; 1 the boot failed (watchdog, or
QEMU failed; one line on stderr says which); 2 bad usage.
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
cli_prog=emulated
. "$top/scripts/lib/cli.sh"
. "$top/platform/lib/boot.sh"

xen="" kernel="" bootargs="" initrd="" xen_args="" dom0_mem=128M mode=deterministic
smp=2 memory=1G timeout=600 log="" drives=() plugins=()
while [ $# -gt 0 ]; do
  case "$1" in
    --xen) cli_need_value "$@"; xen=$2; shift ;;
    --kernel) cli_need_value "$@"; kernel=$2; shift ;;
    --bootargs) cli_need_value "$@"; bootargs=$2; shift ;;
    --initrd) cli_need_value "$@"; initrd=$2; shift ;;
    --xen-args) cli_need_value "$@"; xen_args=$2; shift ;;
    --dom0-mem) cli_need_value "$@"; dom0_mem=$2; shift ;;
    --mode) cli_need_value "$@"; mode=$2; shift ;;
    --smp) cli_need_value "$@"; smp=$2; shift ;;
    --memory) cli_need_value "$@"; memory=$2; shift ;;
    --timeout) cli_need_value "$@"; timeout=$2; shift ;;
    --drive) cli_need_value "$@"; drives+=(--drive "$2"); shift ;;
    --log) cli_need_value "$@"; log=$2; shift ;;
    --plugin) cli_need_value "$@"; IFS=, read -ra p <<< "$2"; plugins+=(--plugin "${p[0]}")
      for kv in "${p[@]:1}"; do plugins+=(--plugin-arg "$kv"); done; shift ;;
    -h|--help) usage; exit 0 ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[ -n "$xen" ] && [ -f "$xen" ] || cli_usage_error "--xen: no such image '${xen}'"
[ -n "$kernel" ] && [ -f "$kernel" ] || cli_usage_error "--kernel: no such image '${kernel}'"
[ -n "$log" ] || cli_usage_error "--log is required"
[ -z "$initrd" ] || [ -f "$initrd" ] || cli_usage_error "--initrd: no such file '$initrd'"
cli_uint --timeout "$timeout"
[ "${#plugins[@]}" = 0 ] || [ "$mode" = deterministic ] || cli_usage_error "--plugin needs --mode deterministic"

boot=(--mode "$mode" --memory "$memory" --serial "file:$log" --xen "$xen"
      --kernel "$kernel" --bootargs "$bootargs" "${drives[@]}" "${plugins[@]}")
# Deterministic mode is one CPU whatever --smp says.
[ "$mode" != realtime ] || boot+=(--smp "$smp")
[ -z "$initrd" ] || boot+=(--initrd "$initrd")
# dom0 is the only domain; noreboot keeps Xen from rebooting on its own
# errors, so a failure leaves its message in the log. The machine
# description adds its own Xen options first (bootscrub=1, docs/machine.md);
# a variant's options come last and may override them.
boot+=(--xen-args "dom0_mem=$dom0_mem console=dtuart noreboot $xen_args")
vtb_qemu_argv qemu "${boot[@]}" || exit 2

mkdir -p "$(dirname "$log")"
: > "$log"
vtb_boot --console "$log" "$timeout" /dev/null "$log.qemu-stderr" -- "${qemu[@]}" || cli_die "$vtb_boot_why"
[ -s "$log.qemu-stderr" ] || rm -f "$log.qemu-stderr"
exit 0
