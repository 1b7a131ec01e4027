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
# A 2-vCPU report (bootargs cpus=2 default, dom0 with 2 vCPUs on 1 pCPU):
# per-vCPU lines, and per-vCPU counts that must add up to the totals.
mc=$here/fixtures/dom0-2vcpu-periodic-2000.log
out=$("$build/vtb-check" --no-loss --expect-ticks 4000 "$mc" 2>&1)
case $out in *"cpu0 taken=2000 lost=0"*"cpu1 taken=2000 lost=0"*"ok record=samples ticks=4000"*) ok ;;
	*) ko "2-vCPU fixture: $out" ;; esac
# Re-CRC'd corruptions (python's zlib.crc32 is the protocol's CRC): counts
# that no longer add up, and a missing per-vCPU key, must be rejected.
recrc() { # file, sed expression on the T line -> stdout
	sed "/@VTB 1 [0-9]* T /$2" "$1" | python3 -c '
import sys, zlib
for l in sys.stdin:
    i = l.find("@VTB")
    if i >= 0 and " T " in l:
        body = l[i:l.rindex("*")]
        l = l[:i] + body + "*%08x" % zlib.crc32(body.encode()) + "\n"
    sys.stdout.write(l)'
}
if command -v python3 >/dev/null; then
	recrc "$mc" 's/cpu1_taken=2000/cpu1_taken=1999/' > "$tmp/cpusum"
	expect_ko "2-vCPU counts not adding up" "$tmp/cpusum"
	recrc "$mc" 's/ cpu1_spurious=0//' > "$tmp/cpukey"
	expect_ko "2-vCPU missing key" "$tmp/cpukey"
	recrc "$mc" 's/cpu1_taken=2000/cpu1_taken=2000/' > "$tmp/cpusame"
	expect_ok "2-vCPU re-CRC unchanged" "$tmp/cpusame"
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
