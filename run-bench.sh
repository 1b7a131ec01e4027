#!/usr/bin/env bash
# vtimer-bench: build what is missing, run the vtimer storm on Xen/ARM, analyse,
# report. Orchestration only: measurement and statistics live in the C tools.
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

usage() {
  cat <<'USAGE'
usage: ./run-bench.sh [run] [options]
       ./run-bench.sh --help

Runs the bare-metal vtimer storm as a guest of Xen on emulated arm64 (QEMU),
captures the raw console output under results/<run-id>/raw/, analyses it with
analysis/bin/vtb-analyze, and prints a latency summary.

Storm (guest) options:
  --ticks N            timer interrupts to take (default 2000)
  --storm MODE         periodic | back-to-back | random (default periodic)
  --period-ns NS       periodic mode: deadline spacing (default 100000)
  --rmin-ns NS         random mode: shortest deadline distance (default 20000)
  --rmax-ns NS         random mode: longest deadline distance (default 200000)
  --seed N             random mode: PRNG seed (default 1)
  --guest-args STR     extra guest boot arguments (see docs/guest-kernel.md)

Platform options:
  --platform-mode M    deterministic (QEMU icount, 1 CPU: instruction-exact,
                       repeatable; default) or realtime (wall-clock, 2 CPUs)
  --timeout SEC        watchdog for one boot (default 900)
  --xen-src PATH       build this Xen tree instead of Debian's xen package
  --patch FILE         apply FILE to Xen after the project's series (repeatable)

Output options:
  --out DIR            results root (default results/)
  --run-id ID          name of the run directory (default: date-time-label)
  --label NAME         label for this run (default: stock)
  --no-deps            do not check or install dependencies
  -q, --quiet          less progress output

Every figure printed comes from the run just made; raw files are kept so the
run can be re-analysed. Deterministic figures are instruction-exact (icount:
1 instruction = 1 ns); realtime figures are wall-clock on an emulator.
USAGE
}

ticks=2000 storm=periodic period_ns=100000 rmin_ns=20000 rmax_ns=200000 seed=1
guest_args="" platform_mode=deterministic timeout=900 xen_src="" patches=()
out_root=$top/results run_id="" label=stock do_deps=1 quiet=0

[ "${1:-}" = run ] && shift
while [ $# -gt 0 ]; do
  case "$1" in
    --ticks) ticks=${2-}; shift ;;
    --storm) storm=${2-}; shift ;;
    --period-ns) period_ns=${2-}; shift ;;
    --rmin-ns) rmin_ns=${2-}; shift ;;
    --rmax-ns) rmax_ns=${2-}; shift ;;
    --seed) seed=${2-}; shift ;;
    --guest-args) guest_args=${2-}; shift ;;
    --platform-mode) platform_mode=${2-}; shift ;;
    --timeout) timeout=${2-}; shift ;;
    --xen-src) xen_src=${2-}; shift ;;
    --patch) patches+=("${2-}"); shift ;;
    --out) out_root=${2-}; shift ;;
    --run-id) run_id=${2-}; shift ;;
    --label) label=${2-}; shift ;;
    --no-deps) do_deps=0 ;;
    -q|--quiet) quiet=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run-bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "run-bench: $*" >&2; exit 1; }
step() { [ "$quiet" = 1 ] || printf '==> %s\n' "$*" >&2; }
is_uint() { case "$1" in ''|*[!0-9]*) return 1 ;; esac; }
for v in ticks period_ns rmin_ns rmax_ns seed timeout; do
  is_uint "${!v}" || { echo "run-bench: --${v//_/-} needs a whole number, got '${!v}'" >&2; exit 2; }
