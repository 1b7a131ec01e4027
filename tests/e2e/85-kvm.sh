#!/usr/bin/env bash
# End-to-end: the KVM/arm64 reference rows (platform/kvm, docs/kvm.md). The
# emulated machine boots Debian's arm64 Linux at EL2, which brings KVM up
# (nVHE on cortex-a57, VHE on -cpu max), and a VMM runs the bare-metal storm
# guest under it: the minimal VMM (kvm-*-min, 300 ticks) and Debian's
# qemu-system-aarch64 with -accel kvm (kvm-nvhe, kvm-vhe: 100 ticks each,
# to keep the wall time small); the guest's console protocol must come
# through to the machine's console intact (vtb-analyze checks every line's
# CRC), with every tick taken, none lost or spurious, and two deterministic
# boots byte-identical, for each VMM. TAP; skipped without the emulator, the
# cross compiler or the cached arm64 packages (the QEMU points alone without
# QEMU's arm64 packages).
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/platform/lib/boot.sh"

command -v jq >/dev/null || tap_skip_all "jq not installed"
vtb_machine_ready >/dev/null || tap_skip_all "the machine's emulator is not installed (platform/machines/)"
command -v aarch64-linux-gnu-gcc >/dev/null || tap_skip_all "no aarch64-linux-gnu-gcc (the VMM and the guest are cross-built)"
debs=${VTB_CACHE:-$top/cache}/debs
ls "$debs"/linux-image-*-cloud-arm64_*_arm64.deb >/dev/null 2>&1 || tap_skip_all "no arm64 kernel package in cache/debs"
ls "$debs"/busybox-static_*_arm64.deb >/dev/null 2>&1 || tap_skip_all "no busybox-static arm64 package in cache/debs"
analyze=$top/analysis/bin/vtb-analyze
[ -x "$analyze" ] || make -C "$top/analysis" >/dev/null 2>&1 || true
[ -x "$analyze" ] || tap_skip_all "analysis/bin/vtb-analyze not built"
vtbrun=$top/analysis/run/bin/vtb-run
[ -x "$vtbrun" ] || make -C "$top/analysis/run" >/dev/null 2>&1 || true

work=$top/build/test-results/kvm
rm -rf "$work"; mkdir -p "$work"
run=$top/platform/kvm/run.sh

tap_check "the KVM host builds (kernel, VMM, initramfs)" "$top/platform/kvm/build-initramfs.sh" -q
# Reproducible: the same inputs give the same initramfs bytes.
d1=$("$top/platform/kvm/build-initramfs.sh" -q | tail -1)
tap_check "a rebuild of the initramfs is byte-identical" bash -c \
  "'$top/platform/kvm/build-initramfs.sh' -q --build-dir '$work/rebuild' | tail -1 | xargs -I{} cmp '{}/initramfs.cpio.gz' '$d1/initramfs.cpio.gz'"

