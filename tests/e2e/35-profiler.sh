#!/usr/bin/env bash
# End-to-end: the vtb-prof TCG plugin (profiler/, docs/profiler.md) on real
# Xen under QEMU in deterministic mode, 300 periodic ticks of the storm guest.
# Truth checks:
#  - loading the plugin does not move the guest's figures: console log and
#    samples.csv byte-identical with and without it;
#  - the count is exact: with a spinning guest (Xen never idles, so virtual
#    time is instructions), the instructions of the tick windows equal the
#    guest's own clock between its first and last tick, to the 16 ns counter
#    granularity;
#  - one exit per tick of the expected class on each idle mode;
#  - a planted patch adding 7 instructions to gic_raise_guest_irq shows as
#    exactly +7 per tick in that function, by name, and in the EL2 total.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
. tests/lib/tap.sh
out=$top/build/test-results/profiler
rm -rf "$out"; mkdir -p "$out"
ticks=300 period=100000

command -v qemu-system-aarch64 >/dev/null || tap_skip_all "no qemu-system-aarch64"
command -v jq >/dev/null || tap_skip_all "no jq"
[ -f cache/src/qemu/qemu-plugin.h ] || tap_skip_all "no QEMU plugin header (run scripts/install-deps.sh)"

make -s all >/dev/null 2>&1 || tap_bail "make all failed"
make -s -C profiler all >/dev/null || tap_bail "make -C profiler failed"
xen_img=$(./tracing/build-xen.sh 2>/dev/null | tail -1)
[ -f "$xen_img" ] || tap_bail "Xen build failed"
syms=${xen_img%/*}/xen-syms
guest_img=bench/guest_kernels/build/vtb-guest.img
guest_elf=bench/guest_kernels/build/vtb-guest.elf
plugin=$top/profiler/build/vtb-prof.so
tap_check "plugin and tool built" test -x profiler/build/vtb-profile -a -f "$plugin"

# The QEMU command line: machine_run LOG XEN_IMG XEN_OPTIONS BOOTARGS [PLUGIN_SPEC].
# UNTIL THE MACHINE DESCRIPTION TAKES --plugin (see the sourced file).
. profiler/tests/machine.sh

# profile NAME XEN_IMG XEN_OPTIONS IDLE: a run with the plugin, then its profile.
profile() {
  local name=$1 xen=$2 opts=$3 idle=$4 s
  s=${xen%/*}/xen-syms
  mkdir -p "$out/$name"
  machine_run "$out/$name/console.log" "$xen" "$opts" "ticks=$ticks mode=periodic period_ns=$period idle=$idle" \
    "$plugin,xen=$s,guest=$top/$guest_elf,out=$out/$name/prof.raw" &&
  ./profiler/build/vtb-profile --raw "$out/$name/prof.raw" --out-dir "$out/$name" --label "$name" --quiet
}
analyse() { ./analysis/bin/vtb-analyze --log "$1/console.log" --out-dir "$1" --platform-mode deterministic >/dev/null; }

# 1. The plugin does not move the guest's figures.
mkdir -p "$out/plain"
machine_run "$out/plain/console.log" "$xen_img" vtimer_delivery=software "ticks=$ticks mode=periodic period_ns=$period idle=wfi" \
  || tap_bail "boot without the plugin failed"
profile wfi "$xen_img" vtimer_delivery=software wfi || tap_bail "boot or profile with the plugin failed: $(head -c 300 "$out/wfi/console.log.stderr")"
analyse "$out/plain" && analyse "$out/wfi" || tap_bail "vtb-analyze rejected a run"
tap_check "console log byte-identical with and without the plugin" cmp "$out/plain/console.log" "$out/wfi/console.log"
tap_check "samples.csv byte-identical with and without the plugin" cmp "$out/plain/samples.csv" "$out/wfi/samples.csv"
tap_is "the plugin saw every tick handler entry" "$(jq .ticks.handler_entries "$out/wfi/profile.json")" "$ticks"
tap_is "WFI guest: one trapped WFI (guest64_sync) per tick (p50)" \
  "$(jq '.exits_per_tick.guest64_sync.p50' "$out/wfi/profile.json")" 1

# 2. Exact counting against the guest's clock.
profile spin "$xen_img" vtimer_delivery=software spin || tap_bail "spin run failed"
analyse "$out/spin" || tap_bail "vtb-analyze rejected the spin run"
first=$(awk -F, 'NR == 2 {print $2}' "$out/spin/samples.csv")
last=$(awk -F, 'END {print $2}' "$out/spin/samples.csv")
want=$(( (ticks - 1) * period + 16 * (last - first) ))
got=$(jq .windows_instructions.all "$out/spin/profile.json")
diff=$(( got - want )); diff=${diff#-}
tap_check "instructions of 299 windows = guest clock ($got vs $want ns, off by $diff; granularity 16)" test "$diff" -le 16
tap_is "spinning guest: one vtimer IRQ exit (guest64_irq) per tick (p50)" \
  "$(jq '.exits_per_tick.guest64_irq.p50' "$out/spin/profile.json")" 1

# 3. A planted patch: +7 instructions per tick in gic_raise_guest_irq.
planted_img=$(./tracing/build-xen.sh --patch profiler/tests/fixtures/planted-7-nops.patch 2>/dev/null | tail -1)
if [ ! -f "$planted_img" ]; then
  tap_bail "Xen build with the planted patch failed"
fi
profile planted "$planted_img" vtimer_delivery=software spin || tap_bail "planted run failed"
fn_p50() { jq --arg f gic_raise_guest_irq '[.by_function.top[] | select(.name == $f) | .per_tick.p50][0] // "absent"' "$1"; }
fn_min() { jq --arg f gic_raise_guest_irq '[.by_function.top[] | select(.name == $f) | .per_tick.min][0] // "absent"' "$1"; }
a=$(fn_p50 "$out/spin/profile.json") b=$(fn_p50 "$out/planted/profile.json")
tap_is "planted: gic_raise_guest_irq p50 per tick +7 ($a -> $b)" "$([ "$a" != absent ] && [ "$b" != absent ] && echo $((b - a)))" 7
a=$(fn_min "$out/spin/profile.json") b=$(fn_min "$out/planted/profile.json")
tap_is "planted: gic_raise_guest_irq min per tick +7 ($a -> $b)" "$([ "$a" != absent ] && [ "$b" != absent ] && echo $((b - a)))" 7
a=$(jq .el2_per_tick.p50 "$out/spin/profile.json") b=$(jq .el2_per_tick.p50 "$out/planted/profile.json")
tap_is "planted: EL2 instructions per tick p50 +7 ($a -> $b)" "$((b - a))" 7
tap_done