done
[ "$ticks" -gt 0 ] || { echo "run-bench: --ticks must be at least 1" >&2; exit 2; }
case "$storm" in periodic|back-to-back|random) ;; *) echo "run-bench: --storm must be periodic, back-to-back or random" >&2; exit 2 ;; esac
case "$platform_mode" in deterministic|realtime) ;; *) echo "run-bench: --platform-mode must be deterministic or realtime" >&2; exit 2 ;; esac
[ "$rmin_ns" -le "$rmax_ns" ] || { echo "run-bench: --rmin-ns must not exceed --rmax-ns" >&2; exit 2; }
[ -z "$xen_src" ] || [ -d "$xen_src/xen" ] || { echo "run-bench: --xen-src '$xen_src' is not a Xen tree (no xen/ folder)" >&2; exit 2; }
for p in "${patches[@]}"; do [ -f "$p" ] || { echo "run-bench: --patch '$p': no such file" >&2; exit 2; }; done
case "$label" in *[!A-Za-z0-9._-]*|'') echo "run-bench: --label may hold letters, digits, '.', '_' and '-' only" >&2; exit 2 ;; esac

if [ "$do_deps" = 1 ] && ! ./scripts/install-deps.sh --check >/dev/null 2>&1; then
  step "installing dependencies (scripts/install-deps.sh)"
  ./scripts/install-deps.sh
fi

step "building host tools and guests (make)"
make -s all >&2 || die "build failed"

step "building Xen (cached)"
xen_opts=()
[ -z "$xen_src" ] || xen_opts+=(--xen-src "$xen_src")
for p in "${patches[@]}"; do xen_opts+=(--patch "$p"); done
xen_img=$(./tracing/build-xen.sh "${xen_opts[@]}" | tail -1)
[ -f "$xen_img" ] || die "Xen build produced no image"

[ -n "$run_id" ] || run_id=$(date -u +%Y%m%d-%H%M%S)-$label
case "$run_id" in */*|.*) die "--run-id must be a plain name" ;; esac
mkdir -p "$out_root"
final=$out_root/$run_id
[ ! -e "$final" ] || die "results directory $final already exists"
# Built under a hidden name and renamed when complete: an interrupted run
# never leaves a half-written results directory.
work=$(mktemp -d "$out_root/.$run_id.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/raw"

bootargs="ticks=$ticks mode=$storm"
case "$storm" in
  periodic) bootargs+=" period_ns=$period_ns" ;;
  random) bootargs+=" rmin_ns=$rmin_ns rmax_ns=$rmax_ns seed=$seed" ;;
esac
[ -z "$guest_args" ] || bootargs+=" $guest_args"
guest_img=$top/bench/guest_kernels/build/vtb-guest.img

step "booting Xen + storm guest ($platform_mode, $ticks ticks, $storm)"
./platform/emulated.sh --xen "$xen_img" --kernel "$guest_img" --bootargs "$bootargs" \
  --mode "$platform_mode" --timeout "$timeout" --log "$work/raw/console.log" \
  || die "platform run failed; console log kept in $work/raw (not a result)" 

step "analysing"
./analysis/bin/vtb-analyze --log "$work/raw/console.log" --out-dir "$work" \
  --platform-mode "$platform_mode" --label "$label" || die "analysis rejected the console log"

cp "${xen_img%/*}/manifest" "$work/raw/xen-build-manifest"
{
  echo "run_id=$run_id"
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "label=$label"
  echo "platform=emulated"
  echo "platform_mode=$platform_mode"
  echo "qemu=$(qemu-system-aarch64 --version | head -1)"
  echo "host=$(uname -srm)"
  echo "guest_bootargs=$bootargs"
  echo "xen_image_sha256=$(sha256sum < "$xen_img" | cut -c1-64)"
  echo "guest_image_sha256=$(sha256sum < "$guest_img" | cut -c1-64)"
  sed 's/^/xen_/' "${xen_img%/*}/manifest"
} > "$work/manifest.txt"

mv "$work" "$final"
trap - EXIT
./analysis/bin/vtb-analyze --summary-table "$final/summary.json"
echo
echo "results: $final (summary.json, samples.csv, raw/console.log)"
