# shellcheck shell=bash
# run-bench.sh: a complete run (sourced). Every variant booted, analysed,
# compared, reported. Built under a hidden name and renamed when complete:
# an interrupted run never leaves a half-written results directory.

# One untraced boot of a variant on the run's target: raw files in
# raw/<name>/, its analysis in <name>/ (scripts/run/boot.sh).
rb_boot_once() { # work name xen_img
  case "$target" in
    native) rb_boot_native "$1" ;;
    linux-dom0) rb_boot_linux_dom0 "$1" "$2" "$3" ;;
    *) rb_boot_variant "$1" "$2" "$3" ;;
  esac
}

# Moves the files of the boot just made into boot-<i>/ folders.
rb_keep_boot() { # work name i
  local f
  mkdir -p "$1/raw/$2/boot-$3" "$1/$2/boot-$3"
  for f in "$1/raw/$2"/* "$1/$2"/*; do
    [ -f "$f" ] || continue
    case "$f" in "$1/raw/$2"/*) mv "$f" "$1/raw/$2/boot-$3/" ;; *) mv "$f" "$1/$2/boot-$3/" ;; esac
  done
}

# The Xen version of the tools in the emulated dom0 (Debian's xen-utils-X.Y,
# scripts/deps/xen-dom0.arm64): the traced boots' xl and xentrace speak that
# version's domctl/sysctl interface, which another Xen refuses.
rb_dom0_tools_version() {
  sed -n 's/^xen-utils-\([0-9][0-9.]*\)$/\1/p' "$top/scripts/deps/xen-dom0.arm64" | head -1
}

rb_do_run() {
  rb_ensure_built
  [ -n "$run_id" ] || run_id=$(date -u +%Y%m%d-%H%M%S)-$label
  rb_init_args
  # Bad storm, platform or variant values stop us before anything is built.
  "$vtbrun" init --out - "${init_args[@]}" >/dev/null || exit $?
  local xen_img="" name
  [ "$target" = native ] || xen_img=$(rb_build_xen)
  if [ "$trace" = 1 ] && [ "$target" = emulated ] && ! rb_has_trace_points "$xen_img"; then
    echo "run-bench: this Xen has no ARM trace points (the trace-points series, tracing/patches/<version>/trace-points/): traced boots skipped" >&2
    trace=0
  fi
  local xen_version tools_version
  xen_version=$(sed -n 's/^version=//p' "${xen_img%/*}/manifest" 2>/dev/null)
  tools_version=$(rb_dom0_tools_version)
  if [ "$trace" = 1 ] && [ "$target" = emulated ] && [ -n "$xen_version" ] && [ "$xen_version" != "$tools_version" ]; then
    echo "run-bench: Xen $xen_version refuses the hypercalls of the emulated dom0's Xen $tools_version tools (platform/dom0; docs/direct-ppi.md, \"Upstream\"): traced boots skipped" >&2
    trace=0
  fi
  rb_init_args "$xen_img"
  mkdir -p "$out_root"
  final=$out_root/$run_id
  [ ! -e "$final" ] || cli_die "results directory $final already exists"
  work=$(rb_fresh_dir "$out_root" "$run_id")
  # A failed run is kept aside under a hidden name for debugging, never
  # where a result would be.
  trap 'rm -rf "$out_root/.$run_id.failed"; mv "$work" "$out_root/.$run_id.failed" 2>/dev/null && echo "run-bench: partial files kept in $out_root/.$run_id.failed" >&2' EXIT
  mkdir -p "$work/raw"
  "$vtbrun" init --out "$work/raw/run.json" "${init_args[@]}" || exit $?
  local traced boots i
  traced=$("$vtbrun" get "$work" traced)
  boots=$("$vtbrun" get "$work" boots)
  if [ "$boots" = 1 ]; then
    while read -r name; do
      rb_boot_once "$work" "$name" "$xen_img"
      [ "$traced" = 0 ] || [ "$target" != emulated ] || rb_boot_traced "$work" "$name" "$xen_img"
    done < <("$vtbrun" variants "$work")
  else
    # K boots a variant, interleaved so that slow drift of the host hits
    # every variant alike; each boot's raw files and analysis are moved
    # into boot-<i>/ and the variant folder gets the boots pooled.
    rb_step "$boots boots per variant, in the order: $("$vtbrun" boot-order "$work" | tr ' \n' '# ')"
    while read -r name i; do
      rb_step "[$name] boot $i of $boots"
      rb_boot_once "$work" "$name" "$xen_img"
      rb_keep_boot "$work" "$name" "$i"
    done < <("$vtbrun" boot-order "$work")
    while read -r name; do
      "$vtbrun" pool "$work" "$name" || cli_die "[$name] pooling the boots failed"
      [ "$traced" = 0 ] || [ "$target" != emulated ] || rb_boot_traced "$work" "$name" "$xen_img"
    done < <("$vtbrun" variants "$work")
  fi
  rb_write_manifest "$work" "$xen_img"
  rb_finish_run "$work" "$final"
}

# rb_finish_run WORK FINAL: the run's comparison and report, then WORK renamed
# into place as FINAL (whole or not at all), recorded in the history, and
# summarised. Every way of making a run (run, import) ends here.
rb_finish_run() {
  local work=$1 final=$2
  rb_compare_and_report "$work"
  mv "$work" "$final"
  trap - EXIT
  if [ "$history" = 1 ]; then
    "$bin/vtb-history" --db "$history_db" record "$final" --suite "$label" \
      --config "$("$vtbrun" get "$final" history_config)" \
      || cli_die "could not record the run in $history_db"
  fi
  rb_print_summary "$final"
}
