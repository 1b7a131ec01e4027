# shellcheck shell=bash
# run-bench.sh calibrate (sourced): A/A boots of an unchanged Xen that
# measure this host's boot-to-boot noise for later nightlies. The run is
# recorded in the history with the verdict "calibration"; vtb-history noise
# pools its boots (and those of every good nightly of the same
# configuration) into the between-boot variance the nightly's comparison
# uses. docs/noise.md.

rb_do_calibrate() {
  history=1
  [ -n "$boots_opt" ] || boots_opt=10
  rb_do_run
  local config noise
  config=$("$vtbrun" get "$final" history_config)
  "$bin/vtb-history" --db "$history_db" verdict "$run_id" calibration
  noise=$("$bin/vtb-history" --db "$history_db" noise --config "$config") || cli_die "history lookup failed"
  [ -n "$noise" ] || cli_die "calibrate: no variant with two boots was recorded"
  echo "calibrate: between-boot variance of log p50 for this configuration: ${noise% *}" \
    "(SD $(awk -v v="${noise% *}" 'BEGIN { printf "%.3g", sqrt(v) }'), ${noise#* } degrees of freedom" \
    "from every calibration and good nightly so far)"
}
