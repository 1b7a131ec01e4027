# shellcheck shell=bash
# run-bench.sh nightly (sourced): run, compare every variant with the
# baseline run, record the verdict, draw the trend. Exit 3 on a regression
# (latency, lost or spurious ticks, exits per tick, Xen's instructions per
# tick from the profile), 4 when inconclusive:
# the measured noise hides changes of the threshold's size.

rb_do_nightly() {
  history=1
  rb_do_run
  local base="" config n rc cmp=() prof_regress=0
  config=$("$vtbrun" get "$final" history_config)
  if [ -n "$baseline" ]; then
    base=$("$bin/vtb-history" --db "$history_db" baseline --named "$baseline") || cli_die "no baseline run '$baseline'"
  else
    base=$("$bin/vtb-history" --db "$history_db" baseline --suite "$label" --config "$config" --exclude "$run_id") \
      || cli_die "history lookup failed"
  fi
  if [ -z "$base" ]; then
    echo "nightly: no earlier run of this configuration; $run_id becomes the baseline"
    "$bin/vtb-history" --db "$history_db" verdict "$run_id" ok
    return 0
  fi
  rb_step "comparing with baseline $(basename "$base")"
  # The baseline should be the same Xen on the same platform; when it is
  # not, say what differs before comparing across it.
  local diffs
  if ! diffs=$("$vtbrun" same-build "$base" "$final"); then
    echo "nightly: baseline $(basename "$base") is another build; comparing across:"
    printf '%s\n' "$diffs" | sed 's/^/nightly:   /'
  fi
  # The boot-to-boot noise this configuration showed in earlier good runs
  # (vtb-history noise: "VAR DF"), pooled with this run's own boots.
  local noise extra=()
  # (This run is not judged yet, so not in it; the baseline is excluded: its
  # boots are in the comparison already.)
  noise=$("$bin/vtb-history" --db "$history_db" noise --config "$config" --exclude "$(basename "$base")") \
    || cli_die "history lookup failed"
  if [ -n "$noise" ]; then
    extra+=(--noise "${noise% *}:${noise#* }")
    echo "nightly: between-boot noise from history: variance ${noise% *} of log p50, ${noise#* } degrees of freedom"
  fi
  [ -z "$threshold_pct" ] || extra+=(--threshold-pct "$threshold_pct")
  while read -r n; do
    [ -f "$base/$n/summary.json" ] || { echo "nightly: baseline has no variant $n; skipped"; continue; }
    # The verdict is read from the JSON below; the text is kept for people.
    rc=0
    "$compare" "$base/$n" "$final/$n" --fail-on-regression "${extra[@]}" --json "$final/nightly-$n.json" \
      > "$final/nightly-$n.txt" || rc=$?
    case $rc in 0|3|4) ;; *) cli_die "nightly: comparison of $n failed" ;; esac
    grep -E '^(minimum detectable effect|  deterministic mode: boots)' "$final/nightly-$n.txt" | sed "s/^ */nightly [$n]: /" || true
    cmp+=("$n=$final/nightly-$n.json")
    # The instruction profile's counts are exact: any change of EL2
    # instructions per tick is reported with the functions that moved; growth
    # beyond --profile-threshold-pct is a regression (docs/profiler.md).
    if [ -f "$base/$n/profile/profile.json" ] && [ -f "$final/$n/profile/profile.json" ]; then
      rc=0
      "$top/profiler/build/vtb-profile" diff "$base/$n/profile" "$final/$n/profile" --threshold-pct "$profile_threshold_pct" \
        --json "$final/nightly-$n-profile.json" > "$final/nightly-$n-profile.txt" || rc=$?
      case $rc in 0) ;; 3) prof_regress=1 ;; *) cli_die "nightly: profile comparison of $n failed" ;; esac
      grep -q '^verdict: same' "$final/nightly-$n-profile.txt" ||
        { echo "nightly [$n]: Xen's instructions per tick moved:"; sed 's/^/  /' "$final/nightly-$n-profile.txt"; }
    fi
  done < <("$vtbrun" variants "$final")
  local outcome=ok
  if [ "${#cmp[@]}" -gt 0 ]; then
    rc=0
    "$vtbrun" nightly-verdict --baseline "$(basename "$base")" --base-run "$base" --run "$final" "${cmp[@]}" || rc=$?
    case $rc in 0) ;; 3) outcome=regression ;; 4) outcome=inconclusive ;; *) cli_die "nightly: no verdict" ;; esac
  fi
  [ "$prof_regress" = 0 ] || outcome=regression
  "$bin/vtb-history" --db "$history_db" verdict "$run_id" "$outcome"
  rb_draw_trends "$config"
  "$bin/vtb-report" "$final" || cli_die "report failed"
  case $outcome in
    regression) echo "nightly: regression detected (exit 3)"; exit 3 ;;
    inconclusive) echo "nightly: inconclusive: the noise hides changes of the threshold's size (exit 4; more --boots, or ./run-bench.sh calibrate)"; exit 4 ;;
  esac
}

# The history of p50 and p99 for the run's A/B pair (or its one variant).
rb_draw_trends() { # history_config
  local config=$1 m args v which
  mkdir -p "$final/plots"
  plot_log=$final/plots/gnuplot.log
  rb_ab "$final"
  for m in p50 p99; do
    args=""
    for which in a b; do
      v=$([ $which = a ] && echo "$ab_a" || echo "$ab_b")
      [ -n "$v" ] || continue
      "$bin/vtb-history" --db "$history_db" trend --suite "$label" --config "$config" \
        --variant "$v" --metric "latency_ticks.$m" --out "$final/plots/trend-$m-$v.dat" \
        || cli_die "trend of $v failed"
      args+="${args:+; }$which='$final/plots/trend-$m-$v.dat'; l$which='$v'"
    done
    rb_gp trend "$args; metric='latency $m (counter ticks)'; out='$final/plots/trend-$m'; title='nightly trend: latency $m'"
  done
}
