# shellcheck shell=bash
# run-bench.sh import [NAME=]DIR... (sourced): captures made by
# tracing/dom0-run.sh in the dom0 of a Xen/ARM server, one per variant,
# become a results directory like a local run's: summaries, trace analysis,
# comparison, plots, report, manifest and history (docs/server.md).
# A capture has no untraced boot: a variant's statistics are those of the
# traced guest, read from its console log (vuart, else PV console).

# rb_capture_key FILE KEY: the value of KEY= in a key=value file.
rb_capture_key() { [ -f "$1" ] || return 0; sed -n "s/^$2=//p" "$1" | head -1; }

rb_do_import() {
  local spec name dir names=() dirs=() i status cmd0="" cmd mode0="" mode
  for spec in "$@"; do
    name="" dir=$spec
    if [[ $spec == *=* ]]; then name=${spec%%=*} dir=${spec#*=}; fi
    dir=$(cli_abs "$dir")
    [ -d "$dir" ] || cli_die "no capture directory '$dir'"
    [ -f "$dir/manifest" ] || cli_die "'$dir' is not a tracing/dom0-run.sh capture (no manifest)"
    status=$(rb_capture_key "$dir/manifest" status)
    [ "$status" = ok ] || cli_die "capture '$dir' did not succeed: status=${status:-none} $(rb_capture_key "$dir/manifest" reason)"
    [ -s "$dir/trace.xentrace" ] || cli_die "capture '$dir' holds no trace.xentrace"
    rb_guest_console "$dir" >/dev/null || cli_die "capture '$dir' holds no guest console output (console-vuart.log, console-pv.log)"
    # The variant: NAME=, else the capture's own name for it, else the
    # delivery path Xen's command line selected.
    [ -n "$name" ] || name=$(rb_capture_key "$dir/manifest" variant)
    if [ -z "$name" ]; then
      case " $(rb_capture_key "$dir/manifest" xen_commandline) " in
        *" vtimer_delivery=software "*) name=stock ;;
        *" vtimer_delivery=direct "*) name=direct ;;
      esac
    fi
    [ -n "$name" ] || cli_usage_error "cannot tell which variant '$dir' is (no variant= in its manifest, no vtimer_delivery= on Xen's command line): give it as NAME=DIR"
    [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || cli_usage_error "bad variant name '$name'"
    for i in "${names[@]}"; do [ "$i" != "$name" ] || cli_usage_error "two captures are variant '$name': name them NAME=DIR"; done
    # One storm and one platform, or the comparison means nothing.
    cmd=$(rb_capture_key "$dir/manifest" cmdline)
    mode=$(rb_capture_key "$dir/platform-manifest" mode)
    : "${mode:=realtime}"
    if [ "${#names[@]}" -gt 0 ]; then
      [ "$cmd" = "$cmd0" ] || cli_die "captures ran different guests: '$cmd0' ($(basename "${dirs[0]}")) vs '$cmd' ($(basename "$dir"))"
      [ "$mode" = "$mode0" ] || cli_die "captures come from different platform modes: $mode0 vs $mode"
    fi
    cmd0=$cmd mode0=$mode
    names+=("$name") dirs+=("$dir")
  done
  make -s all >&2 || cli_die "build failed"

  [ -n "$run_id" ] || run_id=$(date -u +%Y%m%d-%H%M%S)-$label
  # The run's model: vtb-run init checks the names; the storm is what the
  # captured guest was booted with, the target a server.
  local init=(--run-id "$run_id" --label "$label" --platform-mode "$mode0" --no-trace) kv k v variants=""
  for kv in $cmd0; do
    k=${kv%%=*} v=${kv#*=}
    case "$k" in
      ticks) init+=(--ticks "$v") ;; mode) init+=(--storm "$v") ;; period_ns) init+=(--period-ns "$v") ;;
      rmin_ns) init+=(--rmin-ns "$v") ;; rmax_ns) init+=(--rmax-ns "$v") ;; seed) init+=(--seed "$v") ;;
    esac
  done
  local opts_json='{}' o
  for i in "${!names[@]}"; do
    variants+="${variants:+,}${names[$i]}"
    o=$(rb_capture_key "${dirs[$i]}/manifest" xen_commandline | tr ' ' '\n' | grep '^vtimer_delivery=' | paste -sd' ') || true
    opts_json=$(jq -c --arg n "${names[$i]}" --arg o "$o" '. + {($n): $o}' <<< "$opts_json")
  done
  init+=(--variants "$variants")
  local model
  model=$("$vtbrun" init --out - "${init[@]}") || exit $?

  mkdir -p "$out_root"
  final=$out_root/$run_id
  [ ! -e "$final" ] || cli_die "results directory $final already exists"
  work=$(rb_fresh_dir "$out_root" "$run_id")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/raw"
  jq --arg cmd "$cmd0" --argjson opts "$opts_json" \
    '.target = "server" | .traced = true | .storm.guest_bootargs = $cmd
     | .variants |= map(.xen_options = $opts[.name])
     | .history_config = "server \(.platform_mode) \($cmd)"' <<< "$model" > "$work/raw/run.json" \
    || cli_die "cannot write the run's model"
  rb_no_trace_points=()
  for i in "${!names[@]}"; do
    rb_step "[${names[$i]}] importing ${dirs[$i]}"
    cp -R "${dirs[$i]}" "$work/raw/${names[$i]}-traced"
    rb_analyse_capture "$work" "${names[$i]}"
  done
  local m=$work/raw/${names[0]}-traced/manifest
  local server
  server="Xen $(rb_capture_key "$m" xen_version) ($(rb_capture_key "$m" nr_cpus) pCPUs), dom0 $(rb_capture_key "$m" dom0_kernel), $(rb_capture_key "$m" tools)"
  "$vtbrun" manifest "$work" --date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --host "$(uname -srm)" \
    --server "$server" --xen-full-version "$(rb_capture_key "$m" xen_version)" \
    --guest-sha256 "$(rb_capture_key "$m" kernel_sha256)" \
    --traced-boots "the captures themselves (a server capture has no untraced boot)$([ "${#rb_no_trace_points[@]}" = 0 ] || echo "; no ARM trace records (Xen without trace points): ${rb_no_trace_points[*]}")" \
    || cli_die "could not write the manifest"
  rb_finish_run "$work" "$final"
}
