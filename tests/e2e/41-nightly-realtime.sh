#!/usr/bin/env bash
# End-to-end: nightly verdicts on the noisy platform (realtime mode), short:
# a few boots of a few ticks, asserting properties, never figures (the
# long versions are `make aa-series` and `make planted-series`).
# Calibration seeds the history's noise; an A/A nightly is never a
# regression and prints its minimum detectable effect; a Xen with a planted
# regression is flagged or inconclusive with the MDE, never passed as
# unchanged; the boots are interleaved and pooled. TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/tap.sh
out=$top/build/test-results/nightly-realtime
rm -rf "$out"; mkdir -p "$out"
args=(--no-deps -q --platform-mode realtime --ticks 30 --period-ns 1000000 --variants stock=vtimer_delivery=software
      --no-trace --threshold-pct 10 --out "$out")
nightly() { ./run-bench.sh nightly "${args[@]}" "$@"; }
mde_of() { sed -n 's/.*could detect only changes beyond +-\([0-9.e+]*\) %.*/\1/p' "$1" | head -1; }

./run-bench.sh calibrate "${args[@]}" --boots 4 --run-id cal > "$out/cal.txt" 2>&1
tap_is "calibrate exits 0" "$?" 0
tap_check "calibrate prints the noise it recorded" grep -q '^calibrate: between-boot variance of log p50 .* 3 degrees of freedom' "$out/cal.txt"
tap_is "history: the calibration's noise, 3 df" \
  "$(analysis/bin/vtb-history --db "$out/history.sqlite" noise --config "$(analysis/run/bin/vtb-run get "$out/cal" history_config)" | cut -d' ' -f2)" 3
tap_is "history: calibration verdict" "$(sqlite3 "$out/history.sqlite" "SELECT verdict FROM runs WHERE run_id='cal'")" calibration
tap_is "four boots kept, pooled" "$(ls -d "$out"/cal/stock/boot-* | wc -l) $(jq .counts.ticks "$out/cal/stock/summary.json")" "4 240"

nightly --boots 2 --run-id base > "$out/base.txt" 2>&1
tap_is "baseline nightly exits 0" "$?" 0
nightly --boots 2 --run-id aa > "$out/aa.txt" 2>&1
rc=$?
tap_check "A/A: no regression (exit 0 or 4, got $rc)" test "$rc" = 0 -o "$rc" = 4
tap_check "A/A: the minimum detectable effect is printed" grep -q 'nightly \[stock\]: minimum detectable effect (median, alpha 0.05, power 0.8): +-' "$out/aa.txt"
tap_check "A/A: history noise joined the comparison" grep -q 'of which 3 from history' "$out/aa/nightly-stock.txt"
tap_check "A/A: variance components reported" grep -q 'between boots .* within a boot' "$out/aa/nightly-stock.txt"
if [ "$rc" = 4 ]; then
  tap_check "A/A inconclusive: the verdict names the MDE, beyond the threshold" \
    awk -v m="$(mde_of "$out/aa.txt")" 'BEGIN { exit !(m > 10) }'
else
  tap_check "A/A passed: the MDE is within the threshold" grep -q 'verdict: no significant change' "$out/aa.txt"
fi
tap_is "history: A/A verdict recorded" "$(sqlite3 "$out/history.sqlite" "SELECT verdict FROM runs WHERE run_id='aa'")" \
  "$([ "$rc" = 4 ] && echo inconclusive || echo ok)"

nightly --boots 2 --run-id slow --baseline base --patch tests/fixtures/slow-vgic-inject.patch > "$out/slow.txt" 2>&1
rc=$?
tap_check "planted regression: flagged (3) or inconclusive (4), got $rc" test "$rc" = 3 -o "$rc" = 4
if [ "$rc" = 4 ]; then
  tap_check "planted, inconclusive: the MDE that explains it exceeds the threshold" \
    awk -v m="$(mde_of "$out/slow.txt")" 'BEGIN { exit !(m > 10) }'
  tap_diag "planted regression: inconclusive, MDE +-$(mde_of "$out/slow.txt") % (realtime, wall-clock)"
else
  tap_check "planted, flagged: regression line" grep -q 'REGRESSION against base' "$out/slow.txt"
fi
tap_done
