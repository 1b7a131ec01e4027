#!/usr/bin/env bash
# vtimer-bench: build what is missing, run the vtimer storm on Xen/ARM for each
# delivery path, analyse, compare, report, record in the history.
# Orchestration only: measurement and statistics live in the C tools.
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"

usage() {
  cat <<'USAGE'
usage: ./run-bench.sh [run] [options]        run the benchmark (default)
       ./run-bench.sh nightly [options]      run, compare with the baseline, exit 3 on a regression
       ./run-bench.sh compare RUN_A RUN_B    re-analyse two kept runs and compare them
       ./run-bench.sh report RUN             re-draw plots and the report of a kept run
       ./run-bench.sh --help

A run boots real Xen on emulated arm64 (QEMU) once per variant (delivery
path) with the bare-metal vtimer storm as a guest, keeps the raw console
output under results/<run-id>/raw/, analyses it (analysis/bin/vtb-analyze),
compares the variants (vtb-compare), draws plots (gnuplot), writes
report.md/report.html and records the run in results/history.sqlite.

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
                       options (default: the delivery paths the build supports,
                       stock=vtimer_delivery=software,direct=vtimer_delivery=direct;
                       just stock when the direct-PPI series is absent)
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
  --timeout SEC        watchdog for one boot (default 900)
  --no-trace           skip the traced boot of each variant (by default each
                       variant also runs as a domU of a Linux dom0 that
                       captures it with xentrace: exits per tick, latency
                       stages, hypervisor time, tracing perturbation)

Output options:
  --out DIR            results root (default results/)
  --run-id ID          name of the run directory (default: date-time-label)
  --label NAME         label for this run (default: ab, or nightly)
  --baseline RUN_ID    nightly: compare with this run instead of the last good one
  --no-history         do not record the run in results/history.sqlite
  --no-deps            do not check or install dependencies
  -q, --quiet          less progress output

Every figure printed comes from the run just made (or, for compare/report,
from the kept raw files). Deterministic figures are instruction-exact (icount:
1 instruction = 1 ns, 1 counter tick = 16 instructions); realtime figures are
wall-clock nanoseconds of an emulator.
USAGE
}

die() { echo "run-bench: $*" >&2; exit 1; }
usage_error() { echo "run-bench: $*" >&2; exit 2; }
step() { [ "$quiet" = 1 ] || printf '==> %s\n' "$*" >&2; }
is_uint() { case "$1" in ''|*[!0-9]*) return 1 ;; esac; }

cmd=run
case "${1:-}" in run|nightly|compare|report) cmd=$1; shift ;; esac

ticks=2000 storm=periodic period_ns=100000 rmin_ns=20000 rmax_ns=200000 seed=1
guest_args="" platform_mode=deterministic timeout=900 xen_src="" patches=()
out_root=$top/results run_id="" label="" do_deps=1 quiet=0 variants_opt=""
project_patches=1 baseline="" history=1 positional=() target=emulated trace=1
while [ $# -gt 0 ]; do
  case "$1" in
    --ticks) ticks=${2-}; shift ;;
    --storm) storm=${2-}; shift ;;
    --period-ns) period_ns=${2-}; shift ;;
    --rmin-ns) rmin_ns=${2-}; shift ;;
    --rmax-ns) rmax_ns=${2-}; shift ;;
    --seed) seed=${2-}; shift ;;
    --guest-args) guest_args=${2-}; shift ;;
    --variants) variants_opt=${2-}; shift ;;
    --platform-mode) platform_mode=${2-}; shift ;;
    --target) target=${2-}; shift ;;
    --timeout) timeout=${2-}; shift ;;
    --xen-src) xen_src=${2-}; shift ;;
    --patch) patches+=("${2-}"); shift ;;
    --no-project-patches) project_patches=0 ;;
    --out) out_root=${2-}; shift ;;
    --run-id) run_id=${2-}; shift ;;
    --label) label=${2-}; shift ;;
    --baseline) baseline=${2-}; shift ;;
    --no-history) history=0 ;;
    --no-trace) trace=0 ;;
    --no-deps) do_deps=0 ;;
    -q|--quiet) quiet=1 ;;
    -h|--help) usage; exit 0 ;;
    -*) usage_error "unknown option '$1' (see --help)" ;;
    *) positional+=("$1") ;;
  esac
  shift
