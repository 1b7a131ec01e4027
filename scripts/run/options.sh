# shellcheck shell=bash
# run-bench.sh: usage text, option defaults and parsing (sourced).
# Values are kept as typed: vtb-run init checks storm, platform and variant
# values (usage errors, exit 2) before anything is booted; this file checks
# only what the shell itself uses (paths, the command's arguments).

rb_usage() {
  cat <<'USAGE'
usage: ./run-bench.sh [run] [options]        run the benchmark (default)
       ./run-bench.sh nightly [options]      run, compare with the baseline, exit 3 on a regression,
                                             4 when the comparison is inconclusive
       ./run-bench.sh calibrate [options]    A/A boots that measure this host's boot-to-boot noise
                                             for later nightlies (docs/noise.md)
       ./run-bench.sh compare RUN_A RUN_B [VA:VB]...   re-analyse two kept runs, compare them
       ./run-bench.sh compare RUN_A:VARIANT RUN_B:VARIANT  (in compare-<A>-<B>-<date>/)
       ./run-bench.sh report RUN             re-draw plots and the report of a kept run
       ./run-bench.sh import [NAME=]DIR...   import tracing/dom0-run.sh captures (one per
                                             variant) from a Xen/ARM server (docs/server.md)
       ./run-bench.sh justify [options]      the patch-justification suite: every scenario on
                                             every variant, one verdict table, report and
                                             cover-letter.txt (docs/justify.md; --scenarios LIST)
       ./run-bench.sh --help

A run boots real Xen on emulated arm64 (QEMU) once per variant (delivery
path) with the bare-metal vtimer storm as a guest, keeps the raw console
output under results/<run-id>/raw/, analyses it (analysis/bin/vtb-analyze),
compares the variants (vtb-compare), draws plots (gnuplot), writes
report.md/report.html and records the run in results/history.sqlite.
What a run is (variants in run order, their Xen options, the storm, the
pair compared) is decided once by analysis/run/bin/vtb-run and kept in
raw/run.json; results/README.md lists what a run directory holds.

Storm (guest) options:
  --ticks N            timer interrupts to take (default 2000)
  --storm MODE         periodic | back-to-back | random (default periodic)
  --period-ns NS       periodic mode: deadline spacing (default 100000)
  --rmin-ns NS         random mode: shortest deadline distance (default 20000)
  --rmax-ns NS         random mode: longest deadline distance (default 200000)
  --seed N             random mode: PRNG seed (default 1)
  --guest-args STR     extra guest boot arguments (docs/guest-kernel.md)

What to compare:
  --variants LIST      comma-separated NAME[=XEN-OPTIONS] entries, each booted
                       with the same Xen binary and the given Xen command-line
                       options, in the order given; the first two are the A/B
                       pair (B measured against A). Default: the delivery
                       paths the build supports,
                       stock=vtimer_delivery=software,direct=vtimer_delivery=direct;
                       just stock when the direct-PPI series is absent.
                       A registered name without '=' gets its registered
                       options (with the series). kvm-nvhe and kvm-vhe are the KVM/arm64
                       reference rows: no Xen, the same guest under KVM in the
                       machine's own Linux (nVHE on cortex-a57, VHE on -cpu
                       max), run by QEMU with -accel kvm; kvm-nvhe-min and
                       kvm-vhe-min run it by a minimal VMM instead; a -nopoll
                       suffix (kvm-vhe-nopoll, kvm-vhe-min-nopoll, ...) turns
                       KVM's halt polling off (platform/kvm, docs/kvm.md)
  --xen-src PATH       build this Xen tree instead of Debian's xen package
  --patch FILE         apply FILE to Xen after the project's series (repeatable)
  --no-project-patches build Xen without the project's patch series

