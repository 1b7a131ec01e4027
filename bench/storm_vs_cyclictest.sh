#!/usr/bin/env bash
# Runs cyclictest and vtimer_storm one after the other with the same settings
# and prints their percentiles side by side (storm_cyclictest_cmp does the
# arithmetic).  Raw outputs stay in OUTDIR.
# usage: bench/storm_vs_cyclictest.sh OUTDIR [-h HIST_US] [--source S]... -- CYCLICTEST_SETTINGS...
#   e.g. bench/storm_vs_cyclictest.sh results/ct-1000 -- -t1 -i1000 -l10000 -m -p80
# Settings are passed verbatim to both tools, so use the common subset:
# -t -i -l -D -p -a -m.  Default sources compared: nanosleep (what cyclictest
# uses) and timerfd.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
storm=$here/build/native/vtimer_storm
cmp=$here/build/native/storm_cyclictest_cmp
[ $# -ge 1 ] || { sed -n '5,6p' "$0" >&2; exit 2; }
out=$1; shift
hist=20000
sources=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
  case "$1" in
    -h) hist=$2; shift ;;
    --source) sources+=("$2"); shift ;;
    *) echo "storm_vs_cyclictest: unknown option '$1' (settings go after --)" >&2; exit 2 ;;
  esac
  shift
done
[ "${1:-}" = -- ] && shift
[ ${#sources[@]} -gt 0 ] || sources=(nanosleep timerfd)
command -v cyclictest >/dev/null || { echo "storm_vs_cyclictest: cyclictest not installed (package rt-tests)" >&2; exit 2; }
[ -x "$storm" ] && [ -x "$cmp" ] || { echo "storm_vs_cyclictest: build first: make -C $here native" >&2; exit 2; }
mkdir -p "$out"
settings=("$@")
echo "settings: ${settings[*]}  (histogram 1 us bins up to $hist us)" | tee "$out/settings.txt"
cyclictest "${settings[@]}" -q -h "$hist" > "$out/cyclictest.txt"
for s in "${sources[@]}"; do
  "$storm" --source "$s" "${settings[@]}" -h "$hist" --json "$out/storm-$s.json" > "$out/storm-$s.txt"
  "$cmp" --cyclictest "$out/cyclictest.txt" --storm "$out/storm-$s.txt" \
    --label "cyclictest vs vtimer_storm --source $s: ${settings[*]}" | tee "$out/table-$s.txt"
done
