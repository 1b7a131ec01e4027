#!/usr/bin/env bash
# Host a run on emulated ARM: Xen under qemu-system-aarch64 with one dom0
# kernel (the bare-metal storm guest or a Linux dom0) and optional initrd.
# Orchestration only: it starts QEMU, enforces a watchdog and keeps the
# serial console log; it measures nothing.
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
Exit: 0 the machine powered off by itself; 3 watchdog fired; 4 QEMU failed.
USAGE
}

xen="" kernel="" bootargs="" initrd="" xen_args="" dom0_mem=128M mode=deterministic
smp=2 memory=1G timeout=600 log="" drives=()
while [ $# -gt 0 ]; do
  case "$1" in
    --xen) xen=$2; shift ;;
    --kernel) kernel=$2; shift ;;
    --bootargs) bootargs=$2; shift ;;
    --initrd) initrd=$2; shift ;;
    --xen-args) xen_args=$2; shift ;;
    --dom0-mem) dom0_mem=$2; shift ;;
    --mode) mode=$2; shift ;;
    --smp) smp=$2; shift ;;
    --memory) memory=$2; shift ;;
    --timeout) timeout=$2; shift ;;
    --drive) drives+=("$2"); shift ;;
    --log) log=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "emulated: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
die() { echo "emulated: $*" >&2; exit "${2:-2}"; }
[ -n "$xen" ] && [ -f "$xen" ] || die "--xen: no such image '${xen}'"
[ -n "$kernel" ] && [ -f "$kernel" ] || die "--kernel: no such image '${kernel}'"
[ -n "$log" ] || die "--log is required"
[ -z "$initrd" ] || [ -f "$initrd" ] || die "--initrd: no such file '$initrd'"
case "$timeout" in ''|*[!0-9]*) die "--timeout must be whole seconds" ;; esac

args=(-machine virt,virtualization=on,gic-version=3 -cpu cortex-a57 -m "$memory"
      -display none -monitor none -serial "file:$log" -nic none -no-reboot)
case "$mode" in
  # icount shift=0: one instruction per ns of virtual time; with sleep=off the
  # clock never waits on the host, so runs are instruction-exact and repeatable.
  # Deterministic mode is one CPU: Xen did not boot in 90 s with two.
  # QEMU 7.2 writes fresh rng-seed/kaslr-seed values into /chosen on every
  # boot and Xen passes them on to dom0: switch them off, or a Linux dom0
  # seeds its entropy from the host and two runs differ.
  deterministic) args[1]+=",dtb-randomness=off"; args+=(-smp 1 -icount shift=0,sleep=off) ;;
  realtime) args+=(-smp "$smp") ;;
  *) die "--mode must be deterministic or realtime, not '$mode'" ;;
esac
# dom0 is the only domain: give it the CPU, and keep Xen from rebooting on
# its own errors so a failure leaves its message in the log.
args+=(-kernel "$xen" -append "dom0_mem=$dom0_mem console=dtuart noreboot $xen_args")
args+=(-device "guest-loader,addr=0x49000000,kernel=$kernel,bootargs=${bootargs//,/,,}")
[ -z "$initrd" ] || args+=(-device "guest-loader,addr=0x50000000,initrd=$initrd")
i=0
for d in "${drives[@]}"; do
  args+=(-drive "file=$d,format=raw,if=none,id=vd$i" -device "virtio-blk-device,drive=vd$i")
  i=$((i + 1))
done

mkdir -p "$(dirname "$log")"
: > "$log"
qemu-system-aarch64 "${args[@]}" 2>"$log.qemu-stderr" &
qpid=$!
start=$SECONDS
rc=""
while kill -0 "$qpid" 2>/dev/null; do
  if [ $((SECONDS - start)) -ge "$timeout" ]; then
    kill "$qpid" 2>/dev/null; sleep 1; kill -9 "$qpid" 2>/dev/null || true
    wait "$qpid" 2>/dev/null || true
    echo "emulated: watchdog: the machine did not power off within ${timeout}s; last console line: $(tail -c 300 "$log" | tr -d '\r' | grep -v '^$' | tail -1)" >&2
    exit 3
  fi
  if [ -t 2 ] && [ $(( (SECONDS - start) % 10 )) -eq 0 ] && [ $((SECONDS - start)) -gt 0 ]; then
    printf '\r  [%4ds] console: %s bytes' "$((SECONDS - start))" "$(stat -c %s "$log")" >&2
  fi
  sleep 1
done
wait "$qpid" || rc=$?
[ -t 2 ] && printf '\r\033[K' >&2
if [ -n "$rc" ] && [ "$rc" != 0 ]; then
  echo "emulated: qemu-system-aarch64 exited with $rc: $(head -c 300 "$log.qemu-stderr")" >&2
  exit 4
fi
[ -s "$log.qemu-stderr" ] || rm -f "$log.qemu-stderr"
exit 0
