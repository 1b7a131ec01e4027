#!/usr/bin/env bash
# Runs every test the project has and prints one closing line:
# 'N passed, N failed, N skipped' (N counts TAP test points; docs/conventions.md).
#   unit suites: every directory whose Makefile has a 'check:' target, found
#                by walking the tree (lib/ first), run as `make -C DIR check`;
#   end-to-end:  tests/e2e/*.sh in name order.
# Both speak TAP. A known failure ('not ok ... # TODO') is counted as passed
# and listed; an e2e script that prints no TAP is one test point judged by its
# exit status (0 pass, 77 skip). A suite that exits non-zero although every
# point passed, or that runs fewer points than its plan, adds one failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
want_unit=1 want_e2e=1 only=""
while [ $# -gt 0 ]; do
  case "$1" in
    --unit) want_e2e=0 ;;
    --e2e) want_unit=0 ;;
    --only) [ $# -ge 2 ] || { echo "run-all: --only needs a pattern" >&2; exit 2; }; only=$2; shift ;;
    -h|--help) sed -n '2,10p' "$0"; echo "usage: tests/run-all.sh [--unit|--e2e] [--only GLOB]"; exit 0 ;;
    *) echo "run-all: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

passed=0 failed=0 skipped=0 xfailed=0 failures=() xfails=()
logdir=$top/build/test-logs
mkdir -p "$logdir"

# count_tap NAME LOG RC KIND: adds LOG's TAP test points to the totals.
count_tap() {
  local name=$1 log=$2 rc=$3 kind=$4 p=0 f=0 s=0 x=0 plan="" line
  while IFS= read -r line; do
    case "$line" in
      'not ok '*'# TODO'*) x=$((x + 1)); xfails+=("$name: ${line#not ok }") ;;
      'not ok '*) f=$((f + 1)); failures+=("$name: ${line#not ok } (log $log)") ;;
      'ok '*'# SKIP'*|'ok '*'# skip'*) s=$((s + 1)) ;;
      'ok '*) p=$((p + 1)) ;;
      1..*) plan=${line#1..}; plan=${plan%% *} ;;
    esac
  done < <(grep -E '^(ok|not ok) [0-9]+|^1\.\.[0-9]+' "$log")
  local points=$((p + f + s + x))
  if [ -z "$plan" ] && [ "$points" = 0 ]; then
    if [ "$kind" = e2e ]; then
      case $rc in
        0) p=1 ;;
        77) s=1 ;;
        *) f=1; failures+=("$name: exit $rc (log $log)") ;;
      esac
    else
      f=1; failures+=("$name: printed no TAP (exit $rc, log $log)")
    fi
  elif [ "$plan" = 0 ] && [ "$points" = 0 ]; then
    s=1
  else
    if [ -n "$plan" ] && [ "$plan" != "$points" ]; then
      f=$((f + 1)); failures+=("$name: planned $plan tests, ran $points (log $log)")
    elif [ -z "$plan" ]; then
      f=$((f + 1)); failures+=("$name: no TAP plan line, stopped early? (exit $rc, log $log)")
    fi
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
      f=1; failures+=("$name: exited $rc with every test passing (log $log)")
    fi
  fi
  passed=$((passed + p + x)); failed=$((failed + f)); skipped=$((skipped + s)); xfailed=$((xfailed + x))
  printf '    %d passed, %d failed, %d skipped%s\n' "$((p + x))" "$f" "$s" "$([ "$x" = 0 ] || echo " ($x known failures)")"
}

selected() { [ -z "$only" ] || [[ "$1" == $only ]]; }

if [ "$want_unit" = 1 ]; then
  mapfile -t unit_dirs < <(find . \( -name build -o -name cache -o -name results -o -name .git -o -name bin \) -prune -o \
                              -name Makefile -print | sed 's|^\./||; s|/\?Makefile$||' | grep -v '^$' | sort |
                          while read -r d; do grep -q '^check:' "$d/Makefile" && echo "$d"; done)
  # libvtb first: everything else links it.
  mapfile -t unit_dirs < <(printf '%s\n' "${unit_dirs[@]}" | grep -x lib; printf '%s\n' "${unit_dirs[@]}" | grep -vx lib)
  for d in "${unit_dirs[@]}"; do
    selected "$d" || continue
    log=$logdir/unit-${d//\//_}.log
    echo "--- unit: $d"
    make --no-print-directory -C "$d" check > "$log" 2>&1
    count_tap "$d" "$log" $? unit
  done
fi

if [ "$want_e2e" = 1 ]; then
  for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    selected "$name" || continue
    log=$logdir/e2e-$name.log
    echo "--- e2e: $name"
    start=$SECONDS
    bash "$t" > "$log" 2>&1
    rc=$?
    count_tap "e2e $name" "$log" "$rc" e2e
    echo "    ($((SECONDS - start))s)"
  done
fi

for x in "${xfails[@]}"; do echo "KNOWN FAILURE: $x"; done
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
