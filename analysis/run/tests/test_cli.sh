#!/usr/bin/env bash
# The unit tests and the CLI tests of vtb-run: exit codes, one-line errors, the lookups run-bench.sh
# makes, on a run made here and on a run directory from before raw/run.json.
# TAP (tests/lib/tap.sh).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../../../tests/lib/tap.sh"
run=$here/../bin/vtb-run
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rc() { "$@" >/dev/null 2>&1; echo $?; }

# The C unit suite (vtb/test.h) first, renumbered into this one TAP stream
# so tests/run-all.sh sees one plan for `make check`.
while IFS= read -r line; do
  case "$line" in
    'not ok '*'# TODO'*) tap_n=$((tap_n + 1)); echo "not ok $tap_n - ${line#not ok * - }" ;;
    'not ok '*) tap_not_ok "${line#not ok * - }" ;;
    'ok '*) tap_ok "${line#ok * - }" ;;
    '#'*) echo "$line" ;;
  esac
done <<< "$(unit=$("$here/../build/test-run"); urc=$?; printf '%s\n' "$unit"
             [ "$urc" = 0 ] || echo "not ok 0 - the unit suite exited $urc")"

tap_is "--help exits 0" "$(rc "$run" --help)" 0
tap_is "unknown command is a usage error" "$(rc "$run" frobnicate)" 2
tap_is "bad --storm is a usage error" "$(rc "$run" init --out - --run-id x --storm sideways)" 2
err=$("$run" init --out - --run-id x --ticks 1x 2>&1 >/dev/null)
tap_is "the error is one line" "$err" "vtb-run: --ticks needs a whole number, got '1x'"

new=$tmp/new; mkdir -p "$new/raw"
tap_check "init writes run.json" "$run" init --out "$new/raw/run.json" --run-id new --with-direct --ticks 10
tap_is "variants in run order" "$("$run" variants "$new" | paste -sd,)" stock,direct
tap_is "pairs: B against A" "$("$run" pairs "$new")" "stock direct"
tap_is "xen options" "$("$run" xen-options "$new" direct)" vtimer_delivery=direct
tap_is "guest boot arguments" "$("$run" get "$new" guest_bootargs)" "ticks=10 mode=periodic period_ns=100000"
tap_is "traced by default" "$("$run" get "$new" traced)" 1
tap_is "an unknown variant prints nothing, exit 0" "$("$run" xen-options "$new" nosuch; echo "rc=$?")" rc=0
tap_is "an unknown key is a usage error" "$(rc "$run" get "$new" colour)" 2

printf 'source=s\npatch=p1\n' > "$tmp/xen-manifest"
tap_check "manifest written" "$run" manifest "$new" --date D --host H --qemu Q --xen-sha256 X --guest-sha256 G --xen-build "$tmp/xen-manifest"
tap_is "manifest.json is JSON with the run id" "$(jq -r .run_id "$new/manifest.json")" new
tap_check "manifest.txt renders it" grep -qx "xen_patch=p1" "$new/manifest.txt"
tap_is "one patch is still a list" "$(jq -c .xen_build.patch "$new/manifest.json")" '["p1"]'
tap_is "no temporaries left" "$(ls -A "$new" | grep -c '^\.')" 0

old=$tmp/old; mkdir -p "$old/raw/stock" "$old/raw/direct"
printf 'stock\ndirect\n' > "$old/raw/variants"; echo realtime > "$old/raw/platform-mode"
echo vtimer_delivery=direct > "$old/raw/direct/xen-options"
tap_is "old run: variants from raw/variants" "$("$run" variants "$old" | paste -sd,)" stock,direct
tap_is "old run: the first two are the pair" "$("$run" pairs "$old")" "stock direct"
tap_is "old run: platform mode" "$("$run" get "$old" platform_mode)" realtime
tap_is "old run: no bootargs recorded, nothing printed" "$("$run" get "$old" guest_bootargs; echo "rc=$?")" rc=0
tap_is "old run: no manifest from an old model" "$(rc "$run" manifest "$old")" 1
tap_is "no run directory is an error" "$(rc "$run" variants "$tmp/none")" 1

