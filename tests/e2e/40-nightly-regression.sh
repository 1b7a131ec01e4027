#!/usr/bin/env bash
# End-to-end: the nightly job on real Xen boots (deterministic mode).
# Two nightly runs in a row report no regression (and "identical"); a run of a
# Xen with a deliberately slowed injection path (tests/fixtures/
# slow-vgic-inject.patch) is flagged as a regression and exits 3.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=$top/build/test-results/nightly
rm -rf "$out"; mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }
nightly() { ./run-bench.sh nightly --no-deps -q --ticks 1000 --variants stock --no-trace --out "$out" "$@"; }

nightly --run-id n1 > "$out/n1.txt" 2>&1 || fail "first nightly exited $?: $(tail -3 "$out/n1.txt")"
grep -q 'becomes the baseline' "$out/n1.txt" || fail "first nightly did not become the baseline"
nightly --run-id n2 > "$out/n2.txt" 2>&1 || fail "second nightly exited $?: $(tail -3 "$out/n2.txt")"
grep -q 'nightly \[stock\]: verdict: identical' "$out/n2.txt" || fail "A/A nightly not identical: $(grep nightly "$out/n2.txt")"

nightly --run-id n3 --patch tests/fixtures/slow-vgic-inject.patch > "$out/n3.txt" 2>&1
rc=$?
[ "$rc" = 3 ] || fail "slowed Xen: nightly exited $rc, expected 3: $(tail -3 "$out/n3.txt")"
grep -q 'REGRESSION against n2' "$out/n3.txt" || fail "slowed Xen: no regression line"
grep -q 'verdict: slower' "$out/n3.txt" || fail "slowed Xen: verdict is not 'slower'"
[ -s "$out/n3/report.html" ] && [ -s "$out/n3/plots/trend-p50.svg" ] || fail "nightly report or trend plot missing"
verdicts=$(sqlite3 "$out/history.sqlite" "SELECT group_concat(verdict, ',') FROM (SELECT verdict FROM runs ORDER BY run_id)")
[ "$verdicts" = "ok,ok,regression" ] || fail "history verdicts are '$verdicts'"

# compare re-analyses kept raw data without re-running anything.
./run-bench.sh compare "$out/n1" "$out/n3" > "$out/compare.txt" 2>&1 || fail "compare exited $?"
grep -q 'verdict: slower' "$out/compare.txt" || fail "compare n1 n3 is not 'slower'"
echo "planted regression: $(grep -m1 'difference of medians' "$out/n3/nightly-stock.txt")"
