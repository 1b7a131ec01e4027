#!/usr/bin/env bash
# CLI tests of vtb-plotdata, vtb-report, vtb-tracedata and vtb-history on
# small runs made here. TAP (tests/lib/tap.sh): one test point per check.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../tests/lib/tap.sh"
bin=$here/../../bin
vtbrun=$here/../../run/bin/vtb-run
plots=$here/../../plots
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
check() { tap_check "$@"; }

# Two variants with known latencies: stock 100..109 ticks, direct 50,50,51.
mkvariant() { # dir, values...
  local d=$1; shift
  mkdir -p "$d"
  local n=$# i=0
  printf '{"schema":"vtimer-bench/summary/1","platform_mode":"deterministic","clock":{"ns_per_tick":16.0},"counts":{"ticks":%d,"taken":%d,"lost":0,"spurious":0,"other":0},"latency_ticks":{"n":%d,"p50":%s},"latency_ns":{"p50":1},"latency_instructions":{"p50":1}}\n' "$n" "$n" "$n" "$1" > "$d/summary.json"
  { echo tick,latency_ticks,latency_ns; for v in "$@"; do echo "$i,$v,$((v * 16))"; i=$((i + 1)); done; } > "$d/samples.csv"
}
run=$tmp/run-1
mkvariant "$run/stock" 100 101 102 103 104 105 106 107 108 109
mkvariant "$run/direct" 50 50 51

mkdir -p "$run/plots"
check "plotdata stock" "$bin/vtb-plotdata" --out "$run/plots/stock" "$run/stock"
check "plotdata direct" "$bin/vtb-plotdata" --out "$run/plots/direct" "$run/direct"
check "cdf has one row per distinct value" test "$(grep -vc '^#' "$run/plots/direct.cdf")" = 2
check "cdf ends at 1" grep -q '^816.0 1.000000000 0.333333333$' "$run/plots/direct.cdf"
check "cdf in ns" grep -q '^800.0 0.666666667 1.000000000$' "$run/plots/direct.cdf"
check "hist counts add up" test "$(awk '!/^#/ {s += $2} END {print s}' "$run/plots/stock.hist")" = 10
check "time series per tick" test "$(grep -vc '^#' "$run/plots/stock.ts")" = 10
check "gnuplot draws the CDF" gnuplot -e "dir='$plots'; a='$run/plots/stock'; la='stock'; b='$run/plots/direct'; lb='direct'; out='$run/plots/latency-cdf'; title='t'" "$plots/latency-cdf.gp"
check "png and svg written" test -s "$run/plots/latency-cdf.png" -a -s "$run/plots/latency-cdf.svg"

# Bad input: nothing written, one line, non-zero exit.
bad=$tmp/bad; mkvariant "$bad" 1 2 3; echo "3,x,1" >> "$bad/samples.csv"
out=$("$bin/vtb-plotdata" --out "$tmp/badplot" "$bad" 2>&1); rc=$?
check "malformed csv rejected" test "$rc" = 1
check "malformed csv error is one line" test "$(printf '%s\n' "$out" | wc -l)" = 1
check "malformed csv: no files" test ! -e "$tmp/badplot.cdf"
check "bad option rejected" test "$("$bin/vtb-plotdata" --bogus 2>/dev/null; echo $?)" = 2

echo "k=v with = sign" > "$run/manifest.txt"
echo 'xen_source=debian:xen_4.17' >> "$run/manifest.txt"
check "report written" "$bin/vtb-report" "$run"
check "report.md has both variants" grep -q '^| metric | stock | direct |$' "$run/report.md"
check "report.md has p50s" grep -q '^| latency p50 (counter ticks) | 100 | 50 |$' "$run/report.md"
check "report.md links the png" grep -q '(plots/latency-cdf.png)' "$run/report.md"
check "report.html inlines the svg" grep -q '<svg' "$run/report.html"
check "report.html escapes" grep -q '<td>k</td><td>v with = sign</td>' "$run/report.html"
# stock's series has a warm-up (a change point), direct's none
jq '.stationarity = {"test":"pettitt","tested":true,"n":10,"p":1e-9,"stationary":false,"split":{"at_tick":4,"median_before_ticks":101,"median_after_ticks":107},"change_point":{"at_tick":4,"median_before_ticks":101,"median_after_ticks":107,"latency_ticks_after":{"p50":107,"p99":109}}} | .xen_boot_scrub = "before_dom0"' "$run/stock/summary.json" > "$tmp/s.json" && mv "$tmp/s.json" "$run/stock/summary.json"
jq '.stationarity = {"test":"pettitt","tested":true,"n":3,"p":0.5,"stationary":true,"split":{"at_tick":2,"median_before_ticks":50,"median_after_ticks":51},"change_point":null}' "$run/direct/summary.json" > "$tmp/s.json" && mv "$tmp/s.json" "$run/direct/summary.json"
check "report with stationarity blocks" "$bin/vtb-report" "$run"
check "report: a change point is a warning" grep -q '^\*\*Warning: stock, untraced boot: the per-tick latency changes at tick 4\*\* (median 101 -> 107' "$run/report.md"
check "report: no change point is said too" grep -q '^direct, untraced boot: no change point in its 3 ticks' "$run/report.md"
check "report: the boot scrub is named" grep -q 'before dom0 started (bootscrub=1)' "$run/report.md"
check "report leaves no temporaries" test -z "$(ls "$run" | grep -E '^report\.(md|html)\.')"
check "report of an empty dir fails" test "$("$bin/vtb-report" "$tmp/nonexistent" 2>/dev/null; echo $?)" = 1