done

for v in ticks period_ns rmin_ns rmax_ns seed timeout; do
  is_uint "${!v}" || usage_error "--${v//_/-} needs a whole number, got '${!v}'"
done
[ "$ticks" -gt 0 ] || usage_error "--ticks must be at least 1"
[ "$timeout" -gt 0 ] || usage_error "--timeout must be at least 1"
case "$storm" in periodic|back-to-back|random) ;; *) usage_error "--storm must be periodic, back-to-back or random" ;; esac
case "$platform_mode" in deterministic|realtime) ;; *) usage_error "--platform-mode must be deterministic or realtime" ;; esac
case "$target" in
  emulated) ;;
  native)
    platform_mode=realtime
    [ "$storm" != random ] || usage_error "--target native has no random mode (periodic or back-to-back)"
    [ $((period_ns % 1000)) = 0 ] && [ "$period_ns" -ge 1000 ] || usage_error "--target native needs --period-ns in whole microseconds"
    ;;
  linux-dom0)
    trace=0
    [ "$storm" != random ] || usage_error "--target linux-dom0 has no random mode (periodic or back-to-back)"
    [ $((period_ns % 1000)) = 0 ] && [ "$period_ns" -ge 1000 ] || usage_error "--target linux-dom0 needs --period-ns in whole microseconds"
    ;;
  *) usage_error "--target must be emulated, native or linux-dom0" ;;
esac
[ "$rmin_ns" -le "$rmax_ns" ] || usage_error "--rmin-ns must not exceed --rmax-ns"
[ -z "$xen_src" ] || [ -d "$xen_src/xen" ] || usage_error "--xen-src '$xen_src' is not a Xen tree (no xen/ folder)"
for p in "${patches[@]}"; do [ -f "$p" ] || usage_error "--patch '$p': no such file"; done
[ -n "$label" ] || label=$([ "$cmd" = nightly ] && echo nightly || { [ "$target" = emulated ] && echo ab || echo "$target"; })
case "$label" in *[!A-Za-z0-9._-]*) usage_error "--label may hold letters, digits, '.', '_' and '-' only" ;; esac
case "$cmd" in
  compare) [ "${#positional[@]}" = 2 ] || usage_error "compare needs two run directories" ;;
  report) [ "${#positional[@]}" = 1 ] || usage_error "report needs one run directory" ;;
  *) [ "${#positional[@]}" = 0 ] || usage_error "unexpected argument '${positional[0]}'" ;;
esac

bin=$top/analysis/bin
compare=$top/analysis/compare/bin/vtb-compare
xtr=$top/analysis/xentrace/bin/vtb-xentrace-analyze
history_db=$out_root/history.sqlite

ensure_built() {
  if [ "$do_deps" = 1 ] && ! ./scripts/install-deps.sh --check >/dev/null 2>&1; then
    step "installing dependencies (scripts/install-deps.sh)"
    ./scripts/install-deps.sh
  fi
  step "building host tools and guests (make)"
  make -s all >&2 || die "build failed"
}

# One binary serves every variant: they differ only in Xen's command line.
build_xen() {
  local opts=()
  [ -z "$xen_src" ] || opts+=(--xen-src "$xen_src")
  # Our series (tracing/patches/series): trace points, then the direct PPI path.
  [ "$project_patches" = 1 ] || opts+=(--series /dev/null)
  for p in "${patches[@]}"; do opts+=(--patch "$p"); done
  step "building Xen (cached by source and patch hash)"
  local img
  img=$(./tracing/build-xen.sh "${opts[@]}" | tail -1)
  [ -f "$img" ] || die "Xen build produced no image"
  echo "$img"
}

default_variants() {
  if [ "$project_patches" = 1 ] && grep -q '^[^#].*vtimer-deliver' tracing/patches/series; then
    echo "stock=vtimer_delivery=software,direct=vtimer_delivery=direct"
  else
    echo "stock="
  fi
}

guest_bootargs() {
  local a="ticks=$ticks mode=$storm"
  case "$storm" in
    periodic) a+=" period_ns=$period_ns" ;;
    random) a+=" rmin_ns=$rmin_ns rmax_ns=$rmax_ns seed=$seed" ;;
  esac
  [ -z "$guest_args" ] || a+=" $guest_args"
  echo "$a"
}

