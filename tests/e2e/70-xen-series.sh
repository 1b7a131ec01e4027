#!/usr/bin/env bash
# The project's Xen patch series (tracing/patches/<version>/<series>/) and
# tracing/build-xen.sh: every combination the project ships applies to
# Debian's Xen source; each build has exactly the code its series add (the
# trace points' trace_guest_exit, direct-ppi's vtimer_delivery= option);
# a patch that does not apply, or a tree that does not compile, fails with
# one line naming what failed and keeps what the user needs to look at.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
bx=$top/tracing/build-xen.sh

command -v aarch64-linux-gnu-nm >/dev/null || tap_skip_all "no aarch64-linux-gnu-nm"
command -v dpkg-source >/dev/null || tap_skip_all "no dpkg-source"
ls "${VTB_CACHE:-$top/cache}"/src/xen_*.dsc >/dev/null 2>&1 || tap_skip_all "no Xen source package in cache/src"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# -- the series on disk
list=$("$bx" --list-series)
tap_is "--list-series names direct-ppi and trace-points, with trace-points on top of direct-ppi" \
  "$(printf '%s\n' "$list" | cut -f1,2 | paste -sd' ' -)" "direct-ppi	- trace-points	direct-ppi"
series_subjects_ok() { # folder: every patch says [PATCH n/m] with m the series length
  local d=$1 m n=0 p
  m=$(grep -vc '^#' "$d/series")
  for p in $(grep -v '^#' "$d/series"); do
    n=$((n + 1))
    grep -q "^Subject: \[PATCH $n/$m\]" "$d/$p" || { echo "$p: not [PATCH $n/$m]"; return 1; }
  done
}
for d in "$top"/tracing/patches/*/*/; do
  tap_check "${d#"$top"/tracing/patches/} patches are numbered [PATCH n/m] as in its series" series_subjects_ok "${d%/}"
done
dups=$(find "$top/tracing/patches" -name '*.patch' -exec sha256sum {} + | cut -d' ' -f1 | sort | uniq -d)
tap_is "no patch file exists twice" "$dups" ""

# -- every shipped combination applies (fuzz 0) to Debian's 4.17
for s in none direct-ppi direct-ppi,trace-points; do
  tap_check "series '$s' applies to Debian's Xen" "$bx" -q --check --build-dir "$tmp/b" --series "$s"
done
tap_check "tests/fixtures/slow-vgic-inject.patch applies on top of the default series" \
  "$bx" -q --check --build-dir "$tmp/b" --patch "$top/tests/fixtures/slow-vgic-inject.patch"
rc=0; err=$("$bx" -q --check --build-dir "$tmp/b" --series trace-points 2>&1) || rc=$?
tap_is "trace-points without direct-ppi is refused as a usage error" "$rc" 2
tap_check "... saying which series it needs" grep -q "ask for --series direct-ppi,trace-points" <<< "$err"
rc=0; "$bx" -q --check --build-dir "$tmp/b" --series no-such-series 2>/dev/null || rc=$?
tap_is "an unknown series is a usage error" "$rc" 2

