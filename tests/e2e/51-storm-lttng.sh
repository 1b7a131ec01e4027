#!/usr/bin/env bash
# End-to-end LTTng round trip (TAP): lttng create / enable-event vtb_storm:* /
# start, run the native vtimer_storm, stop, then read the CTF trace with
# analysis/ctf/bin/vtb-storm-ctf (libbabeltrace2) and require its statistics
# to equal the storm's own JSON.  Also requires a mismatch to be detected
# against another run's JSON.  Skipped without lttng or without an
# LTTng-enabled build.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
case "${1:-}" in -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
storm=$top/bench/build/native/vtimer_storm
reader=$top/analysis/ctf/bin/vtb-storm-ctf
command -v lttng >/dev/null || tap_skip_all "lttng (lttng-tools) not installed"
command -v lttng-sessiond >/dev/null || tap_skip_all "lttng-sessiond not installed"
command -v jq >/dev/null || tap_skip_all "jq not installed"
make -s -C "$top/bench" native >/dev/null || tap_bail "bench build failed"
[ -x "$reader" ] || make -s -C "$top/analysis/ctf" all >/dev/null || tap_bail "vtb-storm-ctf build failed"
"$storm" -l 1 -i 100 | grep -q 'lttng=yes' || tap_skip_all "vtimer_storm built without LTTng-UST (install liblttng-ust-dev, rebuild)"

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
  lttng-sessiond --daemonize --no-kernel || tap_skip_all "cannot start lttng-sessiond"
  for _ in 1 2 3 4 5 6 7 8 9 10; do lttng list >/dev/null 2>&1 && break; sleep 0.3; done
  pidfile=/var/run/lttng/lttng-sessiond.pid
  [ "$(id -u)" = 0 ] || pidfile=$HOME/.lttng/lttng-sessiond.pid
  started_pid=$(cat "$pidfile" 2>/dev/null || true)
  lttng list >/dev/null 2>&1 || tap_skip_all "lttng-sessiond did not come up"
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

rc=0
"$reader" "$trace" --expect "$out/storm.json" --json "$out/trace.json" > "$out/reader.txt" 2>&1 || rc=$?
tap_is "trace statistics equal the storm's JSON (reader exit)" "$rc" 0
tap_diag "$(cat "$out/reader.txt")"
tap_check "reader reports a match" grep -q '^match: ' "$out/reader.txt"
tap_check "trace: 3000 wake-ups, none discarded" jq -e \
  '.wakeups == 3000 and .discarded_events == 0 and .summary.latency_ns.n == 3000' "$out/trace.json"

# With every sample kept the storm reports exact percentiles; the reader must follow.
trace2=$out/trace-samples
lttng create "$session-s" --output="$trace2" >/dev/null
lttng enable-channel -u -s "$session-s" --subbuf-size=1M --num-subbuf=8 storm >/dev/null
lttng enable-event -u -s "$session-s" -c storm 'vtb_storm:*' >/dev/null
lttng start "$session-s" >/dev/null
"$storm" -t 1 -i 300 -l 800 -q --json "$out/storm-samples.json" --vtb-protocol "$out/vtb-samples.txt" --vtb-record samples
lttng stop "$session-s" >/dev/null
lttng destroy "$session-s" >/dev/null
tap_check "samples run reports exact percentiles" jq -e '.summary.percentiles == "exact"' "$out/storm-samples.json"
tap_check "exact-percentile run: trace equals the storm's JSON" \
  "$reader" "$trace2" --expect "$out/storm-samples.json"

# The comparison must be able to fail: another run's JSON differs.
"$storm" -t 2 -i 200 -l 1499 -q --json "$out/other.json"
rc=0
"$reader" "$trace" --expect "$out/other.json" > "$out/reader-other.txt" 2> "$out/reader-other.err" || rc=$?
tap_is "reader rejects another run's JSON (exit)" "$rc" 1
tap_check "the mismatch is named" grep -q 'latency n: trace 3000, storm JSON 2998' "$out/reader-other.err"

# Not a trace: bad input, one line, exit 1 (docs/conventions.md).
mkdir -p "$out/empty"
rc=0
"$reader" "$out/empty" --expect "$out/storm.json" > /dev/null 2> "$out/reader-bad.err" || rc=$?
tap_is "reader on a directory without a trace: exit" "$rc" 1
tap_is "reader on a directory without a trace: error lines" "$(wc -l < "$out/reader-bad.err")" 1
tap_done
