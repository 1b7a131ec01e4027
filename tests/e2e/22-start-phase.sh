#!/usr/bin/env bash
# End-to-end: the storm's figures do not depend on how many instructions the
# guest ran before it (docs/guest-kernel.md, "Start phase"). Two guest images
# that differ only in GUEST_PRESTORM_NOPS (0 and 7 extra nops at entry, so
# their pre-storm instruction counts differ by 7, not a multiple of the 16
# instructions of a counter tick) run the same 1000-tick storm under stock
# Xen in deterministic mode, with Xen's background scrub on (bootscrub=idle),
# where the start phase used to move every figure. Their reports must be
# byte-identical. TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/tap.sh
out=$top/build/test-results/start-phase
rm -rf "$out"; mkdir -p "$out"

make -s -C bench/guest_kernels all >/dev/null 2>&1 || tap_bail "guest build failed"
make -s -C bench/guest_kernels BUILD="$out/guest7" GUEST_PRESTORM_NOPS=7 all >/dev/null 2>&1 \
  || tap_bail "guest build with GUEST_PRESTORM_NOPS=7 failed"
img0=bench/guest_kernels/build/vtb-guest.img img7=$out/guest7/vtb-guest.img
tap_check "the two guest images differ" sh -c "! cmp -s '$img0' '$img7'"
# The extra nops sit at the entry point: image 7 has 7 more of them.
nops() { aarch64-linux-gnu-objdump -d "$1" | grep -c $'\tnop$'; }
tap_is "image 7 has 7 more nops than image 0" \
  "$(( $(nops "$out/guest7/vtb-guest.elf") - $(nops bench/guest_kernels/build/vtb-guest.elf) ))" 7
xen=$(tracing/build-xen.sh -q 2>/dev/null | tail -n 1)
[ -f "$xen" ] || tap_bail "no Xen image (tracing/build-xen.sh)"
for n in 0 7; do
  img=$img0; [ $n = 0 ] || img=$img7
  tap_check "storm with $n pre-storm nops completes" ./platform/emulated.sh --xen "$xen" --kernel "$img" \
    --bootargs "ticks=1000 mode=periodic period_ns=100000 record=samples" \
    --xen-args "vtimer_delivery=software bootscrub=idle" --mode deterministic --timeout 300 \
    --log "$out/console-$n.log"
  grep -a '^@VTB' "$out/console-$n.log" > "$out/report-$n.txt"
done
tap_check "the reports are there" test -s "$out/report-0.txt" -a -s "$out/report-7.txt"
tap_check "both storms took every tick" grep -q ' T taken=1000 lost=0 ' "$out/report-7.txt"
tap_check "the reports are byte-identical (same latency every tick)" cmp -s "$out/report-0.txt" "$out/report-7.txt"
tap_diag "$(grep -a ' T taken' "$out/report-0.txt")"
tap_done
