#!/usr/bin/env bash
# End-to-end: the direct path's WFI wait (direct-ppi 0013, vtimer_wfi_wait=).
# The storm guest as dom0 under Xen, deterministic (icount, one pCPU), so the
# latencies are instruction-exact and the bounds below are not timing goals
# but regression points: each fails on the series without the wait.
#  - guest in WFI, direct: every tick taken, nothing lost or spurious, and
#    the p50 latency below 140 counter ticks (the wait keeps the vCPU on the
#    pCPU; blocking costs 280 on the series without it);
#  - the same with vtimer_wfi_wait=0: still correct, and back above 200 (the
#    option turns the wait off, so the figure above is the wait's);
#  - deadlines 1 ms apart, beyond the default 500 us window: the vCPU blocks
#    as before (correct, above 200);
#  - two vCPUs on one pCPU: every tick of each vCPU taken, nothing lost or
#    spurious, and the direct path's p50 not above stock's (the wait must
#    give the pCPU up to the other vCPU).
# TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/tap.sh
. platform/lib/boot.sh
. tests/lib/storm-point.sh
vtb_machine_ready >/dev/null || tap_skip_all "no $(vtb_machine_file) emulator"
out=$top/build/test-results/wfi-wait
rm -rf "$out"; mkdir -p "$out"

xen=$(./tracing/build-xen.sh -q | tail -1) || tap_bail "Xen build failed"
make -s -C bench/guest_kernels all >/dev/null && make -s -C analysis bin/vtb-analyze >/dev/null || tap_bail "build failed"


wfi="ticks=500 mode=periodic period_ns=100000 idle=wfi"
storm_point direct-wfi "vtimer_delivery=direct" "$wfi" 500 "guest in WFI, the wait on"
tap_check "direct-wfi: p50 below 140 counter ticks (the vCPU waits on the pCPU; $(storm_p50 direct-wfi))" storm_below "$(storm_p50 direct-wfi)" 140

storm_point direct-wfi-nowait "vtimer_delivery=direct vtimer_wfi_wait=0" "$wfi" 500 "vtimer_wfi_wait=0"
tap_check "direct-wfi-nowait: p50 above 200 (the vCPU blocks; $(storm_p50 direct-wfi-nowait))" storm_below 200 "$(storm_p50 direct-wfi-nowait)"

storm_point direct-wfi-1ms "vtimer_delivery=direct" "ticks=100 mode=periodic period_ns=1000000 idle=wfi" 100 "deadlines beyond the window"
tap_check "direct-wfi-1ms: p50 above 200 (deadline beyond the 500 us window: the vCPU blocks; $(storm_p50 direct-wfi-1ms))" \
  storm_below 200 "$(storm_p50 direct-wfi-1ms)"

two="ticks=300 mode=periodic period_ns=100000 cpus=2"
storm_point stock-2vcpu "vtimer_delivery=software dom0_max_vcpus=2" "$two" 600 "2 vCPUs on 1 pCPU, stock"
storm_point direct-2vcpu "vtimer_delivery=direct dom0_max_vcpus=2" "$two" 600 "2 vCPUs on 1 pCPU, direct"
tap_check "direct-2vcpu: p50 not above stock's ($(storm_p50 direct-2vcpu) vs $(storm_p50 stock-2vcpu))" \
  storm_not_above "$(storm_p50 direct-2vcpu)" "$(storm_p50 stock-2vcpu)"
tap_done
