#!/usr/bin/env bash
# End-to-end (TAP): the native vtimer_storm on this host (wall-clock, no QEMU).
# Asserts exact wake-up counts for every source and mode, a histogram whose
# cumulative counts rise monotonically to n, ordered percentiles, JSON and
# text agreeing, guest-protocol reports that the project's one reader
# (analysis/bin/vtb-analyze) accepts and whose figures equal the storm's,
# duration and Ctrl-C stops with partial results, and one-line exit-2 errors
# for bad options with no output file left behind.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
case "${1:-}" in -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
command -v jq >/dev/null || tap_skip_all "jq not installed"
make -s -C "$top/bench" native >/dev/null || tap_bail "bench build failed"
make -s -C "$top/analysis" bin/vtb-analyze >/dev/null || tap_bail "vtb-analyze build failed"
storm=$top/bench/build/native/vtimer_storm
analyze=$top/analysis/bin/vtb-analyze
out=$top/build/test-results/storm-native
rm -rf "$out"; mkdir -p "$out"

# t_jq NAME FILE FILTER [jq args...]: one test point, FILTER true on FILE.
t_jq() {
  local name=$1 file=$2 filter=$3; shift 3
  tap_check "$name" jq -e "$@" "$filter" "$file"
}

# Histogram sanity from a text report: cumulative counts never decrease and
# reach the total with the overflow bin.
check_text_hist() { # file n
  awk -v n="$2" '
    /^# Histogram$/ { h = 1; next }
    h && /^[0-9]+ [0-9]+$/ { c = $2 + 0; if (c < 0) bad = 1; cum += c; if (cum < prev) bad = 1; prev = cum; rows++; next }
    /^# Histogram Overflows:/ { ovf = $4 + 0 }
    /^#/ { h = 0 }
    END { if (bad || rows == 0 || cum + ovf != n) { printf "rows=%d cum=%d ovf=%d n=%d\n", rows, cum, ovf, n; exit 1 } }' "$1"
}

check_json() { # name file threads loops
  local name=$1 j=$2 t=$3 l=$4
  t_jq "$name: stopped by count, every thread's cycles" "$j" \
    '.stop_reason == "count" and .num_threads == $t and ([.thread[] | .cycles == $l] | all)' \
    --argjson l "$l" --argjson t "$t"
  t_jq "$name: n, ordered percentiles, min > 0" "$j" \
    '.summary.latency_ns | .n == $n and .min > 0 and .min <= .p50 and .p50 <= .p90 and .p90 <= .p99 and .p99 <= .p99_9 and .p99_9 <= .max' \
    --argjson n $((t * l))
  t_jq "$name: histogram buckets add up to n, in order" "$j" \
    '([.histogram_ns.buckets[][1]] | add) == $n and ([.histogram_ns.buckets[][0]] | . == sort)' \
    --argjson n $((t * l))
  t_jq "$name: perf counters" "$j" \
    '.perf["context-switches"].status == "ok" and .perf["task-clock"].value > 0 and (.perf.cycles.status == "ok" or .perf.cycles.status == "unavailable")'
}

# 1. Every source and mode: exact counts, consistent histograms.
for src in timerfd nanosleep signal; do
  for mode in periodic back-to-back; do
    j=$out/$src-$mode.json txt=$out/$src-$mode.txt
    if ! "$storm" -t 2 -i 300 -l 150 -h 5000 --source "$src" --mode "$mode" --json "$j" > "$txt"; then
      tap_not_ok "$src $mode: storm ran"; continue
    fi
    check_json "$src $mode" "$j" 2 150
    tap_check "$src $mode: text histogram cumulative to n=300" check_text_hist "$txt" 300
    # Text and JSON report the same figures.
    want=$(jq -r '.summary.latency_ns | "min=\(.min) p50=\(.p50) p90=\(.p90) p99=\(.p99) p99_9=\(.p99_9) max=\(.max)"' "$j")
    tap_check "$src $mode: text summary equals JSON" grep -q "^latency_ns n=300 $want " "$txt"
    tap_check "$src $mode: perf line" grep -Eq '^perf context-switches=[0-9]+ .*cycles=(unavailable|[0-9]+)' "$txt"
  done
done

# 2. Pinned threads report their CPU.
"$storm" -t 2 -i 500 -l 20 -a 0 -q --json "$out/pinned.json"
t_jq "pinned threads report cpu 0" "$out/pinned.json" '[.thread[].cpu] == [0, 0]'

