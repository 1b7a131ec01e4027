# shellcheck shell=bash
# run-bench.sh: turning a variant's raw files into its statistics (sourced).

# rb_check_xen_options NAME LOG...: a variant whose options Xen rejected is
# a failed variant. Xen boots anyway and logs `parameter "X" unknown!`, or
# `parameter "X" has invalid value "V"`, so look in Xen's console after every
# boot and quote Xen's line. Any unknown parameter fails the variant; an
# invalid value only for an option the variant itself sets (the platform's
# own dom0_mem=512M,max:512M draws such a line from Xen/ARM, harmlessly).
rb_check_xen_options() {
  local name=$1 log line k re='parameter "[^"]*" unknown!'; shift
  for k in $(rb_variant_options "$name"); do re+="|parameter \"${k%%=*}\" has invalid value"; done
  for log in "$@"; do
    [ -f "$log" ] || continue
    line=$(grep -a -m1 -E "$re" "$log" | tr -d '\r') || true
    [ -z "$line" ] || cli_die "[$name] Xen rejected its command line: '${line}' (in ${log#"$top"/})"
  done
}

# rb_variant_options NAME: the variant's Xen options, from the run being made
# or re-analysed ($check_run, set by the callers below).
rb_variant_options() { "$vtbrun" xen-options "$check_run" "$1" 2>/dev/null || true; }

