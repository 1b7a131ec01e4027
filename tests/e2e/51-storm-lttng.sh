#!/usr/bin/env bash
# End-to-end LTTng round trip: lttng create / enable-event vtb_storm:* /
# start, run the native vtimer_storm, stop, then read the CTF trace with
# analysis/ctf/bin/vtb-storm-ctf (libbabeltrace2) and require its statistics
# to equal the storm's own JSON.  Also requires a mismatch to be detected
# against another run's JSON.  Exit 77 (skip) without lttng or without an
# LTTng-enabled build.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
storm=$top/bench/build/native/vtimer_storm
reader=$top/analysis/ctf/bin/vtb-storm-ctf
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
command -v lttng >/dev/null || skip "lttng (lttng-tools) not installed"
command -v lttng-sessiond >/dev/null || skip "lttng-sessiond not installed"
command -v jq >/dev/null || skip "jq not installed"
[ -x "$storm" ] || make -C "$top/bench" native >/dev/null
[ -x "$reader" ] || make -C "$top/analysis/ctf" all >/dev/null
"$storm" -l 1 -i 100 | grep -q 'lttng=yes' || skip "vtimer_storm built without LTTng-UST (install liblttng-ust-dev, rebuild)"

out=$top/build/test-results/storm-lttng
rm -rf "$out"; mkdir -p "$out"
session=vtb-storm-test-$$
started_pid=
cleanup() {
  lttng destroy "$session" >/dev/null 2>&1 || true
  lttng destroy "$session-s" >/dev/null 2>&1 || true
  # Only a session daemon this script started is stopped, by its pid.
  if [ -n "$started_pid" ]; then kill "$started_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

if ! lttng list >/dev/null 2>&1; then
  lttng-sessiond --daemonize --no-kernel || skip "cannot start lttng-sessiond"
  for _ in 1 2 3 4 5 6 7 8 9 10; do lttng list >/dev/null 2>&1 && break; sleep 0.3; done
  pidfile=/var/run/lttng/lttng-sessiond.pid
  [ "$(id -u)" = 0 ] || pidfile=$HOME/.lttng/lttng-sessiond.pid
  started_pid=$(cat "$pidfile" 2>/dev/null || true)
  lttng list >/dev/null 2>&1 || skip "lttng-sessiond did not come up"
fi

trace=$out/trace
lttng create "$session" --output="$trace" >/dev/null
# Large sub-buffers: every wake-up must reach the trace (the reader rejects losses).
lttng enable-channel -u -s "$session" --subbuf-size=1M --num-subbuf=8 storm >/dev/null
lttng enable-event -u -s "$session" -c storm 'vtb_storm:*' >/dev/null
lttng start "$session" >/dev/null
"$storm" -t 2 -i 200 -l 1500 -q --json "$out/storm.json"
lttng stop "$session" >/dev/null
lttng destroy "$session" >/dev/null

"$reader" "$trace" --expect "$out/storm.json" --json "$out/trace.json" > "$out/reader.txt" \
  || { cat "$out/reader.txt"; fail "trace statistics differ from the storm's JSON (rc $?)"; }
cat "$out/reader.txt"
grep -q '^match: ' "$out/reader.txt" || fail "reader did not report a match"
jq -e '.wakeups == 3000 and .discarded_events == 0 and .summary.latency_ns.n == 3000' "$out/trace.json" >/dev/null \
  || fail "trace JSON: $(jq -c . "$out/trace.json")"

# With every sample kept the storm reports exact percentiles; the reader must follow.
trace2=$out/trace-samples
lttng create "$session-s" --output="$trace2" >/dev/null
lttng enable-channel -u -s "$session-s" --subbuf-size=1M --num-subbuf=8 storm >/dev/null
lttng enable-event -u -s "$session-s" -c storm 'vtb_storm:*' >/dev/null
lttng start "$session-s" >/dev/null
"$storm" -t 1 -i 300 -l 800 -q --json "$out/storm-samples.json" --vtb-protocol "$out/vtb-samples.txt" --vtb-record samples
lttng stop "$session-s" >/dev/null
lttng destroy "$session-s" >/dev/null
jq -e '.summary.percentiles == "exact"' "$out/storm-samples.json" >/dev/null || fail "samples run did not report exact percentiles"
"$reader" "$trace2" --expect "$out/storm-samples.json" > "$out/reader-samples.txt" \
  || { cat "$out/reader-samples.txt"; fail "exact-percentile run: trace differs from the storm's JSON"; }

# The comparison must be able to fail: another run's JSON differs.
"$storm" -t 2 -i 200 -l 1499 -q --json "$out/other.json"
set +e
"$reader" "$trace" --expect "$out/other.json" > "$out/reader-other.txt" 2> "$out/reader-other.err"
rc=$?
set -e
[ "$rc" = 1 ] || fail "reader accepted another run's JSON (rc $rc)"
grep -q 'latency n: trace 3000, storm JSON 2998' "$out/reader-other.err" || fail "mismatch not named: $(head -3 "$out/reader-other.err")"

# Not a trace: one line, exit 2.
mkdir -p "$out/empty"
set +e
"$reader" "$out/empty" --expect "$out/storm.json" > /dev/null 2> "$out/reader-bad.err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "reader on a directory without a trace exited $rc"
[ "$(wc -l < "$out/reader-bad.err")" = 1 ] || fail "reader printed more than one error line"
echo "PASS"