# Trace summaries: the vCPU the summary names as the guest (guest.vcpu), exits
# divided by the ticks Xen delivered to it (the summary's exits_per_tick).
# stock's stages add up to what its guest measured, direct's do not.
for v in stock direct; do
  if [ $v = stock ]; then agrees=true rel=-0.01; else agrees=false rel=-0.5; fi
  cat > "$run/$v/trace-summary.json" <<JSON
{"schema":"vtb-xentrace-summary/2","vcpus":[
 {"id":"d0v0","domid":0,"vcpu":0,"exits":{"by_reason":{"sync_hvc":100}},"ticks":{"delivered_lr":10,"delivered":10,"guest_taken":null},"exits_per_tick":10.0},
 {"id":"d1v0","domid":1,"vcpu":0,"exits":{"by_reason":{"irq_vtimer":5,"sync_hvc":10,"sync_wfx":0}},
  "ticks":{"delivered_lr":5,"delivered":5,"guest_taken":null},"exits_per_tick":3.0,
  "stages":{"deadline_to_xen":{"count":5,"p50":22,"p99":30,"mean":24.0}},"hyp_time":{"irq_vtimer":{"count":5,"p50":170,"p99":180}},
  "stage_check":{"stage_mean_sum":99.0,"guest_mean":100.0,"entry_to_handler_mean":1.0,"stage_p50_sum":98,"guest_p50":99,
   "relative_difference":$rel,"tolerance":0.02,"agrees":$agrees}}],
 "guest":{"path":null,"vcpu":"d1v0","taken":null}}
JSON
done
check "tracedata" "$bin/vtb-tracedata" --out "$run/plots/trace" "$run/stock" "$run/direct"
check "exits per tick of the domU" grep -qx 'stock 1.0000 2.0000' "$run/plots/trace-exits.dat"
check "reasons never seen are left out" grep -qx 'variant irq_vtimer sync_hvc' "$run/plots/trace-exits.dat"
check "stages table" grep -qx 'deadline_to_xen 22 30 22 30' "$run/plots/trace-stages.dat"
check "stage means: the parts and the guest's rest, row per variant" \
  grep -qx 'stock 24.000 0.000 0.000 1.000' "$run/plots/trace-stage-means.dat"
check "gnuplot draws exits" gnuplot -e "dir='$plots'; data='$run/plots/trace-exits.dat'; out='$run/plots/exits-per-tick'; title='t'" "$plots/exits-per-tick.gp"
check "gnuplot draws stages" gnuplot -e "dir='$plots'; data='$run/plots/trace-stages.dat'; out='$run/plots/latency-stages'; title='t'" "$plots/latency-stages.gp"
check "report with traces" "$bin/vtb-report" "$run"
check "report: all exits per tick" grep -q '^| all exits | 3.000 | 3.000 |$' "$run/report.md"
check "report: picked vCPU" grep -q '^| vCPU (ticks counted from) | d1v0 (hypervisor deliveries) |' "$run/report.md"
check "report: stage p50/p99/mean" grep -q '^| deadline -> Xen acts .* | 22 / 30 / 24.0 | 22 / 30 / 24.0 |$' "$run/report.md"
check "report: stages that add up" grep -q '^stock: the stages add up to the guest.s latency within 2 % (-1.00 %)' "$run/report.md"
check "report: a stage mismatch is flagged" grep -q '^\*\*Stage MISMATCH: direct: .*-50.00 %' "$run/report.md"
before=$(stat -c %Y.%s "$run/report.md"); sleep 1
check "print-traces prints the exit table" sh -c "'$bin/vtb-report' --print-traces '$run' | grep -q '^| all exits | 3.000 | 3.000 |\$'"
check "print-traces leaves the report alone" test "$(stat -c %Y.%s "$run/report.md")" = "$before"
echo '{"vcpus":[]}' > "$tmp/empty-trace.json"; mkdir -p "$tmp/nt"; cp "$tmp/empty-trace.json" "$tmp/nt/trace-summary.json"
check "tracedata without ticks fails" test "$("$bin/vtb-tracedata" --out "$tmp/nt/x" "$tmp/nt" 2>/dev/null; echo $?)" = 1