Platform options:
  --target T           emulated: Xen on emulated arm64 under QEMU (default);
                       native: this machine's own Linux, no hypervisor (the
                       Linux storm bench/vtimer_storm.c; wall-clock reference)
                       linux-dom0: the same Linux storm in Debian's arm64 Linux
                       as dom0 of Xen on emulated arm64, once per variant
  --platform-mode M    deterministic (QEMU icount, 1 CPU: instruction-exact,
                       repeatable; default) or realtime (wall-clock, 2 CPUs)
  --machine NAME       the emulated machine: platform/machines/NAME.conf, or a
                       .conf path (default virt-gicv3; virt-gicv2: a GICv2
                       with a memory-mapped CPU interface, like the GIC-400 of
                       most Xen/ARM boards); exported as VTB_MACHINE to every
                       boot (docs/machine.md)
  --timeout SEC        watchdog for one boot (default 900)
  --boots K            untraced boots per variant, run interleaved (A B B A ...);
                       the boot is the unit the comparison replicates. Default:
                       1 in deterministic mode (boots are byte-identical; with
                       K > 1 the comparison checks it), 5 in realtime mode
                       (calibrate: 10)
  --no-trace           skip the traced boot of each variant (by default each
                       variant also runs as a domU of a Linux dom0 that
                       captures it with xentrace: exits per tick, latency
                       stages, hypervisor time, tracing perturbation)
  --no-profile         skip the instruction profile of each variant's untraced
                       boot (by default, in deterministic mode, the boot
                       carries the vtb-prof TCG plugin: EL2 instructions per
                       tick, by Xen function, exits by class; docs/profiler.md;
                       never in realtime mode, whose counts are not time)
  --profile-threshold-pct X  nightly: growth of EL2 instructions per tick
                       beyond X % of the baseline is a regression (default 1;
                       any smaller change is reported with the functions that moved)
  --runner R           local (default) or lava: each boot is a LAVA job
                       (traced boots too; docs/lava.md)
  --lava-device FILE   LAVA device description (platform/lava/devices/qemu.conf)
  --lava-identity NAME lavacli identity of the LAVA instance (default: default)

