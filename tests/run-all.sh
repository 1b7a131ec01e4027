#!/usr/bin/env bash
# Runs every test suite and prints one closing line: 'N passed, N failed, N skipped'.
# Unit suites: each part's `make check` (its last line is 'N passed, N failed').
# End-to-end: tests/e2e/*.sh (exit 0 pass, 77 skip, anything else fail).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
want_unit=1 want_e2e=1
case "${1:-}" in
  --unit) want_e2e=0 ;;
  --e2e) want_unit=0 ;;
  '') ;;
  *) echo "run-all: unknown option '$1' (use --unit or --e2e)" >&2; exit 2 ;;
esac

unit_dirs=(analysis analysis/xentrace analysis/compare analysis/ctf analysis/report bench/guest_kernels bench)
passed=0 failed=0 skipped=0 failures=()
logdir=$top/build/test-logs
mkdir -p "$logdir"

if [ "$want_unit" = 1 ]; then
  for d in "${unit_dirs[@]}"; do
    [ -f "$d/Makefile" ] || continue
    grep -q '^check:' "$d/Makefile" || continue
    log=$logdir/unit-${d//\//_}.log
    echo "--- unit: $d"
    make --no-print-directory -C "$d" check > "$log" 2>&1
    rc=$?
    line=$(grep -E '^[A-Za-z]*:? ?[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
    tail -n 3 "$log" | sed 's/^/    /'
    if [ -z "$line" ]; then
      failed=$((failed + 1)); failures+=("$d: no 'N passed, N failed' line (rc $rc, log $log)")
      continue
    fi
    p=$(echo "$line" | grep -oE '[0-9]+ passed' | grep -oE '[0-9]+')
    f=$(echo "$line" | grep -oE '[0-9]+ failed' | grep -oE '[0-9]+')
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$rc" != 0 ] && [ "$f" = 0 ]; then failed=$((failed + 1)); failures+=("$d: make check exited $rc"); fi
    [ "$f" = 0 ] || failures+=("$d: $f failed (log $log)")
  done
fi

if [ "$want_e2e" = 1 ]; then
  for t in tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    name=$(basename "$t" .sh)
    log=$logdir/e2e-$name.log
    echo "--- e2e: $name"
    start=$SECONDS
    bash "$t" > "$log" 2>&1
    rc=$?
    case $rc in
      0) passed=$((passed + 1)); echo "    PASS ($((SECONDS - start))s)" ;;
      77) skipped=$((skipped + 1)); echo "    SKIP: $(tail -1 "$log")" ;;
      *) failed=$((failed + 1)); failures+=("e2e $name (rc $rc, log $log)")
         echo "    FAIL ($((SECONDS - start))s):"; tail -n 15 "$log" | sed 's/^/    | /' ;;
    esac
  done
fi

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
