#!/usr/bin/env bash
# Correctness matrix of the vtimer delivery paths: for each path (stock
# software injection, direct PPI) and each cell, boot real Xen under QEMU with
# the storm guest and check every tick was delivered: 0 lost, 0 spurious on
# every vCPU.  `make test` runs it short; `make soak` runs 10^6 ticks a cell.
#   tests/matrix.sh [--ticks N] [--out DIR] [--cells LIST] [--paths LIST] [--xen-src TREE]
# TAP: one test point per cell and path; a known failure is a TODO point that
# must still fail the way it is known to. Exit 1 if any point failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cli_prog=matrix
. "$top/scripts/lib/cli.sh"
. "$top/tests/lib/tap.sh"
ticks=500 out=$top/build/test-results/matrix cells="" paths="stock direct" xen_src=()
while [ $# -gt 0 ]; do
  case "$1" in
    --ticks) cli_need_value "$@"; cli_uint --ticks "$2"; ticks=$2; shift ;;
    --out) cli_need_value "$@"; out=$(cli_abs "$2"); shift ;;
    --cells) cli_need_value "$@"; cells=${2//,/ }; shift ;;
    --paths) cli_need_value "$@"; paths=${2//,/ }; shift ;;
    --xen-src) cli_need_value "$@"; xen_src=(--xen-src "$(cli_abs "$2")"); shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
# VTB_MATRIX_XEN=IMG: run on that Xen image instead of the default build
# (e.g. a CONFIG_NEW_VGIC one, tracing/kconfig/new-vgic.config).
matrix_xen=""
if [ -n "${VTB_MATRIX_XEN:-}" ]; then
  matrix_xen=$(cli_abs "$VTB_MATRIX_XEN")
  [ -f "$matrix_xen" ] || cli_die "VTB_MATRIX_XEN: no file $matrix_xen"
fi
cd "$top"

# name|platform mode|Xen options|guest boot arguments
all_cells=(
  "1vcpu-wfi|deterministic||mode=periodic period_ns=100000 idle=wfi"
  "1vcpu-spin|deterministic||mode=periodic period_ns=100000 idle=spin"
  "back-to-back|deterministic||mode=back-to-back idle=spin"
  "random|deterministic||mode=random rmin_ns=20000 rmax_ns=200000 seed=3"
  "2vcpu-1pcpu|deterministic|dom0_max_vcpus=2|mode=periodic period_ns=100000 cpus=2"
  # The timer's vIRQ disabled in the redistributor with the timer expired
  # and unmasked, then 1 ms of WFI: Xen must leave the vCPU blocked (its
  # WFI returns once, when the window ends), then the storm runs as usual.
  "disabled-wfi|deterministic||mode=periodic period_ns=100000 disabled_wfi_ns=1000000"
  # The guest enables its timer with IRQs masked while CVAL still holds the
  # passed deadline (the level rises at once), then moves CVAL (it drops)
  # and unmasks. unmask-first has no exit in between; unmask-exit makes one
  # (an emulated distributor read) before the unmask.
  "unmask-first|deterministic||mode=periodic period_ns=100000 order=unmask-first"
  "unmask-exit|deterministic||mode=periodic period_ns=100000 order=unmask-exit"
  "migrate-2pcpu|realtime|dom0_max_vcpus=2|mode=periodic period_ns=1000000 cpus=2"
  # Two guests on one pCPU: a Linux dom0 (xenstored, xenconsoled, xentrace)
  # and the storm as an xl domU; dom0 must finish its job too.
  "linux-dom0+domU|deterministic|xl|mode=periodic period_ns=100000"
  # Two bare-metal storm domains (dom0less, no dom0) on one pCPU: d1 pends
  # its own timer PPI through GICR_ISPENDR0 every 4th tick while the tick is
  # active and blocks before its EOI; d2 spins, so it is switched in while
  # d1's pend is outstanding. d2 must see no tick it did not ask for, and
  # every pend of d1 must come back to d1. d2 runs twice as many ticks so
  # that it outlives d1.
  "ispend-2domu|deterministic|dom0less2|mode=periodic period_ns=100000 ispend=4;mode=periodic period_ns=100000 idle=spin"
)
# Known failures, kept visible rather than skipped (each reproduced every
# run; a change in them is a finding):
# - stock, unmask-*: Xen takes the PPI the moment the guest enables the
#   timer, masks it (CNTV_CTL.IMASK) in the guest's own register and injects
#   a virtual interrupt. The guest takes that interrupt after moving CVAL
#   (spurious: its condition is gone) and keeps the mask, so the deadline
#   never fires (lost). So every lost tick comes with one spurious one. Each
#   loss costs the guest its 10 ms give-up time, after which the periodic
#   deadlines lie in the past until the backlog is worked off: the race
#   cannot happen then, which is why only a few of 500 ticks are lost
#   (samples.csv: latencies falling by one period per tick after each loss).
#   Stock Xen's behaviour, not the guest's measurement.
# - direct, unmask-first, GICv2 only: the forwarded level sits pending in an
#   LR and no exit happens before the guest unmasks, so Xen cannot re-sample
#   it: one spurious interrupt per tick, nothing lost. On GICv3 Xen traps
#   the guest's acknowledge (ICH_HCR_EL2.TALL1, patch 0008) and retires the
#   dropped level there; the guest reads the spurious INTID 1023 instead
#   (gic_spurious in the diagnostics). GICv2 has no such trap.
machine=${VTB_MACHINE:-virt-gicv3}
known_cell() {
  case "$1/$2" in
    stock/unmask-first|stock/unmask-exit) return 0 ;;
    direct/unmask-first) [ "$machine" = virt-gicv2 ] && return 0 ;;
  esac
  return 1
}
known_failure() { # path cell lost spurious -> prints the note, or fails
  case "$1/$2" in
    stock/unmask-*) [ "$3" -gt 0 ] && [ "$4" = "$3" ] &&
      echo "known stock failure: $3 lost, each with its stale assertion taken as $4 spurious" ;;
    direct/unmask-first) [ "$3" = 0 ] && [ "$4" -gt 0 ] && echo "known GICv2 direct-path limitation: $4 spurious, 0 lost" ;;
    *) return 1 ;;
  esac
}

