#!/usr/bin/env bash
# One boot of Xen + the storm guest as dom0 on a LAVA device: the LAVA
# counterpart of platform/emulated.sh (docs/lava.md). Generates the job from
# the machine description (vtb-machine lava-job) and the user's LAVA device
# description, copies the images into the device's image store, submits the
# job with lavacli, waits, and brings the device's console back.
# Orchestration only: it measures nothing.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/lava/run-job.sh --device FILE --xen IMG --kernel IMG --out DIR [options]
  --device FILE        LAVA device description (platform/lava/devices/qemu.conf)
  --identity NAME      lavacli identity of the LAVA instance (default: default)
  --xen IMG            Xen image
  --kernel IMG         dom0 kernel (the bare-metal storm guest, or Linux)
  --bootargs STR       dom0 command line
  --initrd IMG         dom0 initrd, passed to the machine untouched
  --xen-args STR       extra Xen command line options
  --xen-cmdline STR    Xen's whole command line instead of "dom0_mem=.. console=dtuart
                       noreboot" and --xen-args (the machine's own options still come first)
  --dom0-mem SIZE      dom0 memory (default 128M, as platform/emulated.sh)
  --memory SIZE        the machine's memory (default: the machine description's)
  --traced             the dom0 is platform/dom0's Linux running the capture: the
                       job's results are its latency quantiles and the size of its
                       results archive, which comes back on the console
                       (platform/dom0/init) and is unpacked into DIR/results/
  --mode MODE          deterministic (default) or realtime
  --name NAME          the variant: job name and result suites vtb-NAME-* (default boot)
  --timeout SEC        the job's timeout and how long to wait for it (default 900)
  --out DIR            where the job's files go: lava-job.yaml, lava-job.id,
                       lava-log.yaml (lavacli jobs logs --raw), lava-results.txt,
                       and console.log, the device's console, once the job is
                       Complete with results and ran the images we sent
VTB_MACHINE=NAME picks platform/machines/NAME.conf (default virt-gicv3).
Exit: 0 job Complete with results; 1 the job failed (Incomplete, Canceled,
no device online, timeout, no results, images not ours; one line naming the
job and its log); 2 bad usage.
USAGE
}

top=$(cd "$(dirname "$0")/../.." && pwd)
cli_prog=lava
. "$top/scripts/lib/cli.sh"
. "$top/platform/lib/boot.sh"

device="" identity=default xen="" kernel="" bootargs="" xen_args="" dom0_mem=128M
mode=deterministic name=boot timeout=900 out="" initrd="" xen_cmdline="" memory="" traced=0
while [ $# -gt 0 ]; do
  case "$1" in
    --device) cli_need_value "$@"; device=$(cli_abs "$2"); shift ;;
    --identity) cli_need_value "$@"; identity=$2; shift ;;
    --xen) cli_need_value "$@"; xen=$(cli_abs "$2"); shift ;;
    --kernel) cli_need_value "$@"; kernel=$(cli_abs "$2"); shift ;;
    --bootargs) cli_need_value "$@"; bootargs=$2; shift ;;
    --initrd) cli_need_value "$@"; initrd=$(cli_abs "$2"); shift ;;
    --xen-cmdline) cli_need_value "$@"; xen_cmdline=$2; shift ;;
    --memory) cli_need_value "$@"; memory=$2; shift ;;
    --traced) traced=1 ;;
    --xen-args) cli_need_value "$@"; xen_args=$2; shift ;;
    --dom0-mem) cli_need_value "$@"; dom0_mem=$2; shift ;;
    --mode) cli_need_value "$@"; mode=$2; shift ;;
    --name) cli_need_value "$@"; name=$2; shift ;;
    --timeout) cli_need_value "$@"; timeout=$2; shift ;;
    --out) cli_need_value "$@"; out=$(cli_abs "$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[ -n "$device" ] && [ -f "$device" ] || cli_usage_error "--device: no such file '${device}'"
[ -n "$xen" ] && [ -f "$xen" ] || cli_usage_error "--xen: no such image '${xen}'"
[ -n "$kernel" ] && [ -f "$kernel" ] || cli_usage_error "--kernel: no such image '${kernel}'"
[ -z "$initrd" ] || [ -f "$initrd" ] || cli_usage_error "--initrd: no such image '${initrd}'"
[ -n "$out" ] || cli_usage_error "--out is required"
cli_uint --timeout "$timeout"
[ "$timeout" -gt 0 ] || cli_usage_error "--timeout must be at least 1"
case "$name" in ''|*[!a-z0-9_-]*) cli_usage_error "--name must be lower-case letters, digits, - and _ (LAVA lowercases suite names)" ;; esac

