#!/usr/bin/env bash
# End-to-end: the bare-metal guest's own matrix of storm modes as dom0 of the
# stock Debian Xen (periodic twice for determinism, back-to-back, random,
# histogram, bad boot arguments). See bench/guest_kernels/tests/e2e-dom0.sh;
# its "ok: ..." / "FAIL: ..." lines become one TAP test point each here.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
VTB_XEN=$("$top/tracing/build-xen.sh" -q --series /dev/null | tail -1) || tap_bail "stock Xen build failed"
export VTB_XEN
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$top/bench/guest_kernels/tests/e2e-dom0.sh" > "$log" 2>&1
rc=$?
[ "$rc" != 77 ] || tap_skip_all "$(grep -m1 '^skip:' "$log" | sed 's/^skip: //')"
while IFS= read -r line; do
  case "$line" in
    'ok: '*) tap_ok "${line#ok: }" ;;
    'FAIL: '*) tap_not_ok "${line#FAIL: }" ;;
    # Should the script itself speak TAP one day, its points pass through.
    'ok '[0-9]*) tap_ok "${line#ok * - }" ;;
    'not ok '[0-9]*) tap_not_ok "${line#not ok * - }" ;;
    1..*) ;;
    *) tap_diag "$line" ;;
  esac
done < "$log"
[ "$rc" = 0 ] || [ "$tap_failed" != 0 ] || tap_not_ok "e2e-dom0.sh exited $rc"
tap_done
