#!/usr/bin/env bash
# End-to-end: the native vtimer_storm on this host (wall-clock, no QEMU).
# Asserts exact wake-up counts for every source and mode, a histogram whose
# cumulative counts rise monotonically to n, ordered percentiles, JSON and
# text agreeing, a CRC-valid guest-protocol report, duration and Ctrl-C
# stops with partial results, and one-line exit-2 errors for bad options
# with no output file left behind.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
storm=$top/bench/build/native/vtimer_storm
[ -x "$storm" ] || make -C "$top/bench" native >/dev/null
command -v jq >/dev/null || { echo "jq not installed"; exit 77; }
out=$top/build/test-results/storm-native
rm -rf "$out"; mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }

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

check_json() { # file threads loops
  local j=$1 t=$2 l=$3 n=$(($2 * $3))
  jq -e --argjson n "$n" --argjson l "$l" --argjson t "$t" '
      .stop_reason == "count" and .num_threads == $t
      and ([.thread[] | .cycles == $l] | all)
      and .summary.latency_ns.n == $n
      and (.summary.latency_ns | .min <= .p50 and .p50 <= .p90 and .p90 <= .p99 and .p99 <= .p99_9 and .p99_9 <= .max)
      and .summary.latency_ns.min > 0
      and ([.histogram_ns.buckets[][1]] | add) == $n
      and ([.histogram_ns.buckets[][0]] | . == sort)
      and .perf["context-switches"].status == "ok" and .perf["task-clock"].value > 0
      and (.perf.cycles.status == "ok" or .perf.cycles.status == "unavailable")' "$j" >/dev/null \
    || fail "$j: counts/percentiles wrong: $(jq -c '{stop_reason, n: .summary.latency_ns, threads: [.thread[].cycles]}' "$j")"
}

# 1. Every source and mode: exact counts, consistent histograms.
for src in timerfd nanosleep signal; do
  for mode in periodic back-to-back; do
    j=$out/$src-$mode.json txt=$out/$src-$mode.txt
    "$storm" -t 2 -i 300 -l 150 -h 5000 --source "$src" --mode "$mode" --json "$j" > "$txt" \
      || fail "storm --source $src --mode $mode exited $?"
    check_json "$j" 2 150
    check_text_hist "$txt" 300 || fail "$txt: histogram not cumulative to n=300"
    grep -q "^latency_ns n=300 " "$txt" || fail "$txt: text summary n is not 300"
    # Text and JSON report the same figures.
    want=$(jq -r '.summary.latency_ns | "min=\(.min) p50=\(.p50) p90=\(.p90) p99=\(.p99) p99_9=\(.p99_9) max=\(.max)"' "$j")
    grep -q "^latency_ns n=300 $want " "$txt" || fail "$txt: text ($(grep ^latency_ns "$txt")) != JSON ($want)"
    grep -Eq '^perf context-switches=[0-9]+ .*cycles=(unavailable|[0-9]+)' "$txt" || fail "$txt: no perf line"
  done
done
echo "sources and modes: ok"

# 2. Pinned threads report their CPU.
"$storm" -t 2 -i 500 -l 20 -a 0 -q --json "$out/pinned.json"
jq -e '[.thread[].cpu] == [0, 0]' "$out/pinned.json" >/dev/null || fail "pinned threads do not report cpu 0"

# 3. Guest console protocol: every line's CRC, sequence, and B counts adding up to taken.
"$storm" -t 1 -i 200 -l 100 --vtb-protocol "$out/vtb.txt" -q
"$storm" -t 1 -i 200 -l 40 --vtb-protocol "$out/vtb-samples.txt" --vtb-record samples -q
python3 - "$out/vtb.txt" "$out/vtb-samples.txt" <<'PY' || fail "guest-protocol report invalid"
import sys, zlib
for path in sys.argv[1:]:
    lines = open(path).read().splitlines()
    assert lines, path
    total = samples = 0
    for i, l in enumerate(lines):
        body, crc = l.rsplit('*', 1)
        assert int(crc, 16) == zlib.crc32(body.encode()), (path, i, l)
        f = body.split()
        assert f[0] == '@VTB' and f[1] == '1' and int(f[2]) == i, (path, l)
        if f[3] == 'B': total += int(f[5])
        if f[3] == 'S': samples += len(f[5].split(','))
        if f[3] == 'H': hdr = dict(kv.split('=') for kv in f[4:])
        if f[3] == 'T': tr = dict(kv.split('=') for kv in f[4:])
    assert lines[-1].split()[3] == 'E' and f'lines={len(lines)-1}' in lines[-1]
    assert hdr['cntfrq'] == '1000000000' and hdr['guest'] == 'linux'
    assert int(tr['taken']) == int(hdr['ticks']) and int(tr['lost']) == 0
    assert total + samples == int(tr['taken']), (total, samples, tr)
