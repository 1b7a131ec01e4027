# Sourced by the two runners of a traced boot, platform/dom0/run-dom0-capture.sh
# (local QEMU) and platform/lava/run-traced-job.sh (a LAVA job): what the
# Linux dom0 is given, made one way, so that both boot the same bytes.

# vtb_dom0_initrd TMP DOM0_DIR GUEST RAMDISK DOM0_RUN_ARGS...: writes
# TMP/initrd.cpio.gz, the dom0 initramfs with a second archive appended
# (the kernel unpacks both): vtb-in/ holding the guest (and RAMDISK unless it is "") and
# vtb-in/args, dom0-run.sh's arguments one per line, paths relative to
# vtb-in/ (the dom0's working directory). No disk is read before or during
# the run. Fixed mtimes, owners and order: the same inputs, the same bytes.
vtb_dom0_initrd() {
  local tmp=$1 dom0=$2 guest=$3 ramdisk=${4:-}
  shift 4
  mkdir -p "$tmp/in/vtb-in" || return 1
  cp "$guest" "$tmp/in/vtb-in/guest.img" || return 1
  [ -z "$ramdisk" ] || cp "$ramdisk" "$tmp/in/vtb-in/ramdisk.img" || return 1
  printf '%s\n' "$@" > "$tmp/in/vtb-in/args"
  (cd "$tmp/in" && find vtb-in -exec touch -h -d @0 {} + && find vtb-in -print0 | LC_ALL=C sort -z |
     cpio --null -o -H newc -R 0:0 --reproducible --quiet) | gzip -1n > "$tmp/in.cpio.gz" &&
    cat "$dom0/initramfs.cpio.gz" "$tmp/in.cpio.gz" > "$tmp/initrd.cpio.gz"
}

# vtb_dom0_xen_cmd TBUF_PAGES: Xen's own options for a traced boot (the
# machine description adds its options first; the variant's come after).
# The trace buffers are allocated at boot (tbuf_size) but tracing starts
# only when dom0's xentrace sets the mask.
vtb_dom0_xen_cmd() {
  echo "dom0_mem=512M,max:512M console=dtuart guest_loglvl=all loglvl=all tbuf_size=$1"
}

# vtb_dom0_manifest_inputs XEN DOM0_DIR DOM0_RC GUEST: the platform-manifest
# lines that name what was booted, the same keys from both runners.
vtb_dom0_manifest_inputs() {
  echo "xen_image=$1"
  echo "xen_sha256=$(sha256sum "$1" | cut -d' ' -f1)"
  echo "dom0_build=$(basename "$2")"
  echo "dom0_rc=$3"
  echo "guest_image=$4"
  echo "guest_sha256=$(sha256sum "$4" | cut -d' ' -f1)"
}
