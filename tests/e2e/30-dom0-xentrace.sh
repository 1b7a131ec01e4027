#!/usr/bin/env bash
# End-to-end: boot Xen + the minimal Linux dom0 under QEMU, run one short
# domU under the real xentrace via tracing/dom0-run.sh, and check what comes
# back: a trace holding scheduler records, the guest's console log, Xen's
# log, a manifest saying the guest powered off, and a dom0 that finished.
#   VTB_E2E_GUEST=testdomu (default: Debian kernel + test initramfs, whose
#     console line we can check) | storm (bench/guest_kernels/build/vtb-guest.img)
#   VTB_E2E_MODE=deterministic (default: exact and, here, faster) | realtime
# Exit 0 pass, 77 skip (dependencies missing), 1 fail.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
name=30-dom0-xentrace
skip() { echo "$name: SKIP: $*"; exit 77; }
fail() { keep=1; echo "$name: FAIL: $*"; echo "$name: evidence kept in $work"; exit 1; }

for t in qemu-system-aarch64 aarch64-linux-gnu-gcc aarch64-linux-gnu-objcopy cpio dpkg-deb od; do
  command -v "$t" >/dev/null || skip "host tool '$t' missing (scripts/install-deps.sh)"
done
debs=${VTB_CACHE:-$top/cache}/debs
ls "$debs"/xen-utils-4.17_*_arm64.deb "$debs"/linux-image-*-cloud-arm64_*.deb >/dev/null 2>&1 ||
  skip "arm64 .debs missing from $debs (scripts/install-deps.sh)"
ls "${VTB_CACHE:-$top/cache}"/src/xen_*.dsc >/dev/null 2>&1 || skip "Xen source package missing (scripts/install-deps.sh)"

work=$(mktemp -d "${TMPDIR:-/tmp}/vtb-e2e-30.XXXXXX")
raw=
cleanup() { [ "${keep:-0}" = 1 ] || rm -rf "$work"; }
trap cleanup EXIT

# 1. dom0-run.sh's own input checks, on the host: one line, non-zero, no output.
out=$(sh "$top/tracing/dom0-run.sh" --kernel "$work/missing.img" --out "$work/x" 2>&1); rc=$?
[ "$rc" != 0 ] || fail "dom0-run.sh accepted a missing kernel"
[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "dom0-run.sh error is not one line: $out"
[ ! -e "$work/x" ] && [ ! -e "$work/x.failed" ] || fail "dom0-run.sh left output after an argument error"
: > "$work/k.img"
out=$(sh "$top/tracing/dom0-run.sh" --kernel "$work/k.img" --out "$work/x" --vcpus 0 2>&1); rc=$?
[ "$rc" != 0 ] && [[ $out == *vcpus* ]] || fail "dom0-run.sh accepted --vcpus 0 (rc $rc: $out)"

# 2. A real capture.
mode=${VTB_E2E_MODE:-deterministic}
case "${VTB_E2E_GUEST:-testdomu}" in
  testdomu) guest=(--guest testdomu --cmdline "console=hvc0 rdinit=/init vtb.sleep=1"); expect="vtb-testdomu: done" ;;
  storm)
    img=$top/bench/guest_kernels/build/vtb-guest.img
    [ -f "$img" ] || skip "storm guest not built ($img)"
    guest=(--guest "$img" --cmdline "ticks=500 mode=periodic period_ns=200000" --vuart); expect= ;;
  *) fail "VTB_E2E_GUEST must be testdomu or storm" ;;
esac
raw=$work/raw
t0=$(date +%s)
"$top/platform/dom0/run-dom0-capture.sh" --raw "$raw" --mode "$mode" "${guest[@]}" --timeout 300 \
  > "$work/run.log" 2>&1
rc=$?
t1=$(date +%s)
if [ "$rc" != 0 ]; then tail -5 "$work/run.log"; fail "run-dom0-capture.sh exited $rc"; fi
echo "$name: capture took $((t1 - t0))s wall-clock ($mode mode)"

m=$raw/manifest
[ -f "$m" ] || fail "no manifest"
grep -qx 'status=ok' "$m" || fail "manifest status is not ok: $(grep '^status=' "$m")"
grep -qx 'shutdown_reason=poweroff' "$m" || fail "guest did not power off: $(grep '^shutdown_reason=' "$m")"
grep -q '^VTB-DOM0: dom0-run.sh exit 0' "$raw/serial.log" || fail "dom0 did not report dom0-run.sh finishing"
grep -q '^VTB-DOM0: results written' "$raw/serial.log" || fail "dom0 did not report writing the results"
grep -q '^xen_version' "$raw/xl-info.txt" || fail "xl-info.txt lacks xen_version"
grep -q 'Xen version' "$raw/xl-dmesg.txt" || fail "xl-dmesg.txt lacks Xen's banner"

trace=$raw/trace.xentrace
[ -s "$trace" ] || fail "trace is empty"
size=$(wc -c < "$trace")
[ $((size % 4)) = 0 ] || fail "trace size $size is not a whole number of 32-bit words"
# Walk the records (header: event in bits 0-27, extra words in bits 28-30,
# TSC present in bit 31) and count scheduler-class (0x0002xxxx) ones; a
# truncated last record or a bad header makes the walk fail.
counts=$(od -An -v -tu4 -w4 "$trace" | awk '
  skip > 0 { skip--; next }
  { ev = $1 % 268435456; n = int($1 / 268435456) % 8; c = int($1 / 2147483648)
    skip = n + 2 * c; total++
    if (int(ev / 65536) % 4096 == 2) sched++
    if (ev == 163850) switches++ }          # 0x0002800a: sched_switch
  END { if (skip > 0) { print "truncated"; exit }
        printf "%d %d %d\n", total, sched, switches }')
[ "$counts" != truncated ] || fail "trace ends inside a record"
read -r total sched switches <<< "$counts"
[ "${sched:-0}" -gt 0 ] || fail "trace holds no scheduler records ($total records)"
[ "${switches:-0}" -gt 0 ] || fail "trace holds no sched_switch records"
if [ -x "$top/analysis/xentrace/bin/vtb-xentrace-dump" ]; then
  "$top/analysis/xentrace/bin/vtb-xentrace-dump" --counts "$trace" > "$work/counts.txt" 2>&1 ||
    fail "vtb-xentrace-dump rejected the trace: $(tail -1 "$work/counts.txt")"
fi

if [ -n "$expect" ]; then
  grep -q "$expect" "$raw/console-pv.log" || fail "guest console log lacks '$expect'"
else
  [ -f "$raw/console-pv.log" ] || [ -f "$raw/console-vuart.log" ] || fail "no guest console log"
fi

echo "$name: trace $size bytes, $total records, $sched scheduler ($switches sched_switch)"
keep=0
echo "$name: PASS"
