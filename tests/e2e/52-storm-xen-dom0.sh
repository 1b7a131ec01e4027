#!/usr/bin/env bash
# End-to-end: the Linux storm (bench/vtimer_storm, static aarch64) as /init
# of Debian's arm64 kernel booted as Xen's dom0 on the emulated platform in
# deterministic mode (platform/linux-guest/run.sh). Asserts that
# vtb-analyze accepts the serial log, that the summary holds the requested
# tick count, nothing lost and a positive median, and that a second run
# gives the identical summary and the identical @VTB report.
# Skips (77) without qemu-system-aarch64, the aarch64 storm, the cached
# arm64 .debs, vtb-analyze or a Xen build.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
command -v python3 >/dev/null || skip "python3 not installed"
storm=$top/bench/build/aarch64/vtimer_storm
[ -x "$storm" ] || make -C "$top/bench" aarch64 >/dev/null 2>&1 || true
[ -x "$storm" ] || skip "no aarch64 vtimer_storm (aarch64-linux-gnu-gcc and libc6-dev-arm64-cross needed)"
debs=${VTB_CACHE:-$top/cache}/debs
ls "$debs"/linux-image-*-cloud-arm64_*_arm64.deb >/dev/null 2>&1 || skip "no arm64 kernel package in $debs"
ls "$debs"/busybox-static_*_arm64.deb >/dev/null 2>&1 || skip "no busybox-static arm64 package in $debs"
analyze=$top/analysis/bin/vtb-analyze
[ -x "$analyze" ] || make -C "$top/analysis" >/dev/null 2>&1 || true
[ -x "$analyze" ] || skip "analysis/bin/vtb-analyze not built"
xen=$("$top/tracing/build-xen.sh" 2>/dev/null | tail -1) || skip "tracing/build-xen.sh failed (no Xen build)"
[ -f "$xen" ] || skip "no Xen image"

out=$top/build/test-results/storm-xen-dom0
rm -rf "$out"; mkdir -p "$out"
# Both runs must boot the very same Xen bytes: the cached build can be
# rebuilt (new build date) by another job between the two runs.
cp "$xen" "$out/xen.img"
ticks=1000
run() {
  local t0=$SECONDS
  "$top/platform/linux-guest/run.sh" --xen "$out/xen.img" --mode deterministic --timeout 900 \
      --storm-args "-t1 -i100 -l$ticks" --log "$out/$1.log" || fail "run $1 failed (see $out/$1.log)"
  echo "run $1: $((SECONDS - t0)) s wall-clock"
  "$analyze" --log "$out/$1.log" --out-dir "$out/$1" --platform-mode deterministic --label run \
    || fail "vtb-analyze rejected $out/$1.log"
}
run a
python3 - "$out/a/summary.json" "$ticks" <<'PY' || fail "summary of run a: $(cat "$out/a/summary.json")"
import json, sys
s = json.load(open(sys.argv[1])); n = int(sys.argv[2])
c, l = s['counts'], s['latency_ns']
assert s['guest']['guest'] == 'linux' and s['guest']['intid'] == 27, s['guest']
assert c['ticks'] == n and c['taken'] == n and c['lost'] == 0 and l['n'] == n, c
assert l['p50'] > 0 and l['min'] <= l['p50'] <= l['p99'] <= l['max'], l
assert s['latency_instructions'] == l, 'deterministic: ns must equal instructions'
print('run a: n=%d lost=%d p50=%s p99=%s max=%s ns (= instructions)' % (l['n'], c['lost'], l['p50'], l['p99'], l['max']))
PY
grep -aq '^(XEN) ' "$out/a.log" || fail "no Xen console lines: was Xen booted?"
run b
cmp -s "$out/a/summary.json" "$out/b/summary.json" || {
  diff "$out/a/summary.json" "$out/b/summary.json" | head -20
  fail "two deterministic runs gave different summaries (QEMU's random /chosen/rng-seed? see docs/vtimer-storm.md, Under Xen)"
}
cmp -s <(grep -a -o '@VTB.*' "$out/a.log") <(grep -a -o '@VTB.*' "$out/b.log") \
  || fail "two deterministic runs gave different @VTB reports"
echo "PASS"
