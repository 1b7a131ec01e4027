# Sourced by the initramfs builders (platform/dom0, platform/linux-guest,
# platform/kvm), after platform/lib/kernel-image.sh: the parts every one of
# them needs, done one way. Progress goes through the builder's own log().

# vtb_find_deb DEBS PACKAGE-GLOB: the newest arm64 .deb of the package in
# the download cache (debug-symbol packages left out); one-line error naming
# the installer when there is none.
vtb_find_deb() {
  local deb
  deb=$(ls "$1"/$2_*_arm64.deb 2>/dev/null | grep -v -- '-dbg_' | sort -V | tail -1 || true)
  [ -n "$deb" ] || { echo "${cli_prog:-initramfs}: no $2 arm64 .deb in $1 (run scripts/install-deps.sh)" >&2; return 1; }
  printf '%s\n' "$deb"
}

# vtb_cached_kernel KERNEL_DEB CACHE: CACHE/<deb name>/ holds the kernel's raw
# Image, its release and its System.map, unpacked once per .deb (the kernel
# depends on nothing else). Prints that folder.
vtb_cached_kernel() {
  local kdeb=$1 kdir kwork vmlinuz
  kdir=$2/$(basename "$kdeb" .deb)
  if [ ! -f "$kdir/Image" ]; then
    log "unpacking $(basename "$kdeb")"
    mkdir -p "$2"
    kwork=$(mktemp -d "$2/.tmp.XXXXXX") || return 1
    dpkg-deb -x "$kdeb" "$kwork/x" && mkdir -p "$kwork/out" &&
      vmlinuz=$(ls "$kwork"/x/boot/vmlinuz-* 2>/dev/null | head -1) && [ -n "$vmlinuz" ] &&
      vtb_kernel_image "$vmlinuz" "$kwork/out/Image" &&
      basename "$vmlinuz" | sed 's/^vmlinuz-//' > "$kwork/out/release" || {
        echo "${cli_prog:-initramfs}: cannot unpack a kernel Image from $(basename "$kdeb")" >&2; rm -rf "$kwork"; return 1; }
    # The kernel's symbols, for attributing a profile of the host (docs/kvm.md).
    cp "$kwork"/x/boot/System.map-* "$kwork/out/System.map" 2>/dev/null || true
    rm -rf "$kdir" && mv "$kwork/out" "$kdir" && rm -rf "$kwork" || return 1
  fi
  printf '%s\n' "$kdir"
}

# vtb_busybox_root BUSYBOX_DEB SCRATCH ROOT: ROOT gets the skeleton every
# initramfs has (/bin /proc /sys /dev /tmp) and Debian's static busybox.
vtb_busybox_root() {
  mkdir -p "$2" "$3"/{bin,proc,sys,dev,tmp} || return 1
  dpkg-deb -x "$1" "$2" || return 1
  [ -x "$2/bin/busybox" ] || { echo "$(basename "$1") did not provide /bin/busybox" >&2; return 1; }
  cp "$2/bin/busybox" "$3/bin/busybox"
}

# vtb_initramfs_start BUILD_ROOT KEY BUSYBOX_DEB: a build already cached
# under KEY ends the calling builder (its folder printed, as a fresh build's
# is). Otherwise sets out (the final folder), work (scratch, removed on
# exit) and root (the initramfs root, with busybox) for the builder to fill.
# Progress goes through the builder's own log().
vtb_initramfs_start() {
  out=$1/$2
  if [ -f "$out/initramfs.cpio.gz" ]; then
    log "cached build $2"
    echo "$out"
    exit 0
  fi
  mkdir -p "$1" || return 1
  work=$(mktemp -d "$1/.tmp-$2.XXXXXX") || return 1
  trap 'rm -rf "$work"' EXIT
  root=$work/root
  mkdir -p "$work/out" && vtb_busybox_root "$3" "$work/bb" "$root"
}

# vtb_pack_initramfs ROOT OUT: ROOT as a gzipped newc cpio archive. Fixed
# mtimes, owners and name order: the same inputs give the same bytes, so a
# deterministic boot of the archive is the same boot on every machine.
vtb_pack_initramfs() {
  (cd "$1" && find . -exec touch -h -d @0 {} + && find . -print0 | LC_ALL=C sort -z |
     cpio --null -o -H newc -R 0:0 --reproducible --quiet) | gzip -9n > "$2"
}
