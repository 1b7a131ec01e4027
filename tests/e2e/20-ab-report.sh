#!/usr/bin/env bash
# End-to-end: the default A/B run (every delivery path the build supports) on
# real Xen boots, then its report: plots present, report.html renders in
# headless Chromium (screenshot kept in build/test-results/ab/), the A/B table
# names every variant.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
out=$top/build/test-results/ab
rm -rf "$out"; mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }

./run-bench.sh --no-deps -q --ticks 1000 --out "$out" --run-id ab --no-history > "$out/run.txt" 2>&1 \
  || fail "run-bench exited $?: $(tail -5 "$out/run.txt")"
run=$out/ab
mapfile -t variants < "$run/raw/variants"
for v in "${variants[@]}"; do
  jq -e '.counts.lost == 0 and .counts.spurious == 0 and .counts.taken == 1000' "$run/$v/summary.json" >/dev/null \
    || fail "variant $v: $(jq -c .counts "$run/$v/summary.json")"
  grep -q "^| metric |.* $v |" "$run/report.md" || fail "report.md has no column for $v"
done
if [ "${#variants[@]}" -ge 2 ]; then
  jq -e '.verdict' "$run/compare.json" >/dev/null || fail "compare.json has no verdict"
fi
# The traces must show the delivery path: HW-mapped list registers and
# direct injections on the direct path, none on the stock path.
guest='.vcpus[] | select(.domid == 1)'
for v in "${variants[@]}"; do
  t=$run/$v/trace-summary.json
  [ -s "$t" ] || fail "variant $v has no trace summary"
  jq -e "$guest | .ticks.guest_taken == 1000 and .exits.total > 0" "$t" >/dev/null || fail "variant $v: trace of the guest missing"
  case "$v" in
    stock) jq -e "$guest | .ticks.delivered_direct == 0 and .other.lr_vtimer_hw == 0 and .ticks.delivered_sw > 0" "$t" >/dev/null \
             || fail "stock path shows HW-mapped or direct injections: $(jq -c "$guest | .ticks" "$t")" ;;
    direct) jq -e "$guest | .ticks.delivered_direct > 0 and .other.lr_vtimer_hw > 0 and .ticks.delivered_sw == 0" "$t" >/dev/null \
             || fail "direct path shows no HW-mapped injections: $(jq -c "$guest | .ticks" "$t")" ;;
  esac
done
for p in exits-per-tick latency-stages; do
  [ -s "$run/plots/$p.svg" ] || fail "plot $p missing"
done
for p in latency-cdf latency-hist latency-series; do
  [ -s "$run/plots/$p.png" ] && [ -s "$run/plots/$p.svg" ] || fail "plot $p missing"
done

command -v chromium >/dev/null || { echo "chromium not installed: render check skipped"; exit 77; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
        --disable-background-networking --disable-component-update --disable-sync
        --user-data-dir="$profile" --window-size=1200,2400)
timeout 120 "${chrome[@]}" --screenshot="$out/report.png" "file://$run/report.html" >/dev/null 2>&1 \
  || fail "chromium could not render report.html"
timeout 120 "${chrome[@]}" --dump-dom "file://$run/report.html" > "$out/report.dom" 2>/dev/null \
  || fail "chromium could not load report.html"
svgs=$(grep -o '<svg' "$out/report.dom" | wc -l)
[ "$svgs" -ge 3 ] || fail "rendered report has $svgs plots, expected at least 3"
grep -q '<table>' "$out/report.dom" || fail "rendered report has no table"
size=$(stat -c %s "$out/report.png")
# A blank 1200x2400 page compresses to a few KB; tables and plots do not.
[ "$size" -gt 40000 ] || fail "screenshot is only $size bytes: blank page?"
echo "variants: ${variants[*]}; screenshot $out/report.png ($size bytes, $svgs plots)"
