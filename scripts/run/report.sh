# shellcheck shell=bash
# run-bench.sh: comparison, plots, report and the printed summary of a run
# directory (sourced). The pair compared and the variant order come from
# the run's model (vtb-run pairs / variants).

# rb_ab RUN: sets ab_a and ab_b to the run's first pair (B against A); with
# no pair, ab_a is the first variant and ab_b is empty.
rb_ab() {
  local pair
  pair=$("$vtbrun" pairs "$1" | head -1) || cli_die "cannot read the run's model in $1"
  if [ -n "$pair" ]; then
    ab_a=${pair%% *} ab_b=${pair#* }
  else
    ab_a=$("$vtbrun" variants "$1" | head -1) ab_b=""
  fi
}

rb_compare_and_report() { # run_dir
  local run=$1 names
  mapfile -t names < <("$vtbrun" variants "$run") || cli_die "cannot read the run's model in $run"
  rb_ab "$run"
  if [ -n "$ab_b" ]; then
    rb_step "comparing $ab_b with $ab_a (vtb-compare)"
    # Relative names: the run directory is renamed into place afterwards.
    (cd "$run" && "$compare" "$ab_a" "$ab_b" --json compare.json > compare.txt) || cli_die "comparison failed"
  fi
  rb_draw_plots "$run" "${names[@]}"
  "$bin/vtb-report" "$run" || cli_die "report failed"
}

rb_gp() { # script, then -e assignments
  local script=$1; shift
  gnuplot -e "dir='$top/analysis/plots'; $*" "$top/analysis/plots/$script.gp" 2>>"$plot_log" \
    || cli_die "gnuplot failed on $script (see $plot_log)"
}

rb_draw_plots() { # run_dir names...
  local run=$1; shift
  local p=$run/plots mode_note n
  mkdir -p "$p"
  plot_log=$p/gnuplot.log
  : > "$plot_log"
  rb_step "drawing plots (gnuplot)"
  for n in "$@"; do "$bin/vtb-plotdata" --out "$p/$n" "$run/$n" || cli_die "plot data for $n failed"; done
  mode_note=$([ "$("$vtbrun" get "$run" platform_mode)" = deterministic ] && echo ', icount: = instructions' || echo ', wall-clock')
  local ab="a='$p/$ab_a'; la='$ab_a'"
  [ -z "$ab_b" ] || ab+="; b='$p/$ab_b'; lb='$ab_b'"
  rb_gp latency-cdf "$ab; unit_note='$mode_note'; out='$p/latency-cdf'; title='vtimer latency CDF'"
  rb_gp latency-hist "$ab; unit_note='$mode_note'; out='$p/latency-hist'; title='vtimer latency histogram'"
  if [ -f "$p/$ab_a.ts" ]; then
    rb_gp latency-series "$ab; unit_note='$mode_note'; out='$p/latency-series'; title='vtimer latency over the run'"
  fi
  local traced=()
  for n in "$@"; do [ ! -f "$run/$n/trace-summary.json" ] || traced+=("$run/$n"); done
  if [ "${#traced[@]}" -gt 0 ]; then
    "$bin/vtb-tracedata" --out "$p/trace" "${traced[@]}" || cli_die "trace plot data failed"
    rb_gp exits-per-tick "data='$p/trace-exits.dat'; out='$p/exits-per-tick'; title='guest exits per delivered vtimer tick (xentrace)'"
    # KVM's traced rows have no stages (docs/kvm.md): no plot without one.
    if grep -qs '"deadline_to_entry"' "${traced[@]/%//trace-summary.json}"; then
      rb_gp latency-stages "data='$p/trace-stages.dat'; out='$p/latency-stages'; title='vtimer latency stages (xentrace, counter ticks)'"
    fi
  fi
  # The pair's instruction profiles side by side (docs/profiler.md); exit 3
  # only says B runs more of Xen than A, which the report shows.
  if [ -n "$ab_b" ] && [ -f "$run/$ab_a/profile/profile.json" ] && [ -f "$run/$ab_b/profile/profile.json" ]; then
    (cd "$run" && "$top/profiler/build/vtb-profile" diff "$ab_a/profile" "$ab_b/profile" --quiet --top 15 \
      --json profile-compare.json --plot-data plots/profile-functions.dat) || [ $? = 3 ] || cli_die "profile comparison failed"
    rb_gp profile-functions "data='$p/profile-functions.dat'; out='$p/profile-functions'; title='EL2 instructions per tick by Xen function (vtb-prof plugin, instruction-exact)'"
  fi
  [ -s "$plot_log" ] || rm -f "$plot_log"
}

rb_print_summary() { # run_dir
  local run=$1 sums=()
  rb_ab "$run"
  sums=("$run/$ab_a/summary.json")
  [ -z "$ab_b" ] || sums+=("$run/$ab_b/summary.json")
  "$bin/vtb-analyze" --summary-table "${sums[@]}"
  [ ! -f "$run/compare.txt" ] || { echo; cat "$run/compare.txt"; }
  if ls "$run"/*/trace-summary.json >/dev/null 2>&1; then
    echo
    "$bin/vtb-report" --print-traces "$run" | sed -n '3,$p'
  fi
  echo
  echo "results: $run"
  echo "  report:  $run/report.html (and report.md); plots in $run/plots/"
  echo "  raw:     $run/raw/ (what the runs printed; run.json: what the run was asked to do)"
  echo "  manifest: $run/manifest.json and manifest.txt (what ran: Xen build, images, platform)"
}