boot() { # variant log-name [ticks]
  "$run" --variant "$1" --bootargs "ticks=${3:-300}" --timeout 300 --log "$work/$2.log"
}
checks() { # variant ticks: the points every boot of a row must pass
  local v=$1 n=$2 mode
  mode=${v#kvm-}; mode=${mode%%-*}
  tap_is "$v: the host kernel brought KVM up in $mode mode" \
    "$(tr -d '\r' < "$work/$v.log" | sed -n 's/^VTB-KVM: kvm mode=//p')" "$mode"
  tap_check "$v: vtb-analyze accepts the console's report (every CRC)" \
    "$analyze" --log "$work/$v.log" --out-dir "$work/$v" --platform-mode deterministic --label "$v"
  tap_is "$v: the guest found the VMM's PL011 and the vtimer PPI" \
    "$(grep -ao 'intid=27 wdog_intid=30 gicd=0x8000000 console=pl011' "$work/$v.log" | head -1)" \
    "intid=27 wdog_intid=30 gicd=0x8000000 console=pl011"
  tap_is "$v: $n taken, 0 lost, 0 spurious" \
    "$(jq -r '[.counts.ticks, .counts.taken, .counts.lost, .counts.spurious] | @tsv' "$work/$v/summary.json" 2>/dev/null)" \
    "$(printf '%s\t%s\t0\t0' "$n" "$n")"
}
for v in kvm-nvhe-min kvm-vhe-min; do
  tap_check "$v: the guest runs under KVM (minimal VMM) and powers off" boot "$v" "$v"
  checks "$v" 300
done
tap_check "kvm-nvhe-min: a second deterministic boot" boot kvm-nvhe-min kvm-nvhe-min-2
tap_check "two deterministic boots print byte-identical consoles" cmp "$work/kvm-nvhe-min.log" "$work/kvm-nvhe-min-2.log"
tap_check "nVHE and VHE differ (two machines, not one)" bash -c "! cmp -s '$work/kvm-nvhe-min.log' '$work/kvm-vhe-min.log'"
tap_is "the host's default halt polling is on (KVM's 500 us)" \
  "$(tr -d '\r' < "$work/kvm-vhe-min.log" | sed -n 's/^VTB-KVM: halt_poll_ns=//p')" 500000

# QEMU with -accel kvm: QEMU's own virt board and device tree, the guest's
# PL011 emulated by QEMU in user space.
if ls "$debs"/qemu-system-arm_*_arm64.deb >/dev/null 2>&1; then
  for v in kvm-nvhe kvm-vhe; do
    tap_check "$v: the guest runs under QEMU -accel kvm and powers off" boot "$v" "$v" 100
    tap_is "$v: the VMM is QEMU" "$(grep -aco 'guest start: qemu-system-aarch64 -accel kvm' "$work/$v.log")" 1
    checks "$v" 100
  done
  tap_check "kvm-vhe: a second deterministic boot under QEMU" boot kvm-vhe kvm-vhe-2 100
  tap_check "two deterministic QEMU-VMM boots print byte-identical consoles" cmp "$work/kvm-vhe.log" "$work/kvm-vhe-2.log"
  # The traced boot under QEMU: QEMU's UART exits mark the storm window as the
  # minimal VMM's do; QEMU's threads add no exit to the storm.
  tap_check "kvm-vhe: the traced boot under QEMU runs and its trace is counted" \
    "$top/platform/kvm/traced.sh" --variant kvm-vhe --bootargs "ticks=100" --timeout 300 \
    --raw "$work/qtraced-raw" --out "$work/qtraced"
  tap_is "kvm-vhe traced: one WFI exit per tick, no IRQ exit for the vtimer" \
    "$(jq -r '.vcpus[0].exits.by_reason | [.sync_wfx, .irq_vtimer] | @tsv' "$work/qtraced/trace-summary.json" 2>/dev/null)" \
    "$(printf '100\t0')"
else
  tap_skip "the QEMU-VMM rows (kvm-nvhe, kvm-vhe)" "no qemu-system-arm arm64 package in cache/debs (run scripts/install-deps.sh)"
fi

# The instruction profile of a VHE row (docs/kvm.md, "Where the instructions
# go"): the host kernel's symbols as an ELF for the plugin, a profiled boot
# that prints what the unprofiled one prints, one exit per tick, and the
# host's time in halt polling.
prof=$top/profiler/build
if [ -f "$prof/vtb-prof.so" ] && [ -x "$prof/vtb-profile" ] && command -v aarch64-linux-gnu-as >/dev/null; then
  syms=$("$top/platform/kvm/host-syms.sh" -q | tail -1) || syms=""
  tap_is "host-syms.sh: the symbol ELF's hyp_traps_vector is KVM's VHE vector __kvm_hyp_vector" \
    "$(aarch64-linux-gnu-nm "${syms:-/dev/null}" 2>/dev/null | awk '$3 == "hyp_traps_vector" || $3 == "__kvm_hyp_vector" {print $1}' | sort -u | wc -l)" 1
  tap_check "kvm-vhe-min: a profiled boot (vtb-prof plugin, host symbols)" "$run" --variant kvm-vhe-min \
    --bootargs ticks=100 --timeout 300 --log "$work/prof.log" \
    --plugin "$prof/vtb-prof.so,xen=$syms,guest=$top/bench/guest_kernels/build/vtb-guest.elf,out=$work/prof.raw"
  tap_check "kvm-vhe-min: the same boot without the plugin" boot kvm-vhe-min noprof 100
  tap_check "the plugin leaves the console byte-identical" cmp "$work/prof.log" "$work/noprof.log"
  tap_check "vtb-profile reads the KVM profile" "$prof/vtb-profile" --raw "$work/prof.raw" --out-dir "$work/prof" --quiet
  tap_is "profile: one exit per tick into KVM's vector, the host polling in kvm_vcpu_check_block" \
    "$(jq -r '[.exits_per_tick.guest64_sync.p50, ([.by_function.top[].name] | index("kvm_vcpu_check_block") != null)] | @tsv' \
      "$work/prof/profile.json" 2>/dev/null)" "$(printf '1\ttrue')"
else
  tap_skip "the KVM instruction profile" "profiler/build/vtb-prof.so or aarch64-linux-gnu-as missing"
fi

# Halt polling off (the -nopoll rows): the kernel parameter reaches KVM.
tap_check "kvm-vhe-min-nopoll: the guest runs with halt polling off" boot kvm-vhe-min-nopoll kvm-vhe-min-nopoll 100
tap_is "kvm-vhe-min-nopoll: the host reports halt_poll_ns=0" \
  "$(tr -d '\r' < "$work/kvm-vhe-min-nopoll.log" | sed -n 's/^VTB-KVM: halt_poll_ns=//p')" 0
checks kvm-vhe-min-nopoll 100

# Exits per tick from the host kernel's trace points (docs/kvm.md): WFI
# storm, every tick one trapped WFI; the watchdog's re-arms are sysreg exits.
tap_check "kvm-nvhe-min: the traced boot runs and its trace is counted" \
  "$top/platform/kvm/traced.sh" --variant kvm-nvhe-min --bootargs "ticks=300" --timeout 300 \
  --raw "$work/traced-raw" --out "$work/traced"
t=$work/traced/trace-summary.json
tap_is "traced: the guest's own figures of that boot: 300 taken, 0 lost" \
  "$(jq -r '[.counts.taken, .counts.lost] | @tsv' "$work/traced/traced/summary.json" 2>/dev/null)" "$(printf '300\t0')"
tap_is "traced: one WFI exit per tick in the storm window, no vtimer IRQ exit" \
  "$(jq -r '.vcpus[0].exits.by_reason | [.sync_wfx, .irq_vtimer] | @tsv' "$t" 2>/dev/null)" "$(printf '300\t0')"
tap_is "traced: the report's reader accepts it (schema, guest vCPU, ticks from the guest)" \
  "$(jq -r '[.schema, .guest.vcpu, .vcpus[0].id, .vcpus[0].ticks.guest_taken] | @tsv' "$t" 2>/dev/null)" \
  "$(printf 'vtb-xentrace-summary/2\tkvm-v0\tkvm-v0\t300')"
tap_is "traced: every exit in the window has its hypervisor time (vtb_hyp), in counter ticks" \
  "$(jq -r '.vcpus[0] | [.hyp_time.sync_wfx.count, .hyp_time_missing, (.hyp_time.sync_wfx.min > 0)] | @tsv' "$t" 2>/dev/null)" \
  "$(printf '300\t0\ttrue')"
tap_is "traced: the console's exits are outside the window" \
  "$(jq -r '.vcpus[0].exits_outside_window.by_reason.sync_dabt > 1000' "$t" 2>/dev/null)" true
# A cut trace is refused with one line.
sed '/^@KT-END/d' "$work/traced-raw/console.log" > "$work/cut.log"
rc=0; err=$("$top/platform/kvm/bin/vtb-kvm-exits" --log "$work/cut.log" --guest-summary "$work/traced/traced/summary.json" \
  --out "$work/cut.json" 2>&1) || rc=$?
tap_is "vtb-kvm-exits: a trace without @KT-END is refused (exit 1, one line, nothing written)" \
  "$rc $(wc -l <<< "$err") $([ -e "$work/cut.json" ] && echo written || echo none)" "1 1 none"

# The run model knows the rows: no Xen options, asked for by name only.
m=$("$vtbrun" init --out - --run-id t --with-direct --variants stock,direct,kvm-nvhe,kvm-vhe,kvm-vhe-min-nopoll 2>/dev/null || true)
tap_is "vtb-run: the rows with their Xen options" \
  "$(jq -r '.variants[] | "\(.name)=\(.xen_options)"' <<< "$m" | paste -sd' ')" \
  "stock=vtimer_delivery=software direct=vtimer_delivery=direct kvm-nvhe= kvm-vhe= kvm-vhe-min-nopoll="
tap_is "vtb-run: the KVM rows are not in the default variants" \
  "$("$vtbrun" init --out - --run-id t --with-direct 2>/dev/null | jq -r '[.variants[].name] | join(",")')" "stock,direct"
rc=0; err=$("$run" --variant kvm-bogus --log "$work/x.log" 2>&1) || rc=$?
tap_is "run.sh: an unknown variant is a usage error (one line, exit 2)" "$rc $(wc -l <<< "$err")" "2 1"
rc=0; err=$("$top/platform/kvm/build-initramfs.sh" --vmm kvmtool 2>&1) || rc=$?
tap_is "build-initramfs.sh: an unknown --vmm is a usage error (one line, exit 2)" "$rc $(wc -l <<< "$err")" "2 1"
tap_done
