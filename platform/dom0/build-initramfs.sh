#!/usr/bin/env bash
# Build the minimal Linux dom0 for the emulated platform from the cached arm64
# .debs: the kernel Image and an initramfs holding busybox, Debian's Xen
# 4.17 tools and their libraries, the Xen/virtio modules, our /init and
# tracing/dom0-run.sh. Also builds a tiny test domU initramfs (busybox + an
# /init that prints and powers off) so the chain can be proven without the
# storm guest. Cached by input hash under build/dom0/<hash>/; build/dom0/Image,
# build/dom0/initramfs.cpio.gz and build/dom0/testdomu.cpio.gz point at the
# newest build. Prints the build directory on its last line.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/dom0/build-initramfs.sh [--debs DIR] [--build-dir DIR] [-q]
  --debs DIR       arm64 .deb cache (default cache/debs)
  --build-dir DIR  output root (default build/dom0)
Prints the build directory (with Image, initramfs.cpio.gz, testdomu.cpio.gz).
USAGE
}

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/platform/dom0
debs=${VTB_CACHE:-$top/cache}/debs
build_root=$top/build/dom0
quiet=0
cli_prog=build-initramfs
. "$top/scripts/lib/cli.sh"
while [ $# -gt 0 ]; do
  case "$1" in
    --debs) cli_need_value "$@"; debs=$(cd "$2" && pwd) || cli_usage_error "--debs: no such directory '$2'"; shift ;;
    --build-dir) cli_need_value "$@"; build_root=$2; shift ;;
    -q) quiet=1 ;;
    -h|--help) usage; exit 0 ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
log() { [ "$quiet" = 1 ] || echo "build-initramfs: $*" >&2; }
. "$top/platform/lib/kernel-image.sh"
. "$top/platform/lib/initramfs.sh"

for t in dpkg-deb cpio gzip aarch64-linux-gnu-objcopy; do
  command -v "$t" >/dev/null || cli_die "missing host tool '$t' (run scripts/install-deps.sh)"
done

