#!/bin/sh
# Run one guest under xentrace from a Xen/ARM dom0 and keep everything the
# analysis needs: the binary trace, the guest's console, `xl dmesg`,
# `xl info`, the domain config and a manifest. POSIX sh + busybox only: the
# same script runs in the emulated platform's initramfs dom0 and in the dom0
# of a real Xen/ARM server (as root, with xenstored and xenconsoled running).
#
# On success the results are in OUT; on failure in OUT.failed (with the
# manifest saying why), so OUT never holds a half-finished run.
set -u

prog=dom0-run
usage() {
  cat <<'USAGE'
usage: dom0-run.sh --kernel IMAGE --out DIR [options]
  --kernel IMAGE     guest kernel image (arm64 Image, e.g. vtb-guest.img)
  --out DIR          output directory (must not exist)
  --cmdline STR      guest bootargs (default: empty)
  --ramdisk FILE     guest initrd (optional)
  --vcpus N          guest vCPUs (default 1)
  --memory MB        guest memory in MiB (default 64)
  --mask HEX         xentrace event mask (default 0x0102f000: scheduler
                     class 0x0002f000 + vtimer-bench class 0x0100f000)
  --timeout S        destroy the guest after S seconds (default 120)
  --name NAME        domain name (default vtb-guest)
  --tbuf-pages N     trace buffer pages per pCPU if not set at boot (default 256)
  --poll-ms N        xentrace poll interval in ms (default 100)
  --cpus LIST        pin the guest's vCPUs to these pCPUs (xl "cpus", e.g. "1"
                     or "1-3"); on a real host keep them off dom0's pCPUs
  --vuart            give the guest an emulated SBSA UART (console "vuart0")
  --console-dir DIR  xenconsoled --log-dir (default /var/log/xen/console)
Exit status 0 when the guest powered off by itself within the timeout.
USAGE
}
die() { echo "$prog: $*" >&2; exit 1; }

kernel= out= cmdline= ramdisk= vcpus=1 memory=64 mask=0x0102f000 timeout=120
cpus='' name=vtb-guest tbuf_pages=256 poll_ms=100 vuart=0 console_dir=/var/log/xen/console
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel|--out|--cmdline|--ramdisk|--vcpus|--memory|--mask|--timeout|--name|--tbuf-pages|--poll-ms|--console-dir|--cpus)
      [ $# -ge 2 ] || die "option $1 needs a value"
      v=$2
      case "$1" in
        --kernel) kernel=$v ;; --out) out=$v ;; --cmdline) cmdline=$v ;;
        --ramdisk) ramdisk=$v ;; --vcpus) vcpus=$v ;; --memory) memory=$v ;;
        --mask) mask=$v ;; --timeout) timeout=$v ;; --name) name=$v ;;
        --tbuf-pages) tbuf_pages=$v ;; --poll-ms) poll_ms=$v ;; --console-dir) console_dir=$v ;; --cpus) cpus=$v ;;
      esac
      shift ;;
    --vuart) vuart=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "$prog: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

is_uint() { case "$1" in ''|*[!0-9]*) return 1 ;; esac; return 0; }
[ -n "$kernel" ] || { echo "$prog: --kernel is required (see --help)" >&2; exit 2; }
[ -n "$out" ] || { echo "$prog: --out is required (see --help)" >&2; exit 2; }
[ -f "$kernel" ] && [ -r "$kernel" ] || die "guest kernel '$kernel' is not a readable file"
[ -z "$ramdisk" ] || [ -r "$ramdisk" ] || die "ramdisk '$ramdisk' is not readable"
for pair in "vcpus:$vcpus" "memory:$memory" "timeout:$timeout" "tbuf-pages:$tbuf_pages" "poll-ms:$poll_ms"; do
  is_uint "${pair#*:}" && [ "${pair#*:}" -gt 0 ] || die "--${pair%%:*} must be a positive integer, got '${pair#*:}'"
done
case "$mask" in 0x*|0X*) is_hex=${mask#0?} ;; *) is_hex= ;; esac
case "$is_hex" in ''|*[!0-9a-fA-F]*) die "--mask must be hex like 0x0002f000, got '$mask'" ;; esac
case "$cpus" in *[!0-9,-]*) die "--cpus takes a pCPU list like 1 or 1-3, got '$cpus'" ;; esac
case "$name" in ''|*[!A-Za-z0-9_.-]*) die "--name may hold only letters, digits, '_', '.', '-'" ;; esac
# The values go into an xl config between double quotes.
case "$cmdline$kernel$ramdisk" in *'"'*|*'\'*) die "kernel, ramdisk and cmdline may not contain '\"' or '\\'" ;; esac
[ ! -e "$out" ] || die "output '$out' already exists"
[ ! -e "$out.failed" ] || die "output '$out.failed' already exists"

