# Sourced by tests/e2e/35-profiler.sh and profiler/tests/bench.sh.
# UNTIL THE MACHINE DESCRIPTION TAKES --plugin: this function is
# platform/emulated.sh's deterministic QEMU command line plus `-plugin`; the
# lead replaces it with the machine description's command line and its
# --plugin option (docs/profiler.md, "Integration").
# Needs: $guest_img (the storm guest image).
machine_run() { # LOG XEN_IMG XEN_OPTIONS BOOTARGS [PLUGIN_SPEC]
  local log=$1 xen=$2 xen_opts=$3 bootargs=$4 plug=${5:-}
  local args=(-machine virt,virtualization=on,gic-version=3,dtb-randomness=off -cpu cortex-a57 -m 1G
    -display none -monitor none -serial "file:$log" -nic none -no-reboot -smp 1 -icount shift=0,sleep=off
    -kernel "$xen" -append "dom0_mem=128M console=dtuart noreboot $xen_opts"
    -device "guest-loader,addr=0x49000000,kernel=$guest_img,bootargs=${bootargs//,/,,}")
  [ -z "$plug" ] || args+=(-plugin "$plug")
  : > "$log"
  timeout 300 qemu-system-aarch64 "${args[@]}" 2>"$log.stderr"
}