make -s -C "$top/platform/lava" all >/dev/null || cli_die "building platform/lava/bin/vtb-lava-log failed"
lavalog=$top/platform/lava/bin/vtb-lava-log
# lavacli is a python3 program of Debian's: a python3 earlier on PATH (a
# shim without its modules) breaks it (DESIGN.md, LAVA).
lava_cli() { PATH=/usr/sbin:/usr/bin:/sbin:/bin lavacli -i "$identity" "$@"; }
command -v lavacli >/dev/null || PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v lavacli >/dev/null \
  || cli_die "lavacli is not installed (scripts/install-deps.sh installs it)"

devkey() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$device" | tail -1 | sed 's/[[:space:]]*$//'; }
image_dir=$(devkey image_dir) device_type=$(devkey device_type)
[ -n "$image_dir" ] || cli_die "$device: missing key 'image_dir'"
mkdir -p "$image_dir" "$out" || cli_die "cannot create $image_dir or $out"

# Images are named by their content: a job always downloads what it was
# generated for, and jobs of other runs never overwrite it.
stage() { # file label -> staged path
  local sum dest
  sum=$(sha256sum "$1" | cut -c1-16)
  dest=$image_dir/$2-$sum.img
  if [ ! -f "$dest" ]; then
    cp "$1" "$dest.tmp.$$" && mv "$dest.tmp.$$" "$dest" || cli_die "cannot copy $1 into $image_dir"
  fi
  printf '%s\n' "$dest"
}
xen_staged=$(stage "$xen" xen)
kernel_staged=$(stage "$kernel" dom0-kernel)
extra=()
[ -z "$initrd" ] || extra+=(--initrd "$(stage "$initrd" dom0-initrd)")
[ -z "$memory" ] || extra+=(--memory "$memory")
[ -n "$xen_cmdline" ] || xen_cmdline="dom0_mem=$dom0_mem console=dtuart noreboot $xen_args"

job=$out/lava-job.yaml
if [ "$traced" = 0 ]; then
  vtb_machine lava-job --device "$device" --job-name "vtimer-bench $name" --timeout "$timeout" \
    --monitor "vtb-$name" --mode "$mode" --xen "$xen_staged" --xen-args "$xen_cmdline" \
    --kernel "$kernel_staged" --bootargs "$bootargs" "${extra[@]}" > "$job.tmp" || { rm -f "$job.tmp"; exit 1; }
else
  # The traced boot's dom0 (platform/dom0/init) prints, after the run, the
  # guest's latency quantiles on one line and then its results archive
  # between markers; the second monitor ends on the end marker, the last
  # line the job needs (LAVA keeps no console after the last monitor).
  vtb_machine lava-job --device "$device" --job-name "vtimer-bench $name" --timeout "$timeout" \
    --mode "$mode" --xen "$xen_staged" --xen-args "$xen_cmdline" \
    --kernel "$kernel_staged" --bootargs "$bootargs" "${extra[@]}" > "$job.tmp.0" || { rm -f "$job.tmp.0"; exit 1; }
  jq --arg n "vtb-$name" --argjson t "$timeout" '.actions += [{test: {timeout: {seconds: $t}, monitors: [
      {name: ($n + "-latency-ticks"), start: "VTB-DOM0: latency-ticks ", end: "samples=[0-9]+\\r*\\n",
       pattern: "(?P<test_case_id>p50|p99)=(?P<measurement>[0-9]+) "},
      {name: ($n + "-archive-bytes"), start: "VTB-DOM0: results end ", end: "sha256=[0-9a-f]{64}\\r*\\n",
       pattern: "(?P<test_case_id>archive_bytes)=(?P<measurement>[0-9]+) "}]}}]' "$job.tmp.0" > "$job.tmp" \
    || { rm -f "$job.tmp.0" "$job.tmp"; cli_die "jq could not add the traced boot's monitors to the job"; }
  rm -f "$job.tmp.0"
