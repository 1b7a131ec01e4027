# TAP for shell tests (docs/conventions.md, "Tests"). Source it, then:
#   tap_check "the summary exists" test -s "$out/summary.json"
#   tap_is "taken" "$(jq .ticks.taken "$out/summary.json")" 2000
#   tap_skip_all "no /dev/kvm"        # exits 0 with a skipped plan
#   tap_done                          # plan line; exit 1 if any test failed
# Diagnostics go to stdout as '# ' lines, so the runner's log keeps them
# next to the test they explain.
tap_n=0 tap_failed=0

tap_ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $*"; }
tap_not_ok() { tap_n=$((tap_n + 1)); tap_failed=$((tap_failed + 1)); echo "not ok $tap_n - $*"; }
tap_diag() { printf '%s\n' "$@" | sed 's/^/# /'; }

# tap_check NAME CMD...: one test point, passed when CMD exits 0.
tap_check() {
  local tap_name_=$1; shift
  # Names with a tap_ prefix: a plain local 'out' would hide the caller's
  # global of that name from the command being checked.
  local tap_out_ tap_rc_=0
  tap_out_=$("$@" 2>&1) || tap_rc_=$?
  if [ "$tap_rc_" = 0 ]; then tap_ok "$tap_name_"; else tap_not_ok "$tap_name_"; tap_diag "command: $*" "exit $tap_rc_" "$tap_out_"; fi
  return 0
}

# tap_is NAME GOT WANT: one test point, passed when the strings are equal.
tap_is() {
  if [ "$2" = "$3" ]; then tap_ok "$1"; else tap_not_ok "$1"; tap_diag "got:  '$2'" "want: '$3'"; fi
}

# tap_skip NAME WHY: a test point that could not run here.
tap_skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n - $1 # SKIP $2"; }

# tap_xfail NAME WHY CMD...: a known failure; it must still fail.
tap_xfail() {
  local tap_name_=$1 tap_why_=$2; shift 2
  if "$@" >/dev/null 2>&1; then tap_not_ok "$tap_name_ # unexpected pass of a known failure: $tap_why_"
  else tap_n=$((tap_n + 1)); echo "not ok $tap_n - $tap_name_ # TODO $tap_why_"; fi
}

# tap_skip_all WHY: the whole file cannot run here.
tap_skip_all() { echo "1..0 # SKIP $*"; exit 0; }

# tap_bail WHY: stop the file; what was not reached counts as one failure.
tap_bail() { tap_not_ok "$*"; tap_done; }

tap_done() { echo "1..$tap_n"; [ "$tap_failed" = 0 ] && exit 0; exit 1; }
