#!/usr/bin/env bash
# vtimer-bench: build what is missing, run the vtimer storm on Xen/ARM for each
# delivery path, analyse, compare, report, record in the history.
# A thin dispatcher: each job lives in scripts/run/ (options, build, boot,
# analyse, report, manifest, run, rerun, nightly); what a run is (variants,
# order, storm, pairs) lives in C (analysis/run/bin/vtb-run, raw/run.json);
# measurement and statistics live in the other C tools.
# Exit: 0 ok, 1 error, 2 usage error, 3 regression (nightly).
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
# User paths are relative to where the user stands (scripts/lib/cli.sh).
VTB_CALLER_PWD=${VTB_CALLER_PWD:-$PWD}
cd "$top"

cli_prog=run-bench
# shellcheck source=scripts/lib/cli.sh
. scripts/lib/cli.sh
for lib in options build boot analyse report manifest run rerun nightly; do
  # shellcheck source=/dev/null
  . "scripts/run/$lib.sh"
done

rb_step() { [ "$quiet" = 1 ] || printf '==> %s\n' "$*" >&2; }

bin=$top/analysis/bin
vtbrun=$top/analysis/run/bin/vtb-run
compare=$top/analysis/compare/bin/vtb-compare
xtr=$top/analysis/xentrace/bin/vtb-xentrace-analyze

rb_parse_options "$@"
case "$cmd" in
  run) rb_do_run ;;
  nightly) rb_do_nightly ;;
  compare) rb_cmd_compare "${positional[0]}" "${positional[1]}" ;;
  report) rb_cmd_report "${positional[0]}" ;;
esac
