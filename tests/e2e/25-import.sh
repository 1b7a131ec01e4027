#!/usr/bin/env bash
# End-to-end: the server workflow of docs/server.md on the emulated platform,
# as if it were a Xen/ARM server. In a Linux dom0, tracing/dom0-run.sh
# captures the storm guest under xentrace once per variant: stock Xen as it
# is (no trace points) and Xen with the project's series on the direct path
# (platform/dom0/run-dom0-capture.sh --raw keeps each capture directory);
# only the files dom0-run.sh writes are brought out to a "laptop" folder;
# `run-bench.sh import` turns them into a results directory with summaries,
# trace analysis, comparison, report and history, from relative paths.
# Then report/compare of the imported run, and import's refusals. TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/platform/lib/boot.sh"
vtb_machine_ready >/dev/null || tap_skip_all "the machine's emulator is not installed (platform/machines/)"
debs=${VTB_CACHE:-$top/cache}/debs
ls "$debs"/xen-utils-4.17_*_arm64.deb "$debs"/linux-image-*-cloud-arm64_*.deb >/dev/null 2>&1 ||
  tap_skip_all "arm64 .debs missing from $debs (scripts/install-deps.sh)"
ls "${VTB_CACHE:-$top/cache}"/src/xen_*.dsc >/dev/null 2>&1 || tap_skip_all "Xen source package missing (scripts/install-deps.sh)"
make -s -C "$top" all >/dev/null 2>&1 || tap_bail "make all failed"
out=$top/build/test-results/import
rm -rf "$out"; mkdir -p "$out/server" "$out/laptop/captures"
umask 022
ticks=300
# The Xen developer's case: stock Xen as it is (no trace points, no
# vtimer_delivery=) against Xen with the project's series.
xen_stock=$("$top/tracing/build-xen.sh" -q --series none | tail -1) || tap_bail "building stock Xen failed"
xen_ours=$("$top/tracing/build-xen.sh" -q | tail -1) || tap_bail "building Xen with the series failed"

# 1. On the "server": one capture per variant, Xen rebooted in between.
for v in "stock:$xen_stock:" "direct:$xen_ours:vtimer_delivery=direct"; do
  IFS=: read -r name xen opt <<< "$v"
  t0=$(date +%s)
  "$top/platform/dom0/run-dom0-capture.sh" --raw "$out/server/$name" --mode deterministic --xen "$xen" \
    --guest "$top/bench/guest_kernels/build/vtb-guest.img" --vuart --xen-args "$opt" \
    --cmdline "ticks=$ticks mode=periodic period_ns=100000" > "$out/server/$name.log" 2>&1
  rc=$?
  tap_is "capture of $name in the dom0 exits 0" "$rc" 0
  tap_diag "capture of $name: $(( $(date +%s) - t0 ))s wall-clock"
  [ "$rc" = 0 ] || { tap_diag "$(tail -3 "$out/server/$name.log")"; tap_done; }
  # 2. Bring back what dom0-run.sh wrote, nothing of the emulation around it.
  (cd "$out/server/$name" && tar -cf - --exclude=serial.log --exclude=platform-manifest --exclude=dom0-dmesg.txt .) |
    (mkdir "$out/laptop/captures/$name" && tar -xf - -C "$out/laptop/captures/$name")
done
tap_check "a capture holds no untraced console.log" test ! -e "$out/laptop/captures/stock/console.log"

# 3. Import on the "laptop", with paths relative to where the user stands.
cd "$out/laptop" || exit 1
res=$("$top/run-bench.sh" import -q --out results --run-id x captures/stock captures/direct 2>&1); rc=$?
tap_is "a capture that names no variant must be named: usage error" "$rc" 2
tap_check "... saying so" grep -q "cannot tell which variant .*captures/stock.*give it as NAME=DIR" <<< "$res"
"$top/run-bench.sh" import -q --out results --run-id srv stock=captures/stock captures/direct > import.txt 2> import.err
tap_is "import exits 0" "$?" 0
tap_is "it says which capture has no trace points" "$(cat import.err)" \
  "run-bench: [stock] the trace has no ARM trace records (this Xen has no trace points): the guest's figures only"
