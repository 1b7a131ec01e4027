#!/usr/bin/env bash
# End-to-end: a short `./run-bench.sh justify` (two scenarios, few ticks, no
# traced boots) on real Xen boots: one directory, whole; the verdict table's
# figures are the runs' own (summary.json, compare.json, profile.json); the
# unmask-first race has its own line with the counts; cover-letter.txt fits
# 72 columns and names the series; bad input gives one line and writes
# nothing. Then headless Chromium: the verdict table is the first table and
# lies wholly within the first screen (by its position in the rendered page),
# and every plot rendered (an SVG with a size and drawn elements). The full
# suite is `make justify`. TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
. tests/lib/tap.sh
out=$top/build/test-results/justify
rm -rf "$out"; mkdir -p "$out"
ticks=100

./run-bench.sh justify --no-deps -q --ticks $ticks --scenarios spin,unmask-first --no-trace \
  --out "$out" --run-id j > "$out/run.txt" 2>&1
rc=$?
tap_is "run-bench justify exits 0" "$rc" 0
[ "$rc" = 0 ] || { tap_diag "$(tail -5 "$out/run.txt")"; tap_done; }
j=$out/j
tap_is "one directory, nothing hidden left beside it" "$(ls -A "$out" | grep -v '^run.txt$' | paste -sd' ')" "j"
for f in report.md report.html cover-letter.txt headline.md headline.txt plots/justify-latency.svg plots/justify-el2.svg; do
  tap_check "$f written" test -s "$j/$f"
done
for s in spin unmask-first; do
  tap_check "scenario $s is a complete run" test -s "$j/scenarios/$s/report.html" -a -s "$j/scenarios/$s/compare.json"
done
tap_check "the vwfi pair was compared" test -s "$j/scenarios/unmask-first/compare-stock-vwfi-direct-vwfi.json" \
  -a -s "$j/scenarios/unmask-first/profile-compare-stock-vwfi-direct-vwfi.json"

