#!/usr/bin/env bash
# Host side of a capture on the emulated platform: boot Xen with the minimal
# Linux dom0 under QEMU, hand it the guest in a cpio archive appended to its
# initramfs, let the dom0 run tracing/dom0-run.sh (the same script a real
# Xen/ARM dom0 runs), and unpack the results it writes as a tar onto a virtio
# disk into RAW. Orchestration only.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/dom0/run-dom0-capture.sh --raw DIR --guest IMAGE [options]
  --raw DIR          where the results go (must not exist; DIR.failed on failure)
  --guest IMAGE      guest kernel image; 'testdomu' = the Debian kernel with the
                     test initramfs from build-initramfs.sh (proves the chain)
  --cmdline STR      guest bootargs
  --ramdisk FILE     guest initrd
  --vcpus N          guest vCPUs (default 1)
  --memory MB        guest memory (default 64; testdomu: 256)
  --mask HEX         xentrace and Xen tevt_mask event mask (default 0x0102f000)
  --timeout S        guest timeout inside dom0, in guest seconds (default 120)
  --cpus LIST        pin the guest's vCPUs to these pCPUs (realtime mode)
  --vuart            give the guest an emulated SBSA UART
  --mode M           realtime (default; -smp 2) or deterministic (-icount shift=0,sleep=off, -smp 1)
  --smp N            pCPUs in realtime mode (default 2)
  --xen IMAGE        Xen image (default: tracing/build-xen.sh's stock build)
  --tbuf-pages N     Xen trace buffer pages per pCPU, set at boot (default 256)
  --trace-from-boot  also pass tevt_mask=MASK to Xen (tracing from boot; the
                     capture then starts with lost-records records)
  --xen-args STR     extra Xen command line options
  --wall-timeout S   kill QEMU after S wall-clock seconds (default 600;
                     deterministic mode: 2400)
  --out-size MB      size of the results disk (default 512)
  --nic MAC          also plug in the network card LAVA's qemu device type adds
                     (a virtio-net PCI card with this MAC, user networking):
                     the machine a traced LAVA job boots (docs/lava.md)
  --plugin SPEC      TCG plugin, QEMU's form SO[,NAME=VALUE...] (deterministic
                     mode only; repeatable; docs/profiler.md)
  -v                 also show the serial console while it runs
Prints the RAW directory on its last line.
USAGE
}

top=$(cd "$(dirname "$0")/../.." && pwd)
cli_prog=run-dom0-capture
. "$top/scripts/lib/cli.sh"
. "$top/platform/lib/boot.sh"
. "$top/platform/dom0/inputs.sh"
log() { echo "run-dom0-capture: $*" >&2; }

raw= guest= cmdline= ramdisk= vcpus=1 memory= mask=0x0102f000 timeout=120 vuart=0
plugins=() nic='' cpus='' trace_from_boot=0 mode=realtime smp=2 xen= tbuf_pages=256 xen_args= wall= out_size=512 verbose=0
while [ $# -gt 0 ]; do
  case "$1" in
    --raw) cli_need_value "$@"; raw=$2; shift ;;
    --guest) cli_need_value "$@"; guest=$2; shift ;;
    --cmdline) cli_need_value "$@"; cmdline=$2; shift ;;
    --ramdisk) cli_need_value "$@"; ramdisk=$2; shift ;;
    --vcpus) cli_need_value "$@"; vcpus=$2; shift ;;
    --memory) cli_need_value "$@"; memory=$2; shift ;;
    --mask) cli_need_value "$@"; mask=$2; shift ;;
    --timeout) cli_need_value "$@"; timeout=$2; shift ;;
    --cpus) cli_need_value "$@"; cpus=$2; shift ;;
    --vuart) vuart=1 ;;
    --trace-from-boot) trace_from_boot=1 ;;
    --mode) cli_need_value "$@"; mode=$2; shift ;;
    --smp) cli_need_value "$@"; smp=$2; shift ;;
    --xen) cli_need_value "$@"; xen=$2; shift ;;
    --tbuf-pages) cli_need_value "$@"; tbuf_pages=$2; shift ;;
    --xen-args) cli_need_value "$@"; xen_args=$2; shift ;;
    --wall-timeout) cli_need_value "$@"; wall=$2; shift ;;
    --out-size) cli_need_value "$@"; out_size=$2; shift ;;
    --nic) cli_need_value "$@"; nic=$2; shift ;;
    --plugin) cli_need_value "$@"; IFS=, read -ra p <<< "$2"; plugins+=(--plugin "${p[0]}")
      for kv in "${p[@]:1}"; do plugins+=(--plugin-arg "$kv"); done; shift ;;
    -v) verbose=1 ;;
    -h|--help) usage; exit 0 ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[ -n "$raw" ] && [ -n "$guest" ] || cli_usage_error "--raw and --guest are required (see --help)"
