#!/bin/sh
# Runs each argument as a test command, shows its output, and sums the
# 'N passed, N failed' last lines into one such line. A command that fails
# without that line counts as one failure. Exit 1 if anything failed.
passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for cmd in "$@"; do
  sh -c "$cmd" >"$out" 2>&1
  rc=$?
  cat "$out"
  last=$(tail -n 1 "$out")
  p=$(printf '%s\n' "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1/p')
  f=$(printf '%s\n' "$last" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\2/p')
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
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
