#!/usr/bin/env bash
# End-to-end: the Linux storm (bench/vtimer_storm, static aarch64) as /init
# of Debian's arm64 kernel booted as Xen's dom0 on the emulated platform in
# deterministic mode (platform/linux-guest/run.sh). vtb-analyze must accept
# the serial log; the summary must hold the requested tick count, nothing
# lost and a positive median; a second run must give the identical summary
# and the identical @VTB report. TAP; skipped without the aarch64 storm, the
# cached arm64 .debs, vtb-analyze, jq or a Xen build.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/platform/lib/boot.sh"
command -v jq >/dev/null || tap_skip_all "jq not installed"
vtb_machine_ready >/dev/null || tap_skip_all "the machine's emulator is not installed (platform/machines/)"
storm=$top/bench/build/aarch64/vtimer_storm
[ -x "$storm" ] || make -C "$top/bench" aarch64 >/dev/null 2>&1 || true
[ -x "$storm" ] || tap_skip_all "no aarch64 vtimer_storm (aarch64-linux-gnu-gcc and libc6-dev-arm64-cross needed)"
debs=${VTB_CACHE:-$top/cache}/debs
ls "$debs"/linux-image-*-cloud-arm64_*_arm64.deb >/dev/null 2>&1 || tap_skip_all "no arm64 kernel package in $debs"
ls "$debs"/busybox-static_*_arm64.deb >/dev/null 2>&1 || tap_skip_all "no busybox-static arm64 package in $debs"
analyze=$top/analysis/bin/vtb-analyze
[ -x "$analyze" ] || make -C "$top/analysis" >/dev/null 2>&1 || true
[ -x "$analyze" ] || tap_skip_all "analysis/bin/vtb-analyze not built"
xen=$("$top/tracing/build-xen.sh" 2>/dev/null | tail -1) || tap_skip_all "tracing/build-xen.sh failed (no Xen build)"
[ -f "$xen" ] || tap_skip_all "no Xen image"

work=$top/build/test-results/storm-xen-dom0
rm -rf "$work"; mkdir -p "$work"
# Both runs must boot the very same Xen bytes: the cached build can be
# rebuilt (new build date) by another job between the two runs.
cp "$xen" "$work/xen.img"
ticks=1000
run() { # name
  "$top/platform/linux-guest/run.sh" --xen "$work/xen.img" --mode deterministic --timeout 900 \
    --storm-args "-t1 -i100 -l$ticks" --log "$work/$1.log" &&
  "$analyze" --log "$work/$1.log" --out-dir "$work/$1" --platform-mode deterministic --label run
}
tap_check "run a: the storm runs as dom0 and vtb-analyze accepts its log" run a
s=$work/a/summary.json
tap_is "run a: a Linux guest on the vtimer PPI" "$(jq -r '[.guest.guest, .guest.intid] | @tsv' "$s" 2>/dev/null)" "$(printf 'linux\t27')"
tap_is "run a: every tick taken, none lost" \
  "$(jq -r '[.counts.ticks, .counts.taken, .counts.lost, .latency_ns.n] | @tsv' "$s" 2>/dev/null)" \
  "$(printf '%s\t%s\t0\t%s' $ticks $ticks $ticks)"
tap_is "run a: latency quantiles positive and ordered" \
  "$(jq -r '.latency_ns | .p50 > 0 and .min <= .p50 and .p50 <= .p99 and .p99 <= .max' "$s" 2>/dev/null)" true
tap_is "run a: deterministic ns equal instructions" \
  "$(jq -r '.latency_ns == .latency_instructions' "$s" 2>/dev/null)" true
tap_diag "run a: $(jq -r '.latency_ns | "n=\(.n) p50=\(.p50) p99=\(.p99) max=\(.max) ns (= instructions)"' "$s" 2>/dev/null)"
tap_check "run a: Xen was booted (its console lines are in the log)" grep -aq '^(XEN) ' "$work/a.log"
tap_check "run b: the same boot again" run b
# A difference here is what QEMU's random /chosen/rng-seed made before every
# deterministic boot had dtb-randomness=off (docs/machine.md).
tap_check "two deterministic runs give the identical summary" cmp "$work/a/summary.json" "$work/b/summary.json"
tap_check "two deterministic runs give the identical @VTB report" \
  cmp <(grep -a -o '@VTB.*' "$work/a.log") <(grep -a -o '@VTB.*' "$work/b.log")
tap_done
