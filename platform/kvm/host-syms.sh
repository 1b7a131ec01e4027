#!/usr/bin/env bash
# The KVM host kernel's symbols as an ELF the instruction profiler's plugin
# loads in place of xen-syms (docs/kvm.md, "Where the instructions go").
# Debian's System.map is a placeholder (the real one is in the -dbg
# package), so the symbols come from the kernel itself: one short boot of
# the host kernel (deterministic, nokaslr: the addresses of every kvm-*
# boot) whose /init prints /proc/kallsyms' code symbols. They become
# absolute-address function symbols over a .text section holding the raw
# Image at the kernel's link address, plus "hyp_traps_vector" (the name the
# plugin counts exits by) at KVM's VHE vector __kvm_hyp_vector. VHE only:
# there the whole host kernel, KVM's world switch included, runs at EL2 at
# these addresses; nVHE's hyp code runs at other (hyp) addresses.
# Cached beside the unpacked kernel:
#   build/kvm/kernel/<kernel .deb name>/{kallsyms,host-syms.elf}
# Prints the ELF's path on its last line.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/kvm/host-syms.sh [--debs DIR] [--build-dir DIR] [-q]
  --debs DIR       arm64 .deb cache (default cache/debs)
  --build-dir DIR  output root (default build/kvm)
Prints the path of host-syms.elf on its last line. Exit: 0 built or cached;
1 failed (one line says why); 2 bad usage.
USAGE
}

top=$(cd "$(dirname "$0")/../.." && pwd)
debs=${VTB_CACHE:-$top/cache}/debs
build_root=$top/build/kvm
quiet=0
cli_prog=kvm
. "$top/scripts/lib/cli.sh"
while [ $# -gt 0 ]; do
  case "$1" in
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
. "$top/platform/lib/boot.sh"
for t in aarch64-linux-gnu-as aarch64-linux-gnu-ld cpio gzip; do
  command -v "$t" >/dev/null || cli_die "missing host tool '$t'"
done

kdeb=$(vtb_find_deb "$debs" 'linux-image-*-cloud-arm64') || exit 1
bbdeb=$(vtb_find_deb "$debs" busybox-static) || exit 1
kdir=$(vtb_cached_kernel "$kdeb" "$build_root/kernel") || exit 1
elf=$kdir/host-syms.elf
if [ -f "$elf" ]; then
  log "cached $elf"
  echo "$elf"
  exit 0
fi
work=$(mktemp -d "$build_root/.tmp-syms.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ ! -s "$kdir/kallsyms" ]; then
  log "booting the host kernel once for its symbols"
  vtb_busybox_root "$bbdeb" "$work/bb" "$work/root" || cli_die "cannot lay out the initramfs root"
  cat > "$work/root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "@KS-BEGIN"
/bin/busybox awk '$2 ~ /^[tTwW]$/ {print "@KS " $1 " " $3}' /proc/kallsyms
echo "@KS-END"
/bin/busybox poweroff -f
INIT
  chmod 0755 "$work/root/init"
  vtb_pack_initramfs "$work/root" "$work/ks.cpio.gz"
  # The kvm-vhe machine; the kernel's addresses do not depend on the CPU.
  export VTB_MACHINE=virt-gicv3-max
  vtb_qemu_argv qemu --mode deterministic --el2 on --kernel "$kdir/Image" --initrd "$work/ks.cpio.gz" \
    --bootargs "console=ttyAMA0 quiet loglevel=0 panic=-1 rdinit=/init nokaslr norandmaps" || exit 1
  vtb_boot 600 "$work/ks.log" "$work/ks.log" -- "${qemu[@]}" || cli_die "the symbols boot failed: $vtb_boot_why"
  tr -d '\r' < "$work/ks.log" | sed -n '/^@KS-BEGIN/,/^@KS-END/p' > "$work/ks.txt"
  grep -q '^@KS-END' "$work/ks.txt" || cli_die "the symbols boot printed no complete symbol list"
  sed -n 's/^@KS //p' "$work/ks.txt" > "$work/kallsyms"
  mv "$work/kallsyms" "$kdir/kallsyms"
fi

# Addresses are 64-bit: awk's numbers are doubles, so only the low 32 bits
# are computed with (the kernel's text lies in one 4 GiB window).
base=$(awk '$2 == "_stext" {print $1; exit}' "$kdir/kallsyms")
vec=$(awk '$2 == "__kvm_hyp_vector" {print $1; exit}' "$kdir/kallsyms")
[ -n "$base" ] && [ -n "$vec" ] || cli_die "$kdir/kallsyms has no _stext or __kvm_hyp_vector"
# _text (the Image's first byte) is _stext less the 64 KiB head of arm64 Linux.
text_hi=${base:0:8}
text_lo=$(printf '%08x' $((0x${base:8} - 0x10000)))
awk -v img="$kdir/Image" -v sz="$(stat -c %s "$kdir/Image")" -v hi="$text_hi" -v lo="$text_lo" -v vec="$vec" '
  BEGIN { print ".section .text,\"ax\",%progbits"; print "vtb_text:"; print ".incbin \"" img "\"" }
  substr($1, 1, 8) == hi {
    off = strtonum("0x" substr($1, 9)) - strtonum("0x" lo)
    if (off < 0 || off >= sz) next
    n = $2; if (++seen[n] > 1) n = n "." seen[n]   # static functions of one name
    printf(".type \"%s\", %%function\n.set \"%s\", vtb_text + 0x%x\n", n, n, off)
    if ($1 == vec) printf(".type hyp_traps_vector, %%function\n.set hyp_traps_vector, vtb_text + 0x%x\n", off)
  }' "$kdir/kallsyms" > "$work/syms.S"
aarch64-linux-gnu-as -o "$work/syms.o" "$work/syms.S" || cli_die "cannot assemble the symbol table"
aarch64-linux-gnu-ld -nostdlib -Ttext="0x$text_hi$text_lo" -e 0 -o "$work/host-syms.elf" "$work/syms.o" ||
  cli_die "cannot link the symbol ELF"
mv "$work/host-syms.elf" "$elf"
log "built $elf ($(grep -c . "$kdir/kallsyms") symbols)"
echo "$elf"
