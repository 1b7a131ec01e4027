# shellcheck shell=bash
# run-bench.sh --runner lava (sourced): each boot of a run becomes a LAVA
# job on the device the user's description names, through the user's
# lavacli identity. An untraced boot (platform/lava/run-job.sh) comes back
# as raw/<variant>/console.log, a traced one (platform/lava/run-traced-job.sh)
# as raw/<variant>-traced/, the capture a local traced boot leaves; both go
# to the same analysis, compare, report and history as local boots
# (docs/lava.md).

# rb_lava_check_options: after option parsing; usage errors exit 2.
rb_lava_check_options() {
  case "$runner" in
    local) [ -z "$lava_device" ] || cli_usage_error "--lava-device needs --runner lava"; return 0 ;;
    lava) ;;
    *) cli_usage_error "--runner must be local or lava, not '$runner'" ;;
  esac
  [ -n "$lava_device" ] || cli_usage_error "--runner lava needs --lava-device FILE (platform/lava/devices/qemu.conf; docs/lava.md)"
  [ -f "$lava_device" ] || cli_usage_error "--lava-device '$lava_device': no such file"
  [ "$target" = emulated ] || cli_usage_error "--runner lava runs --target emulated only"
  command -v jq >/dev/null || cli_usage_error "--runner lava needs jq (scripts/install-deps.sh)"
  # LAVA's packages are opt-in (scripts/install-deps.sh --lava): the runner
  # needs lavacli from them.
  if [ "$do_deps" = 1 ] && ! PATH=/usr/sbin:/usr/bin:/sbin:/bin command -v lavacli >/dev/null; then
    rb_step "installing LAVA's packages (scripts/install-deps.sh --lava)"
    ./scripts/install-deps.sh --lava >&2 || cli_die "installing LAVA's packages failed (scripts/install-deps.sh --lava)"
  fi
}

# rb_lava_boot WORK NAME XEN_IMG OPTS BOOTARGS MODE: one boot as a LAVA job;
# its files (job, log, results, console) in raw/NAME/.
rb_lava_boot() {
  local work=$1 name=$2 xen_img=$3 opts=$4 bootargs=$5 mode=$6
  rb_step "[$name] LAVA job on $(sed -n 's/^[[:space:]]*device_type[[:space:]]*=[[:space:]]*//p' "$lava_device") (identity $lava_identity)"
  ./platform/lava/run-job.sh --device "$lava_device" --identity "$lava_identity" --name "$name" \
    --xen "$xen_img" --kernel bench/guest_kernels/build/vtb-guest.img --bootargs "$bootargs" \
    --xen-args "$opts" --mode "$mode" --timeout "$timeout" --out "$work/raw/$name" \
    || cli_die "[$name] the LAVA boot failed (above); no results were written"
}

# rb_lava_traced_boot WORK NAME XEN_IMG OPTS BOOTARGS MODE: the traced boot
# as a LAVA job; the capture in raw/NAME-traced, the job's files in
# raw/NAME-traced.lava/.
rb_lava_traced_boot() {
  local work=$1 name=$2 xen_img=$3 opts=$4 bootargs=$5 mode=$6
  rb_step "[$name] traced boot as a LAVA job on $(sed -n 's/^[[:space:]]*device_type[[:space:]]*=[[:space:]]*//p' "$lava_device") (identity $lava_identity)"
  ./platform/lava/run-traced-job.sh --device "$lava_device" --identity "$lava_identity" --name "$name-traced" \
    --raw "$work/raw/$name-traced" --xen "$xen_img" --guest bench/guest_kernels/build/vtb-guest.img \
    --cmdline "$bootargs" --xen-args "$opts" --mode "$mode" --timeout "$timeout" > "$work/raw/$name-traced.log" 2>&1 \
    || cli_die "[$name] the traced LAVA boot failed: $(tail -1 "$work/raw/$name-traced.log")"
}
