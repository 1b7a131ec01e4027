# shellcheck shell=bash
# run-bench.sh: the facts of this machine for the run's manifest (sourced);
# vtb-run lays out manifest.json and its text rendering manifest.txt.

# rb_xen_full_version MAKEFILE: XEN_VERSION.XEN_SUBVERSION plus
# XEN_EXTRAVERSION as the tree's xen/Makefile sets them (4.22.0 and 4.22.1
# differ only there); $(XEN_VENDORVERSION) is empty unless the build sets it.
rb_xen_full_version() {
  awk '$1 == "export" && $2 == "XEN_VERSION" { v = $4 }
       $1 == "export" && $2 == "XEN_SUBVERSION" { s = $4 }
       $1 == "export" && $2 == "XEN_EXTRAVERSION" { e = $4; sub(/\$\(XEN_VENDORVERSION\)/, "", e) }
       END { if (v != "" && s != "") print v "." s e }' "$1" 2>/dev/null
}

# rb_xen_identity_facts XEN_IMG: appends to facts which Xen this is: the
# tree's path, and for a git tree `git describe`, commit and dirty state;
# for Debian's source package its version; the full version of the tree
# that was built (the build's copy, build/xen/<key>/src).
rb_xen_identity_facts() {
  local img=$1 v dsc
  v=$(rb_xen_full_version "${img%/*}/src/xen/Makefile")
  [ -z "$v" ] || facts+=(--xen-full-version "$v")
  if [ -n "$xen_src" ]; then
    facts+=(--xen-tree "$xen_src")
    if git -C "$xen_src" rev-parse --git-dir >/dev/null 2>&1; then
      facts+=(--xen-commit "$(git -C "$xen_src" rev-parse HEAD)"
              --xen-describe "$(git -C "$xen_src" describe --tags --always --dirty 2>/dev/null)"
              --xen-dirty "$([ -z "$(git -C "$xen_src" status --porcelain --untracked-files=no)" ] && echo no || echo yes)")
    fi
  else
    dsc=$(sed -n 's/^source=debian:\([^:]*\):.*/\1/p' "${img%/*}/manifest")
    if [ -n "$dsc" ]; then
      facts+=(--xen-tree "${VTB_CACHE:-$top/cache}/src/$dsc")
      [ ! -f "${VTB_CACHE:-$top/cache}/src/$dsc" ] ||
        facts+=(--xen-debian-package "$(sed -n 's/^Version: //p' "${VTB_CACHE:-$top/cache}/src/$dsc")")
    fi
  fi
}

rb_write_manifest() { # work xen_img
  local work=$1 xen_img=$2 facts
  facts=(--date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --host "$(uname -srm)")
  if [ "$target" = native ]; then
    facts+=(--cpu "$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)")
  else
    cp "${xen_img%/*}/manifest" "$work/raw/xen-build-manifest"
    # The machine every boot ran on, from its description (platform/machines/).
    local mf
    mf=$(vtb_machine_file)
    facts+=(--machine-desc "$(sed -n 's/^name *= *//p' "$mf"): $(sed -n 's/^qemu *= *//p' "$mf") $(sed -n 's/^machine *= *//p' "$mf"), GICv$(sed -n 's/^gic *= *//p' "$mf"), $(sed -n 's/^cpu *= *//p' "$mf")")
    facts+=(--qemu "$(qemu-system-aarch64 --version | head -1)"
            --xen-sha256 "$(sha256sum < "$xen_img" | cut -c1-64)"
            --xen-build "$work/raw/xen-build-manifest")
    rb_xen_identity_facts "$xen_img"
    if [ "$target" = linux-dom0 ]; then
      facts+=(--linux-kernel "$(ls build/linux-guest/kernel 2>/dev/null | head -1)")
    else
      facts+=(--guest-sha256 "$(sha256sum < bench/guest_kernels/build/vtb-guest.img | cut -c1-64)")
      # The run's model says whether traced boots ran; run.sh turns them off
      # when this Xen has no trace points (the stock Xen case).
      if [ "$("$vtbrun" get "$work" traced)" = 1 ]; then facts+=(--traced-boots yes)
      elif [ "${trace_skipped:-0}" = 1 ] || ! rb_has_trace_points "$xen_img"; then
        facts+=(--traced-boots "skipped: this Xen has no trace points (tracing/patches/<version>/trace-points/)")
      else facts+=(--traced-boots "no (--no-trace)")
      fi
    fi
  fi
  "$vtbrun" manifest "$work" "${facts[@]}" || cli_die "could not write the manifest"
}
