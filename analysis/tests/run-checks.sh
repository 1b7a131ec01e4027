#!/bin/sh
# Runs each argument as a test command, shows its output, and sums the
# 'N passed, N failed[, N skipped]' last lines (vtb/test.h's TAP summary)
# into one 'N passed, N failed, N skipped' line. A command that fails
# without that line counts as one failure. Exit 1 if anything failed.
passed=0
failed=0
skipped=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for cmd in "$@"; do
  sh -c "$cmd" >"$out" 2>&1
  rc=$?
  cat "$out"
  last=$(tail -n 1 "$out")
  re='^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed\(, \([0-9][0-9]*\) skipped\)\{0,1\}$'
  p=$(printf '%s\n' "$last" | sed -n "s/$re/\\1/p")
  f=$(printf '%s\n' "$last" | sed -n "s/$re/\\2/p")
  s=$(printf '%s\n' "$last" | sed -n "s/$re/\\4/p")
  if [ -z "$p" ]; then
    echo "run-checks: '$cmd' exited $rc without a 'N passed, N failed' line"
    p=0
    f=1
  elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "run-checks: '$cmd' exited $rc"
    f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  skipped=$((skipped + ${s:-0}))
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
