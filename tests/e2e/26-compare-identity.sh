#!/usr/bin/env bash
# End-to-end, short untraced runs of real Xen (a few seconds each): what a
# user's own Xen and a compare of kept runs must say (issue 11, items 3-8).
#   compare: names the variants compared, refuses runs it cannot pair (exit
#   2, one line), takes RUN:VARIANT, names each side's Xen, writes its own
#   directory and never touches the kept runs;
#   a Xen option this Xen does not know fails the variant with Xen's words;
#   the manifest identifies the Xen (full version, package, tree) and says
#   when traced boots were skipped; a single-variant run is not labelled
#   "ab"; -q is quiet; results follow the umask; same-build tells builds apart;
#   relative paths are the caller's. Run from a folder of its own. TAP.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/tap.sh"
. "$top/platform/lib/boot.sh"
vtb_machine_ready >/dev/null || tap_skip_all "the machine's emulator is not installed (platform/machines/)"
ls "${VTB_CACHE:-$top/cache}"/src/xen_*.dsc >/dev/null 2>&1 || tap_skip_all "Xen source package missing (scripts/install-deps.sh)"
out=$top/build/test-results/compare-identity
rm -rf "$out"; mkdir -p "$out/elsewhere"
cd "$out/elsewhere" || exit 1
umask 022
rb() { "$top/run-bench.sh" --no-deps --no-history --ticks 200 "$@"; }
vtbrun=$top/analysis/run/bin/vtb-run

# A stock Xen (no project series) with one variant of the user's naming.
rb -q --no-project-patches --variants xen422= --out runs --run-id r1 > r1.out 2> r1.err
tap_is "a stock-Xen run exits 0" "$?" 0
tap_is "-q: no progress or build-xen lines" "$(grep -c '^==> \|^build-xen: ' r1.err r1.out | awk -F: '{s += $NF} END {print s}')" 0
tap_check "-q: the summary is still printed" grep -q '^results: ' r1.out
m=runs/r1/manifest.json
tap_is "a single-variant run is labelled by its variant, not 'ab'" "$(jq -r .label "$m")" xen422
tap_check "the manifest says the traced boots were skipped" jq -e '.traced_boots | startswith("skipped: this Xen has no trace points")' "$m"
tap_check "the report says so" grep -q '^Traced boots: skipped' runs/r1/report.md
tap_is "the manifest has the full Xen version" "$(jq -r .xen_identity.full_version "$m")" \
  "$(sed -n 's/^Version: \([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p' "${VTB_CACHE:-$top/cache}"/src/xen_*.dsc | tail -1)"
tap_check "the manifest has Debian's package version" jq -e '.xen_identity.debian_package | test("^[0-9]+\\.[0-9]+\\.[0-9]+")' "$m"
tap_check "the manifest has the source's path" jq -e '.xen_identity.tree | endswith(".dsc")' "$m"
tap_is "result directories follow the umask (022: 755)" "$(stat -c %a runs/r1)" 755

rb -q --no-project-patches --variants stock= --out runs --run-id r2 > r2.out 2>&1
tap_is "a second stock run exits 0" "$?" 0

# compare: different names cannot be paired without being told.
kept() { find runs/r1 runs/r2 -printf '%p %s %T@\n' | sort; }
before=$(kept)
res=$("$top/run-bench.sh" compare runs/r1 runs/r2 2>&1); rc=$?
tap_is "compare of xen422 against stock is a usage error" "$rc" 2
tap_is "... in one line" "$(printf '%s\n' "$res" | grep -c .)" 1
tap_check "... naming both runs' variants" grep -q "r1 (xen422).*r2 (stock).*RUN_A:VARIANT" <<< "$res"
tap_is "... and no compare directory is left" "$(ls runs | grep -c compare)" 0
"$top/run-bench.sh" compare runs/r1:xen422 runs/r2:stock > cmp.txt 2>&1
tap_is "compare RUN_A:VARIANT RUN_B:VARIANT exits 0" "$?" 0
tap_check "it says which variants it compares" grep -q '^=== variant stock of r2 against variant xen422 of r1$' cmp.txt
tap_check "the same stock Xen compares identical" grep -q '^verdict: identical' cmp.txt
tap_is "it names each side's Xen source and version" "$(grep -c '^   Xen: .*xen_.*\.dsc, version 4\.[0-9]*\.[0-9]*' cmp.txt)" 2
cdir=$(sed -n 's/^compare: results in //p' cmp.txt)
tap_check "its files are in a directory of its own beside the runs" test -s "$cdir/compare-xen422-stock.json" -a "${cdir%/*}" = "$out/elsewhere/runs"
tap_is "the compare directory follows the umask" "$(stat -c %a "$cdir")" 755
tap_is "the kept runs did not change (names, sizes, times)" "$(kept)" "$before"

