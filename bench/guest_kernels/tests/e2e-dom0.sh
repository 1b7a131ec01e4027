#!/usr/bin/env bash
# End-to-end (TAP): boot the storm guest as dom0 under Xen (QEMU, icount) in
# each storm mode, and check its @VTB report with the project's one protocol
# reader (analysis/bin/vtb-analyze: CRC, sequence, counts) plus no lost or
# spurious ticks; that two identical icount runs print identical @VTB lines;
# and that bad boot arguments give one error line and no report.
# Run by tests/e2e/15-guest-modes.sh. Skips the whole file without QEMU or a
# Xen build. VTB_XEN= picks the Xen image.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
. "$root/tests/lib/tap.sh"
case "${1:-}" in -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

command -v qemu-system-aarch64 >/dev/null || tap_skip_all "no qemu-system-aarch64"
make -s -C "$here" all >/dev/null || tap_bail "guest build failed"
make -s -C "$root/analysis" bin/vtb-analyze >/dev/null || tap_bail "vtb-analyze build failed"
analyze=$root/analysis/bin/vtb-analyze
xen=${VTB_XEN:-$("$root/tracing/build-xen.sh" 2>/dev/null | tail -n 1)}
[ -f "$xen" ] || tap_skip_all "no Xen image (tracing/build-xen.sh)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ticks=300
# boot VCPUS NAME BOOTARGS...: dom0 with that many vCPUs on the one pCPU.
boot() {
  local v=$1 n=$2; shift 2
  [ "$v" -gt 1 ] && set -- --xen-args "dom0_max_vcpus=$v" "$@"
  "$here/run-xen.sh" --xen "$xen" --timeout 600 "$@" > "$tmp/$n.log" 2>&1
}
field() { jq -r "$1" "$tmp/$2/summary.json"; }

# check VCPUS NAME BOOTARGS...: one boot, its report read by vtb-analyze.
check() {
  local v=$1 n=$2
  if ! boot "$@"; then
    tap_not_ok "$n: QEMU run"; tap_diag "$(tail -5 "$tmp/$n.log")"; return
  fi
  tap_check "$n: vtb-analyze accepts the report" \
    "$analyze" --log "$tmp/$n.log" --out-dir "$tmp/$n" --platform-mode deterministic
  [ -f "$tmp/$n/summary.json" ] || return 0
  tap_is "$n: ticks" "$(field .counts.ticks "$n")" $((ticks * v))
  tap_is "$n: no lost, spurious or other interrupts" \
    "$(field '[.counts.lost, .counts.spurious, .counts.other] | @tsv' "$n")" "$(printf '0\t0\t0')"
  local c
  for ((c = 0; v > 1 && c < v; c++)); do
    tap_is "$n: vCPU $c taken, lost, spurious" \
      "$(field "[.trailer.cpu${c}_taken, .trailer.cpu${c}_lost, .trailer.cpu${c}_spurious] | @tsv" "$n")" \
      "$(printf '%s\t0\t0' "$ticks")"
  done
}

check 1 periodic ticks=$ticks mode=periodic period_ns=100000
check 1 periodic2 ticks=$ticks mode=periodic period_ns=100000
check 1 b2b ticks=$ticks mode=back-to-back
check 1 random ticks=$ticks mode=random rmin_ns=20000 rmax_ns=200000 seed=42
check 1 hist ticks=$ticks mode=periodic record=hist
# SMP: each of 2 dom0 vCPUs (1 pCPU: Xen's vtimer context switch) runs its storm.
check 2 smp2 ticks=$ticks mode=periodic period_ns=100000
check 2 smp2-b2b ticks=$ticks mode=back-to-back

grep -o '@VTB.*' "$tmp/periodic.log" > "$tmp/a" || true
grep -o '@VTB.*' "$tmp/periodic2.log" > "$tmp/b" || true
tap_check "two icount runs print identical reports" cmp -s "$tmp/a" "$tmp/b"

# Bad boot arguments: one error line, no report, clean power-off.
boot 1 bad ticks=10 bogus=1 || true
tap_check "bad bootargs: one error line" \
  grep -q "vtb-guest: error: bootargs: unknown argument: 'bogus=1'" "$tmp/bad.log"
tap_check "bad bootargs: no report" bash -c "! grep -q '@VTB' '$tmp/bad.log'"
tap_check "bad bootargs: clean power-off" grep -q "Dom0 halted" "$tmp/bad.log"
tap_done
