# Option parsing for the project's shell scripts, one style everywhere
# (docs/conventions.md, "Shell"). Source it, set cli_prog, then:
#   while [ $# -gt 0 ]; do
#     case "$1" in
#       --ticks) cli_need_value "$@"; ticks=$2; shift ;;
#       -h|--help) usage; exit 0 ;;
#       *) cli_usage_error "unknown option '$1' (see --help)" ;;
#     esac
#     shift
#   done
# Errors are one line on stderr: runtime errors exit 1, usage errors exit 2.
cli_prog=${cli_prog:-$(basename "$0" .sh)}

cli_die() { echo "$cli_prog: $*" >&2; exit 1; }
cli_usage_error() { echo "$cli_prog: $*" >&2; exit 2; }

# cli_need_value "$@": the option in $1 needs a value in $2.
cli_need_value() { [ $# -ge 2 ] || cli_usage_error "option '$1' needs a value"; }

# cli_abs PATH: PATH made absolute against the directory the user ran us from
# (VTB_CALLER_PWD when a dispatcher changed directory, else $PWD).
cli_abs() {
  case "$1" in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s\n' "${VTB_CALLER_PWD:-$PWD}/$1" ;;
  esac
}

# cli_uint NAME VALUE: VALUE must be a whole number.
cli_uint() { case "$2" in ''|*[!0-9]*) cli_usage_error "$1 needs a whole number, got '$2'" ;; esac; }