# One boot of one variant: raw console log in raw/<name>/, analysis in <name>/.
run_variant() { # work name xen_img xen_opts bootargs
  local work=$1 name=$2 xen_img=$3 xen_opts=$4 bootargs=$5
  mkdir -p "$work/raw/$name"
  step "[$name] booting Xen ${xen_opts:+($xen_opts) }+ storm guest: $platform_mode, $ticks ticks, $storm"
  ./platform/emulated.sh --xen "$xen_img" --kernel bench/guest_kernels/build/vtb-guest.img \
    --bootargs "$bootargs" --xen-args "$xen_opts" --mode "$platform_mode" --timeout "$timeout" \
    --log "$work/raw/$name/console.log" \
    || die "[$name] platform run failed (console log: $work/raw/$name/console.log is discarded with the run)"
  echo "$xen_opts" > "$work/raw/$name/xen-options"
  analyse_variant "$work" "$name"
}

# The no-hypervisor reference: the Linux storm on this machine's own kernel,
# reporting in the same console protocol as the guests.
run_native() { # work
  local work=$1
  mkdir -p "$work/raw/native"
  step "[native] Linux storm on $(uname -sr): $ticks wake-ups, $storm, every $((period_ns / 1000)) us"
  bench/build/native/vtimer_storm -t1 -i $((period_ns / 1000)) -l "$ticks" --mode "$storm" -m -q \
    --vtb-record samples --json "$work/raw/native/storm.json" --vtb-protocol "$work/raw/native/console.log" \
    || die "[native] vtimer_storm failed"
  echo native >> "$work/raw/variants"
  analyse_variant "$work" native
}

# The same variant again, as a domU started by `xl create` from a Linux dom0
# that captures it with the real xentrace (tracing/dom0-run.sh, the script a
# real Xen/ARM dom0 runs). The guest's own figures of this boot go to
# <name>/traced/, the trace analysis to <name>/trace-summary.json.
run_traced_variant() { # work name xen_img xen_opts bootargs
  local work=$1 name=$2 xen_img=$3 xen_opts=$4 bootargs=$5
  step "[$name] traced boot: Linux dom0 + xentrace, storm guest as an xl domU"
  ./platform/dom0/run-dom0-capture.sh --raw "$work/raw/$name-traced" --guest bench/guest_kernels/build/vtb-guest.img \
    --cmdline "$bootargs" --vuart --mode "$platform_mode" --xen "$xen_img" --xen-args "$xen_opts" \
    --wall-timeout "$timeout" > "$work/raw/$name-traced.log" 2>&1 \
    || die "[$name] traced boot failed: $(tail -1 "$work/raw/$name-traced.log")"
  analyse_traced "$work" "$name"
}

analyse_traced() { # run_dir name
  local run=$1 name=$2
  "$bin/vtb-analyze" --log "$run/raw/$name-traced/console-vuart.log" --out-dir "$run/$name/traced" \
    --platform-mode "$(cat "$run/raw/platform-mode")" --label "$name-traced" \
    || die "[$name] analysis rejected the traced guest's console log"
  "$xtr" "$run/raw/$name-traced/trace.xentrace" --guest-summary "$run/$name/traced/summary.json" \
    --out-dir "$run/$name" --quiet || die "[$name] trace analysis failed"
}

# The Linux storm as dom0 of Xen (platform/linux-guest/): the load a real
# Linux guest makes, with the same analysis.
run_linux_dom0_variant() { # work name xen_img xen_opts
  local work=$1 name=$2 xen_img=$3 xen_opts=$4
  mkdir -p "$work/raw/$name"
  step "[$name] booting Xen ${xen_opts:+($xen_opts) }+ Linux dom0 storm: $platform_mode, $ticks wake-ups, $storm"
  ./platform/linux-guest/run.sh --mode "$platform_mode" --xen "$xen_img" --xen-args "$xen_opts" \
    --storm-args "-t1 -i $((period_ns / 1000)) -l $ticks --mode $storm --vtb-record samples" \
    --timeout "$timeout" --log "$work/raw/$name/console.log" \
    || die "[$name] Linux dom0 storm failed"
  echo "$xen_opts" > "$work/raw/$name/xen-options"
  analyse_variant "$work" "$name"
}