[ ! -e "$raw" ] || cli_die "'$raw' already exists"
case "$mode" in
  realtime) accel=(--smp "$smp"); : "${wall:=600}" ;;
  deterministic) accel=(); : "${wall:=2400}" ;;
  *) cli_usage_error "--mode must be realtime or deterministic, got '$mode'" ;;
esac
[ "${#plugins[@]}" = 0 ] || [ "$mode" = deterministic ] || cli_usage_error "--plugin needs --mode deterministic"
for v in vcpus timeout smp tbuf_pages wall out_size; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || cli_usage_error "--${v//_/-} must be a positive integer, got '${!v}'"
done
[[ $mask =~ ^0[xX][0-9a-fA-F]+$ ]] || cli_usage_error "--mask must be hex like 0x0002f000, got '$mask'"
[ -z "$nic" ] || [[ $nic =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || cli_usage_error "--nic needs a MAC like 52:54:00:12:34:59, got '$nic'"
for t in tar timeout cpio gzip; do
  command -v "$t" >/dev/null || cli_die "missing host tool '$t' (run scripts/install-deps.sh)"
done

dom0=$("$top/platform/dom0/build-initramfs.sh" -q | tail -1) || cli_die "building the dom0 failed"
if [ -z "$xen" ]; then
  xen=$("$top/tracing/build-xen.sh" -q | tail -1) || cli_die "building Xen failed"
fi
[ -f "$xen" ] || cli_die "Xen image '$xen' not found"
if [ "$guest" = testdomu ]; then
  guest=$dom0/Image
  [ -n "$ramdisk" ] || ramdisk=$dom0/testdomu.cpio.gz
  [ -n "$cmdline" ] || cmdline="console=hvc0 rdinit=/init vtb.sleep=1"
  : "${memory:=256}"
fi
: "${memory:=64}"
[ -f "$guest" ] || cli_die "guest image '$guest' not found"
[ -z "$ramdisk" ] || [ -f "$ramdisk" ] || cli_die "ramdisk '$ramdisk' not found"
case "$cmdline" in *$'\n'*) cli_usage_error "--cmdline may not contain newlines" ;; esac

mkdir -p "$(dirname "$raw")"
tmp=$(mktemp -d "$raw.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
args=(--kernel guest.img --cmdline "$cmdline" --vcpus "$vcpus" --memory "$memory"
      --mask "$mask" --timeout "$timeout" --tbuf-pages "$tbuf_pages")
[ -z "$ramdisk" ] || args+=(--ramdisk ramdisk.img)
[ "$vuart" = 1 ] && args+=(--vuart)
[ -z "$cpus" ] || args+=(--cpus "$cpus")
vtb_dom0_initrd "$tmp" "$dom0" "$guest" "$ramdisk" "${args[@]}" || cli_die "cannot make the dom0's inputs archive"
truncate -s "${out_size}M" "$tmp/out.img"

# With tevt_mask= at boot the buffers fill during dom0's boot and the first
# record of each CPU in the capture is a lost-records record that is no loss
# of the run's data: tracing starts from boot only when asked.
xen_cmd=$(vtb_dom0_xen_cmd "$tbuf_pages")
[ "$trace_from_boot" = 1 ] && xen_cmd="$xen_cmd tevt_mask=$mask"
xen_cmd="$xen_cmd${xen_args:+ $xen_args}"
dom0_cmd="console=hvc0 earlycon=xen rdinit=/init quiet"
vtb_qemu_argv qemu --mode "$mode" "${accel[@]}" --memory 2G --xen "$xen" --xen-args "$xen_cmd" \
  --kernel "$dom0/Image" --bootargs "$dom0_cmd" --initrd "$tmp/initrd.cpio.gz" \
  --drive "$tmp/out.img" --drive-serial vtb-out "${plugins[@]}" || cli_die "no QEMU command line for this boot"

[ -z "$nic" ] || qemu+=(-net "nic,model=virtio,macaddr=$nic" -net user)
log "booting Xen + dom0 ($mode mode, wall-clock limit ${wall}s)"
t0=$(date +%s.%N)
tee=(); [ "$verbose" = 0 ] || tee=(--tee)
vtb_boot "${tee[@]}" "$wall" "$tmp/serial.log" "$tmp/serial.log" -- "${qemu[@]}" || true
qrc=$vtb_boot_rc
t1=$(date +%s.%N)
wall_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')

mkdir -p "$tmp/res"
tar -xf "$tmp/out.img" -C "$tmp/res" 2>/dev/null || true
dom0_rc=$(cat "$tmp/res/dom0-status" 2>/dev/null || echo none)
res=
if [ -d "$tmp/res/run" ]; then res=$tmp/res/run; elif [ -d "$tmp/res/run.failed" ]; then res=$tmp/res/run.failed; fi

mkdir -p "$tmp/raw"
[ -z "$res" ] || cp -a "$res/." "$tmp/raw/"
cp "$tmp/serial.log" "$tmp/raw/serial.log"
[ -f "$tmp/res/dom0-dmesg.txt" ] && cp "$tmp/res/dom0-dmesg.txt" "$tmp/raw/"
{
  echo "platform=emulated-xen-dom0"
  echo "mode=$mode"
  echo "machine=$(basename "$(vtb_machine_file)" .conf)"
  echo "qemu=$("${qemu[0]}" --version | head -1)"
  echo "qemu_args=${qemu[*]:1}"
  echo "qemu_rc=$qrc"
  echo "wall_s=$wall_s"
  vtb_dom0_manifest_inputs "$xen" "$dom0" "$dom0_rc" "$guest"
} > "$tmp/raw/platform-manifest"

why=
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then why="QEMU killed after the ${wall}s wall-clock limit"
elif [ "$qrc" != 0 ]; then why="QEMU exited with status $qrc"
elif [ "$dom0_rc" = none ]; then why="the dom0 wrote no results ($(grep -m1 'VTB-DOM0: error' "$tmp/serial.log" || echo 'no error marker'))"
elif [ "$dom0_rc" != 0 ]; then why="dom0-run.sh failed: $(grep -m1 '^dom0-run:' "$tmp/serial.log" || grep -m1 'VTB-DOM0: error' "$tmp/serial.log" || echo "exit $dom0_rc")"
elif [ ! -f "$tmp/raw/manifest" ]; then why="results lack the dom0-run manifest"
fi
if [ -n "$why" ]; then
  rm -rf "$raw.failed"
  mv "$tmp/raw" "$raw.failed"
  cli_die "$why (serial log: $raw.failed/serial.log)"
fi
mv "$tmp/raw" "$raw"
log "done in ${wall_s}s wall-clock: trace $(wc -c < "$raw/trace.xentrace") bytes"
echo "$raw"
