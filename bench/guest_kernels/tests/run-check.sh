#!/bin/sh
# Unit tests (test_host) plus vtb-check on recorded real guest output
# (tests/fixtures/, captured from runs under Xen) and on corrupted copies of it.
# Last line: 'N passed, N failed'.
set -u
build=$1
here=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0
out=$("$build/test_host")
rc=$?
printf '%s\n' "$out" | sed '$d'
last=$(printf '%s\n' "$out" | tail -n 1)
p=${last%% passed*}; f=${last#*passed, }; f=${f%% failed*}
case $p$f in *[!0-9]*|'') echo "test_host: unreadable summary '$last'"; p=0; f=1 ;; esac
[ "$rc" -eq 0 ] || [ "$f" -gt 0 ] || f=1
pass=$((pass + p)); fail=$((fail + f))

ok() { pass=$((pass + 1)); }
ko() { fail=$((fail + 1)); echo "FAIL: $*"; }
expect_ok() { name=$1; shift; if "$build/vtb-check" "$@" >/dev/null 2>&1; then ok; else ko "$name"; fi; }
expect_ko() { name=$1; shift; if "$build/vtb-check" "$@" >/dev/null 2>&1; then ko "$name"; else ok; fi; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for fx in "$here"/fixtures/*.log; do
	n=$(basename "$fx")
	expect_ok "$n valid" --no-loss "$fx"
	# One extra digit at the end of line 1 (S or B) breaks its CRC.
	sed '/@VTB 1 1 /s/ \*/9 */' "$fx" > "$tmp/crc"
	cmp -s "$fx" "$tmp/crc" && ko "$n: corruption did not change the file"
	expect_ko "$n bad crc" "$tmp/crc"
	# A dropped line is a sequence gap.
	sed '/@VTB 1 3 /d' "$fx" > "$tmp/gap"
	expect_ko "$n seq gap" "$tmp/gap"
	# No E line: incomplete.
	sed '/@VTB 1 [0-9]* E /d' "$fx" > "$tmp/noend"
	expect_ko "$n no E" "$tmp/noend"
	expect_ko "$n wrong ticks" --expect-ticks 7 "$fx"
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
