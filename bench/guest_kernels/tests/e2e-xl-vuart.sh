#!/bin/sh
# End-to-end: the storm guest as a domU created by `xl create` from a Linux
# dom0 (platform/dom0/run-dom0-capture.sh, deterministic mode), with the
# emulated SBSA UART as its console: the @VTB report must arrive complete in
# the saved vuart console log with no lost/spurious ticks, once with one vCPU
# and once with two (one report, per-vCPU counts).
# Exit 0 pass, 77 skip (no QEMU / runner / Xen build), else fail. Meant to be
# linked from tests/e2e/ by the lead. Takes ~1-3 min of wall time per run.
# VTB_XEN= picks the Xen image, VTB_CAPTURE= another capture runner.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
runner=${VTB_CAPTURE:-$root/platform/dom0/run-dom0-capture.sh}
command -v qemu-system-aarch64 >/dev/null || { echo "skip: no qemu-system-aarch64"; exit 77; }
[ -x "$runner" ] || { echo "skip: no $runner"; exit 77; }
make -s -C "$here" all build/vtb-check >/dev/null || { echo "FAIL: build"; exit 1; }
xen=${VTB_XEN:-$("$root/tracing/build-xen.sh" 2>/dev/null | tail -n 1)}
[ -f "$xen" ] || { echo "skip: no Xen image (tracing/build-xen.sh)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
for v in 1 2; do
	raw=$tmp/raw$v
	if ! "$runner" --raw "$raw" --guest "$here/build/vtb-guest.img" --vuart --vcpus "$v" \
		--mode deterministic --xen "$xen" --cmdline "ticks=300 mode=periodic period_ns=100000" \
		> "$tmp/run$v.log" 2>&1; then
		echo "FAIL: vcpus=$v: capture runner failed: $(tail -n 1 "$tmp/run$v.log")"
		fails=$((fails + 1)); continue
	fi
	log=$raw/console-vuart.log
	if out=$("$here/build/vtb-check" --no-loss --expect-ticks $((300 * v)) "$log" 2>&1) &&
		grep -q 'console=sbsa-uart' "$log" && [ -s "$raw/trace.xentrace" ]; then
		echo "ok: vcpus=$v: $out" | tr '\n' ' '; echo
	else
		echo "FAIL: vcpus=$v: $out"; fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ]