# rb_check_xen_knows XEN_IMG NAME OPTIONS: Xen logs an unknown parameter
# only into its console ring, before the serial console starts, so an
# untraced boot's console never shows it. Every parameter Xen knows has its
# name as a string of its own in the image (__setup_str_*), so look there
# before booting.
rb_check_xen_knows() {
  local syms=${1%/*}/xen-syms t key names
  [ -f "$syms" ] || syms=$1
  [ -n "$3" ] || return 0
  names=$(aarch64-linux-gnu-strings -a "$syms") || cli_die "cannot read $syms"
  for t in $3; do
    key=${t%%=*}
    grep -qxF -- "$key" <<< "$names" || { [[ $key == no-* ]] && grep -qxF -- "${key#no-}" <<< "$names"; } ||
      cli_die "[$2] this Xen has no parameter '$key' (it would log 'parameter \"$key\" unknown!' and ignore it)$([ "$key" != vtimer_delivery ] || echo ': vtimer_delivery= needs the direct-PPI series')"
  done
}

rb_analyse_variant() { # run_dir name
  local run=$1 name=$2 check_run=$1
  rb_check_xen_options "$name" "$run/raw/$name/console.log"
  "$bin/vtb-analyze" --log "$run/raw/$name/console.log" --out-dir "$run/$name" \
    --platform-mode "$("$vtbrun" get "$run" platform_mode)" --label "$name" \
    || cli_die "[$name] analysis rejected the console log $run/raw/$name/console.log"
  # The boot's instruction profile (docs/profiler.md), when it carried the plugin.
  [ ! -f "$run/raw/$name/profile.raw" ] || (cd "$run" && "$top/profiler/build/vtb-profile" --raw "raw/$name/profile.raw" \
    --out-dir "$name/profile" --label "$name" --quiet) || cli_die "[$name] vtb-profile rejected raw/$name/profile.raw"
}

# rb_analyse_kept RUN NAME: NAME's statistics from its kept raw files, in
# either layout: one boot (raw/NAME/console.log), or K boots
# (raw/NAME/boot-<i>/, analysed into NAME/boot-<i>/ and pooled into NAME/).
rb_analyse_kept() {
  local run=$1 name=$2 i k mode
  k=$("$vtbrun" get "$run" boots) || cli_die "cannot read the run's model in $run"
  if [ "$k" = 1 ]; then rb_analyse_variant "$run" "$name"; return; fi
  mode=$("$vtbrun" get "$run" platform_mode)
  for ((i = 1; i <= k; i++)); do
    "$bin/vtb-analyze" --log "$run/raw/$name/boot-$i/console.log" --out-dir "$run/$name/boot-$i" \
      --platform-mode "$mode" --label "$name" \
      || cli_die "[$name] analysis rejected the console log $run/raw/$name/boot-$i/console.log"
    [ ! -f "$run/raw/$name/boot-$i/profile.raw" ] || (cd "$run" && "$top/profiler/build/vtb-profile" \
      --raw "raw/$name/boot-$i/profile.raw" --out-dir "$name/boot-$i/profile" --label "$name" --quiet) \
      || cli_die "[$name] vtb-profile rejected raw/$name/boot-$i/profile.raw"
  done
  "$vtbrun" pool "$run" "$name" || cli_die "[$name] pooling the $k boots failed"
}

# rb_guest_console CAPTURE: the guest's console of a dom0-run.sh capture:
# the emulated SBSA UART (--vuart) when it has output, else the PV console.
rb_guest_console() {
  if [ -s "$1/console-vuart.log" ]; then echo "$1/console-vuart.log"
  elif [ -s "$1/console-pv.log" ]; then echo "$1/console-pv.log"
  else return 1
  fi
}

# rb_analyse_kvm_traced RUN NAME: a KVM row's traced boot from its kept
# console (raw/NAME-kvmtrace/, platform/kvm/traced.sh): the guest's own
# figures and the exits per tick counted from the host kernel's trace points.
rb_analyse_kvm_traced() {
  local run=$1 name=$2 raw=$1/raw/$2-kvmtrace
  "$bin/vtb-analyze" --log "$raw/console.log" --out-dir "$run/$name/traced" \
    --platform-mode "$("$vtbrun" get "$run" platform_mode)" --label "$name-traced" >/dev/null \
    || cli_die "[$name] analysis rejected the traced console log $raw/console.log"
  "$top/platform/kvm/bin/vtb-kvm-exits" --log "$raw/console.log" --guest-summary "$run/$name/traced/summary.json" \
    --out "$run/$name/trace-summary.json" >/dev/null || cli_die "[$name] the KVM trace analysis of $raw/console.log failed"
}

rb_analyse_traced() { # run_dir name
  local run=$1 name=$2 cap=$1/raw/$2-traced con check_run=$1
  rb_check_xen_options "$name" "$cap/serial.log" "$cap/xl-dmesg.txt"
  con=$(rb_guest_console "$cap") || cli_die "[$name] the traced guest wrote no console output ($cap)"
  "$bin/vtb-analyze" --log "$con" --out-dir "$run/$name/traced" \
    --platform-mode "$("$vtbrun" get "$run" platform_mode)" --label "$name-traced" \
    || cli_die "[$name] analysis rejected the traced guest's console log"
  "$xtr" "$cap/trace.xentrace" --guest-summary "$run/$name/traced/summary.json" \
    --out-dir "$run/$name" --quiet || cli_die "[$name] trace analysis failed"
}

# rb_analyse_capture RUN NAME: an imported server capture has no untraced
# boot: the variant's statistics are the traced guest's own, from its
# console log, and the trace analysis beside them.
rb_analyse_capture() {
  local run=$1 name=$2 cap=$1/raw/$2-traced con check_run=$1
  rb_check_xen_options "$name" "$cap/serial.log" "$cap/xl-dmesg.txt"
  con=$(rb_guest_console "$cap") || cli_die "[$name] the capture holds no guest console output ($cap)"
  "$bin/vtb-analyze" --log "$con" --out-dir "$run/$name" \
    --platform-mode "$("$vtbrun" get "$run" platform_mode)" --label "$name" \
    || cli_die "[$name] analysis rejected the guest's console log $con"
  "$xtr" "$cap/trace.xentrace" --guest-summary "$run/$name/summary.json" \
    --out-dir "$run/$name" --quiet || cli_die "[$name] trace analysis failed"
  # A Xen without the trace points leaves scheduler records only: no tick
  # is seen delivered, and exits, stages and hypervisor time are unknown,
  # not zero. Then the variant has the guest's figures only.
  if ! jq -e '[.vcpus[]?.ticks.delivered] | max // 0 | . > 0' "$run/$name/trace-summary.json" >/dev/null; then
    rm -f "$run/$name/trace-summary.json"
    echo "$cli_prog: [$name] the trace has no ARM trace records (this Xen has no trace points): the guest's figures only" >&2
    rb_no_trace_points+=("$name")
  fi
}