# The first table of report.md is the verdict table: a row per scenario pair.
table=$(awk '/^\| scenario \|/ { on = 1 } on && /^\|/ { print; next } on { exit }' "$j/report.md")
tap_is "verdict table: header, rule and 3 rows" "$(wc -l <<< "$table")" 5
tap_check "the table's last column is the verdict" grep -q '^| scenario |.*| verdict |$' <<< "$table"
row() { grep "^| $1 |" <<< "$table"; }
# Figures copied from the runs' files.
sc=$j/scenarios/spin
a50=$(jq -r .a.median "$sc/compare.json") b50=$(jq -r .b.median "$sc/compare.json")
d50=$(jq -r .median_diff.estimate "$sc/compare.json")
tap_check "spin row: p50 stock -> direct and the difference from compare.json ($a50 -> $b50, $d50)" \
  grep -qF "$a50 → $b50 ($([ "${d50#-}" = "$d50" ] && echo +)$d50" <<< "$(row 'spinning')"
ea=$(jq -r '.el2_per_tick.mean | round' "$sc/stock/profile/profile.json")
eb=$(jq -r '.el2_per_tick.mean | round' "$sc/direct/profile/profile.json")
tap_check "spin row: EL2 instructions per tick from profile.json ($ea -> $eb)" grep -qF "| $ea → $eb |" <<< "$(row 'spinning')"
um=$j/scenarios/unmask-first
read -r sl ss < <(jq -r '[.counts.lost, .counts.spurious] | @tsv' "$um/stock/summary.json")
read -r dl ds < <(jq -r '[.counts.lost, .counts.spurious] | @tsv' "$um/direct/summary.json")
tap_check "race row: lost/spurious/other of both paths from summary.json" \
  grep -qF "| $sl/$ss/0 · $dl/$ds/0 |" <<< "$(row 'unmask-first race')"
if [ "$sl" -gt 0 ]; then
  tap_check "the race has its own line: stock loses $sl of $ticks ticks" \
    grep -q "^The unmask-before-move race: stock Xen LOSES TICKS. With order=unmask-first, stock lost $sl of $ticks deadlines" "$j/report.md"
  tap_check "and its verdict says so" grep -qF "stock LOSES $sl of $ticks ticks; direct loses" <<< "$(row 'unmask-first race')"
else
  tap_check "the race has its own line with the counts" grep -q "^The unmask-before-move race (order=unmask-first): stock lost 0 of $ticks" "$j/report.md"
fi
tap_check "the units are stated once, above the table" \
  test "$(grep -c '1 tick = 16 ns = 16 guest instructions' "$j/report.md")" = 1
tap_check "the why table lists Xen functions" grep -q "^| Xen function (Δ instructions per tick" "$j/report.md"
tap_check "README's headline source matches the report's table" grep -qF "$(sed -n 3p <<< "$table")" "$j/headline.md"

# The cover letter.
c=$j/cover-letter.txt
n=$(ls tracing/patches/4.17/direct-ppi/*.patch | wc -l)
tap_is "cover letter: no line beyond 72 columns" "$(awk 'length > 72' "$c" | wc -l)" 0
tap_check "cover letter: [PATCH 0/$n]" grep -q "^Subject: \[PATCH 0/$n\]" "$c"
tap_check "cover letter: the series' subjects" grep -qF "1/$n xen/arm: gic: add a hook to read the active state of an interrupt" "$c"
tap_check "cover letter: the command that reproduces it" grep -qF "./run-bench.sh justify --no-deps -q --ticks $ticks" "$c"
sha=$(jq -r '.xen_build.patch[0] | split(" ")[1]' "$um/manifest.json")
tap_check "cover letter: patch hashes from manifest.json" grep -qF "$sha" "$c"
tap_check "cover letter: the QEMU version" grep -qF "$(jq -r .qemu "$um/manifest.json")" <<< "$(tr '\n' ' ' < "$c")"
tap_check "cover letter: what was not measured" grep -q '^Not measured: real hardware' "$c"

# Bad input: one line, the right exit status, nothing written.
./run-bench.sh justify --no-deps --scenarios nope --out "$out" > "$out/bad.txt" 2>&1
tap_is "unknown scenario: exit 2" "$?" 2
tap_is "unknown scenario: one line" "$(wc -l < "$out/bad.txt")" 1
analysis/bin/vtb-justify report > /dev/null 2>&1
tap_is "vtb-justify without a directory: exit 2" "$?" 2
analysis/bin/vtb-justify frob "$j" > /dev/null 2>&1
tap_is "vtb-justify with an unknown command: exit 2" "$?" 2
bad=$out/damaged
cp -r "$j" "$bad"
rm "$bad/report.html" "$bad/cover-letter.txt"
echo '{' > "$bad/scenarios/spin/compare.json"
analysis/bin/vtb-justify report "$bad" > "$out/bad2.txt" 2>&1
tap_is "damaged compare.json: exit 1" "$?" 1
tap_is "damaged compare.json: one line" "$(wc -l < "$out/bad2.txt")" 1
tap_check "damaged compare.json: no report written" test ! -e "$bad/report.html" -a ! -e "$bad/cover-letter.txt"
tap_is "damaged: no temporary file left" "$(find "$bad" -maxdepth 1 -name '.*' | wc -l)" 0

if ! command -v chromium >/dev/null; then
  tap_skip "report.html renders in Chromium" "chromium not installed"
  tap_done
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
w=1280 h=1000
chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
        --disable-background-networking --disable-component-update --disable-sync
        --user-data-dir="$profile" --window-size=$w,$h)
tap_check "chromium screenshots the first screen" timeout 120 "${chrome[@]}" --screenshot="$out/first-screen.png" "file://$j/report.html"
# A probe appended to a copy (the report itself carries no script) measures
# the rendered page: where the verdict table lies, and each plot's size.
probe=$j/.probe.html
{
  sed 's#</body></html>##' "$j/report.html"
  cat <<'PROBE'
<script>
(function () {
  var t = document.querySelector("table"), r = t.getBoundingClientRect();
  var head = t.rows[0].cells, last = head[head.length - 1].textContent.trim();
  var svgs = document.querySelectorAll("svg"), bad = 0;
  for (var i = 0; i < svgs.length; i++) {
    var b = svgs[i].getBoundingClientRect();
    var drawn = svgs[i].querySelectorAll("path,polyline,polygon,rect,line").length;
    if (!(b.width > 200 && b.height > 100 && drawn >= 5)) bad++;
  }
  var p = document.createElement("pre"); p.id = "probe";
  p.textContent = "PROBE top=" + Math.round(r.top) + " bottom=" + Math.round(r.bottom) + " viewport=" +
    window.innerHeight + " last=" + last + " svgs=" + svgs.length + " bad=" + bad +
    " figures=" + document.querySelectorAll("figure").length;
  document.body.appendChild(p);
})();
</script></body></html>
PROBE
} > "$probe"
line=$(timeout 120 "${chrome[@]}" --dump-dom "file://$probe" 2>/dev/null | grep -o 'PROBE top=[0-9-][^<]*')
rm -f "$probe"
tap_diag "rendered: ${line:-nothing}"
val() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<< "$line"; }
tap_check "chromium ran the probe" test -n "$line"
tap_check "the verdict table begins on the first screen ($(val top) px of $(val viewport))" test "$(val top)" -ge 0 -a "$(val top)" -lt "$(val viewport)"
tap_check "the whole verdict table is on the first screen (ends at $(val bottom) px)" test "$(val bottom)" -le "$(val viewport)"
tap_is "the first table is the verdict table" "$(val last)" verdict
tap_check "every figure has its plot ($(val svgs) SVGs, $(val figures) figures)" test "$(val svgs)" = "$(val figures)" -a "$(val figures)" -ge 3
tap_is "every plot rendered with a size and drawn elements" "$(val bad)" 0
tap_done
