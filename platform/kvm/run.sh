#!/usr/bin/env bash
# One boot of a kvm-* variant (docs/kvm.md): the emulated machine boots
# Debian's arm64 Linux directly at EL2 (no Xen), which brings KVM up (nVHE
# on virt-gicv3's cortex-a57, VHE on virt-gicv3-max's "max" CPU); its /init
# runs the bare-metal storm guest under the VMM: Debian's qemu-system-aarch64
# with -accel kvm (kvm-nvhe, kvm-vhe) or the minimal vtb-kvm-vmm
# (kvm-nvhe-min, kvm-vhe-min). The guest's @VTB
# report reaches the machine's console unchanged, in the log, where
# analysis/bin/vtb-analyze reads it as for a Xen boot. Orchestration only:
# nothing is measured here.
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: platform/kvm/run.sh --variant kvm-nvhe|kvm-vhe|kvm-nvhe-min|kvm-vhe-min --log FILE [options]
  --variant V        kvm-nvhe (machine virt-gicv3, cortex-a57: KVM in nVHE mode)
                     or kvm-vhe (machine virt-gicv3-max, -cpu max: KVM in VHE mode),
                     the guest run by QEMU (-accel kvm); kvm-nvhe-min, kvm-vhe-min:
                     the same machines, the guest run by the minimal VMM; any of
                     them with "-nopoll" appended: KVM's halt polling off
                     (kvm.halt_poll_ns=0 on the host kernel's command line)
  --log FILE         serial console log (host kernel + guest) to write
  --bootargs STR     the storm guest's boot arguments (docs/guest-kernel.md)
  --mode MODE        deterministic (icount, 1 CPU; default) or realtime
  --smp N            CPUs in realtime mode (default 1)
  --timeout SEC      wall-clock watchdog (default 600)
  --plugin SPEC      TCG plugin, QEMU's form SO[,NAME=VALUE...] (repeatable)
  --guest IMG        storm guest image (default bench/guest_kernels/build/vtb-guest.img)
  --trace            the traced boot: the host kernel's KVM trace points are
                     recorded during the guest and printed after it ("@KT"
                     lines, read by platform/kvm/build/vtb-kvm-exits)
Exit: 0 the guest ran under KVM and powered off ("guest done rc=0"); 1 the
run failed (one line on stderr says why; the log is kept); 2 bad usage.
USAGE
}

top=$(cd "$(dirname "$0")/../.." && pwd)
cli_prog=kvm
. "$top/scripts/lib/cli.sh"
. "$top/platform/lib/boot.sh"
variant="" log="" bootargs="" mode=deterministic smp=1 timeout=600 plugins=() guest=() trace=0
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --variant) cli_need_value "$@"; variant=$2; shift ;;
    --log) cli_need_value "$@"; log=$(cli_abs "$2"); shift ;;
    --bootargs) cli_need_value "$@"; bootargs=$2; shift ;;
    --mode) cli_need_value "$@"; mode=$2; shift ;;
    --smp) cli_need_value "$@"; cli_uint "$1" "$2"; smp=$2; shift ;;
    --timeout) cli_need_value "$@"; cli_uint "$1" "$2"; timeout=$2; shift ;;
    --plugin) cli_need_value "$@"; plugins+=("$2"); shift ;;
    --guest) cli_need_value "$@"; guest=(--guest "$(cli_abs "$2")"); shift ;;
    --trace) trace=1 ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
poll=default base=${variant%-nopoll}
[ "$base" = "$variant" ] || poll=0
case "$base" in
  kvm-nvhe|kvm-nvhe-min) machine=virt-gicv3 want=nvhe ;;
  kvm-vhe|kvm-vhe-min) machine=virt-gicv3-max want=vhe ;;
  "") cli_usage_error "--variant is required" ;;
  *) cli_usage_error "--variant must be kvm-nvhe, kvm-vhe, kvm-nvhe-min or kvm-vhe-min, optionally with -nopoll, not '$variant'" ;;
