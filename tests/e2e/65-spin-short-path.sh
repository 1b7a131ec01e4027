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
. tests/lib/storm-point.sh
vtb_machine_ready >/dev/null || tap_skip_all "no $(vtb_machine_file) emulator"
out=$top/build/test-results/spin-short-path
rm -rf "$out"; mkdir -p "$out"

xen=$(./tracing/build-xen.sh -q | tail -1) || tap_bail "Xen build failed"
make -s -C bench/guest_kernels all >/dev/null && make -s -C analysis bin/vtb-analyze >/dev/null || tap_bail "build failed"


spin="ticks=500 mode=periodic period_ns=100000 idle=spin"
storm_point direct-spin "vtimer_delivery=direct" "$spin" 500 "guest spinning"
tap_check "direct-spin: p50 at most 35 counter ticks (the short path; $(storm_p50 direct-spin))" \
  storm_not_above "$(storm_p50 direct-spin)" 35
storm_point stock-spin "vtimer_delivery=software" "$spin" 500 "guest spinning, stock"
tap_check "direct-spin: p50 at most half of stock's ($(storm_p50 direct-spin) vs $(storm_p50 stock-spin))" \
  storm_half "$(storm_p50 direct-spin)" "$(storm_p50 stock-spin)"

storm_point direct-b2b "vtimer_delivery=direct" "ticks=500 mode=back-to-back idle=spin" 500 "back-to-back deadlines"
tap_check "direct-b2b: p50 at most 35 counter ticks (the PPI fires again while the guest masks IRQs; $(storm_p50 direct-b2b))" \
  storm_not_above "$(storm_p50 direct-b2b)" 35
storm_point direct-2vcpu-spin "vtimer_delivery=direct dom0_max_vcpus=2" \
  "ticks=300 mode=periodic period_ns=100000 idle=spin cpus=2" 600 "2 spinning vCPUs on 1 pCPU"

if VTB_MACHINE=virt-gicv2 vtb_machine_ready >/dev/null; then
  VTB_MACHINE=virt-gicv2 storm_point direct-spin-gicv2 "vtimer_delivery=direct" "$spin" 500 "GICv2, guest spinning"
  tap_check "direct-spin-gicv2: p50 at most 35 counter ticks ($(storm_p50 direct-spin-gicv2))" \
    storm_not_above "$(storm_p50 direct-spin-gicv2)" 35
else
  tap_skip "direct-spin-gicv2: correct" "no GICv2 machine"
  tap_skip "direct-spin-gicv2: p50 at most 35" "no GICv2 machine"
fi
tap_done