analyse_variant() { # run_dir name
  local run=$1 name=$2
  "$bin/vtb-analyze" --log "$run/raw/$name/console.log" --out-dir "$run/$name" \
    --platform-mode "$(cat "$run/raw/platform-mode")" --label "$name" \
    || die "[$name] analysis rejected the console log $run/raw/$name/console.log"
}

variant_names() { # run_dir -> names in the order they ran
  cat "$1/raw/variants"
}

# Comparison, plots and report of a complete run directory.
compare_and_report() { # run_dir
  local run=$1 names a b
  mapfile -t names < <(variant_names "$run")
  if [ "${#names[@]}" -ge 2 ]; then
    a=${names[0]} b=${names[1]}
    step "comparing $a with $b (vtb-compare)"
    # Relative names: the run directory is renamed into place afterwards.
    (cd "$run" && "$compare" "$a" "$b" --json compare.json > compare.txt) || die "comparison failed"
  fi
  draw_plots "$run" "${names[@]}"
  "$bin/vtb-report" "$run" || die "report failed"
}

gp() { # script, then -e assignments
  local script=$1; shift
  gnuplot -e "dir='$top/analysis/plots'; $*" "$top/analysis/plots/$script.gp" 2>>"$plot_log" \
    || die "gnuplot failed on $script (see $plot_log)"
}

