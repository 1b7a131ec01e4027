#!/usr/bin/env bash
# Host side of a Linux storm run under Xen on the emulated platform: build
# (cached) the storm guest, boot Xen with Debian's arm64 kernel as dom0 and
# the storm as its /init (platform/emulated.sh), keep the serial log. The
# log carries the storm's guest-protocol report; analysis/bin/vtb-analyze
# reads it. Orchestration only: nothing is measured here.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/linux-guest/run.sh --log FILE [options]
  --log FILE         serial console log (Xen + dom0) to write
  --storm-args STR   vtimer_storm arguments (default "-t1 -i100 -l2000");
                     --vtb-protocol - is always added
  --mode MODE        deterministic (icount, 1 CPU; default) or realtime
  --smp N            CPUs in realtime mode (default 1)
  --xen IMG          Xen image (default: last line of tracing/build-xen.sh)
  --xen-args STR     extra Xen command line options
  --kernel-args STR  extra dom0 kernel command line options
  --dom0-mem SIZE    dom0 memory (default 256M)
  --timeout SEC      wall-clock watchdog (default 900)
  --storm BIN        static aarch64 vtimer_storm (default bench/build/aarch64/vtimer_storm)
Exit: 0 the storm ran and reported "storm done rc=0"; 1 the run failed (one
line on stderr says why; the log is kept); 2 bad usage.
USAGE
}

top=$(cd "$(dirname "$0")/../.." && pwd)
log="" storm_args="-t1 -i100 -l2000" mode=deterministic smp=1 xen="" xen_args=""
kernel_args="" dom0_mem=256M timeout=900 storm=""
cli_prog=linux-guest
. "$top/scripts/lib/cli.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --log) cli_need_value "$@"; log=$2; shift ;;
    --storm-args) cli_need_value "$@"; storm_args=$2; shift ;;
    --mode) cli_need_value "$@"; mode=$2; shift ;;
    --smp) cli_need_value "$@"; smp=$2; shift ;;
    --xen) cli_need_value "$@"; xen=$2; shift ;;
    --xen-args) cli_need_value "$@"; xen_args=$2; shift ;;
    --kernel-args) cli_need_value "$@"; kernel_args=$2; shift ;;
    --dom0-mem) cli_need_value "$@"; dom0_mem=$2; shift ;;
    --timeout) cli_need_value "$@"; timeout=$2; shift ;;
    --storm) cli_need_value "$@"; storm=$2; shift ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[ -n "$log" ] || cli_usage_error "--log is required"
case "$mode" in deterministic|realtime) ;; *) cli_usage_error "--mode must be deterministic or realtime, not '$mode'" ;; esac
# The storm arguments travel inside a quoted kernel parameter.
case "$storm_args" in *'"'*) cli_usage_error "--storm-args must not contain a double quote" ;; esac

if [ -z "$xen" ]; then
  xen=$("$top/tracing/build-xen.sh" 2>/dev/null | tail -1) || cli_die "tracing/build-xen.sh failed"
fi
[ -f "$xen" ] || cli_usage_error "--xen: no such image '$xen'"
b=(); [ -z "$storm" ] || b=(--storm "$storm")
gdir=$("$top/platform/linux-guest/build-initramfs.sh" -q "${b[@]}" | tail -1) || cli_die "building the guest failed"

# quiet loglevel=0: no printk on the console, so nothing can land inside an
# @VTB line. panic=-1: a dom0 panic reboots, which Xen's noreboot turns into
# a halt. The rest takes the host out of the guest, so that deterministic
# runs are identical (docs/vtimer-storm.md, "Under Xen"): no kernel or user
# address randomisation, no page allocator shuffling, and no PL031 RTC,
# whose host wall-clock time otherwise reaches the kernel's entropy pool.
# (QEMU's /chosen/rng-seed, which Xen copies into dom0's tree, has to be
# turned off on the QEMU side: -machine dtb-randomness=off.)
# The same line in both modes, so that they measure the same kernel setup.
bootargs="console=hvc0 quiet loglevel=0 panic=-1 rdinit=/init nokaslr norandmaps"
bootargs+=" randomize_kstack_offset=off page_alloc.shuffle=0 initcall_blacklist=pl031_driver_init"
bootargs+=" $kernel_args vtb.args=\"$storm_args\""
emu=(--xen "$xen" --kernel "$gdir/Image" --initrd "$gdir/initramfs.cpio.gz"
     --bootargs "$bootargs" --dom0-mem "$dom0_mem" --mode "$mode" --timeout "$timeout" --log "$log")
[ "$mode" = realtime ] && emu+=(--smp "$smp")
# One dom0 vCPU per physical CPU, pinned: the storm's timer stays on the
# vCPU (and pCPU) it was armed on.
emu+=(--xen-args "dom0_max_vcpus=$([ "$mode" = realtime ] && echo "$smp" || echo 1) dom0_vcpus_pin $xen_args")
rc=0
# VTB_EMULATED: another platform script with emulated.sh's interface.
"${VTB_EMULATED:-$top/platform/emulated.sh}" "${emu[@]}" || rc=$?
[ "$rc" = 0 ] || cli_die "platform/emulated.sh exited $rc (log: $log)"
if grep -aq 'VTB-LINUX: storm done rc=0' "$log"; then exit 0; fi
line=$(tr -d '\r' < "$log" | grep -a 'VTB-LINUX: FAIL' | head -1 || true)
cli_die "${line:-the storm did not report completion} (log: $log)"