if [ -n "$matrix_xen" ]; then xen=$matrix_xen
else xen=$(./tracing/build-xen.sh -q "${xen_src[@]}" | tail -1) || tap_bail "Xen build failed"; fi
make -s -C bench/guest_kernels all >/dev/null && make -s -C analysis all >/dev/null || tap_bail "build failed"
mkdir -p "$out"
row() { printf '%-14s %-7s %-13s %8s %6s %6s %9s %7s\n' "$@"; }
tap_diag "$(row cell path mode taken lost spur p50_ticks max)"
for c in "${all_cells[@]}"; do
  IFS='|' read -r name mode xopts gargs <<< "$c"
  [ -z "$cells" ] || [[ " $cells " == *" $name "* ]] || continue
  rec=""
  [ "$ticks" -le 200000 ] || rec=" record=hist"
  for p in $paths; do
    d=$out/$name-$p
    rm -rf "$d"; mkdir -p "$d"
    deliver="vtimer_delivery=$([ "$p" = stock ] && echo software || echo direct)"
    if [ "$xopts" = dom0less2 ]; then
      point="$p/$name: every tick delivered, nothing spurious, no tick across domains"
      ./bench/guest_kernels/run-xen.sh --xen "$xen" --xen-args "$deliver" --timeout $((300 + ticks / 200)) \
        --domu2 "ticks=$((2 * ticks)) ${gargs#*;}$rec" "ticks=$ticks ${gargs%%;*}$rec" > "$d/console.log" 2> "$d/platform.err"
      rc=$?
      # Each domain's own verdict line (vtb-guest: done ...), prefixed (dN).
      done1=$(grep -a '^(d1) vtb-guest: done ' "$d/console.log" | tail -1)
      done2=$(grep -a '^(d2) vtb-guest: done ' "$d/console.log" | tail -1)
      kv() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<< "$2"; }
      ok=0
      if [ "$rc" = 0 ] && [ -n "$done1" ] && [ -n "$done2" ] &&
         [ "$(kv taken "$done1")" = "$ticks" ] && [ "$(kv taken "$done2")" = $((2 * ticks)) ] &&
         [ "$(kv lost "$done1")$(kv spurious "$done1")$(kv other "$done1")" = 000 ] &&
         [ "$(kv lost "$done2")$(kv spurious "$done2")$(kv other "$done2")" = 000 ] &&
         [ "$(kv ispend_made "$done1")" -gt 0 ] && [ "$(kv ispend_taken "$done1")" = "$(kv ispend_made "$done1")" ]; then
        ok=1
      fi
      tap_diag "$name $p: ${done1:-(d1) no report}" "$name $p: ${done2:-(d2) no report}"
      if [ "$ok" = 1 ]; then tap_ok "$point"; else tap_not_ok "$point"; fi
      continue
    elif [ "$xopts" = xl ]; then
      rm -rf "$d"
      ./platform/dom0/run-dom0-capture.sh --raw "$d" --guest bench/guest_kernels/build/vtb-guest.img \
        --cmdline "ticks=$ticks $gargs$rec" --vuart --mode "$mode" --xen "$xen" --xen-args "$deliver" \
        --timeout $((120 + ticks / 1000)) > "$d.capture.log" 2>&1
      rc=$?
      mkdir -p "$d"
      cp "$d/console-vuart.log" "$d/console.log" 2>/dev/null
      # dom0's own verdict on its run (tracing/dom0-run.sh manifest).
      grep -q '^status=ok' "$d/manifest" 2>/dev/null || { rc=1; echo "dom0 run not ok: $(tail -1 "$d.capture.log")" > "$d/platform.err"; }
    else
      ./platform/emulated.sh --xen "$xen" --kernel bench/guest_kernels/build/vtb-guest.img \
        --bootargs "ticks=$ticks $gargs$rec" --xen-args "$deliver $xopts" \
        --mode "$mode" --timeout $((600 + ticks / 500)) --log "$d/console.log" 2> "$d/platform.err"
      rc=$?
    fi
    point="$p/$name: every tick delivered, nothing spurious"
    if [ "$rc" != 0 ] || ! ./analysis/bin/vtb-analyze --log "$d/console.log" --out-dir "$d" --platform-mode "$mode" 2> "$d/analyze.err"; then
      tap_not_ok "$point"
      tap_diag "$(row "$name" "$p" "$mode" - - - - -)" "$(cat "$d/platform.err" "$d/analyze.err" 2>/dev/null | head -1)"
      continue
    fi
    s=$d/summary.json
    read -r taken lost spur p50 max < <(jq -r '[.counts.taken, .counts.lost, .counts.spurious, .latency_ticks.p50, .latency_ticks.max] | @tsv' "$s")
    # Every vCPU's own counts must be clean too (cpuK_* keys of multi-vCPU reports).
    percpu_bad=$(jq -r '[.trailer // {} | to_entries[] | select(.key | test("^cpu[0-9]+_(lost|spurious)$")) | select((.value | tonumber) != 0)] | length' "$s")
    clean=0
    [ "$lost" = 0 ] && [ "$spur" = 0 ] && [ "$percpu_bad" = 0 ] && [ "$taken" = "$(jq .counts.ticks "$s")" ] && clean=1
    tap_diag "$(row "$name" "$p" "$mode" "$taken" "$lost" "$spur" "$p50" "$max")"
    # unmask-*: how many interrupts the guest acknowledged as INTID 1023.
    case "$name" in unmask-*)
      gs=$(grep -a '^vtb-guest: done ' "$d/console.log" | tail -1 | sed -n 's/.* gic_spurious=\([0-9]*\).*/\1/p')
      tap_diag "$name $p: acknowledges that read the spurious INTID 1023: ${gs:-?}"
      # unmask-exit on the direct path: the exit re-samples the dropped
      # level and retires it (patch 0007): nothing left to acknowledge.
      [ "$p/$name" != direct/unmask-exit ] || [ "$gs" = 0 ] || clean=0 ;;
    esac
    # disabled_wfi_ns=: every WFI return in the window is a wake-up by Xen.
    if dw=$(grep -a 'vtb-guest: disabled-wfi ' "$d/console.log"); then
      wakes=$(sed -n 's/.* wfi_returns=\([0-9]*\).*/\1/p' <<< "$dw" | tail -1)
      tap_diag "$name $p: WFI returns in the disabled window: ${wakes:-none} (at most 2 expected)"
      [ -n "$wakes" ] && [ "$wakes" -le 2 ] || clean=0
    fi
    if ! known_cell "$p" "$name"; then
      if [ "$clean" = 1 ]; then tap_ok "$point"; else tap_not_ok "$point"; fi
    elif note=$(known_failure "$p" "$name" "$lost" "$spur"); then
      tap_xfail "$point" "$note" false # the cell failed the known way
    elif [ "$clean" = 1 ]; then
      tap_not_ok "$point # unexpected pass of a known failure"
    else
      tap_not_ok "$point # failed other than the known way"
    fi
  done
done
tap_diag "raw logs in $out"
tap_done