# 3. Guest console protocol, read by vtb-analyze (CRC, sequence, counts), and
# its figures equal to the storm's own: percentiles, min, max and mean exactly
# (stddev too when every sample is sent).
"$storm" -t 1 -i 200 -l 100 --vtb-protocol "$out/vtb.txt" -q
tap_check "protocol report (hist) accepted" "$analyze" --log "$out/vtb.txt" --out-dir "$out/vtb" --platform-mode realtime
t_jq "protocol report (hist): linux guest, 1 GHz, all ticks taken" "$out/vtb/summary.json" \
  '.guest.guest == "linux" and .guest.cntfrq == 1000000000 and .counts.ticks == 100 and .counts.taken == 100 and .counts.lost == 0'
for rec in hist samples; do
  "$storm" -t 2 -i 250 -l 300 -q --json "$out/x-$rec.json" --vtb-protocol "$out/x-$rec.log" --vtb-record "$rec"
  tap_check "record=$rec: vtb-analyze accepts the storm's report" \
    "$analyze" --log "$out/x-$rec.log" --out-dir "$out/x-$rec" --platform-mode realtime
  [ -f "$out/x-$rec/summary.json" ] || continue
  a=$(jq -c '.latency_ns | {n, min, p50, p90, p99, p99_9, max}' "$out/x-$rec/summary.json")
  b=$(jq -c '.summary.latency_ns | {n, min, p50, p90, p99, p99_9, max}' "$out/x-$rec.json")
  tap_is "record=$rec: vtb-analyze's figures equal the storm's" "$a" "$b"
  # The storm prints mean/stddev with 3 decimals: equal within 0.0005.
  fields=mean; [ "$rec" = samples ] && fields="mean stddev"
  for k in $fields; do
    tap_check "record=$rec: $k within 0.0005" jq -en --slurpfile x "$out/x-$rec/summary.json" \
      --slurpfile y "$out/x-$rec.json" \
      "(\$x[0].latency_ns.$k - \$y[0].summary.latency_ns.$k) | (if . < 0 then -. else . end) <= 0.0005001"
  done
done

# 4. Duration stop.
start=$(date +%s%N)
"$storm" -i 1000 -D 400ms -q --json "$out/dur.json"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
t_jq "-D 400ms: stopped by duration with results" "$out/dur.json" '.stop_reason == "duration" and .summary.latency_ns.n > 0'
tap_check "-D 400ms took 400 ms to 10 s (took $ms)" test "$ms" -ge 400 -a "$ms" -lt 10000

# 5. SIGINT: partial results, exit 0.
"$storm" -i 1000 --json "$out/int.json" > "$out/int.txt" &
pid=$!
sleep 0.5
kill -INT "$pid"
rc=0; wait "$pid" || rc=$?
tap_is "SIGINT: exit status" "$rc" 0
t_jq "SIGINT: partial results" "$out/int.json" '.stop_reason == "signal" and .summary.latency_ns.n > 0'
tap_check "SIGINT: text report" grep -q 'stop=signal' "$out/int.txt"

# 6. Bad options: exit 2, exactly one line on stderr, nothing written.
ncpu=$(nproc)
while IFS= read -r args; do
  rm -f "$out/bad.json"
  rc=0
  # shellcheck disable=SC2086
  "$storm" $args --json "$out/bad.json" > "$out/bad.out" 2> "$out/bad.err" || rc=$?
  ok=1
  [ "$rc" = 2 ] || { ok=0; tap_diag "exit $rc, expected 2"; }
  [ "$(wc -l < "$out/bad.err")" = 1 ] || { ok=0; tap_diag "$(wc -l < "$out/bad.err") lines on stderr"; }
  grep -q '^vtimer_storm: ' "$out/bad.err" || { ok=0; tap_diag "message lacks the program name"; }
  [ ! -e "$out/bad.json" ] || { ok=0; tap_diag "left a JSON file"; }
  [ ! -s "$out/bad.out" ] || { ok=0; tap_diag "printed on stdout"; }
  if [ "$ok" = 1 ]; then tap_ok "bad option '$args': exit 2, one line, nothing written"
  else tap_not_ok "bad option '$args': exit 2, one line, nothing written"; fi
done <<EOF
-t 0
-t 1000
-i 0
-i abc
-l -1
-p 100
-a $ncpu
-a 0-
-h 0
-D 5q
--source hpet
--mode random
--hist-shift 99
--bogus
-t
extra-arg
--vtb-record samples
EOF
tap_check "--help describes --source" bash -c "'$storm' --help | grep -q -- '--source'"
tap_done