fi
mv "$job.tmp" "$job"

# A job for a device type with no device able to run it would wait forever.
online=$(lava_cli devices list 2>/dev/null | grep -E "^\* [^ ]+ \($device_type\): " | grep -cvE ',(Retired|Maintenance|Bad)$' || true)
[ "$online" -gt 0 ] || cli_die "no LAVA device of type '$device_type' is online on identity '$identity' (lavacli -i $identity devices list)"

id=$(lava_cli jobs submit "$job" 2>"$out/lava-submit.err") \
  || cli_die "lavacli could not submit $job: $(head -1 "$out/lava-submit.err")"
rm -f "$out/lava-submit.err"
case "$id" in ''|*[!0-9]*) cli_die "lavacli jobs submit printed no job id ('$id')" ;; esac
printf '%s\n' "$id" > "$out/lava-job.id"
url=$(lava_cli identities show "$identity" 2>/dev/null | sed -n 's|^uri: *\(.*\)/RPC2/*$|\1|p')
joblog="${url:+$url/scheduler/job/$id, }$out/lava-log.yaml"

# The job's own timeout ends it on the device; this one ends our wait when
# the job never started (a device went offline after submission).
if ! lava_cli jobs wait --polling 1 --timeout "$((timeout + 120))" "$id" > /dev/null 2>&1; then
  lava_cli jobs cancel "$id" > /dev/null 2>&1 || true
  cli_die "LAVA job $id did not finish within $((timeout + 120)) s and was canceled (no device ran it?); log: $joblog"
fi
health=$(lava_cli jobs show --yaml "$id" | sed -n 's/^health: *//p')
lava_cli jobs logs --raw "$id" > "$out/lava-log.yaml" 2>/dev/null || cli_die "LAVA job $id ($health): lavacli could not fetch its log"

case "$health" in
  Complete) ;;
  Incomplete)
    why=$("$lavalog" error "$out/lava-log.yaml" 2>/dev/null | head -1)
    cli_die "LAVA job $id Incomplete: ${why:-no error message}; log: $joblog" ;;
  Canceled) cli_die "LAVA job $id was canceled; log: $joblog" ;;
  *) cli_die "LAVA job $id ended with health '$health'; log: $joblog" ;;
esac

"$lavalog" results "$out/lava-log.yaml" > "$out/lava-results.txt" \
  || cli_die "LAVA job $id: its log is unreadable; log: $joblog"
# Under Xen the console ends lines with \r\r\n: a monitor pattern that does
# not allow for it matches nothing and the job still ends Complete.
want=vtb-$name-counts.lost
[ "$traced" = 0 ] || want=vtb-$name-archive-bytes.archive_bytes
grep -q "^$want " "$out/lava-results.txt" \
  || cli_die "LAVA job $id Complete with no results (no $want); log: $joblog"
# The device must have run the images we built: LAVA records the sha256 of
# every image it downloaded.
imgs=("$xen:xen" "$kernel:kernel")
[ -z "$initrd" ] || imgs+=("$initrd:ramdisk")
for img in "${imgs[@]}"; do
  want=$(sha256sum "${img%:*}" | cut -d' ' -f1)
  got=$("$lavalog" downloads "$out/lava-log.yaml" | sed -n "s/^${img##*:} //p")
  [ "$got" = "$want" ] || cli_die "LAVA job $id ran a different ${img##*:} image (sha256 ${got:-none}, ours $want); log: $joblog"
done
"$lavalog" console "$out/lava-log.yaml" "$out/console.log" || cli_die "LAVA job $id: no console in its log; log: $joblog"
if [ "$traced" = 1 ]; then
  "$lavalog" archive "$out/console.log" "$out/results.tar.gz" 2>"$out/archive.err" \
    || cli_die "LAVA job $id: the dom0's results archive did not come back whole: $(sed 's/^vtb-lava-log: //' "$out/archive.err" | head -1); log: $joblog"
  rm -f "$out/archive.err"
  rm -rf "$out/results"; mkdir -p "$out/results"
  tar -xzf "$out/results.tar.gz" -C "$out/results" || cli_die "LAVA job $id: cannot unpack the dom0's results archive $out/results.tar.gz"
fi
exit 0