draw_plots() { # run_dir names...
  local run=$1; shift
  local p=$run/plots mode_note
  mkdir -p "$p"
  plot_log=$p/gnuplot.log
  : > "$plot_log"
  step "drawing plots (gnuplot)"
  for n in "$@"; do "$bin/vtb-plotdata" --out "$p/$n" "$run/$n" || die "plot data for $n failed"; done
  mode_note=$([ "$(cat "$run/raw/platform-mode")" = deterministic ] && echo ', icount: = instructions' || echo ', wall-clock')
  local ab="a='$p/$1'; la='$1'"
  [ $# -lt 2 ] || ab+="; b='$p/$2'; lb='$2'"
  gp latency-cdf "$ab; unit_note='$mode_note'; out='$p/latency-cdf'; title='vtimer latency CDF'"
  gp latency-hist "$ab; unit_note='$mode_note'; out='$p/latency-hist'; title='vtimer latency histogram'"
  if [ -f "$p/$1.ts" ]; then
    gp latency-series "$ab; unit_note='$mode_note'; out='$p/latency-series'; title='vtimer latency over the run'"
  fi
  local traced=()
  for n in "$@"; do [ ! -f "$run/$n/trace-summary.json" ] || traced+=("$run/$n"); done
  if [ "${#traced[@]}" -gt 0 ]; then
    "$bin/vtb-tracedata" --out "$p/trace" "${traced[@]}" || die "trace plot data failed"
    gp exits-per-tick "data='$p/trace-exits.dat'; out='$p/exits-per-tick'; title='guest exits per delivered vtimer tick (xentrace)'"
    gp latency-stages "data='$p/trace-stages.dat'; out='$p/latency-stages'; title='vtimer latency stages (xentrace, counter ticks)'"
  fi
  [ -s "$plot_log" ] || rm -f "$plot_log"
}

config_key() { echo "$target $platform_mode $(guest_bootargs)"; }

# A complete run: every variant booted, analysed, compared, reported. Built
# under a hidden name and renamed when complete: an interrupted run never
# leaves a half-written results directory.
do_run() {
  ensure_built
  local xen_img="" variants name opts
  [ "$target" = native ] || xen_img=$(build_xen)
  # Exits and stages need our trace points (tracing/patches/0001-*); a Xen
  # without them would give a capture with no ARM records.
  if [ "$trace" = 1 ] && [ "$target" = emulated ] &&
     ! aarch64-linux-gnu-nm "${xen_img%/*}/xen-syms" | grep -c ' trace_guest_exit$' >/dev/null; then
    echo "run-bench: this Xen has no ARM trace points (tracing/patches/0001-*): traced boots skipped" >&2
    trace=0
  fi
  variants=${variants_opt:-$(default_variants)}
  [ -n "$run_id" ] || run_id=$(date -u +%Y%m%d-%H%M%S)-$label
  case "$run_id" in */*|.*) usage_error "--run-id must be a plain name" ;; esac
  mkdir -p "$out_root"
  final=$out_root/$run_id
  [ ! -e "$final" ] || die "results directory $final already exists"
  work=$(mktemp -d "$out_root/.$run_id.XXXXXX")
  # A failed run is kept aside under a hidden name for debugging, never
  # where a result would be.
  trap 'rm -rf "$out_root/.$run_id.failed"; mv "$work" "$out_root/.$run_id.failed" 2>/dev/null && echo "run-bench: partial files kept in $out_root/.$run_id.failed" >&2' EXIT
  mkdir -p "$work/raw"
  echo "$platform_mode" > "$work/raw/platform-mode"
  local bootargs
  bootargs=$(guest_bootargs)
  IFS=, read -r -a vlist <<< "$variants"
  [ "$target" != native ] || { vlist=(); run_native "$work"; }
  for v in "${vlist[@]}"; do
    name=${v%%=*}
    opts=$([ "$name" = "$v" ] && echo "" || echo "${v#*=}")
    case "$name" in ''|*[!A-Za-z0-9_-]*|raw|plots) usage_error "bad variant name '$name' in --variants" ;; esac
    echo "$name" >> "$work/raw/variants"
    if [ "$target" = linux-dom0 ]; then
      run_linux_dom0_variant "$work" "$name" "$xen_img" "$opts"
      continue
    fi
    run_variant "$work" "$name" "$xen_img" "$opts" "$bootargs"
    [ "$trace" = 0 ] || run_traced_variant "$work" "$name" "$xen_img" "$opts" "$bootargs"
  done
  write_manifest "$work" "$xen_img" "$bootargs" "$variants"
  compare_and_report "$work"
  mv "$work" "$final"
  trap - EXIT
  if [ "$history" = 1 ]; then
    "$bin/vtb-history" --db "$history_db" record "$final" --suite "$label" --config "$(config_key)" \
      || die "could not record the run in $history_db"
  fi
  print_summary "$final"
}

write_manifest() { # work xen_img bootargs variants
  local work=$1 xen_img=$2
  if [ "$target" = native ]; then
    {
      echo "run_id=$run_id"
      echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
      echo "label=$label"
      echo "platform=native (no hypervisor): $(uname -srm)"
      echo "platform_mode=realtime (wall-clock)"
      echo "cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
      echo "storm=vtimer_storm -t1 -i $((period_ns / 1000)) -l $ticks --mode $storm"
    } > "$work/manifest.txt"
    return
  fi
  cp "${xen_img%/*}/manifest" "$work/raw/xen-build-manifest"
  {
    echo "run_id=$run_id"
    echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "label=$label"
    echo "platform=emulated (qemu-system-aarch64 virt, GICv3, cortex-a57)"
    echo "platform_mode=$platform_mode"
    echo "qemu=$(qemu-system-aarch64 --version | head -1)"
    echo "host=$(uname -srm)"
    echo "guest_bootargs=$3"
    echo "variants=$4"
    echo "xen_image_sha256=$(sha256sum < "$xen_img" | cut -c1-64)"
    if [ "$target" = linux-dom0 ]; then
      echo "guest=Debian arm64 Linux dom0 ($(ls build/linux-guest/kernel 2>/dev/null | head -1)) running vtimer_storm -t1 -i $((period_ns / 1000)) -l $ticks --mode $storm"
    else
      echo "guest_image_sha256=$(sha256sum < bench/guest_kernels/build/vtb-guest.img | cut -c1-64)"
    fi
    sed 's/^/xen_/' "${xen_img%/*}/manifest"
  } > "$work/manifest.txt"
}

print_summary() { # run_dir
  local run=$1 names=()
  mapfile -t names < <(variant_names "$run")
  local sums=()
  for n in "${names[@]:0:2}"; do sums+=("$run/$n/summary.json"); done
  "$bin/vtb-analyze" --summary-table "${sums[@]}"
  [ ! -f "$run/compare.txt" ] || { echo; cat "$run/compare.txt"; }
  if ls "$run"/*/trace-summary.json >/dev/null 2>&1; then
    echo
    "$bin/vtb-report" --print-traces "$run" | sed -n '3,$p'
  fi
  echo
  echo "results: $run"
  echo "  report:  $run/report.html (and report.md); plots in $run/plots/"
  echo "  raw:     $run/raw/ (what the runs printed, and what ran: manifest.txt)"
}

case "$cmd" in
  run)
    do_run
    ;;
  nightly)
    history=1
    do_run
    base=""
    if [ -n "$baseline" ]; then
      base=$("$bin/vtb-history" --db "$history_db" baseline --named "$baseline") || die "no baseline run '$baseline'"
    else
      rc=0
      base=$("$bin/vtb-history" --db "$history_db" baseline --suite "$label" --config "$(config_key)" --exclude "$run_id") || rc=$?
      [ "$rc" = 0 ] || [ "$rc" = 3 ] || die "history lookup failed"
    fi
    mapfile -t names < <(variant_names "$final")
    if [ -z "$base" ]; then
      echo "nightly: no earlier run of this configuration; $run_id becomes the baseline"
      "$bin/vtb-history" --db "$history_db" verdict "$run_id" ok
      exit 0
    fi
    step "comparing with baseline $(basename "$base")"
    regress=0
    for n in "${names[@]}"; do
      [ -f "$base/$n/summary.json" ] || { echo "nightly: baseline has no variant $n; skipped"; continue; }
      rc=0
      "$compare" "$base/$n" "$final/$n" --fail-on-regression --json "$final/nightly-$n.json" \
        > "$final/nightly-$n.txt" || rc=$?
      case $rc in
        0) echo "nightly [$n]: $(grep -i verdict "$final/nightly-$n.txt" | head -1)" ;;
        3) echo "nightly [$n]: REGRESSION against $(basename "$base"): $(grep -i verdict "$final/nightly-$n.txt" | head -1)"; regress=1 ;;
        *) die "nightly: comparison of $n failed" ;;
      esac
    done
    "$bin/vtb-history" --db "$history_db" verdict "$run_id" "$([ $regress = 1 ] && echo regression || echo ok)"
    mkdir -p "$final/plots"
    plot_log=$final/plots/gnuplot.log
    for m in p50 p99; do
      args=""
      for i in 0 1; do
        [ -n "${names[$i]:-}" ] || continue
        "$bin/vtb-history" --db "$history_db" trend --suite "$label" --config "$(config_key)" \
          --variant "${names[$i]}" --metric "latency_ticks.$m" --out "$final/plots/trend-$m-${names[$i]}.dat"
        args+=$([ $i = 0 ] && echo "a=" || echo "; b=")"'$final/plots/trend-$m-${names[$i]}.dat'; l$([ $i = 0 ] && echo a || echo b)='${names[$i]}'"
      done
      gp trend "$args; metric='latency $m (counter ticks)'; out='$final/plots/trend-$m'; title='nightly trend: latency $m'"
    done
    "$bin/vtb-report" "$final" || die "report failed"
    [ "$regress" = 0 ] || { echo "nightly: regression detected (exit 3)"; exit 3; }
    ;;
  compare)
    a=${positional[0]} b=${positional[1]}
    for r in "$a" "$b"; do [ -d "$r" ] || die "no run directory '$r'"; done
    make -s all >&2 || die "build failed"
    # Re-analyse each kept raw log so the comparison uses today's tools.
    for r in "$a" "$b"; do
      while read -r n; do analyse_variant "$r" "$n"; done < <(variant_names "$r")
    done
    mapfile -t na < <(variant_names "$a")
    mapfile -t nb < <(variant_names "$b")
    rc=0
    for n in "${na[@]}"; do
      printf '%s\n' "${nb[@]}" | grep -qx "$n" || continue
      echo "=== variant $n: $(basename "$a") vs $(basename "$b")"
      "$compare" "$a/$n" "$b/$n" || rc=$?
    done
    exit "$rc"
    ;;
  report)
    r=${positional[0]}
    [ -d "$r" ] || die "no run directory '$r'"
    make -s all >&2 || die "build failed"
    while read -r n; do
      analyse_variant "$r" "$n"
      [ ! -d "$r/raw/$n-traced" ] || analyse_traced "$r" "$n"
    done < <(variant_names "$r")
    compare_and_report "$r"
    print_summary "$r"
    ;;
esac
