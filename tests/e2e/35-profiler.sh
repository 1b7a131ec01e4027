#!/usr/bin/env bash
# End-to-end: the vtb-prof TCG plugin (profiler/, docs/profiler.md) on real
# Xen under QEMU in deterministic mode, 300 periodic ticks of the storm guest.
# Boots go through the runners (platform/emulated.sh, run-dom0-capture.sh),
# whose --plugin reaches QEMU through the machine description.
# Integration: run-bench profiles each variant's measured boot (profile.json
# per variant, the report's section and bar chart), and --no-profile does not.
# Truth checks:
#  - loading the plugin does not move the guest's figures: console log and
#    samples.csv of run-bench's boot byte-identical with a boot without it;
#  - the count is exact: with a spinning guest (Xen never idles, so virtual
#    time is instructions), the instructions of the tick windows equal the
#    guest's own clock between its first and last tick, to the 16 ns counter
#    granularity;
#  - one exit per tick of the expected class on each idle mode;
#  - a planted patch adding 7 instructions to gic_raise_guest_irq shows as
#    exactly +7 per tick in that function, by name, and in the EL2 total,
#    and vtb-profile diff (the nightly's comparison) names it with +7 per
#    tick: a change below the 1% threshold, a regression above 0.5%;
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
guest_img=bench/guest_kernels/build/vtb-guest.img
guest_elf=bench/guest_kernels/build/vtb-guest.elf
plugin=$top/profiler/build/vtb-prof.so
tap_check "plugin and tool built" test -x profiler/build/vtb-profile -a -f "$plugin"

# profile NAME XEN_IMG XEN_OPTIONS IDLE: a boot of platform/emulated.sh with
# the plugin (--plugin goes to the machine description), then its profile.
plugin_spec() { echo "$plugin,xen=${1%/*}/xen-syms,guest=$top/$guest_elf,out=$2"; }
profile() {
  local name=$1 xen=$2 opts=$3 idle=$4
  mkdir -p "$out/$name"
  ./platform/emulated.sh --xen "$xen" --kernel "$guest_img" --xen-args "$opts" --timeout 300 \
    --bootargs "ticks=$ticks mode=periodic period_ns=$period idle=$idle" --log "$out/$name/console.log" \
    --plugin "$(plugin_spec "$xen" "$out/$name/prof.raw")" 2> "$out/$name/boot.err" &&
  ./profiler/build/vtb-profile --raw "$out/$name/prof.raw" --out-dir "$out/$name" --label "$name" --quiet
}
analyse() { ./analysis/bin/vtb-analyze --log "$1/console.log" --out-dir "$1" --platform-mode deterministic >/dev/null; }

# 1. run-bench profiles each variant's measured boot, and the plugin does not
# move the guest's figures: the same boot without it is byte-identical.
rb=$out/rb
./run-bench.sh --ticks "$ticks" --no-trace --no-history --no-deps -q --out "$out" --run-id rb > "$out/rb.log" 2>&1 ||
  tap_bail "run-bench failed: $(tail -1 "$out/rb.log")"
tap_check "run-bench wrote each variant's profile from its raw file" \
  test -f "$rb/raw/stock/profile.raw" -a -f "$rb/stock/profile/profile.json" -a -f "$rb/direct/profile/exits.csv"
mkdir -p "$out/plain"
./platform/emulated.sh --xen "$xen_img" --kernel "$guest_img" --timeout 300 \
  --xen-args "$(./analysis/run/bin/vtb-run xen-options "$rb" stock)" \
  --bootargs "$(./analysis/run/bin/vtb-run get "$rb" guest_bootargs)" --log "$out/plain/console.log" \
  || tap_bail "boot without the plugin failed"
analyse "$out/plain" || tap_bail "vtb-analyze rejected a run"
tap_check "console log byte-identical with and without the plugin" cmp "$out/plain/console.log" "$rb/raw/stock/console.log"
tap_check "samples.csv byte-identical with and without the plugin" cmp "$out/plain/samples.csv" "$rb/stock/samples.csv"
w=$rb/stock/profile
tap_is "the plugin saw every tick handler entry" "$(jq .ticks.handler_entries "$w/profile.json")" "$ticks"
tap_check "profile.folded is flame-graph input (NAME;NAME COUNT lines)" \
  awk 'NF != 2 || $2 !~ /^[0-9]+$/ || $1 !~ /^(xen;.+|guest|other-guests)$/ {exit 1} END {exit NR == 0}' "$w/profile.folded"
tap_is "WFI guest: one trapped WFI (guest64_sync) per tick (p50)" \
  "$(jq '.exits_per_tick.guest64_sync.p50' "$w/profile.json")" 1
mean=$(printf '%.2f' "$(jq .el2_per_tick.mean "$w/profile.json")")
tap_check "report: 'Where the hypervisor's instructions go' with the pair side by side (stock EL2 mean $mean) and its bar chart" \
  test "$(grep -c "^| all of Xen (EL2 mean) | $mean | " "$rb/report.md")" = 1 -a -f "$rb/plots/profile-functions.svg"
rc=0
./run-bench.sh --ticks 20 --no-trace --no-history --no-deps -q --out "$out" --run-id np --no-profile \
  --variants stock=vtimer_delivery=software > "$out/np.log" 2>&1 || rc=$?
tap_check "run-bench --no-profile: a run without the plugin (exit $rc)" \
  test "$rc" = 0 -a -f "$out/np/stock/samples.csv" -a ! -e "$out/np/raw/stock/profile.raw" -a ! -e "$out/np/stock/profile"

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
# The nightly's comparison: vtb-profile diff names the function and the exact count.
rc=0
./profiler/build/vtb-profile diff "$out/spin" "$out/planted" --json "$out/planted/diff.json" > "$out/planted/diff.txt" || rc=$?
tap_is "vtb-profile diff: +7 of ~1115 per tick is a change below the 1% threshold (exit 0)" \
  "$rc $(jq -r .verdict "$out/planted/diff.json")" "0 changed"
tap_is "vtb-profile diff: the only function that moved is gic_raise_guest_irq, by exactly +7 per tick" \
  "$(jq -r '[.moved[] | "\(.name) \(.change_per_tick)"] | join(",")' "$out/planted/diff.json")" "gic_raise_guest_irq 7"
rc=0
./profiler/build/vtb-profile diff "$out/spin" "$out/planted" --threshold-pct 0.5 --quiet || rc=$?
tap_is "vtb-profile diff --threshold-pct 0.5: a regression (exit 3)" "$rc" 3

# 4. The traced boot (Linux dom0 + xentrace, the storm as an xl domU), spinning
# guest, with the plugin: the same execution seen by both instruments.
mkdir -p "$out/traced"
if ./platform/dom0/run-dom0-capture.sh --raw "$out/traced/raw" --guest "$guest_img" \
     --cmdline "ticks=$ticks mode=periodic period_ns=$period idle=spin" --vuart --mode deterministic \
     --xen "$xen_img" --xen-args vtimer_delivery=software --plugin "$(plugin_spec "$xen_img" "$out/traced/prof.raw")" \
     > "$out/traced/capture.log" 2>&1 &&
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
  tap_check "every storm IRQ exit: plugin's EL2 instructions between the trace stamps = the trace's GUEST_ENTRY - GUEST_EXIT within 16 ns ($(wc -l < "$out/traced/trace-irq.ns") exits, worst $worst ns)" \
    test "$worst" != unpaired -a "$worst" -lt 16
else
  tap_not_ok "traced boot with the plugin: $(tail -1 "$out/traced/capture.log")"
fi
tap_done
