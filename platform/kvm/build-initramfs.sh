#!/usr/bin/env bash
# Build the KVM host of the kvm-* variants (docs/kvm.md): Debian's arm64
# cloud kernel (raw Image, CONFIG_KVM=y) and an initramfs holding
# busybox-static, the minimal VMM (platform/kvm/build/vtb-kvm-vmm), the
# bare-metal storm guest (bench/guest_kernels/build/vtb-guest.img) and
# platform/kvm/init. Reproducible (fixed mtimes, owners, order) and cached
# by input hash:
#   build/kvm/kernel/<kernel .deb name>/Image
#   build/kvm/<hash>/{Image,initramfs.cpio.gz,manifest}
# Prints the build directory on its last line.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/kvm/build-initramfs.sh [--guest IMG] [--debs DIR] [--build-dir DIR] [-q]
  --guest IMG      the storm guest image (default bench/guest_kernels/build/vtb-guest.img,
                   built with 'make -C bench/guest_kernels' when missing)
  --debs DIR       arm64 .deb cache (default cache/debs)
  --build-dir DIR  output root (default build/kvm)
Prints the build directory (with Image and initramfs.cpio.gz) on its last line.
USAGE
}

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/platform/kvm
debs=${VTB_CACHE:-$top/cache}/debs
build_root=$top/build/kvm
guest=""
quiet=0
cli_prog=kvm
. "$top/scripts/lib/cli.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --guest) cli_need_value "$@"; guest=$(cli_abs "$2"); shift ;;
    --debs) cli_need_value "$@"; debs=$(cli_abs "$2"); shift ;;
    --build-dir) cli_need_value "$@"; build_root=$(cli_abs "$2"); shift ;;
    -q) quiet=1 ;;
    -h|--help) usage; exit 0 ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
log() { [ "$quiet" = 1 ] || echo "kvm: $*" >&2; }
. "$top/platform/lib/kernel-image.sh"
. "$top/platform/lib/initramfs.sh"

for t in dpkg-deb cpio gzip sha256sum; do
  command -v "$t" >/dev/null || cli_die "missing host tool '$t'"
done
if [ -z "$guest" ]; then
  guest=$top/bench/guest_kernels/build/vtb-guest.img
  make -s -C "$top/bench/guest_kernels" all >&2 || cli_die "cannot build $guest (make -C bench/guest_kernels)"
fi
[ -f "$guest" ] || cli_die "--guest: no such file '$guest'"
make -s -C "$here" all >&2 || cli_die "cannot build the VMM (make -C platform/kvm)"
vmm=$here/build/vtb-kvm-vmm
[ -d "$debs" ] || cli_die "no .deb cache '$debs' (run scripts/install-deps.sh)"
bbdeb=$(vtb_find_deb "$debs" busybox-static) || exit 1
kdeb=$(vtb_find_deb "$debs" 'linux-image-*-cloud-arm64') || exit 1
kdir=$(vtb_cached_kernel "$kdeb" "$build_root/kernel") || exit 1
kname=$(basename "$kdir")

key=$( { sha256sum "$vmm" "$guest" "$here/init" "$here/build-initramfs.sh" "$top/platform/lib/initramfs.sh" | cut -c1-64
         echo "$(basename "$bbdeb") $(stat -c %s "$bbdeb") $kname"
       } | sha256sum | cut -c1-16)
vtb_initramfs_start "$build_root" "$key" "$bbdeb" || cli_die "cannot lay out the initramfs root"
install -m 0755 "$vmm" "$root/bin/vtb-kvm-vmm"
install -m 0644 "$guest" "$root/vtb-guest.img"
install -m 0755 "$here/init" "$root/init"
vtb_pack_initramfs "$root" "$work/out/initramfs.cpio.gz"
ln -s "../kernel/$kname/Image" "$work/out/Image"
{ echo "kernel_deb=$(basename "$kdeb")"; echo "kernel_release=$(cat "$kdir/release")"
  echo "busybox_deb=$(basename "$bbdeb")"; echo "vmm_sha256=$(sha256sum "$vmm" | cut -c1-64)"
  echo "guest_sha256=$(sha256sum "$guest" | cut -c1-64)"
} > "$work/out/manifest"
rm -rf "$out"
mv "$work/out" "$out"
log "built $key ($(du -h "$out/initramfs.cpio.gz" | cut -f1) initramfs)"
echo "$out"
