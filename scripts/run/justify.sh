# shellcheck shell=bash
# run-bench.sh justify (sourced): the patch-justification suite. Every
# scenario is a complete run of its own (rb_do_run through a nested
# ./run-bench.sh, so each is the same run a user makes by hand) under
# scenarios/<name>/; the extra pairs (stock-vwfi against direct-vwfi, the
# traced boots beside a Linux dom0) are compared with the same tools the run
# uses; vtb-justify writes the one table, the report and the cover letter.
# The whole directory is built under a hidden name and renamed when whole.
# docs/justify.md.

rb_justify_all="idle spin back-to-back random 2vcpu unmask-first"

# rb_justify_spec NAME: sets j_args (run-bench options), j_xen (Xen options
# every variant of the scenario adds), j_vwfi (1: add the vwfi=native twins
# of stock and direct; the two scenarios where the guest's WFI decides the
# path, idle and the race, so the table stays one screen) and j_trace.
rb_justify_spec() {
  j_xen="" j_vwfi=1 j_trace=1
  case "$1" in
    idle) j_args=(--storm periodic --period-ns 100000 --guest-args idle=wfi) ;;
    spin) j_args=(--storm periodic --period-ns 100000 --guest-args idle=spin); j_vwfi=0 ;;
    back-to-back) j_args=(--storm back-to-back --guest-args idle=spin); j_vwfi=0 ;;
    random) j_args=(--storm random --rmin-ns 20000 --rmax-ns 200000 --seed 3); j_vwfi=0 ;;
    # The traced boot runs the storm as an xl domU of one vCPU: no trace here.
    2vcpu) j_args=(--storm periodic --period-ns 100000 --guest-args cpus=2); j_xen=dom0_max_vcpus=2; j_trace=0 j_vwfi=0 ;;
    unmask-first) j_args=(--storm periodic --period-ns 100000 --guest-args order=unmask-first) ;;
    *) return 1 ;;
  esac
}

# rb_justify_variants: the --variants list of the scenario just specified.
rb_justify_variants() {
  local x=${j_xen:+ $j_xen} list
  list="stock=vtimer_delivery=software$x,direct=vtimer_delivery=direct$x"
  [ "$j_vwfi" = 0 ] || list+=",stock-vwfi=vtimer_delivery=software vwfi=native$x,direct-vwfi=vtimer_delivery=direct vwfi=native$x"
  [ -z "$variants_opt" ] || list+=",$variants_opt"
  echo "$list"
}

rb_do_justify() {
  local names s
  names=${scenarios_opt//,/ }
  [ -n "$names" ] || names=$rb_justify_all
  for s in $names; do
    rb_justify_spec "$s" || cli_usage_error "unknown scenario '$s' (scenarios: ${rb_justify_all// /,})"
  done
  [ "$platform_mode" = deterministic ] || cli_usage_error "justify runs in deterministic mode (the instruction profile and exact comparisons need it)"
  rb_ensure_built
  [ -n "$run_id" ] || run_id=$(date -u +%Y%m%d-%H%M%S)-justify
  mkdir -p "$out_root"
  local final=$out_root/$run_id work
  [ ! -e "$final" ] || cli_die "results directory $final already exists"
  work=$(rb_fresh_dir "$out_root" "$run_id")
  trap 'rm -rf "$out_root/.$run_id.failed"; mv "$work" "$out_root/.$run_id.failed" 2>/dev/null && echo "run-bench: partial files kept in $out_root/.$run_id.failed" >&2' EXIT
  mkdir -p "$work/scenarios"
  # The command that reproduces this report, as the user typed it.
  printf '%s\n' "$justify_command" > "$work/command.txt"
  : > "$work/suite.txt"
  local common=(--no-deps -q --no-history --out "$work/scenarios" --ticks "$ticks" --timeout "$timeout")
  [ -z "$xen_src" ] || common+=(--xen-src "$xen_src")
  local p
  for p in "${patches[@]}"; do common+=(--patch "$p"); done
  [ "$project_patches" = 1 ] || common+=(--no-project-patches)
  for s in $names; do
    rb_justify_spec "$s"
    local args=("${common[@]}" --run-id "$s" --label "justify-$s" "${j_args[@]}" --variants "$(rb_justify_variants)")
    [ "$j_trace" = 1 ] && [ "$trace" = 1 ] || args+=(--no-trace)
    rb_step "[justify] scenario $s: ${j_args[*]}${j_xen:+, Xen $j_xen}"
    VTB_CALLER_PWD=$top "$top/run-bench.sh" run "${args[@]}" > "$work/scenarios/$s.log" 2>&1 ||
      cli_die "scenario $s failed: $(tail -1 "$work/scenarios/$s.log") (log: $final/scenarios/$s.log, kept in the .failed directory)"
    rb_justify_pairs "$work/scenarios/$s"
    printf '%s\n' "$s" >> "$work/suite.txt"
  done
  rb_step "[justify] table, plots, report and cover letter (vtb-justify)"
  mkdir -p "$work/plots"
  "$bin/vtb-justify" plot-data "$work" || cli_die "vtb-justify plot-data failed"
  plot_log=$work/plots/gnuplot.log
  : > "$plot_log"
  rb_gp justify-latency "data='$work/plots/justify-latency.dat'; out='$work/plots/justify-latency'"
  rb_gp justify-el2 "data='$work/plots/justify-el2.dat'; out='$work/plots/justify-el2'"
  [ -s "$plot_log" ] || rm -f "$plot_log"
  "$bin/vtb-justify" report "$work" --patches-dir "$top/tracing/patches" || cli_die "vtb-justify report failed"
  mv "$work" "$final"
  trap - EXIT
  cat "$final/headline.txt"
  echo
  echo "results: $final"
  echo "  report:       $final/report.html (and report.md)"
  echo "  cover letter: $final/cover-letter.txt"
  echo "  scenarios:    $final/scenarios/<name>/ (each a complete run with its own report)"
}

# rb_justify_pairs RUN: the comparisons the run itself does not make. The
# run compares its first pair (compare.json, profile-compare.json); every
# other stock<X>/direct<X> pair gets compare-<a>-<b>.json and
# profile-compare-<a>-<b>.json, and the traced boots of the first pair
# (the storm as an xl domU beside a Linux dom0) compare-traced.json.
rb_justify_pairs() {
  local run=$1 v a first
  first=$("$vtbrun" pairs "$run" | head -1)
  while read -r v; do
    case "$v" in direct*) a=stock${v#direct} ;; *) continue ;; esac
    "$vtbrun" variants "$run" | grep -qxF -- "$a" || continue
    [ "$a $v" != "$first" ] || continue
    (cd "$run" && "$compare" "$a" "$v" --json "compare-$a-$v.json" > "compare-$a-$v.txt") || cli_die "comparison of $v with $a failed"
    if [ -f "$run/$a/profile/profile.json" ] && [ -f "$run/$v/profile/profile.json" ]; then
      (cd "$run" && "$top/profiler/build/vtb-profile" diff "$a/profile" "$v/profile" --quiet --top 15 \
        --json "profile-compare-$a-$v.json") || [ $? = 3 ] || cli_die "profile comparison of $v with $a failed"
    fi
  done < <("$vtbrun" variants "$run")
  if [ -n "$first" ] && [ -f "$run/${first% *}/traced/samples.csv" ] && [ -f "$run/${first#* }/traced/samples.csv" ]; then
    (cd "$run" && "$compare" "${first% *}/traced" "${first#* }/traced" --json compare-traced.json > compare-traced.txt) ||
      cli_die "comparison of the traced boots failed"
  fi
}
