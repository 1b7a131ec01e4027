#!/usr/bin/env bash
# End-to-end: the static aarch64 vtimer_storm as /init of a Debian arm64
# Linux under qemu-system-aarch64 (no Xen; TCG, wall-clock, so the latency
# figures mean nothing, only the plumbing is tested).  Asserts the guest
# console carries a complete, CRC-valid guest-protocol report with
# intid=27, cntfrq=1000000000 and all 300 ticks taken.
# Skips (77) without qemu-system-aarch64, the aarch64 build or the cached
# arm64 kernel package (scripts/install-deps.sh fetches it).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 not installed"
storm=$top/bench/build/aarch64/vtimer_storm
[ -x "$storm" ] || make -C "$top/bench" aarch64 >/dev/null 2>&1 || true
[ -x "$storm" ] || skip "no aarch64 vtimer_storm (aarch64-linux-gnu-gcc and libc6-dev-arm64-cross needed)"
deb=$(ls "$top"/cache/debs/linux-image-*-cloud-arm64_*_arm64.deb 2>/dev/null | head -1)
[ -n "$deb" ] || skip "no arm64 kernel package in cache/debs"

out=$top/build/test-results/storm-aarch64
rm -rf "$out"; mkdir -p "$out/deb" "$out/rd/dev"
dpkg-deb -x "$deb" "$out/deb"
vmlinuz=$(ls "$out"/deb/boot/vmlinuz-* | head -1)
# Debian's arm64 vmlinuz is a gzipped Image; QEMU's -kernel wants it raw.
if gzip -t "$vmlinuz" 2>/dev/null; then gzip -dc "$vmlinuz" > "$out/Image"; else cp "$vmlinuz" "$out/Image"; fi
rm -rf "$out/deb"
cp "$storm" "$out/rd/init"
(cd "$out/rd" && printf 'init\ndev\n' | cpio -o -H newc 2>/dev/null | gzip) > "$out/rd.cpio.gz"

# The storm is PID 1: when it exits the kernel panics and panic=-1 ends QEMU.
timeout 600 qemu-system-aarch64 -machine virt,gic-version=3 -cpu cortex-a57 -smp 1 -m 512M \
  -nographic -no-reboot -net none -kernel "$out/Image" -initrd "$out/rd.cpio.gz" \
  -append "console=ttyAMA0 panic=-1 quiet -- -t1 -i2000 -l300 --vtb-protocol -" > "$out/console.log" 2>&1 \
  || fail "qemu exited $? (see $out/console.log)"
tr -d '\r' < "$out/console.log" | grep -a -o '@VTB.*' > "$out/report.txt" || fail "no @VTB lines on the console"
python3 - "$out/report.txt" <<'PY' || fail "report invalid: $(head -2 "$out/report.txt")"
import sys, zlib
lines = open(sys.argv[1]).read().splitlines()
total = 0
for i, l in enumerate(lines):
    body, crc = l.rsplit('*', 1)
    assert int(crc, 16) == zlib.crc32(body.encode()), ('crc', i)
    f = body.split()
    assert int(f[2]) == i, ('seq', i)
    if f[3] == 'H': hdr = dict(kv.split('=') for kv in f[4:])
    if f[3] == 'B': total += int(f[5])
    if f[3] == 'T': tr = dict(kv.split('=') for kv in f[4:])
assert lines[-1].split()[3] == 'E'
assert hdr['intid'] == '27' and hdr['cntfrq'] == '1000000000' and hdr['guest'] == 'linux', hdr
assert tr['taken'] == '300' and total == 300, (tr, total)
print('aarch64 report: %d lines, taken=%s min=%s max=%s (TCG wall-clock ns)' % (len(lines), tr['taken'], tr['min'], tr['max']))
PY
echo "PASS"