PY
echo "guest protocol: ok"

# The project's console-log analysis (analysis/bin/vtb-analyze, if built) must
# get the storm's own figures from the protocol report: percentiles, min, max
# and mean exactly (stddev too when every sample is sent).
analyze=$top/analysis/bin/vtb-analyze
if [ -x "$analyze" ]; then
  for rec in hist samples; do
    "$storm" -t 2 -i 250 -l 300 -q --json "$out/x-$rec.json" --vtb-protocol "$out/x-$rec.log" --vtb-record "$rec"
    "$analyze" --log "$out/x-$rec.log" --out-dir "$out/x-$rec" --platform-mode realtime >/dev/null \
      || fail "vtb-analyze rejected the storm's $rec report"
    a=$(jq -c '.latency_ns | {n, min, p50, p90, p99, p99_9, max}' "$out/x-$rec/summary.json")
    b=$(jq -c '.summary.latency_ns | {n, min, p50, p90, p99, p99_9, max}' "$out/x-$rec.json")
    [ "$a" = "$b" ] || fail "record=$rec: vtb-analyze $a != storm $b"
    # The storm prints mean/stddev with 3 decimals: equal within 0.0005.
    fields=mean; [ "$rec" = samples ] && fields="mean stddev"
    for k in $fields; do
      jq -en --slurpfile x "$out/x-$rec/summary.json" --slurpfile y "$out/x-$rec.json" \
        "(\$x[0].latency_ns.$k - \$y[0].summary.latency_ns.$k) | (if . < 0 then -. else . end) <= 0.0005001" >/dev/null \
        || fail "record=$rec: $k differs: vtb-analyze $(jq .latency_ns.$k "$out/x-$rec/summary.json"), storm $(jq .summary.latency_ns.$k "$out/x-$rec.json")"
    done
  done
  echo "vtb-analyze agrees: ok"
else
  echo "analysis/bin/vtb-analyze not built: cross-check skipped"
fi

# 4. Duration stop.
start=$(date +%s%N)
"$storm" -i 1000 -D 400ms -q --json "$out/dur.json"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
jq -e '.stop_reason == "duration" and .summary.latency_ns.n > 0' "$out/dur.json" >/dev/null || fail "-D 400ms: $(jq -c '{stop_reason, n: .summary.latency_ns.n}' "$out/dur.json")"
[ "$ms" -ge 400 ] && [ "$ms" -lt 10000 ] || fail "-D 400ms took ${ms} ms"

# 5. SIGINT: partial results, exit 0.
"$storm" -i 1000 --json "$out/int.json" > "$out/int.txt" &
pid=$!
sleep 0.5
kill -INT "$pid"
wait "$pid" || fail "storm exited $? after SIGINT"
jq -e '.stop_reason == "signal" and .summary.latency_ns.n > 0' "$out/int.json" >/dev/null || fail "SIGINT: no partial results"
grep -q 'stop=signal' "$out/int.txt" || fail "SIGINT: text report missing"
echo "stops: ok"

# 6. Bad options: exit 2, exactly one line on stderr, nothing written.
ncpu=$(nproc)
while IFS= read -r args; do
  rm -f "$out/bad.json"
  set +e
  # shellcheck disable=SC2086
  "$storm" $args --json "$out/bad.json" > "$out/bad.out" 2> "$out/bad.err"
  rc=$?
  set -e
  [ "$rc" = 2 ] || fail "'$args' exited $rc, expected 2"
  [ "$(wc -l < "$out/bad.err")" = 1 ] || fail "'$args' printed $(wc -l < "$out/bad.err") lines on stderr"
  grep -q '^vtimer_storm: ' "$out/bad.err" || fail "'$args': message lacks the program name"
  [ ! -e "$out/bad.json" ] || fail "'$args' left a JSON file"
  [ ! -s "$out/bad.out" ] || fail "'$args' printed on stdout"
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
echo "option errors: ok"
"$storm" --help | grep -q -- '--source' || fail "--help does not describe --source"
echo "PASS"