# Userspace packages: the dom0 list plus busybox. The kernel comes from the
# versioned cloud kernel package the metapackage resolved into the cache.
pkgs=$(cat "$top/scripts/deps/xen-dom0.arm64" "$top/scripts/deps/dom0.arm64" | sed 's/#.*//' | awk 'NF {print $1}' | sort -u)
deb_files=()
for p in $pkgs; do
  f=$(ls "$debs/${p}"_*_arm64.deb "$debs/${p}"_*_all.deb 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$f" ] || cli_die "package $p not in $debs (run scripts/install-deps.sh)"
  deb_files+=("$f")
done
kdeb=$(vtb_find_deb "$debs" 'linux-image-*-cloud-arm64') || exit 1

# .deb file names carry name+version+arch, so names and sizes identify them.
key=$( { for f in "${deb_files[@]}" "$kdeb"; do echo "$(basename "$f") $(stat -c %s "$f")"; done
         sha256sum "$here/build-initramfs.sh" "$top/platform/lib/kernel-image.sh" "$top/platform/lib/initramfs.sh" "$here/init" "$here/testdomu-init" "$top/tracing/dom0-run.sh" | cut -c1-64
       } | sha256sum | cut -c1-16)
out=$build_root/$key

publish() {
  # Stable names for callers; replaced atomically.
  local n
  for n in Image initramfs.cpio.gz testdomu.cpio.gz; do
    ln -sfn "$key/$n" "$build_root/.$n.tmp"
    mv -T "$build_root/.$n.tmp" "$build_root/$n"
  done
}

if [ -f "$out/initramfs.cpio.gz" ]; then
  log "cached build $key"
  publish
  echo "$out"
  exit 0
fi

mkdir -p "$build_root"
work=$(mktemp -d "$build_root/.tmp-$key.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root" "$work/kernel" "$work/out"

log "unpacking ${#deb_files[@]} userspace packages"
for f in "${deb_files[@]}"; do dpkg-deb -x "$f" "$root"; done
# Docs, headers, static libs, python bindings and locale data are dead weight
# in a dom0 that only runs xl, xentrace, xenstored and xenconsoled.
rm -rf "${root:?}"/usr/share "$root"/usr/include "$root"/usr/lib/xen-4.17/lib/python \
       "$root"/usr/lib/aarch64-linux-gnu/gconv "$root"/etc/init.d "$root"/etc/default
find "$root" -name '*.a' -delete
# Debian's /usr/sbin/x* are wrappers choosing a Xen version at run time
# (they need the Xen version from a helper we do not ship): call the tools
# in /usr/lib/xen-4.17/bin directly instead.
find "$root/usr/sbin" -type l -lname '*xen-utils-wrapper' -delete
[ -x "$root/bin/busybox" ] || cli_die "busybox-static did not provide /bin/busybox"
[ -x "$root/usr/lib/xen-4.17/bin/xentrace" ] || cli_die "xen-utils-4.17 did not provide xentrace"

log "unpacking $(basename "$kdeb")"
dpkg-deb -x "$kdeb" "$work/kernel"
kver=$(ls "$work/kernel/lib/modules" | head -1)
[ -n "$kver" ] || cli_die "no modules in $(basename "$kdeb")"
vmlinuz=$work/kernel/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || cli_die "no /boot/vmlinuz-$kver in $(basename "$kdeb")"
vtb_kernel_image "$vmlinuz" "$work/out/Image" || cli_die "cannot make the kernel Image"

# Modules and their dependencies, from each module's own .modinfo (the .deb
# ships no modules.dep: depmod runs at install time). Dependencies first.
mdir=$work/kernel/lib/modules/$kver
declare -A mod_path=() loaded=()
while IFS= read -r f; do
  n=$(basename "$f" .ko); mod_path[${n//-/_}]=$f
done < <(find "$mdir/kernel" -name '*.ko')
order=()
add_module() {
  local n=${1//-/_} d deps
  [ -n "${loaded[$n]:-}" ] && return 0
  [ -n "${mod_path[$n]:-}" ] || cli_die "module $1 not found in $(basename "$kdeb")"
  loaded[$n]=1
  deps=$(aarch64-linux-gnu-objcopy -O binary --only-section=.modinfo "${mod_path[$n]}" /dev/stdout | tr '\0' '\n' | sed -n 's/^depends=//p')
  for d in ${deps//,/ }; do add_module "$d"; done
  order+=("$n")
}
for m in xen-privcmd xen-evtchn xenfs xen-gntdev xen-gntalloc virtio_mmio virtio_blk; do add_module "$m"; done
mkdir -p "$root/lib/modules"
: > "$root/lib/modules/load-order"
for n in "${order[@]}"; do
  cp "${mod_path[$n]}" "$root/lib/modules/$n.ko"
  echo "$n" >> "$root/lib/modules/load-order"
done
log "modules: ${order[*]}"

install -m 0755 "$here/init" "$root/init"
install -m 0755 "$top/tracing/dom0-run.sh" "$root/usr/bin/dom0-run.sh"
mkdir -p "$root"/{proc,sys,dev,tmp,run,mnt,var/lib/xen,var/log/xen/console,root}
ln -sfn ../run "$root/var/run"
ln -sfn ../run/lock "$root/var/lock"
echo "$kver" > "$root/etc/vtb-kernel-release"

log "packing initramfs"
vtb_pack_initramfs "$root" "$work/out/initramfs.cpio.gz"

# The test domU: busybox and an /init that prints, then powers off.
t=$work/testdomu
mkdir -p "$t/bin" "$t/proc" "$t/sys" "$t/dev"
cp "$root/bin/busybox" "$t/bin/busybox"
install -m 0755 "$here/testdomu-init" "$t/init"
vtb_pack_initramfs "$t" "$work/out/testdomu.cpio.gz"

{ echo "kernel_deb=$(basename "$kdeb")"; echo "kernel_release=$kver"
  echo "modules=${order[*]}"
  for f in "${deb_files[@]}"; do echo "deb=$(basename "$f")"; done
} > "$work/out/manifest"
rm -rf "$out"
mv "$work/out" "$out"
publish
log "built $key ($(du -h "$out/initramfs.cpio.gz" | cut -f1) initramfs)"
echo "$out"
