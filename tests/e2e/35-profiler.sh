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
#    exactly +7 per tick in that function, by name, and in the EL2 total;
#  - in a traced boot, the storm's exits by class equal the trace's
#    GUEST_EXIT records of its domain, and each vtimer IRQ exit's EL2
#    instructions between the trace's two timestamp reads equal the trace's
#    GUEST_EXIT -> GUEST_ENTRY time to the 16 ns counter granularity.
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
tap_check "profile.folded is flame-graph input (NAME;NAME COUNT lines)" \
  awk 'NF != 2 || $2 !~ /^[0-9]+$/ || $1 !~ /^(xen;.+|guest|other-guests)$/ {exit 1} END {exit NR == 0}' "$out/wfi/profile.folded"
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

# 4. The traced boot (Linux dom0 + xentrace, the storm as an xl domU), spinning
# guest, with the plugin: the same execution seen by both instruments.
# UNTIL THE MACHINE DESCRIPTION TAKES --plugin: run-dom0-capture.sh has no
# --plugin, so a qemu-system-aarch64 wrapper first in PATH adds it.
real_qemu=$(command -v qemu-system-aarch64)
mkdir -p "$out/wrap" "$out/traced"
cat > "$out/wrap/qemu-system-aarch64" <<WRAP
#!/bin/sh
[ "\$1" = --version ] && exec "$real_qemu" "\$@"
exec "$real_qemu" "\$@" -plugin "$plugin,xen=$syms,guest=$top/$guest_elf,out=$out/traced/prof.raw"
WRAP
chmod +x "$out/wrap/qemu-system-aarch64"
if PATH=$out/wrap:$PATH ./platform/dom0/run-dom0-capture.sh --raw "$out/traced/raw" --guest "$guest_img" \
     --cmdline "ticks=$ticks mode=periodic period_ns=$period idle=spin" --vuart --mode deterministic \
     --xen "$xen_img" --xen-args vtimer_delivery=software > "$out/traced/capture.log" 2>&1 &&
   ./profiler/build/vtb-profile --raw "$out/traced/prof.raw" --out-dir "$out/traced" --quiet; then
  tap_ok "traced boot with the plugin"
  dump=$out/traced/trace.txt
  ./analysis/xentrace/bin/vtb-xentrace-dump "$out/traced/raw/trace.xentrace" > "$dump" 2>/dev/null
  # GUEST_EXIT: d0 = kind | EC << 8 (kind 0 sync, 1 IRQ), d1 = domain << 16 | vCPU; the storm is d1.
  t_sync=$(awk '$5 == "arm_guest_exit" && $9 == "0x00010000" && $8 ~ /0$/' "$dump" | wc -l)
  t_irq=$(awk '$5 == "arm_guest_exit" && $9 == "0x00010000" && $8 ~ /1$/' "$dump" | wc -l)
  tap_is "storm sync exits: plugin = trace's GUEST_EXIT records of d1 ($t_sync)" \
    "$(jq '.whole_run.guest_exits.guest64_sync // 0' "$out/traced/profile.json")" "$t_sync"
  tap_is "storm IRQ exits: plugin = trace's GUEST_EXIT records of d1 ($t_irq)" \
    "$(jq '.whole_run.guest_exits.guest64_irq // 0' "$out/traced/profile.json")" "$t_irq"
  # Each storm IRQ exit, in order: the trace's GUEST_EXIT -> GUEST_ENTRY in ns
  # (16 x counter ticks) and the plugin's instructions between the two records'
  # timestamp reads agree to the counter's 16 ns granularity.
  awk '$5 == "arm_guest_exit" {t = ($9 == "0x00010000" && $8 ~ /1$/) ? $2 : ""; next}
       $5 == "arm_guest_entry" && t != "" {print ($2 - t) * 16; t = ""}' "$dump" > "$out/traced/trace-irq.ns"
  awk -F, '$3 == "guest64_irq" && $4 == "storm" {print ($6 >= 2) ? $8 - $7 : "none"}' \
    "$out/traced/exits.csv" > "$out/traced/plugin-irq.ns"
  worst=$(paste "$out/traced/trace-irq.ns" "$out/traced/plugin-irq.ns" |
          awk 'NF != 2 || $2 == "none" {print "unpaired"; exit} {d = $2 - $1; d = d < 0 ? -d : d; m = d > m ? d : m} END {print m + 0}')
  tap_check "every storm IRQ exit: plugin's EL2 instructions between the trace stamps = trace's el2_to_entry within 16 ns ($(wc -l < "$out/traced/trace-irq.ns") exits, worst $worst ns)" \
    test "$worst" != unpaired -a "$worst" -lt 16
else
  tap_not_ok "traced boot with the plugin: $(tail -1 "$out/traced/capture.log")"
fi
tap_done
