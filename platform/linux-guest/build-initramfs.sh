#!/usr/bin/env bash
# Build the Linux storm guest: Debian's arm64 cloud kernel (raw Image) and a
# small initramfs holding busybox-static, the static aarch64 vtimer_storm and
# platform/linux-guest/init (which runs the storm with the kernel command
# line's vtb.args="..." and powers off). Cached by input hash:
#   build/linux-guest/kernel/<kernel .deb name>/Image
#   build/linux-guest/<hash>/{Image,initramfs.cpio.gz,manifest}
# Prints the build directory on its last line.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/linux-guest/build-initramfs.sh [--storm BIN] [--debs DIR] [--build-dir DIR] [-q]
  --storm BIN      static aarch64 vtimer_storm (default bench/build/aarch64/vtimer_storm,
                   built with 'make -C bench aarch64' when missing)
  --debs DIR       arm64 .deb cache (default cache/debs)
  --build-dir DIR  output root (default build/linux-guest)
Prints the build directory (with Image and initramfs.cpio.gz) on its last line.
USAGE
}

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/platform/linux-guest
debs=${VTB_CACHE:-$top/cache}/debs
build_root=$top/build/linux-guest
storm=""
quiet=0
cli_prog=linux-guest
. "$top/scripts/lib/cli.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --storm) cli_need_value "$@"; storm=$2; shift ;;
    --debs) cli_need_value "$@"; debs=$2; shift ;;
    --build-dir) cli_need_value "$@"; build_root=$2; shift ;;
    -q) quiet=1 ;;
    -h|--help) usage; exit 0 ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
log() { [ "$quiet" = 1 ] || echo "linux-guest: $*" >&2; }
. "$top/platform/lib/kernel-image.sh"
. "$top/platform/lib/initramfs.sh"

for t in dpkg-deb cpio gzip sha256sum; do
  command -v "$t" >/dev/null || cli_die "missing host tool '$t'"
done
if [ -z "$storm" ]; then
  storm=$top/bench/build/aarch64/vtimer_storm
  [ -x "$storm" ] || make -C "$top/bench" aarch64 >&2 || cli_die "cannot build $storm (make -C bench aarch64)"
fi
[ -f "$storm" ] || cli_die "--storm: no such file '$storm'"
[ "$(head -c 4 "$storm" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || cli_die "$storm is not an ELF file"
[ -d "$debs" ] || cli_die "no .deb cache '$debs' (run scripts/install-deps.sh)"
bbdeb=$(vtb_find_deb "$debs" busybox-static) || exit 1
kdeb=$(vtb_find_deb "$debs" 'linux-image-*-cloud-arm64') || exit 1
kdir=$(vtb_cached_kernel "$kdeb" "$build_root/kernel") || exit 1
kname=$(basename "$kdir")

key=$( { sha256sum "$storm" "$here/init" "$here/build-initramfs.sh" "$top/platform/lib/initramfs.sh" | cut -c1-64
         echo "$(basename "$bbdeb") $(stat -c %s "$bbdeb") $kname"
       } | sha256sum | cut -c1-16)
vtb_initramfs_start "$build_root" "$key" "$bbdeb" || cli_die "cannot lay out the initramfs root"
install -m 0755 "$storm" "$root/bin/vtimer_storm"
install -m 0755 "$here/init" "$root/init"
vtb_pack_initramfs "$root" "$work/out/initramfs.cpio.gz"
ln -s "../kernel/$kname/Image" "$work/out/Image"
{ echo "kernel_deb=$(basename "$kdeb")"; echo "kernel_release=$(cat "$kdir/release")"
  echo "busybox_deb=$(basename "$bbdeb")"; echo "storm_sha256=$(sha256sum "$storm" | cut -c1-64)"
} > "$work/out/manifest"
rm -rf "$out"
mv "$work/out" "$out"
log "built $key ($(du -h "$out/initramfs.cpio.gz" | cut -f1) initramfs)"
echo "$out"