Output options:
  --out DIR            results root (default results/)
  --run-id ID          name of the run directory (default: date-time-label)
  --label NAME         label for this run (default: ab, or nightly)
  --baseline RUN_ID    nightly: compare with this run instead of the last good one
  --threshold-pct P    nightly: a change of the median smaller than P % is no regression
                       (default 1); realtime verdicts are "inconclusive" when the
                       measured noise cannot detect a change of P %
  --no-history         do not record the run in results/history.sqlite
  --no-deps            do not check or install dependencies
  -q, --quiet          less progress output (build-xen's too)

Paths (--xen-src, --patch, --out, RUN) are taken relative to where you run
the command. Exit status: 0 ok, 1 error, 2 usage error, 3 regression (nightly),
4 inconclusive (nightly: the noise hides changes of the threshold's size).

Every figure printed comes from the run just made (or, for compare/report,
from the kept raw files). Deterministic figures are instruction-exact (icount:
1 instruction = 1 ns, 1 counter tick = 16 instructions); realtime figures are
wall-clock nanoseconds of an emulator.
USAGE
}

# rb_parse_options "$@": sets cmd and the option globals below.
rb_parse_options() {
  cmd=run
  case "${1:-}" in run|nightly|calibrate|compare|report|import|justify) cmd=$1; shift ;; esac
  justify_command="./run-bench.sh $cmd${*:+ $*}" scenarios_opt=""
  ticks=2000 storm=periodic period_ns=100000 rmin_ns=20000 rmax_ns=200000 seed=1
  guest_args="" platform_mode=deterministic timeout=900 xen_src="" patches=()
  out_root=$top/results run_id="" label="" do_deps=1 quiet=0 variants_opt=""
  project_patches=1 baseline="" history=1 positional=() target=emulated trace=1 profile=1 profile_threshold_pct=1
  boots_opt="" threshold_pct=""
  runner=local lava_device="" lava_identity=default
  while [ $# -gt 0 ]; do
    case "$1" in
      --ticks) cli_need_value "$@"; ticks=$2; shift ;;
      --storm) cli_need_value "$@"; storm=$2; shift ;;
      --period-ns) cli_need_value "$@"; period_ns=$2; shift ;;
      --rmin-ns) cli_need_value "$@"; rmin_ns=$2; shift ;;
      --rmax-ns) cli_need_value "$@"; rmax_ns=$2; shift ;;
      --seed) cli_need_value "$@"; seed=$2; shift ;;
      --guest-args) cli_need_value "$@"; guest_args=$2; shift ;;
      --scenarios) cli_need_value "$@"; scenarios_opt=$2; shift ;;
      --variants) cli_need_value "$@"; variants_opt=$2; shift ;;
      --platform-mode) cli_need_value "$@"; platform_mode=$2; shift ;;
      --target) cli_need_value "$@"; target=$2; shift ;;
      --timeout) cli_need_value "$@"; timeout=$2; shift ;;
      --machine) cli_need_value "$@"
        case "$2" in */*) VTB_MACHINE=$(cli_abs "$2") ;; *) VTB_MACHINE=$2 ;; esac
        [ -f "$VTB_MACHINE" ] || [ -f "$top/platform/machines/$VTB_MACHINE.conf" ] ||
          cli_usage_error "--machine '$2': no platform/machines/$2.conf and no such file"
        export VTB_MACHINE; shift ;;
      --boots) cli_need_value "$@"; boots_opt=$2; shift ;;
      --threshold-pct) cli_need_value "$@"; threshold_pct=$2; shift ;;
      --xen-src) cli_need_value "$@"; xen_src=$(cli_abs "$2"); shift ;;
      --patch) cli_need_value "$@"; patches+=("$(cli_abs "$2")"); shift ;;
      --no-project-patches) project_patches=0 ;;
      --out) cli_need_value "$@"; out_root=$(cli_abs "$2"); shift ;;
      --run-id) cli_need_value "$@"; run_id=$2; shift ;;
      --label) cli_need_value "$@"; label=$2; shift ;;
      --baseline) cli_need_value "$@"; baseline=$2; shift ;;
      --no-history) history=0 ;;
      --no-trace) trace=0 ;;
      --no-profile) profile=0 ;;
      --profile-threshold-pct) cli_need_value "$@"; profile_threshold_pct=$2; shift ;;
      --runner) cli_need_value "$@"; runner=$2; shift ;;
      --lava-device) cli_need_value "$@"; lava_device=$(cli_abs "$2"); shift ;;
      --lava-identity) cli_need_value "$@"; lava_identity=$2; shift ;;
      --no-deps) do_deps=0 ;;
      -q|--quiet) quiet=1 ;;
      -h|--help) rb_usage; exit 0 ;;
      -*) cli_usage_error "unknown option '$1' (see --help)" ;;
      *) positional+=("$1") ;;  # made absolute (cli_abs) by the command: NAME=DIR, RUN:VARIANT
    esac
    shift
  done

  cli_uint --timeout "$timeout"
  [[ $profile_threshold_pct =~ ^[0-9]+(\.[0-9]+)?$ ]] || cli_usage_error "--profile-threshold-pct must be a number like 1 or 0.5, got '$profile_threshold_pct'"
  [ "$timeout" -gt 0 ] || cli_usage_error "--timeout must be at least 1"
  [ -z "$xen_src" ] || [ -d "$xen_src/xen" ] || cli_usage_error "--xen-src '$xen_src' is not a Xen tree (no xen/ folder)"
  local p
  for p in "${patches[@]}"; do [ -f "$p" ] || cli_usage_error "--patch '$p': no such file"; done
  [ -z "$threshold_pct" ] || [[ "$threshold_pct" =~ ^[0-9]+(\.[0-9]+)?$ ]] || cli_usage_error "--threshold-pct must be a number >= 0"
  # "ab" only when there is a pair: one variant is labelled by its name.
  if [ -z "$label" ] && [ "$cmd" = run ] && [ "$target" = emulated ]; then
    if [ -n "$variants_opt" ] && [[ $variants_opt != *,* ]]; then label=${variants_opt%%=*}
    elif [ -z "$variants_opt" ] && [ "$project_patches" = 0 ]; then label=stock
    fi
  fi
  [ -n "$label" ] || label=$(case "$cmd" in nightly|calibrate|import|justify) echo "$cmd" ;; *) [ "$target" = emulated ] && echo ab || echo "$target" ;; esac)
  compare_out=""
  [ "$cmd" != compare ] || [ "$out_root" = "$top/results" ] || compare_out=$out_root
  case "$cmd" in
    compare) [ "${#positional[@]}" -ge 2 ] || cli_usage_error "compare needs two run directories" ;;
    import) [ "${#positional[@]}" -ge 1 ] || cli_usage_error "import needs one or more capture directories" ;;
    report) [ "${#positional[@]}" = 1 ] || cli_usage_error "report needs one run directory" ;;
    *) [ "${#positional[@]}" = 0 ] || cli_usage_error "unexpected argument '${positional[0]}'" ;;
  esac
  history_db=$out_root/history.sqlite
  rb_lava_check_options
}

# rb_init_args [XEN_IMG]: vtb-run init's options for the run the user asked
# for; with the built image, its build manifest says which series it carries.
rb_init_args() {
  init_args=(--run-id "$run_id" --label "$label" --target "$target" --platform-mode "$platform_mode"
             --ticks "$ticks" --storm "$storm" --period-ns "$period_ns" --rmin-ns "$rmin_ns"
             --rmax-ns "$rmax_ns" --seed "$seed" --guest-args "$guest_args")
  [ -z "$variants_opt" ] || init_args+=(--variants "$variants_opt")
  [ "$trace" = 1 ] || init_args+=(--no-trace)
  [ "$runner" = local ] || init_args+=(--runner "$runner")
  [ -z "${VTB_MACHINE:-}" ] || init_args+=(--machine "$(basename "${VTB_MACHINE%.conf}")")
  [ -z "$boots_opt" ] || init_args+=(--boots "$boots_opt")
  # The registry offers direct only when the build carries its series.
  if [ -n "${1:-}" ] && grep -qE '^series=(.*,)?direct-ppi(,|$)' "${1%/*}/manifest"; then
    init_args+=(--with-direct)
  fi
}
