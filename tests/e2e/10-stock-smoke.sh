#!/usr/bin/env bash
# End-to-end: real Xen (stock software-injection path) under QEMU in
# deterministic mode, 2000 periodic ticks of the bare-metal storm, twice.
# Asserts every tick delivered, nothing lost or spurious, latency present and
# positive, the two runs identical, and a corrupted log rejected. TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/tap.sh
out=$top/build/test-results/smoke
rm -rf "$out"; mkdir -p "$out"

for r in 1 2; do
  tap_check "run $r completes" ./run-bench.sh --no-deps -q --ticks 2000 --storm periodic --period-ns 100000 \
    --variants stock --no-project-patches --no-trace --out "$out" --run-id "run$r" --no-history
done
s1=$out/run1/stock/summary.json s2=$out/run2/stock/summary.json
[ -s "$s1" ] && [ -s "$s2" ] || tap_bail "no summaries to check"
for r in 1 2; do
  s=$out/run$r/stock/summary.json
  tap_check "run $r: every tick delivered, none lost or spurious" \
    jq -e '.counts.ticks == 2000 and .counts.taken == 2000 and .counts.lost == 0 and .counts.spurious == 0' "$s"
  tap_check "run $r: latency statistics present and positive" \
    jq -e '.latency_ticks.n == 2000 and .latency_ticks.min > 0 and .latency_ticks.p50 > 0 and .latency_ticks.p99 >= .latency_ticks.p50 and .latency_ticks.max >= .latency_ticks.p99' "$s"
  tap_check "run $r: instruction figures in deterministic mode" jq -e '.latency_instructions.p50 > 0' "$s"
done
# Deterministic mode: everything but the label/run naming must match exactly.
tap_check "two deterministic runs give the same samples" cmp -s "$out/run1/stock/samples.csv" "$out/run2/stock/samples.csv"
tap_is "two deterministic runs give the same summary" "$(jq -S 'del(.label)' "$s1")" "$(jq -S 'del(.label)' "$s2")"
tap_is "the run's model lists the one variant" "$(analysis/run/bin/vtb-run variants "$out/run1")" stock
tap_check "the manifest is machine-readable" jq -e '.run_id == "run1" and .variants[0].name == "stock"' "$out/run1/manifest.json"

# A corrupted console log is rejected with one line and a non-zero exit.
bad=$out/bad; mkdir -p "$bad"
sed '0,/@VTB 1 [0-9]* S /s/\(@VTB 1 [0-9]* S [0-9]* \)[0-9]/\19/' "$out/run1/raw/stock/console.log" > "$bad/console.log"
tap_check "the test corrupted the log" sh -c "! cmp -s '$bad/console.log' '$out/run1/raw/stock/console.log'"
err=$(./analysis/bin/vtb-analyze --log "$bad/console.log" --out-dir "$bad/out" 2>&1 >/dev/null); rc=$?
tap_check "a corrupted log is rejected" test "$rc" != 0
tap_is "its error is one line" "$(printf '%s\n' "$err" | wc -l)" 1
tap_check "no summary is written for it" test ! -e "$bad/out/summary.json"
tap_diag "p50=$(jq .latency_ticks.p50 "$s1") ticks p99=$(jq .latency_ticks.p99 "$s1") ticks; corrupted log: $err"
tap_done
