#!/usr/bin/env bash
# End-to-end: real Xen (stock software-injection path) under QEMU in
# deterministic mode, 2000 periodic ticks of the bare-metal storm, twice.
# Asserts every tick delivered, nothing lost or spurious, latency present and
# positive, the two runs identical, and a corrupted log rejected.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=$top/build/test-results/smoke
rm -rf "$out"; mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }

for r in 1 2; do
  ./run-bench.sh --no-deps -q --ticks 2000 --storm periodic --period-ns 100000 \
    --variants stock --no-project-patches --no-trace --out "$out" --run-id "run$r" --no-history
done
s1=$out/run1/stock/summary.json s2=$out/run2/stock/summary.json
for s in "$s1" "$s2"; do
  jq -e '.counts.ticks == 2000 and .counts.taken == 2000 and .counts.lost == 0 and .counts.spurious == 0' "$s" >/dev/null \
    || fail "counts wrong in $s: $(jq -c .counts "$s")"
  jq -e '.latency_ticks.n == 2000 and .latency_ticks.min > 0 and .latency_ticks.p50 > 0 and .latency_ticks.p99 >= .latency_ticks.p50 and .latency_ticks.max >= .latency_ticks.p99' "$s" >/dev/null \
    || fail "latency stats missing or not positive in $s: $(jq -c .latency_ticks "$s")"
  jq -e '.latency_instructions.p50 > 0' "$s" >/dev/null || fail "no instruction figures in deterministic mode"
done
# Deterministic mode: everything but the label/run naming must match exactly.
cmp -s "$out/run1/stock/samples.csv" "$out/run2/stock/samples.csv" || fail "two deterministic runs gave different samples"
diff <(jq -S 'del(.label)' "$s1") <(jq -S 'del(.label)' "$s2") || fail "two deterministic runs gave different summaries"

# A corrupted console log is rejected with one line and a non-zero exit.
bad=$out/bad; mkdir -p "$bad"
sed '0,/@VTB 1 [0-9]* S /s/\(@VTB 1 [0-9]* S [0-9]* \)[0-9]/\19/' "$out/run1/raw/stock/console.log" > "$bad/console.log"
cmp -s "$bad/console.log" "$out/run1/raw/stock/console.log" && fail "test could not corrupt the log"
set +e
err=$(./analysis/bin/vtb-analyze --log "$bad/console.log" --out-dir "$bad/out" 2>&1 >/dev/null); rc=$?
set -e
[ "$rc" != 0 ] || fail "corrupted log accepted"
[ "$(printf '%s\n' "$err" | wc -l)" = 1 ] || fail "error is not one line: $err"
[ ! -e "$bad/out/summary.json" ] || fail "a summary was written for a corrupted log"
echo "p50=$(jq .latency_ticks.p50 "$s1") ticks p99=$(jq .latency_ticks.p99 "$s1") ticks; corrupted log: $err"
