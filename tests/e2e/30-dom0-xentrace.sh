#!/usr/bin/env bash
# End-to-end: boot Xen + the minimal Linux dom0 under QEMU, run one short
# domU under the real xentrace via tracing/dom0-run.sh, and check what comes
# back: a trace holding scheduler records, the guest's console log, Xen's
# log, a manifest saying the guest powered off, and a dom0 that finished.
#   VTB_E2E_GUEST=testdomu (default: Debian kernel + test initramfs, whose
#     console line we can check) | storm (bench/guest_kernels/build/vtb-guest.img)
#   VTB_E2E_MODE=deterministic (default: exact and, here, faster) | realtime
# TAP; skipped when dependencies are missing. On a failure the evidence is kept.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/platform/lib/boot.sh"

vtb_machine_ready >/dev/null || tap_skip_all "the machine's emulator is not installed (platform/machines/)"
for t in aarch64-linux-gnu-gcc aarch64-linux-gnu-objcopy cpio dpkg-deb od; do
  command -v "$t" >/dev/null || tap_skip_all "host tool '$t' missing (scripts/install-deps.sh)"
done
debs=${VTB_CACHE:-$top/cache}/debs
ls "$debs"/xen-utils-4.17_*_arm64.deb "$debs"/linux-image-*-cloud-arm64_*.deb >/dev/null 2>&1 ||
  tap_skip_all "arm64 .debs missing from $debs (scripts/install-deps.sh)"
ls "${VTB_CACHE:-$top/cache}"/src/xen_*.dsc >/dev/null 2>&1 || tap_skip_all "Xen source package missing (scripts/install-deps.sh)"
mode=${VTB_E2E_MODE:-deterministic}
case "${VTB_E2E_GUEST:-testdomu}" in
  testdomu) guest=(--guest testdomu --cmdline "console=hvc0 rdinit=/init vtb.sleep=1"); expect="vtb-testdomu: done" ;;
  storm)
    img=$top/bench/guest_kernels/build/vtb-guest.img
    [ -f "$img" ] || tap_skip_all "storm guest not built ($img)"
    guest=(--guest "$img" --cmdline "ticks=500 mode=periodic period_ns=200000" --vuart); expect= ;;
  *) tap_bail "VTB_E2E_GUEST must be testdomu or storm" ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/vtb-e2e-30.XXXXXX")
trap '[ "$tap_failed" = 0 ] && rm -rf "$work" || echo "# evidence kept in $work"' EXIT

# 1. dom0-run.sh's own input checks, on the host: one line, non-zero, no output.
res=$(sh "$top/tracing/dom0-run.sh" --kernel "$work/missing.img" --out "$work/x" 2>&1); rc=$?
tap_check "dom0-run.sh refuses a missing kernel" test "$rc" != 0
tap_is "dom0-run.sh's error is one line" "$(printf '%s\n' "$res" | wc -l)" 1
tap_check "dom0-run.sh leaves no output after an argument error" test ! -e "$work/x" -a ! -e "$work/x.failed"
: > "$work/k.img"
res=$(sh "$top/tracing/dom0-run.sh" --kernel "$work/k.img" --out "$work/x" --vcpus 0 2>&1); rc=$?
tap_check "dom0-run.sh refuses --vcpus 0" test "$rc" != 0 -a "${res/vcpus/}" != "$res"

# 2. A real capture.
raw=$work/raw
t0=$(date +%s)
"$top/platform/dom0/run-dom0-capture.sh" --raw "$raw" --mode "$mode" "${guest[@]}" --timeout 300 \
  > "$work/run.log" 2>&1
rc=$?
tap_diag "capture took $(( $(date +%s) - t0 ))s wall-clock ($mode mode)"
[ "$rc" = 0 ] || { tap_diag "$(tail -5 "$work/run.log")"; tap_bail "run-dom0-capture.sh exited $rc"; }

m=$raw/manifest
tap_is "the dom0 run's status is ok" "$(grep '^status=' "$m" 2>/dev/null)" status=ok
tap_is "the guest powered off" "$(grep '^shutdown_reason=' "$m" 2>/dev/null)" shutdown_reason=poweroff
tap_check "dom0 reports dom0-run.sh finishing" grep -q '^VTB-DOM0: dom0-run.sh exit 0' "$raw/serial.log"
tap_check "dom0 reports writing the results" grep -q '^VTB-DOM0: results written' "$raw/serial.log"
tap_check "xl-info.txt holds xen_version" grep -q '^xen_version' "$raw/xl-info.txt"
tap_check "xl-dmesg.txt holds Xen's banner" grep -q 'Xen version' "$raw/xl-dmesg.txt"
tap_is "the platform manifest names the machine" "$(grep '^machine=' "$raw/platform-manifest")" machine=virt-gicv3

trace=$raw/trace.xentrace
size=$(wc -c < "$trace" 2>/dev/null || echo 0)
tap_check "the trace is not empty" test "$size" -gt 0
tap_is "the trace is whole 32-bit words" $((size % 4)) 0
# Walk the records (header: event in bits 0-27, extra words in bits 28-30,
# TSC present in bit 31) and count scheduler-class (0x0002xxxx) ones; a
# truncated last record or a bad header makes the walk fail.
counts=$(od -An -v -tu4 -w4 "$trace" 2>/dev/null | awk '
  skip > 0 { skip--; next }
  { ev = $1 % 268435456; n = int($1 / 268435456) % 8; c = int($1 / 2147483648)
    skip = n + 2 * c; total++
    if (int(ev / 65536) % 4096 == 2) sched++
    if (ev == 163850) switches++ }          # 0x0002800a: sched_switch
  END { if (skip > 0) { print "truncated"; exit }
        printf "%d %d %d\n", total, sched, switches }')
tap_check "the trace does not end inside a record" test "$counts" != truncated
read -r total sched switches <<< "$counts"
tap_check "the trace holds scheduler records" test "${sched:-0}" -gt 0
tap_check "the trace holds sched_switch records" test "${switches:-0}" -gt 0
tap_diag "trace $size bytes, $total records, $sched scheduler ($switches sched_switch)"
dump=$top/analysis/xentrace/bin/vtb-xentrace-dump
if [ -x "$dump" ]; then
  tap_check "vtb-xentrace-dump reads the trace" "$dump" --counts "$trace"
else
  tap_skip "vtb-xentrace-dump reads the trace" "analysis/xentrace not built"
fi
if [ -n "$expect" ]; then
  tap_check "the guest console log says '$expect'" grep -q "$expect" "$raw/console-pv.log"
else
  tap_check "there is a guest console log" test -f "$raw/console-pv.log" -o -f "$raw/console-vuart.log"
fi
tap_done
