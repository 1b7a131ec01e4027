# shellcheck shell=bash
# run-bench.sh: the facts of this machine for the run's manifest (sourced);
# vtb-run lays out manifest.json and its text rendering manifest.txt.

rb_write_manifest() { # work xen_img
  local work=$1 xen_img=$2 facts
  facts=(--date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --host "$(uname -srm)")
  if [ "$target" = native ]; then
    facts+=(--cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)")
  else
    cp "${xen_img%/*}/manifest" "$work/raw/xen-build-manifest"
    facts+=(--qemu "$(qemu-system-aarch64 --version | head -1)"
            --xen-sha256 "$(sha256sum < "$xen_img" | cut -c1-64)"
            --xen-build "$work/raw/xen-build-manifest")
    if [ "$target" = linux-dom0 ]; then
      facts+=(--linux-kernel "$(ls build/linux-guest/kernel 2>/dev/null | head -1)")
    else
      facts+=(--guest-sha256 "$(sha256sum < bench/guest_kernels/build/vtb-guest.img | cut -c1-64)")
    fi
  fi
  "$vtbrun" manifest "$work" "${facts[@]}" || cli_die "could not write the manifest"
}
