# shellcheck shell=bash
# run-bench.sh: turning a variant's raw files into its statistics (sourced).

rb_analyse_variant() { # run_dir name
  local run=$1 name=$2
  "$bin/vtb-analyze" --log "$run/raw/$name/console.log" --out-dir "$run/$name" \
    --platform-mode "$("$vtbrun" get "$run" platform_mode)" --label "$name" \
    || cli_die "[$name] analysis rejected the console log $run/raw/$name/console.log"
  # The boot's instruction profile (docs/profiler.md), when it carried the plugin.
  [ ! -f "$run/raw/$name/profile.raw" ] || (cd "$run" && "$top/profiler/build/vtb-profile" --raw "raw/$name/profile.raw" \
    --out-dir "$name/profile" --label "$name" --quiet) || cli_die "[$name] vtb-profile rejected raw/$name/profile.raw"
}

rb_analyse_traced() { # run_dir name
  local run=$1 name=$2
  "$bin/vtb-analyze" --log "$run/raw/$name-traced/console-vuart.log" --out-dir "$run/$name/traced" \
    --platform-mode "$("$vtbrun" get "$run" platform_mode)" --label "$name-traced" \
    || cli_die "[$name] analysis rejected the traced guest's console log"
  "$xtr" "$run/raw/$name-traced/trace.xentrace" --guest-summary "$run/$name/traced/summary.json" \
    --out-dir "$run/$name" --quiet || cli_die "[$name] trace analysis failed"
}
