# shellcheck shell=bash
# run-bench.sh: building what a run needs (sourced).

rb_ensure_built() {
  if [ "$do_deps" = 1 ] && ! ./scripts/install-deps.sh --check >/dev/null 2>&1; then
    rb_step "installing dependencies (scripts/install-deps.sh)"
    ./scripts/install-deps.sh
  fi
  rb_step "building host tools and guests (make)"
  make -s all >&2 || cli_die "build failed"
}

# One binary serves every variant: they differ only in Xen's command line.
# Prints the image path. With -q, build-xen's progress goes to a log that is
# shown only when the build fails.
rb_build_xen() {
  local opts=() img log rc=0
  [ -z "$xen_src" ] || opts+=(--xen-src "$xen_src")
  # Our series (tracing/patches/<version>/): direct-ppi, then trace-points.
  [ "$project_patches" = 1 ] || opts+=(--series none)
  local p
  for p in "${patches[@]}"; do opts+=(--patch "$p"); done
  rb_step "building Xen (cached by source and patch hash)"
  if [ "$quiet" = 1 ]; then
    log=$(mktemp)
    img=$(./tracing/build-xen.sh -q "${opts[@]}" 2>"$log" | tail -1) || rc=$?
    [ "$rc" = 0 ] || tail -20 "$log" >&2
    rm -f "$log"
  else
    img=$(./tracing/build-xen.sh "${opts[@]}" | tail -1) || rc=$?
  fi
  [ "$rc" = 0 ] && [ -f "$img" ] || cli_die "Xen build produced no image"
  echo "$img"
}

# Exits and stages need our trace points (the trace-points series); a Xen
# without them would give a capture with no ARM records. (grep -c, not -q:
# -q stops reading early and pipefail would count nm's SIGPIPE as "absent".)
rb_has_trace_points() { # xen_img
  aarch64-linux-gnu-nm "${1%/*}/xen-syms" | grep -c ' trace_guest_exit$' >/dev/null
}
