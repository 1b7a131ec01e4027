#!/usr/bin/env bash
# End-to-end: the static aarch64 vtimer_storm as /init of Debian's arm64
# Linux booted directly on the emulated machine (no Xen, so no EL2; realtime
# mode, so the latency figures mean nothing, only the plumbing is tested).
# The console must carry a complete guest-protocol report that vtb-analyze
# (the one reader) accepts: a Linux guest, intid=27, cntfrq=1000000000 and
# all 300 ticks taken. TAP; skipped without the aarch64 storm build or the
# cached arm64 kernel package (scripts/install-deps.sh fetches it).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/platform/lib/boot.sh"
. "$top/platform/lib/kernel-image.sh"

command -v jq >/dev/null || tap_skip_all "jq not installed"
vtb_machine_ready >/dev/null || tap_skip_all "the machine's emulator is not installed (platform/machines/)"
storm=$top/bench/build/aarch64/vtimer_storm
[ -x "$storm" ] || make -C "$top/bench" aarch64 >/dev/null 2>&1 || true
[ -x "$storm" ] || tap_skip_all "no aarch64 vtimer_storm (aarch64-linux-gnu-gcc and libc6-dev-arm64-cross needed)"
deb=$(ls "${VTB_CACHE:-$top/cache}"/debs/linux-image-*-cloud-arm64_*_arm64.deb 2>/dev/null | head -1 || true)
[ -n "$deb" ] || tap_skip_all "no arm64 kernel package in cache/debs"
analyze=$top/analysis/bin/vtb-analyze
[ -x "$analyze" ] || make -C "$top/analysis" >/dev/null 2>&1 || true
[ -x "$analyze" ] || tap_skip_all "analysis/bin/vtb-analyze not built"

work=$top/build/test-results/storm-aarch64
rm -rf "$work"; mkdir -p "$work/deb" "$work/rd/dev"
dpkg-deb -x "$deb" "$work/deb"
tap_check "the Debian kernel package gives an arm64 Image" vtb_kernel_image "$(ls "$work"/deb/boot/vmlinuz-* | head -1)" "$work/Image"
rm -rf "$work/deb"
cp "$storm" "$work/rd/init"
(cd "$work/rd" && printf 'init\ndev\n' | cpio -o -H newc 2>/dev/null | gzip) > "$work/rd.cpio.gz"

# The storm is PID 1: when it exits the kernel panics and panic=-1 ends QEMU.
# (Not "out": tap_check declares a local of that name, hiding it here.)
boot() {
  local qemu
  vtb_qemu_argv qemu --mode realtime --el2 off --memory 512M --kernel "$work/Image" --initrd "$work/rd.cpio.gz" \
    --bootargs "console=ttyAMA0 panic=-1 quiet -- -t1 -i2000 -l300 --vtb-protocol -" || return 1
  vtb_boot 600 "$work/console.log" "$work/console.log" -- "${qemu[@]}" || { echo "$vtb_boot_why"; return 1; }
}
tap_check "Linux boots the storm as /init and powers off" boot
tap_check "vtb-analyze accepts the console's report" \
  "$analyze" --log "$work/console.log" --out-dir "$work/analysis" --platform-mode realtime --label aarch64
s=$work/analysis/summary.json
tap_is "the guest is Linux" "$(jq -r .guest.guest "$s" 2>/dev/null)" linux
tap_is "the storm's interrupt is the vtimer PPI" "$(jq -r .guest.intid "$s" 2>/dev/null)" 27
tap_is "the storm's counter is in ns" "$(jq -r .guest.cntfrq "$s" 2>/dev/null)" 1000000000
tap_is "every tick was taken" "$(jq -r '[.counts.ticks, .counts.taken, .counts.lost, .latency_ns.n] | @tsv' "$s" 2>/dev/null)" \
  "$(printf '300\t300\t0\t300')"
tap_done
