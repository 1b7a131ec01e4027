# shellcheck shell=bash
# run-bench.sh: one boot of one variant on each target (sourced). Raw output
# goes to raw/<name>/, the analysis to <name>/ (scripts/run/analyse.sh).

# rb_boot_facts WORK NAME: sets opts, bootargs and mode of one variant from
# the run's model (the caller declares them local).
rb_boot_facts() {
  opts=$("$vtbrun" xen-options "$1" "$2")
  bootargs=$("$vtbrun" get "$1" guest_bootargs)
  mode=$("$vtbrun" get "$1" platform_mode)
  # A variant whose options this Xen does not know is a failed variant.
  [ -z "${xen_img:-}" ] || rb_check_xen_knows "$xen_img" "$2" "$opts"
}

rb_boot_variant() { # work name xen_img
  local work=$1 name=$2 xen_img=$3 opts bootargs mode
  rb_boot_facts "$work" "$name"
  mkdir -p "$work/raw/$name"
  # The KVM reference rows boot no Xen: the machine's own Linux runs the
  # guest under KVM (platform/kvm, docs/kvm.md). The VHE rows carry the
  # instruction profile, by the host kernel's functions (host-syms.sh); nVHE's
  # hyp code runs at addresses no symbol names: no profile.
  case "$name" in kvm-nvhe|kvm-vhe|kvm-nvhe-*|kvm-vhe-*)
    [ "$runner" != lava ] || cli_die "[$name] the KVM rows run on the local runner only"
    local vmm=qemu-system-aarch64 kplug=() syms; case "$name" in *-min|*-min-*) vmm=vtb-kvm-vmm ;; esac
    if [ "$profile" = 1 ] && [ "$mode" = deterministic ] && [ "${name#kvm-vhe}" != "$name" ]; then
      syms=$(./platform/kvm/host-syms.sh -q | tail -1) || cli_die "[$name] cannot make the host kernel's symbols (platform/kvm/host-syms.sh)"
      kplug=(--plugin "$top/profiler/build/vtb-prof.so,xen=$syms,guest=$top/bench/guest_kernels/build/vtb-guest.elf,out=$work/raw/$name/profile.raw")
    fi
    rb_step "[$name] booting Linux with KVM at EL2 + storm guest under $vmm: $mode, $ticks ticks, $storm"
    ./platform/kvm/run.sh --variant "$name" --bootargs "$bootargs" --mode "$mode" --timeout "$timeout" \
      --log "$work/raw/$name/console.log" "${kplug[@]}" || cli_die "[$name] KVM run failed"
    rb_analyse_variant "$work" "$name"; return ;;
  esac
  rb_step "[$name] booting Xen ${opts:+($opts) }+ storm guest: $mode, $ticks ticks, $storm"
  # The instruction profile rides on the measured boot: the plugin only
  # counts, and leaves every deterministic figure byte-identical (docs/profiler.md).
  local plug=()
  # (A LAVA job carries no plugin: the lab's QEMU is not ours to extend.)
  [ "$profile" = 0 ] || [ "$mode" != deterministic ] || [ "$runner" = lava ] || plug=(--plugin "$top/profiler/build/vtb-prof.so,xen=${xen_img%/*}/xen-syms,guest=$top/bench/guest_kernels/build/vtb-guest.elf,out=$work/raw/$name/profile.raw")
  if [ "$runner" = lava ]; then rb_lava_boot "$work" "$name" "$xen_img" "$opts" "$bootargs" "$mode"; else
  ./platform/emulated.sh --xen "$xen_img" --kernel bench/guest_kernels/build/vtb-guest.img \
    --bootargs "$bootargs" --xen-args "$opts" --mode "$mode" --timeout "$timeout" \
    --log "$work/raw/$name/console.log" "${plug[@]}" \
    || cli_die "[$name] platform run failed (console log: $work/raw/$name/console.log is discarded with the run)"
  fi
  rb_analyse_variant "$work" "$name"
}

# The no-hypervisor reference: the Linux storm on this machine's own kernel,
# reporting in the same console protocol as the guests.
rb_boot_native() { # work
  local work=$1 args
  args=$("$vtbrun" get "$work" linux_storm_args)
  mkdir -p "$work/raw/native"
  rb_step "[native] Linux storm on $(uname -sr): $ticks wake-ups, $storm, every $((period_ns / 1000)) us"
  # shellcheck disable=SC2086 # the model's argument string is word-split on purpose
  bench/build/native/vtimer_storm $args -m -q \
    --vtb-record samples --json "$work/raw/native/storm.json" --vtb-protocol "$work/raw/native/console.log" \
    || cli_die "[native] vtimer_storm failed"
  rb_analyse_variant "$work" native
}

# The same variant again, as a domU started by `xl create` from a Linux dom0
# that captures it with the real xentrace (tracing/dom0-run.sh, the script a
# real Xen/ARM dom0 runs). The guest's own figures of this boot go to
# <name>/traced/, the trace analysis to <name>/trace-summary.json.
rb_boot_traced() { # work name xen_img
  local work=$1 name=$2 xen_img=$3 opts bootargs mode
  case "$name" in kvm-nvhe|kvm-vhe|kvm-nvhe-*|kvm-vhe-*) # KVM's own trace points, not xentrace (docs/kvm.md)
    rb_step "[$name] traced boot: the host kernel's KVM trace points"
    ./platform/kvm/traced.sh --variant "$name" --raw "$work/raw/$name-kvmtrace" --out "$work/$name" \
      --bootargs "$("$vtbrun" get "$work" guest_bootargs)" --mode "$("$vtbrun" get "$work" platform_mode)" \
      --timeout "$timeout" || cli_die "[$name] traced boot failed"
    return 0 ;;
  esac
  rb_boot_facts "$work" "$name"
  if [ "$runner" = lava ]; then rb_lava_traced_boot "$work" "$name" "$xen_img" "$opts" "$bootargs" "$mode"; else
  rb_step "[$name] traced boot: Linux dom0 + xentrace, storm guest as an xl domU"
  ./platform/dom0/run-dom0-capture.sh --raw "$work/raw/$name-traced" --guest bench/guest_kernels/build/vtb-guest.img \
    --cmdline "$bootargs" --vuart --mode "$mode" --xen "$xen_img" --xen-args "$opts" \
    --wall-timeout "$timeout" > "$work/raw/$name-traced.log" 2>&1 \
    || cli_die "[$name] traced boot failed: $(tail -1 "$work/raw/$name-traced.log")"
  fi
  rb_analyse_traced "$work" "$name"
}

# The Linux storm as dom0 of Xen (platform/linux-guest/): the load a real
# Linux guest makes, with the same analysis.
rb_boot_linux_dom0() { # work name xen_img
  local work=$1 name=$2 xen_img=$3 opts bootargs mode args
  rb_boot_facts "$work" "$name"
  args=$("$vtbrun" get "$work" linux_storm_args)
  mkdir -p "$work/raw/$name"
  rb_step "[$name] booting Xen ${opts:+($opts) }+ Linux dom0 storm: $mode, $ticks wake-ups, $storm"
  ./platform/linux-guest/run.sh --mode "$mode" --xen "$xen_img" --xen-args "$opts" \
    --storm-args "$args --vtb-record samples" \
    --timeout "$timeout" --log "$work/raw/$name/console.log" \
    || cli_die "[$name] Linux dom0 storm failed"
  rb_analyse_variant "$work" "$name"
}
