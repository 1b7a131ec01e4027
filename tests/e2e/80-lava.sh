#!/usr/bin/env bash
# End-to-end: nightly runs through a real LAVA 2023.01 on this host
# (docs/lava.md). Brings up a single-host LAVA (platform/lava/local-lava.sh)
# under its own folder, runs a two-variant deterministic nightly locally and
# the same nightly with --runner lava, and checks that every variant's
# summary.json and samples.csv are byte-identical; that LAVA's own results
# hold the guest's counts with their measurements; that a second LAVA
# nightly compares with the first; that a Xen that cannot boot gives an
# Incomplete job and one line naming the job and its log, and no result
# directory; then takes everything down and checks nothing is left. TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/tap.sh
[ "$(id -u)" = 0 ] || tap_skip_all "needs root (LAVA's daemons and PostgreSQL)"
for p in lava-server lava-dispatcher lavacli postgresql-15; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
    || tap_skip_all "$p is not installed (scripts/install-deps.sh --lava installs LAVA)"
done
command -v qemu-system-aarch64 >/dev/null || tap_skip_all "no qemu-system-aarch64"

out=$top/build/test-results/lava
lava=$out/lava
if [ -f "$lava/state" ]; then platform/lava/local-lava.sh down --dir "$lava" >/dev/null 2>&1; fi
rm -rf "$out"; mkdir -p "$out"
sysdirs=(/etc/lava-server /var/lib/lava-server /var/lib/lava /var/log/lava-server /var/log/lava-dispatcher)
find "${sysdirs[@]}" -xdev 2>/dev/null | LC_ALL=C sort > "$out/system-before.list"
pg_before=$(pg_lsclusters -h | awk '$1 == 15 && $2 == "main" {print $4}')

t0=$(date +%s)
platform/lava/local-lava.sh up --dir "$lava" > "$out/up.txt" 2>&1
rc=$?
tap_is "local LAVA comes up" "$rc" 0
[ "$rc" = 0 ] || { tap_diag "$(tail -3 "$out/up.txt")"; platform/lava/local-lava.sh down --dir "$lava" >/dev/null 2>&1; tap_done; }
tap_diag "bring-up: $(( $(date +%s) - t0 )) s"
export XDG_CONFIG_HOME=$lava/config

common=(--no-deps -q --ticks 500 --no-trace)
./run-bench.sh nightly "${common[@]}" --out "$out/local" --run-id l1 > "$out/local.txt" 2>&1
tap_is "local nightly exits 0" "$?" 0

lava_nightly() { ./run-bench.sh nightly "${common[@]}" --runner lava --lava-device "$lava/device.conf" \
  --lava-identity vtb-local --out "$out/lava-runs" "$@"; }
t1=$(date +%s)
lava_nightly --run-id v1 > "$out/v1.txt" 2>&1
tap_is "LAVA nightly exits 0" "$?" 0
tap_diag "two-variant nightly through LAVA: $(( $(date +%s) - t1 )) s"
tap_check "LAVA nightly becomes the baseline" grep -q 'becomes the baseline' "$out/v1.txt"
for v in stock direct; do
  for f in summary.json samples.csv; do
    tap_check "[$v] $f through LAVA is byte-identical to the local run's" \
      cmp "$out/local/l1/$v/$f" "$out/lava-runs/v1/$v/$f"
  done
done
tap_check "the job definition is kept with the raw files" test -s "$out/lava-runs/v1/raw/stock/lava-job.yaml"

# LAVA's own results: the guest's trailer, with measurements.
id=$(cat "$out/lava-runs/v1/raw/stock/lava-job.id" 2>/dev/null)
PATH=/usr/sbin:/usr/bin:/sbin:/bin lavacli -i vtb-local results --yaml "$id" > "$out/results.yaml" 2>&1
lost=$(jq -r .trailer.lost "$out/lava-runs/v1/stock/summary.json" 2>/dev/null)
taken=$(jq -r .trailer.taken "$out/lava-runs/v1/stock/summary.json" 2>/dev/null)
tap_diag "one job ($id, stock, 500 ticks): $(PATH=/usr/sbin:/usr/bin:/sbin:/bin lavacli -i vtb-local jobs show "$id" | grep -E 'time *:' | tr -s ' ' | tr '\n' ' ')"
tap_check "LAVA's results hold vtb-stock-counts.lost" grep -q 'suite: vtb-stock-counts' "$out/results.yaml"
tap_is "LAVA's measurement of taken is the summary's" \
  "$(grep "^vtb-stock-counts.taken " "$out/lava-runs/v1/raw/stock/lava-results.txt" | cut -d' ' -f3)" "$taken.0"
