# Sourced (bash) by everything that boots the emulated machine: the one way
# to get a QEMU command line (platform/machine's vtb-machine, from the machine
# description platform/machines/$VTB_MACHINE.conf) and the one watchdog.
# docs/machine.md explains both.
vtb_boot_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The machine description every boot uses; VTB_MACHINE=virt-gicv2 (or a
# path) picks another.
vtb_machine_file() {
  case "${VTB_MACHINE:-virt-gicv3}" in
    */*) printf '%s\n' "$VTB_MACHINE" ;;
    *) printf '%s\n' "$vtb_boot_top/platform/machines/${VTB_MACHINE:-virt-gicv3}.conf" ;;
  esac
}

# vtb_machine CMD [boot options]: runs vtb-machine CMD (qemu, describe) for
# the machine description, building the tool first if needed.
vtb_machine() {
  local cmd=$1; shift
  make -s -C "$vtb_boot_top/platform/machine" all >/dev/null || {
    echo "building platform/machine/bin/vtb-machine failed" >&2; return 1; }
  "$vtb_boot_top/platform/machine/bin/vtb-machine" "$cmd" --machine "$(vtb_machine_file)" "$@"
}

# vtb_qemu_argv ARRAY [boot options]: sets ARRAY to the QEMU argv of this
# boot. Fails (vtb-machine's one-line error on stderr) on nonsense.
vtb_qemu_argv() {
  local -n vtb_argv_out=$1; shift
  local f rc=0
  f=$(mktemp "${TMPDIR:-/tmp}/vtb-argv.XXXXXX") || return 1
  vtb_machine qemu "$@" > "$f" || rc=$?
  [ "$rc" = 0 ] && mapfile -d '' vtb_argv_out < "$f"
  rm -f "$f"
  return "$rc"
}

# vtb_machine_ready: the description's emulator is installed (for tests
# that skip without it); its name on stdout.
vtb_machine_ready() {
  local probe
  vtb_qemu_argv probe --dumpdtb /dev/null 2>/dev/null && command -v "${probe[0]}"
}

# vtb_boot [--tee] [--until ERE] [--console FILE] WALL OUT ERR -- ARGV...
# Runs one boot (ARGV from vtb_qemu_argv) with no input, QEMU's stdout in
# OUT and its stderr in ERR (the same file: both together), and kills it
# after WALL wall-clock seconds. --tee also copies OUT to our stderr as it
# comes; --until stops the machine once OUT matches ERE (a domain whose end
# does not power the machine off); --console names the console log when it
# is not OUT (-serial file:...), for the watchdog's message.
# Returns 0 when the machine stopped by itself (or at --until) with status
# 0; otherwise 1, with vtb_boot_why saying why. vtb_boot_rc holds QEMU's
# status (124 or 137: the watchdog).
vtb_boot() {
  local tee=0 until="" console=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --tee) tee=1 ;;
      --until) until=$2; shift ;;
      --console) console=$2; shift ;;
      *) break ;;
    esac
    shift
  done
  local wall=$1 out=$2 err=$3
  shift 3
  [ "${1-}" = -- ] && shift
  : "${console:=$out}"
  vtb_boot_rc=0 vtb_boot_why=""
  if [ -n "$until" ]; then
    local pid stopped=0
    if [ "$err" = "$out" ]; then
      timeout -k 10 "$wall" "$@" < /dev/null > "$out" 2>&1 &
    else
      timeout -k 10 "$wall" "$@" < /dev/null > "$out" 2> "$err" &
    fi
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      if grep -Eaq -- "$until" "$out"; then
        sleep 1 # the rest of the line that matched
        kill "$pid" 2>/dev/null; stopped=1; break
      fi
      sleep 1
    done
    wait "$pid" || vtb_boot_rc=$?
    [ "$stopped" = 0 ] || vtb_boot_rc=0
  elif [ "$tee" = 1 ]; then
    if ! timeout -k 10 "$wall" "$@" < /dev/null 2>&1 | tee "$out" >&2; then
      vtb_boot_rc=${PIPESTATUS[0]}
    fi
  elif [ "$err" = "$out" ]; then
    timeout -k 10 "$wall" "$@" < /dev/null > "$out" 2>&1 || vtb_boot_rc=$?
  else
    timeout -k 10 "$wall" "$@" < /dev/null > "$out" 2> "$err" || vtb_boot_rc=$?
  fi
  case "$vtb_boot_rc" in
    0) return 0 ;;
    124|137)
      vtb_boot_why="watchdog: the machine did not power off within ${wall}s; last console line: $(
        vtb_boot_peek tail "$console" | tr -d '\r' | grep -av '^$' | tail -1)" ;;
    *) vtb_boot_why="$1 exited with $vtb_boot_rc: $(vtb_boot_peek head "$err" | tr '\n' ' ')" ;;
  esac
  return 1
}

# vtb_boot_peek head|tail FILE: 300 bytes of a log for a message; nothing for
# /dev/stdout and the like, which may be a terminal a read would wait on.
vtb_boot_peek() {
  case "$2" in /dev/*) return 0 ;; esac
  [ -f "$2" ] && "$1" -c 300 "$2" 2>/dev/null
  return 0
}
