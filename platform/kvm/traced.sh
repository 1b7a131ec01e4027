#!/usr/bin/env bash
# The traced boot of a kvm-* variant (docs/kvm.md, "Exits per tick"): the
# same boot as platform/kvm/run.sh with the host kernel's KVM trace points
# on, then the guest's own figures of that boot (vtb-analyze, into
# OUT/traced/) and its exits per tick (vtb-kvm-exits, into
# OUT/trace-summary.json, which vtb-report reads like a Xen row's).
# Orchestration only.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/kvm/traced.sh --variant kvm-nvhe|kvm-vhe --raw DIR --out DIR [options]
  --variant V        as platform/kvm/run.sh
  --raw DIR          where the console log goes (DIR/console.log)
  --out DIR          the variant's analysis folder: DIR/traced/summary.json
                     and DIR/trace-summary.json are written
  --bootargs STR     the storm guest's boot arguments
  --mode MODE        deterministic (default) or realtime
  --timeout SEC      wall-clock watchdog (default 900)
Exit: 0 written; 1 the boot or an analysis failed (one line says which); 2 bad usage.
USAGE
}

top=$(cd "$(dirname "$0")/../.." && pwd)
cli_prog=kvm
. "$top/scripts/lib/cli.sh"
variant="" raw="" out="" bootargs="" mode=deterministic timeout=900
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --variant) cli_need_value "$@"; variant=$2; shift ;;
    --raw) cli_need_value "$@"; raw=$(cli_abs "$2"); shift ;;
    --out) cli_need_value "$@"; out=$(cli_abs "$2"); shift ;;
    --bootargs) cli_need_value "$@"; bootargs=$2; shift ;;
    --mode) cli_need_value "$@"; mode=$2; shift ;;
    --timeout) cli_need_value "$@"; cli_uint "$1" "$2"; timeout=$2; shift ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
[ -n "$raw" ] && [ -n "$out" ] || cli_usage_error "--raw and --out are required"
make -s -C "$top/platform/kvm" all >&2 || cli_die "cannot build platform/kvm"
[ -x "$top/analysis/bin/vtb-analyze" ] || make -s -C "$top/analysis" >&2 || cli_die "cannot build vtb-analyze"
mkdir -p "$raw" "$out"
"$top/platform/kvm/run.sh" --variant "$variant" --trace --bootargs "$bootargs" --mode "$mode" \
  --timeout "$timeout" --log "$raw/console.log"
"$top/analysis/bin/vtb-analyze" --log "$raw/console.log" --out-dir "$out/traced" --platform-mode "$mode" \
  --label "$variant-traced" >/dev/null || cli_die "analysis rejected the traced console log $raw/console.log"
"$top/platform/kvm/bin/vtb-kvm-exits" --log "$raw/console.log" --guest-summary "$out/traced/summary.json" \
  --out "$out/trace-summary.json" >/dev/null || cli_die "the trace analysis of $raw/console.log failed"