db=$tmp/history.sqlite
run2=$tmp/run-2; cp -r "$run" "$run2"
check "history record 1" "$bin/vtb-history" --db "$db" record "$run" --config c1
check "history record 2" "$bin/vtb-history" --db "$db" record "$run2" --config c1
check "history refuses a duplicate run" test "$("$bin/vtb-history" --db "$db" record "$run" --config c1 2>/dev/null; echo $?)" = 1
check "schema version is 1" test "$(sqlite3 "$db" 'PRAGMA user_version')" = 1
check "two runs, one row each" test "$(sqlite3 "$db" 'SELECT count(*) FROM runs')" = 2
check "p50 recorded" test "$(sqlite3 "$db" "SELECT value FROM metrics WHERE run_id='run-2' AND variant='direct' AND metric='latency_ticks.p50'")" = 50.0
check "baseline excludes the current run" test "$("$bin/vtb-history" --db "$db" baseline --config c1 --exclude run-2)" = "$(cd "$run" && pwd)"
check "verdict regression" "$bin/vtb-history" --db "$db" verdict run-1 regression
check "a regression is no baseline" test "$("$bin/vtb-history" --db "$db" baseline --config c1 --exclude run-2; echo "rc=$?")" = rc=0
check "no baseline for another config: nothing printed, exit 0" test "$("$bin/vtb-history" --db "$db" baseline --config other; echo "rc=$?")" = rc=0
check "trend file" "$bin/vtb-history" --db "$db" trend --config c1 --variant stock --metric latency_ticks.p50 --out "$tmp/trend.dat"
check "trend has both runs" test "$(grep -vc '^#' "$tmp/trend.dat")" = 2
mkdir -p "$tmp/run-3/stock"; echo '{not json' > "$tmp/run-3/stock/summary.json"
check "corrupt summary not recorded" test "$("$bin/vtb-history" --db "$db" record "$tmp/run-3" 2>/dev/null; echo $?)" = 1
check "and leaves no row" test "$(sqlite3 "$db" "SELECT count(*) FROM runs WHERE run_id='run-3'")" = 0

# The variant order and the A/B pair come from the run's model.
ord=$tmp/ordered; mkvariant "$ord/direct" 50 50 51; mkvariant "$ord/stock" 100 101 102
mkdir -p "$ord/raw"
"$vtbrun" init --out "$ord/raw/run.json" --run-id ordered --variants direct=x,stock=y --no-trace
check "report in the run's order" sh -c "'$bin/vtb-report' '$ord' && grep -q '^| metric | direct | stock |\$' '$ord/report.md'"
rm "$ord/raw/run.json"; printf 'direct\nstock\n' > "$ord/raw/variants"
check "report of an old run follows raw/variants" sh -c "'$bin/vtb-report' '$ord' && grep -q '^| metric | direct | stock |\$' '$ord/report.md'"
printf 'direct\nstock\nmissing\n' > "$ord/raw/variants"
check "a variant of the model without a summary is an error" test "$("$bin/vtb-report" "$ord" 2>/dev/null; echo $?)" = 1
many=$tmp/many; list=""
for i in 1 2 3 4 5 6 7 8 9; do mkvariant "$many/v$i" "$i"; list+="${list:+,}v$i"; done
mkdir -p "$many/raw"; "$vtbrun" init --out "$many/raw/run.json" --run-id many --variants "$list" --no-trace
check "nine variants: the report says it shows seven" sh -c "'$bin/vtb-report' '$many' && grep -q 'This run has 9 variants; the tables show the first 7 in run order.' '$many/report.md'"
check "nine variants: seven columns" grep -q '^| metric | v1 | v2 | v3 | v4 | v5 | v6 | v7 |$' "$many/report.md"

tap_done
