#!/usr/bin/env bash
# vtb-lava-log on recorded LAVA 2023.01 job logs (`lavacli jobs logs --raw`):
# fixtures/complete.yaml is a Complete stock job of tests/e2e/80-lava.sh,
# fixtures/incomplete.yaml the job of a Xen that cannot boot. TAP.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../../.." && pwd)
. "$top/tests/lib/tap.sh"
tool=$(cd "$here/.." && realpath "${1:-bin/vtb-lava-log}")
fx=$here/fixtures
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vtb-lava-log.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$tool" console "$fx/complete.yaml" "$tmp/console.log"
tap_is "console: exit 0" "$?" 0
tap_is "console: the guest report's 19 lines" "$(grep -c '^@VTB 1 ' "$tmp/console.log")" 19
tap_is "console: the trailer as the guest printed it" "$(grep ' T ' "$tmp/console.log")" \
  "@VTB 1 17 T taken=500 lost=0 spurious=0 other=0 min=272 max=292 sum=141146 elapsed=3119035 *b0a56b66"
tap_check "console: LAVA's escaped quotes undone" grep -q '^(XEN) Processor: 00000000411fd070: "ARM Limited", variant' "$tmp/console.log"
tap_is "console: Xen's first line first" "$(head -1 "$tmp/console.log" | cut -c1-10)" "$(grep -m1 '"lvl": "target"' "$fx/complete.yaml" | sed 's/.*"msg": "//' | cut -c1-10)"

out=$("$tool" results "$fx/complete.yaml")
tap_is "results: the job's own suites, with measurements" "$out" "vtb-stock-counts.taken pass 500.0 -
vtb-stock-counts.lost pass 0.0 -
vtb-stock-counts.spurious pass 0.0 -
vtb-stock-latency-ticks.min pass 272.0 -
vtb-stock-latency-ticks.max pass 292.0 -"
tap_is "error: nothing for a Complete job" "$("$tool" error "$fx/complete.yaml")" ""
tap_is "downloads: label and sha256 of each image" "$("$tool" downloads "$fx/complete.yaml" | cut -c1-20)" "kernel ba6c122fbea1b
xen 12e71d9954bb91d7"

tap_is "error: the Incomplete job's message" "$("$tool" error "$fx/incomplete.yaml")" \
  "Test: lava-test-monitor timed out after 30 seconds"
tap_is "results: none for the Incomplete job" "$("$tool" results "$fx/incomplete.yaml")" ""

# YAML escapes LAVA's dumper writes for odd console bytes.
printf '%s\n' '- {"dt": "x", "lvl": "target", "msg": "a\tb\x41\u00e9\\ \e!"}' > "$tmp/esc.yaml"
"$tool" console "$tmp/esc.yaml" "$tmp/esc.log"
tap_is "console: YAML escapes decoded" "$(cat "$tmp/esc.log")" "$(printf 'a\tbA\xc3\xa9\\ \033!')"

# Damaged or empty logs: one line, exit 1, no output file.
head -c 3000 "$fx/complete.yaml" > "$tmp/cut.yaml"; echo '- {"dt": "x", "lvl": "target", "msg": "unterminated' >> "$tmp/cut.yaml"
err=$("$tool" console "$tmp/cut.yaml" "$tmp/cut.log" 2>&1); rc=$?
tap_is "damaged log: exit 1" "$rc" 1
tap_is "damaged log: one line" "$(printf '%s\n' "$err" | wc -l)" 1
tap_check "damaged log: no console written" test ! -e "$tmp/cut.log"
grep -v '"target"' "$fx/complete.yaml" > "$tmp/noconsole.yaml"
err=$("$tool" console "$tmp/noconsole.yaml" "$tmp/none.log" 2>&1); rc=$?
tap_is "no console: exit 1" "$rc" 1
tap_is "no console: says so" "$err" "vtb-lava-log: $tmp/noconsole.yaml: the job's log holds no console output"
tap_check "no console: no file" test ! -e "$tmp/none.log"
"$tool" console /nonexistent.yaml "$tmp/x.log" 2>/dev/null
tap_is "missing log: exit 1" "$?" 1
# The dom0's results archive on the console (platform/dom0/init's markers),
# as LAVA's log gives it back: \r gone, other console lines around it.
mkdir -p "$tmp/res/run" && seq 1 5000 > "$tmp/res/run/trace.bin" && echo 0 > "$tmp/res/dom0-status"
tar -cf - -C "$tmp/res" . | gzip -9 > "$tmp/res.tar.gz"
mkcon() { # base64 filter -> console
  { echo "(XEN) d1v0: vGICR: SGI: unhandled"; echo "VTB-DOM0: latency-ticks p50=796 p99=1671 samples=2000"
    echo "VTB-DOM0: results begin tar.gz base64"; base64 "$tmp/res.tar.gz" | "$@"
    echo "VTB-DOM0: results end archive_bytes=$(wc -c < "$tmp/res.tar.gz") sha256=$(sha256sum "$tmp/res.tar.gz" | cut -d' ' -f1)"
    echo "VTB-DOM0: poweroff"; }
}
mkcon cat > "$tmp/con.log"
"$tool" archive "$tmp/con.log" "$tmp/got.tar.gz"
tap_is "archive: exit 0" "$?" 0
tap_check "archive: the bytes the device sent" cmp "$tmp/res.tar.gz" "$tmp/got.tar.gz"
mkcon sed 's/$/\r\r/' > "$tmp/crlf.log"
"$tool" archive "$tmp/crlf.log" "$tmp/crlf.tar.gz"
tap_check "archive: Xen's \\r\\r\\n line ends" cmp "$tmp/res.tar.gz" "$tmp/crlf.tar.gz"
bad() { # name filter...
  local name=$1; shift
  mkcon "$@" > "$tmp/bad.log"
  err=$("$tool" archive "$tmp/bad.log" "$tmp/bad.tar.gz" 2>&1); rc=$?
  tap_is "archive, $name: exit 1" "$rc" 1
  tap_is "archive, $name: one line" "$(printf '%s\n' "$err" | wc -l)" 1
  tap_check "archive, $name: no file" test ! -e "$tmp/bad.tar.gz"
  tap_diag "$err"
}
bad "a line lost" sed 3d
bad "a character changed (still base64)" sed '5y/ABCDEFGHIJKLMNOPQRSTUVWXYZ/BCDEFGHIJKLMNOPQRSTUVWXYZA/'
bad "a swapped pair of lines" sed -n '4{h;n;G};p'
bad "lines missing at the end" head -5
bad "a kernel message inside" sed '4a[   12.3] virtio_mmio: probe'
mkcon cat | head -8 > "$tmp/cut.log"
err=$("$tool" archive "$tmp/cut.log" "$tmp/cut.tar.gz" 2>&1)
tap_is "archive, no end marker: exit 1" "$?" 1
tap_is "archive, no end marker: says so" "$err" "vtb-lava-log: $tmp/cut.log: the archive that starts on line 3 has no end marker (cut short)"
printf 'no archive here\n' > "$tmp/none.log"
"$tool" archive "$tmp/none.log" "$tmp/none.tar.gz" 2>/dev/null
tap_is "archive, none: exit 1" "$?" 1
"$tool" bogus "$fx/complete.yaml" 2>/dev/null
tap_is "unknown command: exit 2" "$?" 2
tap_done
