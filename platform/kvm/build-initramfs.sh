#!/usr/bin/env bash
# Build the KVM host of the kvm-* variants (docs/kvm.md): Debian's arm64
# cloud kernel (raw Image, CONFIG_KVM=y) and an initramfs holding
# busybox-static, the VMM, the bare-metal storm guest
# (bench/guest_kernels/build/vtb-guest.img) and platform/kvm/init. The VMM is
# either Debian's qemu-system-aarch64 for arm64 with the shared libraries it
# loads (--vmm qemu: the kvm-nvhe/kvm-vhe rows, what a KVM user runs) or the
# minimal VMM platform/kvm/build/vtb-kvm-vmm (--vmm min: the kvm-*-min rows).
# Reproducible (fixed mtimes, owners, order) and cached by input hash:
#   build/kvm/kernel/<kernel .deb name>/Image
#   build/kvm/<hash>/{Image,initramfs.cpio.gz,manifest}
# Prints the build directory on its last line.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/kvm/build-initramfs.sh [--vmm qemu|min] [--guest IMG] [--debs DIR] [--build-dir DIR] [-q]
  --vmm qemu|min   the VMM inside: Debian's qemu-system-aarch64 (arm64 .debs from
                   scripts/deps/kvm-qemu.arm64) or the minimal vtb-kvm-vmm (default min)
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
vmm=min
cli_prog=kvm
. "$top/scripts/lib/cli.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --vmm) cli_need_value "$@"; vmm=$2; shift ;;
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
case "$vmm" in min|qemu) ;; *) cli_usage_error "--vmm must be qemu or min, not '$vmm'" ;; esac
. "$top/platform/lib/kernel-image.sh"
. "$top/platform/lib/initramfs.sh"

for t in dpkg-deb cpio gzip sha256sum readelf; do
  command -v "$t" >/dev/null || cli_die "missing host tool '$t'"
done
if [ -z "$guest" ]; then
  guest=$top/bench/guest_kernels/build/vtb-guest.img
  make -s -C "$top/bench/guest_kernels" all >&2 || cli_die "cannot build $guest (make -C bench/guest_kernels)"
fi
[ -f "$guest" ] || cli_die "--guest: no such file '$guest'"
[ -d "$debs" ] || cli_die "no .deb cache '$debs' (run scripts/install-deps.sh)"
bbdeb=$(vtb_find_deb "$debs" busybox-static) || exit 1
kdeb=$(vtb_find_deb "$debs" 'linux-image-*-cloud-arm64') || exit 1
kdir=$(vtb_cached_kernel "$kdeb" "$build_root/kernel") || exit 1
kname=$(basename "$kdir")
if [ "$vmm" = min ]; then
  make -s -C "$here" all >&2 || cli_die "cannot build the VMM (make -C platform/kvm)"
  vmm_bin=$here/build/vtb-kvm-vmm
  vmm_in=$vmm_bin
else
  # QEMU and the packages of its libraries: every .deb of the list.
  qdebs=()
  for p in $(sed 's/#.*//' "$top/scripts/deps/kvm-qemu.arm64" | awk 'NF {print $1}'); do
    d=$(vtb_find_deb "$debs" "$p") || exit 1
    qdebs+=("$d")
  done
  vmm_in=$(for d in "${qdebs[@]}"; do echo "$(basename "$d") $(stat -c %s "$d")"; done)
fi

key=$( { sha256sum ${vmm_bin:+"$vmm_bin"} "$guest" "$here/init" "$here/build-initramfs.sh" "$top/platform/lib/initramfs.sh" | cut -c1-64
         echo "$(basename "$bbdeb") $(stat -c %s "$bbdeb") $kname"
         [ "$vmm" = min ] || echo "vmm=qemu $vmm_in"
       } | sha256sum | cut -c1-16)
vtb_initramfs_start "$build_root" "$key" "$bbdeb" || cli_die "cannot lay out the initramfs root"
if [ "$vmm" = min ]; then
  install -m 0755 "$vmm_bin" "$root/bin/vtb-kvm-vmm"
else
  # Unpack the packages, then copy qemu-system-aarch64, the dynamic loader
  # and the closure of the binary's DT_NEEDED libraries (dereferenced) into
  # the root's multiarch directory, where the loader looks by default.
  for d in "${qdebs[@]}"; do dpkg-deb -x "$d" "$work/q" || cli_die "cannot unpack $(basename "$d")"; done
  qbin=$work/q/usr/bin/qemu-system-aarch64
  [ -x "$qbin" ] || cli_die "qemu-system-arm's arm64 package has no usr/bin/qemu-system-aarch64"
  ldso=$(readelf -l "$qbin" | sed -n 's/.*interpreter: \(.*\)]$/\1/p')
  [ -e "$work/q$ldso" ] || cli_die "the dynamic loader $ldso of qemu-system-aarch64 is in no package of scripts/deps/kvm-qemu.arm64"
  mkdir -p "$root/usr/bin" "$root/lib" "$root$(dirname "$ldso")" "$root/usr/lib/aarch64-linux-gnu"
  cp -L "$qbin" "$root/usr/bin/qemu-system-aarch64"
  cp -L "$work/q$ldso" "$root$ldso"
  todo=("$qbin") seen=" "
  while [ ${#todo[@]} -gt 0 ]; do
    f=${todo[0]}; todo=("${todo[@]:1}")
    for n in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]$/\1/p'); do
      case "$seen" in *" $n "*) continue ;; esac
      seen+="$n "
      lib=""
      for dir in lib/aarch64-linux-gnu usr/lib/aarch64-linux-gnu; do
        [ -e "$work/q/$dir/$n" ] && { lib=$work/q/$dir/$n; break; }
      done
      [ -n "$lib" ] || cli_die "qemu-system-aarch64 needs $n, which no package of scripts/deps/kvm-qemu.arm64 provides"
      cp -L "$lib" "$root/usr/lib/aarch64-linux-gnu/$n"
      todo+=("$lib")
    done
  done
  log "qemu-system-aarch64 with $(($(wc -w <<< "$seen"))) libraries"
fi
install -m 0644 "$guest" "$root/vtb-guest.img"
install -m 0755 "$here/init" "$root/init"
vtb_pack_initramfs "$root" "$work/out/initramfs.cpio.gz"
ln -s "../kernel/$kname/Image" "$work/out/Image"
{ echo "kernel_deb=$(basename "$kdeb")"; echo "kernel_release=$(cat "$kdir/release")"
  echo "busybox_deb=$(basename "$bbdeb")"
  if [ "$vmm" = min ]; then echo "vmm=min"; echo "vmm_sha256=$(sha256sum "$vmm_bin" | cut -c1-64)"
  else echo "vmm=qemu"; echo "qemu_deb=$(basename "${qdebs[0]}")"; fi
  echo "guest_sha256=$(sha256sum "$guest" | cut -c1-64)"
} > "$work/out/manifest"
rm -rf "$out"
mv "$work/out" "$out"
log "built $key ($(du -h "$out/initramfs.cpio.gz" | cut -f1) initramfs)"
echo "$out"
