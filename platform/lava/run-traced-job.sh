#!/usr/bin/env bash
# The traced boot as a LAVA job: the LAVA counterpart of
# platform/dom0/run-dom0-capture.sh (docs/lava.md). The same Xen command
# line, the same Linux dom0 (platform/dom0/build-initramfs.sh) and the same
# inputs archive appended to its initramfs as a local traced boot, so the
# device boots the same bytes; the machine has no results disk, so the
# dom0's init prints its results on the console (platform/dom0/init) and
# platform/lava/run-job.sh brings them back checked. RAW then holds what a
# local capture's RAW holds (serial.log is the console LAVA recorded), for
# the same analysis. Orchestration only.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/lava/run-traced-job.sh --device FILE --raw DIR --xen IMG --guest IMG [options]
  --device FILE     LAVA device description (platform/lava/devices/qemu.conf)
  --identity NAME   lavacli identity (default: default)
  --raw DIR         where the capture goes (must not exist; DIR.failed on failure);
                    the job's own files go to DIR.lava/
  --xen IMG         Xen image
  --guest IMG       the storm guest, run as an xl domU by the dom0
  --cmdline STR     guest bootargs
  --xen-args STR    extra Xen options (the variant's)
  --mode M          deterministic (default) or realtime
  --name NAME       job name and result suites vtb-NAME-* (default traced)
  --timeout SEC     the job's timeout (default 900)
Options of the capture as run-dom0-capture.sh's defaults: a 1-vCPU, 64 MB
guest with an emulated UART, mask 0x0102f000, 256 trace pages, guest timeout
120 s. Prints DIR on its last line.
USAGE
}

top=$(cd "$(dirname "$0")/../.." && pwd)
cli_prog=lava
. "$top/scripts/lib/cli.sh"
. "$top/platform/dom0/inputs.sh"

device="" identity=default raw="" xen="" guest="" cmdline="" xen_args="" mode=deterministic name=traced timeout=900
while [ $# -gt 0 ]; do
  case "$1" in
    --device) cli_need_value "$@"; device=$(cli_abs "$2"); shift ;;
    --identity) cli_need_value "$@"; identity=$2; shift ;;
    --raw) cli_need_value "$@"; raw=$(cli_abs "$2"); shift ;;
    --xen) cli_need_value "$@"; xen=$(cli_abs "$2"); shift ;;
    --guest) cli_need_value "$@"; guest=$(cli_abs "$2"); shift ;;
    --cmdline) cli_need_value "$@"; cmdline=$2; shift ;;
    --xen-args) cli_need_value "$@"; xen_args=$2; shift ;;
    --mode) cli_need_value "$@"; mode=$2; shift ;;
    --name) cli_need_value "$@"; name=$2; shift ;;
    --timeout) cli_need_value "$@"; timeout=$2; shift ;;
    -h|--help) usage; exit 0 ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[ -n "$raw" ] && [ -n "$xen" ] && [ -n "$guest" ] && [ -n "$device" ] || cli_usage_error "--device, --raw, --xen and --guest are required (see --help)"
[ ! -e "$raw" ] || cli_die "'$raw' already exists"
[ -f "$guest" ] || cli_usage_error "--guest: no such image '$guest'"
case "$cmdline" in *$'\n'*) cli_usage_error "--cmdline may not contain newlines" ;; esac
case "$mode" in deterministic) smp=() ;; realtime) smp=(--smp 2) ;; *) cli_usage_error "--mode must be deterministic or realtime" ;; esac
[ "${#smp[@]}" = 0 ] || cli_usage_error "the traced boot through LAVA is tested in deterministic mode only"

dom0=$("$top/platform/dom0/build-initramfs.sh" -q | tail -1) || cli_die "building the dom0 failed"
mkdir -p "$(dirname "$raw")"
tmp=$(mktemp -d "$raw.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# The inputs made as run-dom0-capture.sh makes them (platform/dom0/inputs.sh),
# with its defaults: the device boots the local bytes.
vtb_dom0_initrd "$tmp" "$dom0" "$guest" "" --kernel guest.img --cmdline "$cmdline" --vcpus 1 --memory 64 \
  --mask 0x0102f000 --timeout 120 --tbuf-pages 256 --vuart || cli_die "cannot make the dom0's inputs archive"
xen_cmd="$(vtb_dom0_xen_cmd 256)${xen_args:+ $xen_args}"

job=$raw.lava
rm -rf "$job"
t0=$(date +%s.%N)
"$top/platform/lava/run-job.sh" --device "$device" --identity "$identity" --name "$name" --traced \
  --xen "$xen" --xen-cmdline "$xen_cmd" --kernel "$dom0/Image" --bootargs "console=hvc0 earlycon=xen rdinit=/init quiet" \
  --initrd "$tmp/initrd.cpio.gz" --memory 2G --mode "$mode" --timeout "$timeout" --out "$job" || exit 1
wall_s=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')

res=$job/results
dom0_rc=$(cat "$res/dom0-status" 2>/dev/null || echo none)
mkdir -p "$tmp/raw"
if [ -d "$res/run" ]; then cp -a "$res/run/." "$tmp/raw/"; elif [ -d "$res/run.failed" ]; then cp -a "$res/run.failed/." "$tmp/raw/"; fi
cp "$job/console.log" "$tmp/raw/serial.log"
[ -f "$res/dom0-dmesg.txt" ] && cp "$res/dom0-dmesg.txt" "$tmp/raw/"
{
  echo "platform=emulated-xen-dom0"
  echo "runner=lava"
  echo "mode=$mode"
  echo "machine=${VTB_MACHINE:-virt-gicv3}"
  echo "lava_job=$(cat "$job/lava-job.id")"
  echo "lava_device_type=$(sed -n 's/^[[:space:]]*device_type[[:space:]]*=[[:space:]]*//p' "$device" | tail -1)"
  echo "wall_s=$wall_s"
  vtb_dom0_manifest_inputs "$xen" "$dom0" "$dom0_rc" "$guest"
} > "$tmp/raw/platform-manifest"

why=
if [ "$dom0_rc" = none ]; then why="the dom0's results archive holds no status"
elif [ "$dom0_rc" != 0 ]; then why="dom0-run.sh failed: $(grep -m1 '^dom0-run:' "$tmp/raw/serial.log" || grep -m1 'VTB-DOM0: error' "$tmp/raw/serial.log" || echo "exit $dom0_rc")"
elif [ ! -f "$tmp/raw/manifest" ]; then why="results lack the dom0-run manifest"
fi
if [ -n "$why" ]; then
  rm -rf "$raw.failed"
  mv "$tmp/raw" "$raw.failed"
  cli_die "LAVA job $(cat "$job/lava-job.id"): $why (console: $raw.failed/serial.log)"
fi
mv "$tmp/raw" "$raw"
echo "$raw"
