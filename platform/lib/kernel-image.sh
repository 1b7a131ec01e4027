# Sourced by the initramfs builders (platform/dom0, platform/linux-guest).
# vtb_kernel_image VMLINUZ OUT: writes the raw arm64 Image QEMU's
# guest-loader wants. Debian 12's arm64 vmlinuz is already raw; some
# releases ship it gzipped. Fails (message on stderr) if the result has no
# arm64 Image magic.
vtb_kernel_image() {
  if [ "$(head -c2 "$1" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then
    gzip -dc "$1" > "$2" || return 1
  else
    cp "$1" "$2" || return 1
  fi
  [ "$(dd if="$2" bs=1 skip=56 count=4 2>/dev/null)" = $'ARM\x64' ] || {
    echo "kernel $(basename "$1") is not an arm64 Image (no ARM\\x64 magic)" >&2
    return 1
  }
}