esac
case "$base" in *-min) vmm=min ;; *) vmm=qemu ;; esac
[ -n "$log" ] || cli_usage_error "--log is required"
case "$mode" in deterministic|realtime) ;; *) cli_usage_error "--mode must be deterministic or realtime, not '$mode'" ;; esac
# The guest arguments travel inside a quoted kernel parameter.
case "$bootargs" in *'"'*) cli_usage_error "--bootargs must not contain a double quote" ;; esac
# A variant is a machine: an explicit VTB_MACHINE would silently change it.
export VTB_MACHINE=$machine

dir=$("$top/platform/kvm/build-initramfs.sh" -q --vmm "$vmm" "${guest[@]}" | tail -1) || cli_die "building the KVM host failed"

# As for the Linux dom0 (platform/linux-guest/run.sh): quiet loglevel=0 keeps
# printk off the console (nothing lands inside an @VTB line), and the rest
# takes the host's randomness out so that deterministic boots are identical:
# no address randomisation, no page allocator shuffling, no PL031 RTC.
kargs="console=ttyAMA0 quiet loglevel=0 panic=-1 rdinit=/init nokaslr norandmaps"
kargs+=" randomize_kstack_offset=off page_alloc.shuffle=0 initcall_blacklist=pl031_driver_init"
[ "$trace" = 0 ] || kargs+=" vtb.trace=1"
# KVM is built in (CONFIG_KVM=y): its module parameter is a kernel parameter.
[ "$poll" = default ] || kargs+=" kvm.halt_poll_ns=0"
kargs+=" vtb.args=\"$bootargs\""
emu=(--mode "$mode" --el2 on --kernel "$dir/Image" --initrd "$dir/initramfs.cpio.gz" --bootargs "$kargs")
[ "$mode" = realtime ] && emu+=(--smp "$smp")
for p in "${plugins[@]}"; do
  emu+=(--plugin "${p%%,*}")
  rest=${p#"${p%%,*}"}
  IFS=, read -r -a kv <<< "${rest#,}"
  for a in "${kv[@]}"; do [ -z "$a" ] || emu+=(--plugin-arg "$a"); done
done
vtb_qemu_argv qemu "${emu[@]}" || exit 2
mkdir -p "$(dirname "$log")"
# What ran, beside the log (the run's manifest knows no KVM host): the
# host's inputs and the machine's argv.
{ cat "$dir/manifest"; echo "variant=$variant"; echo "machine=$machine"
  printf 'qemu_argv='; printf '%q ' "${qemu[@]}"; echo; } > "${log%.log}.kvm-host"
vtb_boot "$timeout" "$log" "$log" -- "${qemu[@]}" || cli_die "$vtb_boot_why (log: $log)"
got=$(tr -d '\r' < "$log" | sed -n 's/^VTB-KVM: kvm mode=//p' | head -1)
line=$(tr -d '\r' < "$log" | grep -a 'VTB-KVM: FAIL' | head -1 || true)
[ -z "$line" ] || cli_die "$line (log: $log)"
[ "$got" = "$want" ] || cli_die "$variant wants KVM in $want mode, the host kernel says '${got:-nothing}' (log: $log)"
if [ "$poll" != default ]; then
  hp=$(tr -d '\r' < "$log" | sed -n 's/^VTB-KVM: halt_poll_ns=//p' | head -1)
  [ "$hp" = 0 ] || cli_die "$variant wants KVM's halt polling off, the host says halt_poll_ns='${hp:-nothing}' (log: $log)"
fi
grep -aq 'VTB-KVM: guest done rc=0' "$log" || cli_die "the guest did not report completion (log: $log)"
[ "$trace" = 0 ] || grep -aq '^@KT-END' "$log" || cli_die "the traced boot printed no complete trace (log: $log)"