printf '{"verdict":"slower","unit":"ticks","median_diff":{"estimate":3},"mann_whitney":{"p":0.01}}' > "$tmp/slow.json"
printf '{"verdict":"identical"}' > "$tmp/same.json"
tap_is "nightly: identical is exit 0" "$(rc "$run" nightly-verdict --baseline b stock="$tmp/same.json")" 0
tap_is "nightly: slower is exit 3" "$(rc "$run" nightly-verdict --baseline b stock="$tmp/same.json" direct="$tmp/slow.json")" 3
tap_is "nightly: unreadable JSON is exit 1" "$(rc "$run" nightly-verdict --baseline b stock="$tmp/none.json")" 1
printf '{"verdict":"inconclusive","mde_pct":30}' > "$tmp/inc.json"
tap_is "nightly: inconclusive is exit 4" "$(rc "$run" nightly-verdict --baseline b stock="$tmp/inc.json")" 4
tap_is "nightly: a regression outranks inconclusive" "$(rc "$run" nightly-verdict --baseline b stock="$tmp/inc.json" direct="$tmp/slow.json")" 3

# Boots: one boot keeps run.json as it was; K boots are interleaved A B B A.
tap_is "one boot: no boots key in run.json" "$(grep -c '"boots"' "$new/raw/run.json")" 0
tap_is "one boot: get boots is 1" "$("$run" get "$new" boots)" 1
tap_is "realtime defaults to 5 boots" "$("$run" init --out - --run-id x --platform-mode realtime | grep '"boots"')" '  "boots": 5'
tap_is "deterministic defaults to 1 boot" "$("$run" init --out - --run-id x | grep -c '"boots"')" 0
tap_is "--boots 0 is a usage error" "$(rc "$run" init --out - --run-id x --boots 0)" 2
tap_is "--boots 65 is a usage error" "$(rc "$run" init --out - --run-id x --boots 65)" 2
kb=$tmp/kb; mkdir -p "$kb/raw"
"$run" init --out "$kb/raw/run.json" --run-id kb --with-direct --ticks 10 --boots 3
tap_is "boot order is interleaved" "$("$run" boot-order "$kb" | tr '\n' ' ')" "stock 1 direct 1 direct 2 stock 2 stock 3 direct 3 "
for i in 1 2 3; do
  mkdir -p "$kb/stock/boot-$i"
  printf '{"schema":"vtimer-bench/summary/1","platform_mode":"realtime","counts":{"ticks":2,"taken":2,"lost":0,"spurious":%d,"other":0},"trailer":{"min":%d,"max":%d},"latency_ticks":{"n":2}}\n' $((i == 2)) $((10 * i)) $((10 * i + 1)) > "$kb/stock/boot-$i/summary.json"
  printf 'tick,latency_ticks,latency_ns\n0,%d,%d\n1,%d,%d\n' $((10 * i)) $((160 * i)) $((10 * i + 1)) $((160 * i + 16)) > "$kb/stock/boot-$i/samples.csv"
done
tap_check "pool writes the pooled variant" "$run" pool "$kb" stock
tap_is "pooled samples: every boot's rows" "$(tail -n +2 "$kb/stock/samples.csv" | cut -d, -f2 | tr '\n' ' ')" "10 11 20 21 30 31 "
tap_is "pooled summary: counts summed, p50 and n over all samples, boots" \
  "$(jq -c '[.counts.ticks, .counts.spurious, .latency_ticks.n, .latency_ticks.p50, .latency_ticks.max, .trailer.min, .boots, .latency_instructions]' "$kb/stock/summary.json")" \
  "[6,1,6,20,31,10,3,null]"
rm "$kb/stock/boot-3/samples.csv"
cp "$kb/stock/summary.json" "$tmp/pooled.json"
tap_is "pool: a missing boot is exit 1" "$(rc "$run" pool "$kb" stock)" 1
tap_check "pool: nothing half-written on error" cmp -s "$kb/stock/summary.json" "$tmp/pooled.json"

