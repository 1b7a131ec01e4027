#!/bin/sh
# End-to-end: boot the storm guest as dom0 under Xen (QEMU, icount), check the
# @VTB report (CRC, sequence, counts, no lost/spurious ticks) in each mode, and
# that two identical icount runs print identical @VTB lines.
# Exit 0 pass, 77 skip (no QEMU / no Xen build), else fail. Meant to be
# linked from tests/e2e/ by the lead.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
command -v qemu-system-aarch64 >/dev/null || { echo "skip: no qemu-system-aarch64"; exit 77; }
make -s -C "$here" all build/vtb-check >/dev/null || { echo "FAIL: build"; exit 1; }
xen=${VTB_XEN:-$("$root/tracing/build-xen.sh" 2>/dev/null | tail -n 1)}
[ -f "$xen" ] || { echo "skip: no Xen image (tracing/build-xen.sh)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
run() { # name, bootargs...
	runv 1 "$@"
}
runv() { # vcpus, name, bootargs...: dom0 with that many vCPUs on the one pCPU
	v=$1 n=$2; shift 2
	if [ "$v" -gt 1 ]; then set -- --xen-args "dom0_max_vcpus=$v" "$@"; fi
	if ! "$here/run-xen.sh" --xen "$xen" --timeout 600 "$@" > "$tmp/$n.log" 2>&1; then
		echo "FAIL: $n: QEMU run failed"; tail -5 "$tmp/$n.log"; fails=$((fails + 1)); return
	fi
	if out=$("$here/build/vtb-check" --no-loss --expect-ticks $((300 * v)) "$tmp/$n.log" 2>&1) &&
		[ "$(printf '%s\n' "$out" | grep -c "^cpu[0-9]* taken=300 lost=0 spurious=0")" -eq "$((v > 1 ? v : 0))" ]; then
		echo "ok: $n: $out" | tr '\n' ' '; echo
	else
		echo "FAIL: $n: $out"; fails=$((fails + 1))
	fi
}
run periodic ticks=300 mode=periodic period_ns=100000
run periodic2 ticks=300 mode=periodic period_ns=100000
run b2b ticks=300 mode=back-to-back
run random ticks=300 mode=random rmin_ns=20000 rmax_ns=200000 seed=42
run hist ticks=300 mode=periodic record=hist
# SMP: each of 2 dom0 vCPUs (1 pCPU: Xen's vtimer context switch) runs its storm.
runv 2 smp2 ticks=300 mode=periodic period_ns=100000
runv 2 smp2-b2b ticks=300 mode=back-to-back
if grep -o '@VTB.*' "$tmp/periodic.log" > "$tmp/a" && grep -o '@VTB.*' "$tmp/periodic2.log" > "$tmp/b" &&
	cmp -s "$tmp/a" "$tmp/b"; then
	echo "ok: icount runs identical"
else
	echo "FAIL: two icount runs differ"; fails=$((fails + 1))
fi
# Bad boot arguments: one error line, no report, clean power-off.
"$here/run-xen.sh" --xen "$xen" --timeout 600 ticks=10 bogus=1 > "$tmp/bad.log" 2>&1
if grep -q "vtb-guest: error: bootargs: unknown argument: 'bogus=1'" "$tmp/bad.log" &&
	! grep -q '@VTB' "$tmp/bad.log" && grep -q "Dom0 halted" "$tmp/bad.log"; then
	echo "ok: bad bootargs rejected"
else
	echo "FAIL: bad bootargs"; fails=$((fails + 1))
fi
[ "$fails" -eq 0 ]
