#!/usr/bin/env bash
# vtimer-bench: build what is missing, run the vtimer storm on Xen/ARM for each
# delivery path, analyse, compare, report, record in the history.
# A thin dispatcher: each job lives in scripts/run/ (options, build, boot,
# analyse, report, manifest, run, rerun, nightly); what a run is (variants,
# order, storm, pairs) lives in C (analysis/run/bin/vtb-run, raw/run.json);
# measurement and statistics live in the other C tools.
# Exit: 0 ok, 1 error, 2 usage error, 3 regression (nightly), 4 inconclusive (nightly).
set -euo pipefail
top=$(cd "$(dirname "$0")" && pwd)
# User paths are relative to where the user stands (scripts/lib/cli.sh).
VTB_CALLER_PWD=${VTB_CALLER_PWD:-$PWD}
cd "$top"

cli_prog='run-bench'
# shellcheck source=scripts/lib/cli.sh
. scripts/lib/cli.sh
# shellcheck source=scripts/run/options.sh
. scripts/run/options.sh
# shellcheck source=platform/lib/boot.sh
. platform/lib/boot.sh
# shellcheck source=scripts/run/build.sh
. scripts/run/build.sh
# shellcheck source=scripts/run/boot.sh
. scripts/run/boot.sh
# shellcheck source=scripts/run/analyse.sh
. scripts/run/analyse.sh
# shellcheck source=scripts/run/report.sh
. scripts/run/report.sh
# shellcheck source=scripts/run/manifest.sh
. scripts/run/manifest.sh
# shellcheck source=scripts/run/run.sh
. scripts/run/run.sh
# shellcheck source=scripts/run/rerun.sh
. scripts/run/rerun.sh
# shellcheck source=scripts/run/nightly.sh
. scripts/run/nightly.sh
# shellcheck source=scripts/run/calibrate.sh
. scripts/run/calibrate.sh
# shellcheck source=scripts/run/import.sh
. scripts/run/import.sh
# shellcheck source=scripts/run/lava.sh
. scripts/run/lava.sh
# shellcheck source=scripts/run/justify.sh
. scripts/run/justify.sh

rb_step() { [ "$quiet" = 1 ] || printf '==> %s\n' "$*" >&2; }

bin=$top/analysis/bin
vtbrun=$top/analysis/run/bin/vtb-run
compare=$top/analysis/compare/bin/vtb-compare
xtr=$top/analysis/xentrace/bin/vtb-xentrace-analyze

rb_parse_options "$@"
case "$cmd" in
  run) rb_do_run ;;
  nightly) rb_do_nightly ;;
  calibrate) rb_do_calibrate ;;
  compare) rb_cmd_compare "${positional[@]}" ;;
  report) rb_cmd_report "${positional[0]}" ;;
  import) rb_do_import "${positional[@]}" ;;
  justify) rb_do_justify ;;
esac