# same-build: the nightly's baseline must be the same Xen on the same platform.
sb() { "$run" same-build "$@"; }
mk_man() { # dir source version series variants
  mkdir -p "$1"
  jq -n --arg s "$2" --arg v "$3" --arg se "$4" --argjson vs "$5" \
    '{schema:"vtimer-bench/manifest/1", target:"emulated", platform:"emulated (qemu)", platform_mode:"deterministic",
      variants:$vs, xen_build:{source:$s, series:$se, patch:["p1 aa"]}, xen_identity:{full_version:$v}}' > "$1/manifest.json"
}
vs='[{"name":"stock","xen_options":"vtimer_delivery=software"}]'
mk_man "$tmp/sb1" debian:xen_4.17.5 4.17.5 direct-ppi "$vs"
mk_man "$tmp/sb2" debian:xen_4.17.5 4.17.5 direct-ppi "$vs"
mk_man "$tmp/sb3" git:23d6:00 4.22.0 none "$vs"
mk_man "$tmp/sb4" debian:xen_4.17.5 4.17.5 direct-ppi '[{"name":"stock","xen_options":""}]'
tap_is "same-build: the same build is exit 0 and silent" "$(sb "$tmp/sb1" "$tmp/sb2"; echo "rc=$?")" rc=0
out=$(sb "$tmp/sb1" "$tmp/sb3"); rc=$?
tap_is "same-build: 4.17 against 4.22 is exit 1" "$rc" 1
tap_is "same-build: it names the source, version and series" "$out" "xen source: debian:xen_4.17.5 | git:23d6:00
xen version: 4.17.5 | 4.22.0
xen series: direct-ppi | none"
tap_is "same-build: other Xen options differ" "$(sb "$tmp/sb1" "$tmp/sb4")" "variants (Xen options): stock=vtimer_delivery=software | stock="
tap_is "same-build: a run without a manifest differs, and says so" "$(sb "$tmp/sb1" "$old"; echo "rc=$?")" "identity unknown: $old has no readable manifest.json
rc=1"
jq '.xen_build.patch = ["fix.patch aaaaaaaaaaaaaaaaaaaa"]' "$tmp/sb1/manifest.json" > "$tmp/sb5.json"
mkdir -p "$tmp/sb5" && jq '.xen_build.patch = ["fix.patch bbbbbbbbbbbbbbbbbbbb"]' "$tmp/sb1/manifest.json" > "$tmp/sb5/manifest.json"
mkdir -p "$tmp/sb6" && mv "$tmp/sb5.json" "$tmp/sb6/manifest.json"
tap_is "same-build: a patch of the same name with other contents differs" "$(sb "$tmp/sb6" "$tmp/sb5")" \
  "xen patches: fix.patch aaaaaaaaaaaa | fix.patch bbbbbbbbbbbb"
tap_is "same-build: one run is a usage error" "$(rc "$run" same-build "$tmp/sb1")" 2

# The manifest names the Xen exactly: tree, git describe, commit, dirty, full version.
tap_check "manifest with the Xen's identity" "$run" manifest "$new" --xen-tree /src/xen --xen-describe RELEASE-4.22.1-dirty \
  --xen-commit abc --xen-dirty yes --xen-full-version 4.22.1 --traced-boots "skipped: no trace points"
tap_is "manifest.json: xen_identity" "$(jq -c .xen_identity "$new/manifest.json")" \
  '{"tree":"/src/xen","git_describe":"RELEASE-4.22.1-dirty","commit":"abc","dirty":"yes","full_version":"4.22.1"}'
tap_check "manifest.txt: the full version" grep -qx "xen_full_version=4.22.1" "$new/manifest.txt"
tap_check "manifest.txt: traced boots skipped" grep -qx "traced_boots=skipped: no trace points" "$new/manifest.txt"
tap_done
