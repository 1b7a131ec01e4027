#!/usr/bin/env bash
# End-to-end: the nightly job on real Xen boots (deterministic mode).
# Two nightly runs in a row report no regression (and "identical", the second
# with two boots, byte-identical as icount promises, so exact: no p-value); a
# run of a Xen with a deliberately slowed injection path (tests/fixtures/
# slow-vgic-inject.patch) is flagged as a regression and exits 3. TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/tap.sh
out=$top/build/test-results/nightly
rm -rf "$out"; mkdir -p "$out"
nightly() { ./run-bench.sh nightly --no-deps -q --ticks 1000 --variants stock --no-trace --out "$out" "$@"; }

nightly --run-id n1 > "$out/n1.txt" 2>&1
tap_is "first nightly exits 0" "$?" 0
tap_check "first nightly becomes the baseline" grep -q 'becomes the baseline' "$out/n1.txt"
nightly --run-id n2 --boots 2 > "$out/n2.txt" 2>&1
tap_is "second nightly exits 0" "$?" 0
tap_check "A/A nightly is identical" grep -q 'nightly \[stock\]: verdict: identical' "$out/n2.txt"
tap_check "two deterministic boots are byte-identical, and the nightly says so" \
  grep -q 'nightly \[stock\]: deterministic mode: boots byte-identical' "$out/n2.txt"
tap_check "two boots: per-boot folders, pooled variant" \
  test -s "$out/n2/stock/boot-2/samples.csv" -a -s "$out/n2/raw/stock/boot-1/console.log" -a "$(jq .boots "$out/n2/stock/summary.json")" = 2
tap_check "one boot keeps the one-boot layout" test ! -e "$out/n1/stock/boot-1" -a -s "$out/n1/raw/stock/console.log"

nightly --run-id n3 --patch tests/fixtures/slow-vgic-inject.patch > "$out/n3.txt" 2>&1
tap_is "slowed Xen: nightly exits 3" "$?" 3
tap_check "slowed Xen: regression line names the baseline" grep -q 'REGRESSION against n2' "$out/n3.txt"
tap_check "slowed Xen: verdict is 'slower'" grep -q 'verdict: slower' "$out/n3.txt"
tap_check "slowed Xen: the verdict is exact, not a test" grep -q 'verdict: slower (exact: median +[0-9]* ticks.*no p-value' "$out/n3/nightly-stock.txt"
tap_check "nightly report written" test -s "$out/n3/report.html"
tap_check "trend plot drawn" test -s "$out/n3/plots/trend-p50.svg"
tap_is "history verdicts" "$(sqlite3 "$out/history.sqlite" "SELECT group_concat(verdict, ',') FROM (SELECT verdict FROM runs ORDER BY run_id)")" "ok,ok,regression"

# compare re-analyses kept raw data without re-running anything; run
# directories are taken relative to where the caller stands.
(cd "$out" && "$top/run-bench.sh" compare n1 n3) > "$out/compare.txt" 2>&1
tap_is "compare exits 0" "$?" 0
tap_check "compare n1 n3 is 'slower'" grep -q 'verdict: slower' "$out/compare.txt"
tap_diag "planted regression: $(grep -m1 'difference of medians' "$out/n3/nightly-stock.txt")"
tap_done