# -- builds: each image has exactly what its series add. The default and
# 'none' are normally cached (every run-bench builds the default, test 15
# builds 'none'); direct-ppi alone is built here.
# (nm's whole output is read first: grep -q on a pipe would SIGPIPE nm.)
has() { local syms; syms=$(aarch64-linux-gnu-nm "$1"); grep -q " $2\$" <<< "$syms"; }
for s in none direct-ppi direct-ppi,trace-points; do
  img=$("$bx" -q --series "$s" | tail -1) || { tap_not_ok "series '$s' builds"; continue; }
  tap_ok "series '$s' builds"
  syms=${img%/*}/xen-syms
  want_tp=no want_dp=no
  case ",$s," in *,trace-points,*) want_tp=yes ;; esac
  case ",$s," in *,direct-ppi,*) want_dp=yes ;; esac
  got=no; ! has "$syms" trace_guest_exit || got=yes
  tap_is "series '$s': trace_guest_exit present: $want_tp" "$got" "$want_tp"
  got=no; ! has "$syms" __setup_str_parse_vtimer_delivery || got=yes
  tap_is "series '$s': vtimer_delivery= option present: $want_dp" "$got" "$want_dp"
  tap_is "series '$s': the manifest lists the series" \
    "$(sed -n 's/^series=//p' "${img%/*}/manifest")" "$s"
done
manifest=${img%/*}/manifest
sums_ok() { # every patch line of the manifest carries the sha256 of the file in tracing/patches
  local n sum v
  v=$(sed -n 's/^xen_series_version=//p' "$manifest")
  while read -r n sum; do
    [ "$(sha256sum < "$top/tracing/patches/$v/$n" | cut -d' ' -f1)" = "$sum" ] || { echo "$n: $sum"; return 1; }
  done < <(sed -n 's/^patch=//p' "$manifest")
  # As many patch lines as the two series files list.
  [ "$(grep -c '^patch=' "$manifest")" = "$(cat "$top/tracing/patches/$v/direct-ppi/series" \
      "$top/tracing/patches/$v/trace-points/series" | grep -c '^[^#[:space:]]')" ]
}
tap_check "the default build's manifest has each patch's sha256" sums_ok

# -- a patch that does not apply: one line naming patch, file and hunk; the
# tree and rejects are kept at the printed path; exit 1.
mkdir -p "$tmp/wrong-base"
cp "$top"/tracing/patches/4.17/trace-points/0001-*.patch "$tmp/wrong-base/"
(cd "$tmp/wrong-base" && ls ./*.patch | sed 's|^\./||' > series)
rc=0; err=$("$bx" -q --build-dir "$tmp/b" --series "$tmp/wrong-base/series" 2>&1 >/dev/null) || rc=$?
tap_is "a series on the wrong base fails with exit 1" "$rc" 1
tap_is "... on one line" "$(printf '%s\n' "$err" | wc -l)" 1
tap_check "... naming the patch and the failed hunks of vtimer.c" \
  grep -q "0001-xen-arm-trace-points.patch .*xen/arch/arm/vtimer.c hunks #2,#4 FAILED" <<< "$err"
printf '%s\n' "$err" | sed 's/^/# /'

sed -e 's|^ \(#include <xen/timer.h>\)$| \1 /* not in Xen */|' \
  "$top"/tracing/patches/4.17/trace-points/0001-*.patch > "$tmp/broken.patch"
rc=0; err=$("$bx" -q --build-dir "$tmp/b" --series direct-ppi --patch "$tmp/broken.patch" 2>&1 >/dev/null) || rc=$?
tap_is "a patch with a broken context line fails with exit 1" "$rc" 1
tap_check "... naming the file and hunk" grep -q "broken.patch (extra --patch) .*xen/arch/arm/vtimer.c hunk #1 FAILED" <<< "$err"
kept=$(sed -n 's/.*rejects kept in \([^ ]*\) .*/\1/p' <<< "$err")
tap_check "... and keeping the tree with its rejects at the printed path" test -s "$kept/xen/arch/arm/vtimer.c.rej"
tap_check "... and the other hunks applied in that tree" grep -q TRC_ARM_EXIT "$kept/xen/include/public/trace.h"

# -- a tree that does not compile: one line, the log kept at the printed path.
cat > "$tmp/no-build.patch" <<'EOF'
--- a/xen/include/xen/config.h
+++ b/xen/include/xen/config.h
@@ -7,6 +7,7 @@
 #ifndef __XEN_CONFIG_H__
 #define __XEN_CONFIG_H__
 
+#error vtb-70 deliberately broken
 #ifdef CPPCHECK
 #include <generated/compiler-def.h>
 #endif
EOF
if "$bx" -q --check --build-dir "$tmp/b" --series none --patch "$tmp/no-build.patch" 2>/dev/null; then
  rc=0; err=$("$bx" -q --build-dir "$tmp/b" --series none --patch "$tmp/no-build.patch" 2>&1 >/dev/null) || rc=$?
  tap_is "a tree that does not compile fails with exit 1" "$rc" 1
  tap_is "... on one line" "$(printf '%s\n' "$err" | wc -l)" 1
  log=$(sed -n 's/.*(log: \([^,]*\),.*/\1/p' <<< "$err")
  tap_check "... whose build log exists and holds the error" grep -q "vtb-70 deliberately broken" "$log"
else
  tap_skip "a tree that does not compile fails with exit 1" "config.h context changed in this Xen"
  tap_skip "... on one line" "see above"
  tap_skip "... whose build log exists and holds the error" "see above"
fi
tap_done