# Tools: PATH first, then Debian's versioned folder (its /usr/sbin wrappers
# are missing from minimal dom0s).
find_tool() {
  t=$(command -v "$1" 2>/dev/null) && [ -n "$t" ] && { echo "$t"; return 0; }
  for t in /usr/lib/xen-*/bin/"$1" /usr/local/sbin/"$1" /usr/sbin/"$1"; do
    [ -x "$t" ] && { echo "$t"; return 0; }
  done
  return 1
}
XL=$(find_tool xl) || die "xl not found (is this a Xen dom0 with xen-utils installed?)"
XENTRACE=$(find_tool xentrace) || die "xentrace not found"
[ "$(id -u)" = 0 ] || die "must run as root (xl and xentrace need privcmd)"

abspath() { case "$1" in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
kernel=$(abspath "$kernel"); [ -z "$ramdisk" ] || ramdisk=$(abspath "$ramdisk")
tmp=$out.tmp.$$
mkdir -p "$tmp" || die "cannot create '$tmp'"
uptime_s() { cut -d' ' -f1 /proc/uptime; }

status=failed reason= domid= shutdown= xt_rc= guest_s= xtpid= wdpid=
finish() {
  # Everything is recorded; the manifest goes last so its presence means
  # the rest is complete.
  trace_bytes=$(wc -c < "$tmp/trace.xentrace" 2>/dev/null || echo 0)
  {
    echo "format=vtb-dom0-run 1"
    echo "status=$status"
    echo "reason=$reason"
    echo "name=$name"
    echo "domid=$domid"
    echo "shutdown_reason=$shutdown"
    echo "kernel=$kernel"
    echo "kernel_sha256=$(sha256sum "$kernel" | cut -d' ' -f1)"
    echo "ramdisk=$ramdisk"
    echo "cmdline=$cmdline"
    echo "vcpus=$vcpus"
    echo "memory_mb=$memory"
    echo "cpus=$cpus"
    echo "vuart=$vuart"
    echo "event_mask=$mask"
    echo "tbuf_pages_requested=$tbuf_pages"
    echo "poll_ms=$poll_ms"
    echo "timeout_s=$timeout"
    echo "guest_wall_s=$guest_s"
    echo "trace_bytes=$trace_bytes"
    echo "xentrace_rc=$xt_rc"
    echo "xen_version=$(sed -n 's/^xen_version *: *//p' "$tmp/xl-info.txt" 2>/dev/null)"
    echo "xen_commandline=$(sed -n 's/^xen_commandline *: *//p' "$tmp/xl-info.txt" 2>/dev/null)"
    echo "nr_cpus=$(sed -n 's/^nr_cpus *: *//p' "$tmp/xl-info.txt" 2>/dev/null)"
    echo "dom0_kernel=$(uname -r)"
    echo "host=$(uname -n)"
    echo "tools=$XL $XENTRACE"
  } > "$tmp/manifest.tmp" && mv "$tmp/manifest.tmp" "$tmp/manifest"
  if [ "$status" = ok ]; then
    mv "$tmp" "$out" || die "cannot rename '$tmp' to '$out'"
    echo "$prog: ok: $name ran ${guest_s}s, trace $trace_bytes bytes -> $out"
    exit 0
  fi
  mv "$tmp" "$out.failed" 2>/dev/null
  echo "$prog: $reason (details: $out.failed/manifest)" >&2
  exit 1
}
fail() { reason=$*; [ "$status" = timeout ] || status=failed; cleanup_bg; finish; }
cleanup_bg() {
  [ -n "$wdpid" ] && kill "$wdpid" 2>/dev/null && wait "$wdpid" 2>/dev/null; wdpid=
  if [ -n "$xtpid" ]; then kill -INT "$xtpid" 2>/dev/null; wait "$xtpid"; xt_rc=$?; xtpid=; fi
}
trap 'status=failed; reason="interrupted by a signal"; "$XL" destroy "$name" >/dev/null 2>&1; cleanup_bg; finish' INT TERM

"$XL" info > "$tmp/xl-info.txt" 2> "$tmp/xl-info.err" || fail "xl info failed: $(head -1 "$tmp/xl-info.err")"
[ -s "$tmp/xl-info.err" ] || rm -f "$tmp/xl-info.err"
"$XL" domid "$name" >/dev/null 2>&1 && fail "a domain named '$name' already exists"

{
  echo "name = \"$name\""
  echo "kernel = \"$kernel\""
  [ -z "$ramdisk" ] || echo "ramdisk = \"$ramdisk\""
  echo "extra = \"$cmdline\""
  echo "memory = $memory"
  echo "vcpus = $vcpus"
  [ -z "$cpus" ] || echo "cpus = \"$cpus\""
  [ "$vuart" = 1 ] && echo 'vuart = "sbsa_uart"'
  echo 'on_poweroff = "destroy"'
  echo 'on_reboot = "destroy"'
  echo 'on_crash = "destroy"'
} > "$tmp/domain.cfg"

# xenconsoled appends to an existing log: remember where this run starts.
con_start() { if [ -f "$1" ]; then wc -c < "$1"; else echo 0; fi; }
pv_log=$console_dir/guest-$name.log
vu_log=$console_dir/guest-$name-vuart0.log
pv_off=$(con_start "$pv_log"); vu_off=$(con_start "$vu_log")

# Tracing: -D drops what Xen buffered since boot (dom0 start-up noise).
"$XENTRACE" -D -e "$mask" -S "$tbuf_pages" -s "$poll_ms" "$tmp/trace.xentrace" \
  > "$tmp/xentrace.log" 2>&1 &
xtpid=$!
# xentrace has no ready signal; give it time to map the buffers.
sleep 1
kill -0 "$xtpid" 2>/dev/null || { wait "$xtpid"; xt_rc=$?; xtpid=; fail "xentrace exited at start (rc $xt_rc): $(head -1 "$tmp/xentrace.log")"; }

t0=$(uptime_s)
# -F keeps xl in the foreground until the domain is gone: we block on it
# instead of polling, so dom0 stays quiet while the guest runs.
"$XL" create -F "$tmp/domain.cfg" > "$tmp/xl-create.log" 2>&1 &
xlpid=$!
(
  trap 'kill $sp 2>/dev/null; exit 0' TERM
  sleep "$timeout" & sp=$!
  wait $sp
  echo "timeout" > "$tmp/.timed-out"
  "$XL" destroy "$name" >> "$tmp/xl-create.log" 2>&1
) &
wdpid=$!
wait "$xlpid"; xl_rc=$?
t1=$(uptime_s)
guest_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
kill "$wdpid" 2>/dev/null; wait "$wdpid" 2>/dev/null; wdpid=
# Let the last records reach the buffers' consumer before stopping it.
sleep 1
kill -INT "$xtpid" 2>/dev/null; wait "$xtpid"; xt_rc=$?; xtpid=

domid=$(sed -n 's/.*Domain \([0-9][0-9]*\) has.*/\1/p' "$tmp/xl-create.log" | head -1)
code=$(sed -n 's/.*has shut down, reason code \([0-9][0-9]*\).*/\1/p' "$tmp/xl-create.log" | head -1)
case "$code" in
  0) shutdown=poweroff ;; 1) shutdown=reboot ;; 2) shutdown=suspend ;; 3) shutdown=crash ;;
  4) shutdown=watchdog ;; 5) shutdown=soft_reset ;; '') shutdown=none ;; *) shutdown=code$code ;;
