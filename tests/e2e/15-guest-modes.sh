#!/usr/bin/env bash
# End-to-end: the bare-metal guest's own matrix of storm modes as dom0 of the
# stock Debian Xen (periodic twice for determinism, back-to-back, random,
# histogram, bad boot arguments). See bench/guest_kernels/tests/e2e-dom0.sh.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
VTB_XEN=$("$top/tracing/build-xen.sh" -q --series /dev/null | tail -1)
export VTB_XEN
exec "$top/bench/guest_kernels/tests/e2e-dom0.sh"
