# Storm-guest points for e2e tests: boot the bare-metal storm as dom0 of one
# Xen image (deterministic), analyse it, check it. Source after tap.sh, with
# $out (a results folder) and $xen (the Xen image) set:
#   storm_point NAME XEN-ARGS BOOTARGS TICKS DESCRIPTION
#   tap_check "..." storm_not_above "$(storm_p50 NAME)" 35
# The summary of NAME is $out/NAME/summary.json.

# storm_boot NAME XEN-ARGS BOOTARGS: boots, analyses.
storm_boot() {
  local d=$out/$1
  mkdir -p "$d"
  ./platform/emulated.sh --xen "$xen" --kernel bench/guest_kernels/build/vtb-guest.img \
    --bootargs "$3" --xen-args "$2" --timeout 600 --log "$d/console.log" 2> "$d/platform.err" &&
    ./analysis/bin/vtb-analyze --log "$d/console.log" --out-dir "$d" --platform-mode deterministic 2> "$d/analyze.err"
}
# storm_clean NAME TICKS: all ticks taken, nothing lost, spurious or other, per vCPU too.
storm_clean() {
  jq -e --argjson n "$2" '.counts.ticks == $n and .counts.taken == $n and .counts.lost == 0
    and .counts.spurious == 0 and .counts.other == 0
    and ([.trailer // {} | to_entries[] | select(.key | test("^cpu[0-9]+_(lost|spurious)$"))
          | select((.value | tonumber) != 0)] | length == 0)' "$out/$1/summary.json" >/dev/null
}
storm_p50() { jq -r .latency_ticks.p50 "$out/$1/summary.json" 2>/dev/null; }
# storm_point NAME XEN-ARGS BOOTARGS TICKS DESCRIPTION: boot, then the correctness point.
storm_point() {
  if storm_boot "$1" "$2" "$3"; then
    tap_check "$1: $4 ticks taken, 0 lost, 0 spurious ($5)" storm_clean "$1" "$4"
    tap_diag "$1: p50 $(storm_p50 "$1") counter ticks"
  else
    tap_not_ok "$1: boots and reports ($(cat "$out/$1/platform.err" "$out/$1/analyze.err" 2>/dev/null | head -1))"
  fi
}
# Numeric comparisons of figures, false on a missing (non-numeric) one:
# storm_below A B (A < B), storm_not_above A B (A <= B), storm_half A B (A <= B / 2).
storm_num() { [[ "$1" =~ ^[0-9]+(\.[0-9]+)?$ ]]; }
storm_cmp() { storm_num "$2" && storm_num "$3" && awk -v a="$2" -v b="$3" "BEGIN { exit !($1) }"; }
storm_below() { storm_cmp 'a < b' "$1" "$2"; }
storm_not_above() { storm_cmp 'a <= b' "$1" "$2"; }
storm_half() { storm_cmp '2 * a <= b' "$1" "$2"; }