esac

"$XL" dmesg > "$tmp/xl-dmesg.txt" 2>&1
if [ -f "$pv_log" ]; then tail -c +"$((pv_off + 1))" "$pv_log" > "$tmp/console-pv.log"; fi
if [ -f "$vu_log" ]; then tail -c +"$((vu_off + 1))" "$vu_log" > "$tmp/console-vuart.log"; fi

if [ -f "$tmp/.timed-out" ]; then
  rm -f "$tmp/.timed-out"
  status=timeout; fail "guest $name did not power off within ${timeout}s: destroyed"
fi
[ "$xl_rc" = 0 ] || fail "xl create failed (rc $xl_rc): $(grep -m1 -i 'error\|fail' "$tmp/xl-create.log" || head -1 "$tmp/xl-create.log")"
[ "$shutdown" = poweroff ] || fail "guest $name ended with shutdown reason '$shutdown', not poweroff"
[ "$xt_rc" = 0 ] || fail "xentrace failed (rc $xt_rc): $(head -1 "$tmp/xentrace.log")"
[ -s "$tmp/trace.xentrace" ] || fail "xentrace wrote no records (is the mask $mask traced by this Xen?)"
[ -f "$tmp/console-pv.log" ] || [ -f "$tmp/console-vuart.log" ] ||
  fail "no console log for $name in $console_dir: run xenconsoled with --log=guest --log-dir=$console_dir"
status=ok
finish