tap_is "LAVA's measurement of lost is the summary's" \
  "$(grep "^vtb-stock-counts.lost " "$out/lava-runs/v1/raw/stock/lava-results.txt" | cut -d' ' -f3)" "$lost.0"

t2=$(date +%s)
lava_nightly --run-id v2 > "$out/v2.txt" 2>&1
tap_is "second LAVA nightly exits 0" "$?" 0
tap_check "second LAVA nightly: identical to the baseline" grep -q 'nightly \[stock\]: verdict: identical' "$out/v2.txt"
tap_diag "second nightly: $(( $(date +%s) - t2 )) s"

# The traced boot through LAVA: the Linux dom0 captures the guest with
# xentrace and prints its results archive on the console; it comes back
# checked and goes to the same trace analysis as a local traced boot.
t4=$(date +%s)
./run-bench.sh run --no-deps -q --ticks 200 --variants stock=vtimer_delivery=software --no-profile \
  --runner lava --lava-device "$lava/device.conf" --lava-identity vtb-local \
  --out "$out/lava-runs" --run-id t1 > "$out/t1.txt" 2>&1
tap_is "traced run through LAVA exits 0" "$?" 0
tap_diag "one-variant traced run through LAVA (untraced + traced job, 200 ticks): $(( $(date +%s) - t4 )) s"
tr=$out/lava-runs/t1
tid=$(cat "$tr/raw/stock-traced.lava/lava-job.id" 2>/dev/null)
tap_diag "the traced job ($tid): $(PATH=/usr/sbin:/usr/bin:/sbin:/bin lavacli -i vtb-local jobs show "$tid" 2>/dev/null | grep -E 'time *:' | tr -s ' ' | tr '\n' ' ')"
tap_is "traced through LAVA: the trace holds the guest's 200 ticks" \
  "$(jq '[.vcpus[] | select(.domid != 0) | .ticks.delivered] | add' "$tr/stock/trace-summary.json" 2>/dev/null)" 200
tap_check "traced through LAVA: exits per tick measured" \
  jq -e '[.vcpus[] | select(.domid != 0) | .exits_per_tick] | .[0] > 0' "$tr/stock/trace-summary.json"
tap_check "traced through LAVA: the archive came back (size and sha256 checked)" test -s "$tr/raw/stock-traced.lava/results.tar.gz"
# LAVA's own results of the traced job: the dom0's p50 and p99 of the
# guest's samples, which must be the host's vtb-analyze figures.
for q in p50 p99; do
  tap_is "LAVA's traced $q is vtb-analyze's" \
    "$(grep "^vtb-stock-traced-latency-ticks.$q " "$tr/raw/stock-traced.lava/lava-results.txt" | cut -d' ' -f3)" \
    "$(jq -r ".latency_ticks.$q" "$tr/stock/traced/summary.json" 2>/dev/null).0"
done
# The same boot made locally, on the machine LAVA's qemu device type boots
# (its template always adds a virtio-net PCI card, which a Linux dom0
# enumerates): the capture must be byte for byte the one LAVA brought back.
if platform/dom0/run-dom0-capture.sh --help | grep -q -- '--nic MAC'; then
  t5=$(date +%s)
  platform/dom0/run-dom0-capture.sh --raw "$out/local-traced" --guest bench/guest_kernels/build/vtb-guest.img \
    --cmdline "$(grep -m1 '^cmdline=' "$tr/raw/stock-traced/manifest" | cut -d= -f2-)" --vuart --mode deterministic \
    --xen "$(sed -n 's/^xen_image=//p' "$tr/raw/stock-traced/platform-manifest")" --xen-args vtimer_delivery=software \
    --nic 52:54:00:12:34:59 > "$out/local-traced.txt" 2>&1
  tap_is "the same traced boot locally exits 0" "$?" 0
  tap_diag "the same traced boot locally: $(( $(date +%s) - t5 )) s"
  for f in trace.xentrace console-vuart.log xl-dmesg.txt; do
    tap_check "traced: $f through LAVA is byte-identical to the local boot's" cmp "$out/local-traced/$f" "$tr/raw/stock-traced/$f"
  done
