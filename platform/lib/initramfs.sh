# Sourced by the initramfs builders (platform/dom0, platform/linux-guest,
# platform/kvm): the parts every one of them needs, done one way.

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