# A Xen option that Xen does not know: a failed variant, with Xen's words.
res=$(rb -q --no-project-patches --variants stock=vtimer_delivery=software --out runs --run-id r3 2>&1 >/dev/null); rc=$?
tap_is "an option stock Xen does not know fails the run" "$rc" 1
tap_check "... quoting what Xen would say" grep -q "\[stock\] this Xen has no parameter 'vtimer_delivery' (it would log 'parameter \"vtimer_delivery\" unknown!'" <<< "$res"
tap_check "... and no result is written" test ! -e runs/r3

# The project's Xen: stock and direct. Against the stock-Xen run, direct has no partner.
rb -q --no-trace --out runs --run-id r4 > r4.out 2>&1
tap_is "a stock+direct run exits 0" "$?" 0
"$top/run-bench.sh" compare runs/r4 runs/r2 > cmp2.txt 2>&1
tap_is "compare stock+direct against stock exits 0" "$?" 0
tap_check "the unpaired variant is named" grep -q "^compare: r4 variant 'direct' has no partner in r2: not compared$" cmp2.txt
tap_check "the paired one is compared" grep -q '^=== variant stock of r2 against variant stock of r4$' cmp2.txt
tap_check "the sides' series differ in the output" grep -q 'series direct-ppi,trace-points' cmp2.txt
umask 027
"$top/run-bench.sh" compare runs/r4 runs/r4 > cmp3.txt 2>&1
tap_is "under umask 027 the compare directory is 750" "$(stat -c %a "$(sed -n 's/^compare: results in //p' cmp3.txt)")" 750
umask 022

# same-build: the nightly's question, which Xen ran.
tap_is "same-build of two stock-Xen runs differs only in the variants' names" \
  "$("$vtbrun" same-build runs/r1 runs/r2; echo "rc=$?")" "variants (Xen options): xen422= | stock=
rc=1"
res=$("$vtbrun" same-build runs/r2 runs/r4); rc=$?
tap_is "same-build: stock Xen against the project's Xen is exit 1" "$rc" 1
tap_check "... naming the series" grep -q '^xen series: none | direct-ppi,trace-points$' <<< "$res"

# Paths are the caller's: the README's example, from another folder.
mkdir -p trees/xen-upstream/xen; : > my-change.patch
res=$("$top/run-bench.sh" --no-deps -q --xen-src trees/xen-upstream --patch my-change.patch --ticks 0 2>&1); rc=$?
tap_is "--xen-src and --patch relative to the caller are found (the next check fails: --ticks 0)" "$rc:$res" \
  "2:vtb-run: --ticks must be at least 1"
res=$("$top/run-bench.sh" --no-deps --xen-src xen-upstream 2>&1); rc=$?
tap_is "a tree missing from the caller's folder is named with the caller's path" "$rc:$res" \
  "2:run-bench: --xen-src '$out/elsewhere/xen-upstream' is not a Xen tree (no xen/ folder)"
(cd runs && "$top/run-bench.sh" report -q r2 > ../rep.txt 2>&1)
tap_is "report RUN relative to the caller" "$?" 0
tap_check "docs/dom0-capture.md carries no notes about the development machine" \
  sh -c "! grep -qiE 'other jobs|load average' '$top/docs/dom0-capture.md'"
# The manifest's Xen identity from a user's git tree: full version (4.22.0
# and 4.22.1 differ only in XEN_EXTRAVERSION), git describe, commit, dirty.
tree=$out/elsewhere/xen-4.22; mkdir -p "$tree/xen" "$out/elsewhere/img/src/xen"
printf 'export XEN_VERSION       = 4\nexport XEN_SUBVERSION    = 22\nexport XEN_EXTRAVERSION ?= .1$(XEN_VENDORVERSION)\n' > "$tree/xen/Makefile"
cp "$tree/xen/Makefile" "$out/elsewhere/img/src/xen/Makefile"
git -C "$tree" init -q && git -C "$tree" add . && git -C "$tree" -c user.name=t -c user.email=t@t commit -qm x &&
  git -C "$tree" tag RELEASE-4.22.1 && echo '# local change' >> "$tree/xen/Makefile"
ids=$(top=$top xen_src=$tree; cli_prog=t; . "$top/scripts/lib/cli.sh"; . "$top/scripts/run/manifest.sh"
      facts=(); rb_xen_identity_facts "$out/elsewhere/img/xen.img"; printf '%s\n' "${facts[@]}" | paste -sd' ')
tap_is "a git tree's identity: full version, path, commit, describe, dirty" "$ids" \
  "--xen-full-version 4.22.1 --xen-tree $tree --xen-commit $(git -C "$tree" rev-parse HEAD) --xen-describe RELEASE-4.22.1-dirty --xen-dirty yes"
tap_done