run=results/srv
tap_is "the variants: NAME=, then the path on Xen's command line" "$("$top/analysis/run/bin/vtb-run" variants "$run" | paste -sd,)" stock,direct
tap_is "the run is a server run" "$("$top/analysis/run/bin/vtb-run" get "$run" target)" server
for v in stock direct; do
  tap_check "$v: the guest's $ticks ticks, none lost" jq -e ".counts.taken == $ticks and .counts.lost == 0" "$run/$v/summary.json"
done
tap_check "stock Xen: no trace analysis (unknown, not zero)" test ! -e "$run/stock/trace-summary.json"
tap_check "the manifest says so" grep -q '^traced_boots=.*no ARM trace records (Xen without trace points): stock$' "$run/manifest.txt"
tap_check "direct: the trace shows HW-mapped direct injections of all its ticks" jq -e \
  ".vcpus[] | select(.domid != 0) | .ticks.guest_taken == $ticks and .ticks.delivered_direct > 0 and .ticks.delivered_sw == 0" "$run/direct/trace-summary.json"
tap_check "compare.json compares direct against stock" jq -e '.verdict and .a.dir == "stock" and .b.dir == "direct"' "$run/compare.json"
tap_check "report.md says it is an imported capture" grep -q '^Imported Xen/ARM server capture' "$run/report.md"
tap_check "report.md has the exits per tick" grep -q '^## Exits per delivered tick' "$run/report.md"
tap_check "report.html and the plots" test -s "$run/report.html" -a -s "$run/plots/latency-cdf.svg" -a -s "$run/plots/exits-per-tick.svg"
tap_check "the manifest names the server's Xen and tools" grep -q '^platform=Xen/ARM server capture (tracing/dom0-run.sh): Xen 4\.17\.[0-9]* .*xentrace' "$run/manifest.txt"
tap_is "the history holds the run" "$(sqlite3 results/history.sqlite "SELECT count(*) FROM runs WHERE run_id = 'srv'")" 1
tap_is "the results directory follows the umask" "$(stat -c %a "$run")" 755
tap_check "the summary is printed" grep -q '^results: .*/results/srv$' import.txt
figures=$(jq -r '"\(.label): p50 \(.latency_ns.p50) ns, p99 \(.latency_ns.p99) ns"' "$run"/stock/summary.json "$run"/direct/summary.json | paste -sd';')
tap_diag "imported figures (guest, traced): $figures"
tap_diag "verdict: $(jq -r .verdict "$run/compare.json")"

# 4. The imported run behaves like a local one.
before=$(find "$run" -printf '%p %s %T@\n' | sort)
"$top/run-bench.sh" compare "$run" "$run" > cmp.txt 2>&1
tap_is "compare of the imported run with itself exits 0" "$?" 0
tap_is "both variants compare identical" "$(grep -c '^verdict: identical' cmp.txt)" 2
tap_is "compare left the imported run as it was" "$(find "$run" -printf '%p %s %T@\n' | sort)" "$before"
"$top/run-bench.sh" report -q "$run" > report.txt 2>&1
tap_is "report of the imported run exits 0" "$?" 0
"$top/run-bench.sh" import -q --out results --run-id named --no-history a=captures/direct b=captures/stock > /dev/null 2>&1
tap_is "NAME=DIR names every variant" "$("$top/analysis/run/bin/vtb-run" variants results/named 2>/dev/null | paste -sd,)" a,b

# 5. Refusals: one line, non-zero, nothing written.
n0=$(ls -A results | wc -l)
res=$("$top/run-bench.sh" import -q --out results nosuch 2>&1); rc=$?
tap_is "a missing capture directory: exit 1, one line" "$rc:$(printf '%s\n' "$res" | wc -l)" 1:1
res=$("$top/run-bench.sh" import -q --out results captures/direct captures/direct 2>&1); rc=$?
tap_is "two captures of one variant: usage error" "$rc" 2
tap_check "... saying to name them" grep -q 'name them NAME=DIR' <<< "$res"
cp -R captures/direct rejected
echo '(XEN) parameter "vtimer_delivery" unknown!' >> rejected/xl-dmesg.txt
res=$("$top/run-bench.sh" import -q --out results rejected 2>&1); rc=$?
tap_is "a capture whose Xen rejected the option fails" "$rc" 1
tap_check "... quoting Xen's line" grep -qF "[direct] Xen rejected its command line: '(XEN) parameter \"vtimer_delivery\" unknown!'" <<< "$res"
tap_is "... and nothing was written" "$(ls -A results | wc -l)" "$n0"
tap_done