else
  tap_skip "traced: byte-identical to the local boot" "run-dom0-capture.sh has no --nic (LAVA's network card) yet"
fi

# A Xen that cannot boot: an Incomplete job, one line naming it and its log.
head -c 1048576 /dev/urandom > "$out/bogus-xen.img"
t3=$(date +%s)
platform/lava/run-job.sh --device "$lava/device.conf" --identity vtb-local --name bogus --timeout 15 \
  --xen "$out/bogus-xen.img" --kernel bench/guest_kernels/build/vtb-guest.img \
  --bootargs "ticks=100" --out "$out/bogus" > "$out/bogus.txt" 2>&1
tap_is "bogus Xen: run-job exits 1" "$?" 1
tap_diag "bogus Xen job: $(( $(date +%s) - t3 )) s"
tap_is "bogus Xen: one line" "$(wc -l < "$out/bogus.txt")" 1
tap_check "bogus Xen: the line names an Incomplete job and its log" \
  grep -qE '^lava: LAVA job [0-9]+ Incomplete: .*; log: http://127.0.0.1:8000/scheduler/job/[0-9]+, ' "$out/bogus.txt"
tap_check "bogus Xen: no console brought back" test ! -e "$out/bogus/console.log"
tap_diag "$(cat "$out/bogus.txt")"

# Through run-bench: the device's type has no device online -> one line,
# no result directory, no history row.
sed 's/^device_type *=.*/device_type = no-such-type/' "$lava/device.conf" > "$out/offline.conf"
rows_before=$(sqlite3 "$out/lava-runs/history.sqlite" 'SELECT count(*) FROM runs')
./run-bench.sh nightly "${common[@]}" --runner lava --lava-device "$out/offline.conf" --lava-identity vtb-local \
  --out "$out/lava-runs" --run-id v3 > "$out/v3.txt" 2>&1
tap_is "no device online: nightly exits 1" "$?" 1
tap_check "no device online: says so" grep -q "no LAVA device of type 'no-such-type' is online" "$out/v3.txt"
tap_check "no device online: no result directory" test ! -e "$out/lava-runs/v3"
tap_is "no device online: no history row" "$(sqlite3 "$out/lava-runs/history.sqlite" 'SELECT count(*) FROM runs')" "$rows_before"

./run-bench.sh --no-deps --runner lava --out "$out/x" > "$out/usage.txt" 2>&1
tap_is "--runner lava without --lava-device: usage error" "$?" 2

platform/lava/local-lava.sh down --dir "$lava" > "$out/down.txt" 2>&1
tap_is "local LAVA goes down" "$?" 0
tap_is "no LAVA process left" "$(pgrep -f 'lava-worker --name vtb-worker|lava_server.wsgi|lava-server manage lava-(publisher|scheduler)' | wc -l)" 0
tap_is "no database left" "$(runuser -u postgres -- psql -X -tA -c "SELECT count(*) FROM pg_database WHERE datname='lavaserver'" 2>/dev/null || echo 0)" 0
tap_is "PostgreSQL as it was" "$(pg_lsclusters -h | awk '$1 == 15 && $2 == "main" {print $4}')" "$pg_before"
find "${sysdirs[@]}" -xdev 2>/dev/null | LC_ALL=C sort > "$out/system-after.list"
tap_is "no file left in LAVA's system folders" "$(LC_ALL=C comm -13 "$out/system-before.list" "$out/system-after.list" | head -3 | tr '\n' ' ')" ""
tap_diag "whole test: $(( $(date +%s) - t0 )) s"
tap_done
