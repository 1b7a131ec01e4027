#!/usr/bin/env bash
# End-to-end: the direct path's short path for the vtimer PPI taken while its
# vCPU runs (direct-ppi 0014-0015). The storm guest as dom0 under Xen,
# deterministic (icount, one pCPU), so the latencies are instruction-exact
# and the bounds below are regression points, not timing goals: the p50
# bounds fail on the series without the short path (67 counter ticks).
#  - guest spinning, direct: every tick taken, nothing lost or spurious, p50
#    at most 35 counter ticks, and at most half of stock's p50;
#  - guest spinning, stock: correct (the short path is direct-only);
#  - back-to-back deadlines, direct: correct, p50 at most 35 (the PPI fires
#    again inside the guest's handler, IRQs masked: the short path has the
#    next acknowledge trapped, as the forwarder does);
#  - two spinning vCPUs on one pCPU, direct: every tick of each vCPU taken
#    (the vIRQ's LR is saved and restored with the vCPU between ticks);
#  - the GICv2 machine, guest spinning, direct: correct and p50 at most 35
#    (GICC_HPPIR instead of ICC_HPPIR1_EL1).
# TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/tap.sh
. platform/lib/boot.sh
vtb_machine_ready >/dev/null || tap_skip_all "no $(vtb_machine_file) emulator"
out=$top/build/test-results/spin-short-path
rm -rf "$out"; mkdir -p "$out"

xen=$(./tracing/build-xen.sh -q | tail -1) || tap_bail "Xen build failed"
make -s -C bench/guest_kernels all >/dev/null && make -s -C analysis bin/vtb-analyze >/dev/null || tap_bail "build failed"

# boot NAME XEN-ARGS BOOTARGS: boots, analyses; the summary is $out/NAME/summary.json.
boot() {
  local d=$out/$1
  mkdir -p "$d"
  ./platform/emulated.sh --xen "$xen" --kernel bench/guest_kernels/build/vtb-guest.img \
    --bootargs "$3" --xen-args "$2" --timeout 600 --log "$d/console.log" 2> "$d/platform.err" &&
    ./analysis/bin/vtb-analyze --log "$d/console.log" --out-dir "$d" --platform-mode deterministic 2> "$d/analyze.err"
}
# clean NAME TICKS: all ticks taken, nothing lost, spurious or other, per vCPU too.
clean() {
  jq -e --argjson n "$2" '.counts.ticks == $n and .counts.taken == $n and .counts.lost == 0
    and .counts.spurious == 0 and .counts.other == 0
    and ([.trailer // {} | to_entries[] | select(.key | test("^cpu[0-9]+_(lost|spurious)$"))
          | select((.value | tonumber) != 0)] | length == 0)' "$out/$1/summary.json" >/dev/null
}
p50() { jq -r .latency_ticks.p50 "$out/$1/summary.json" 2>/dev/null; }
# point NAME XEN-ARGS BOOTARGS TICKS DESCRIPTION: boot, then the correctness point.
point() {
  if boot "$1" "$2" "$3"; then
    tap_check "$1: $4 ticks taken, 0 lost, 0 spurious ($5)" clean "$1" "$4"
    tap_diag "$1: p50 $(p50 "$1") counter ticks"
  else
    tap_not_ok "$1: boots and reports ($(cat "$out/$1/platform.err" "$out/$1/analyze.err" 2>/dev/null | head -1))"
  fi
}
num() { [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
# not_above A B: A <= B; fails on a missing figure.
not_above() { num "$1" && num "$2" && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
# half A B: A <= B / 2.
half() { num "$1" && num "$2" && awk -v a="$1" -v b="$2" 'BEGIN { exit !(2 * a <= b) }'; }

spin="ticks=500 mode=periodic period_ns=100000 idle=spin"
point direct-spin "vtimer_delivery=direct" "$spin" 500 "guest spinning"
tap_check "direct-spin: p50 at most 35 counter ticks (the short path; $(p50 direct-spin))" \
  not_above "$(p50 direct-spin)" 35
point stock-spin "vtimer_delivery=software" "$spin" 500 "guest spinning, stock"
tap_check "direct-spin: p50 at most half of stock's ($(p50 direct-spin) vs $(p50 stock-spin))" \
  half "$(p50 direct-spin)" "$(p50 stock-spin)"

point direct-b2b "vtimer_delivery=direct" "ticks=500 mode=back-to-back idle=spin" 500 "back-to-back deadlines"
tap_check "direct-b2b: p50 at most 35 counter ticks (the PPI fires again while the guest masks IRQs; $(p50 direct-b2b))" \
  not_above "$(p50 direct-b2b)" 35
point direct-2vcpu-spin "vtimer_delivery=direct dom0_max_vcpus=2" \
  "ticks=300 mode=periodic period_ns=100000 idle=spin cpus=2" 600 "2 spinning vCPUs on 1 pCPU"

if VTB_MACHINE=virt-gicv2 vtb_machine_ready >/dev/null; then
  VTB_MACHINE=virt-gicv2 point direct-spin-gicv2 "vtimer_delivery=direct" "$spin" 500 "GICv2, guest spinning"
  tap_check "direct-spin-gicv2: p50 at most 35 counter ticks ($(p50 direct-spin-gicv2))" \
    not_above "$(p50 direct-spin-gicv2)" 35
else
  tap_skip "direct-spin-gicv2: correct" "no GICv2 machine"
  tap_skip "direct-spin-gicv2: p50 at most 35" "no GICv2 machine"
fi
tap_done
