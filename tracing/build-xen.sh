#!/usr/bin/env bash
# Build Xen/arm64 from Debian's source package (default) or a user's tree,
# with the project's patch series for that Xen version applied, cached by
# source+patches+config hash. Prints the path of the built hypervisor image
# on stdout (last line).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tracing/build-xen.sh [--xen-src PATH] [--series NAME[,NAME]]... [--patch FILE]...
                            [--config-fragment FILE] [--build-dir DIR] [--check] [-q]
       tracing/build-xen.sh --list-series [--xen-src PATH]
  --xen-src PATH     a Xen source tree to build instead of Debian's package
  --series NAMES     project series to apply, in order, from
                     tracing/patches/<xen major.minor>/<NAME>/series
                     (default direct-ppi,trace-points); repeatable;
                     'none' (or /dev/null) applies none; a value holding a
                     '/' is a series file (names relative to its folder)
  --patch FILE       extra patch applied after the series (repeatable)
  --config-fragment  Kconfig lines appended to defconfig (e.g. CONFIG_X=y)
  --build-dir DIR    where builds are cached (default build/xen)
  --check            only check that the series apply to the source; build nothing
  --list-series      print the series for this Xen version, one a line:
                     NAME <tab> requires (comma list, or -) <tab> folder
  -q                 no progress messages
Patches apply with `patch -p1 --fuzz=0`. When one does not apply, the
patched tree and its *.rej files are kept in <build-dir>/failed-<key>/src.
Prints the path of the hypervisor image on its last line.
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=../scripts/lib/cli.sh
cli_prog=build-xen
. "$top/scripts/lib/cli.sh"
cache=${VTB_CACHE:-$top/cache}
patches_root=$top/tracing/patches
build_root=$top/build/xen
series_args=()
xen_src=""
extra_patches=()
fragment=""
quiet=0 check=0 list=0
while [ $# -gt 0 ]; do
  case "$1" in
    --xen-src) cli_need_value "$@"; xen_src=$(cli_abs "$2"); shift ;;
    --series) cli_need_value "$@"; series_args+=("$2"); shift ;;
    --patch) cli_need_value "$@"; extra_patches+=("$(cli_abs "$2")"); shift ;;
    --config-fragment) cli_need_value "$@"; fragment=$(cli_abs "$2"); shift ;;
    --build-dir) cli_need_value "$@"; build_root=$(cli_abs "$2"); shift ;;
    --check) check=1 ;;
    --list-series) list=1 ;;
    -q) quiet=1 ;;
    -h|--help) usage; exit 0 ;;
    *) cli_usage_error "unknown option '$1' (see --help)" ;;
  esac
  shift
done
log() { [ "$quiet" = 1 ] || echo "build-xen: $*" >&2; }
die() { cli_die "$@"; }

# The source and its Xen version (major.minor), which picks the series folder:
# Debian's from the .dsc's Version (4.17.5+...), a tree's from xen/Makefile,
# where every Xen release and staging says e.g.
#   export XEN_VERSION       = 4
#   export XEN_SUBVERSION    = 22
# (assignments with or without export, =, := or ?=; XEN_EXTRAVERSION such as
# ".0" or "-unstable" does not matter: series are per major.minor).
tree_version() { # xen/Makefile -> MAJOR.MINOR, or nothing
  sed -n -E 's/^(export[[:space:]]+)?XEN_(VERSION|SUBVERSION)[[:space:]]*[:?]?=[[:space:]]*([0-9]+)[[:space:]]*$/\2 \3/p' "$1" |
    awk '$1 == "VERSION" && v == "" { v = $2 } $1 == "SUBVERSION" && s == "" { s = $2 }
         END { if (v != "" && s != "") print v "." s }'
}
if [ -z "$xen_src" ]; then
  dsc=$(ls "$cache"/src/xen_*.dsc 2>/dev/null | sort -V | tail -1)
  [ -n "$dsc" ] || die "no Xen source package in $cache/src (run scripts/install-deps.sh)"
  xen_version=$(sed -n 's/^Version: \([0-9]*:\)\{0,1\}\([0-9]*\.[0-9]*\).*/\2/p' "$dsc")
else
  [ -f "$xen_src/xen/Makefile" ] || die "--xen-src $xen_src is not a Xen tree (no xen/Makefile)"
  xen_version=$(tree_version "$xen_src/xen/Makefile")
fi
if [ -z "$xen_version" ]; then
  if [ -n "$xen_src" ]; then die "cannot tell the Xen version of $xen_src: no XEN_VERSION and XEN_SUBVERSION in its xen/Makefile"
  else die "cannot tell the Xen version of $dsc: no Version: line"; fi
fi
series_dir=$patches_root/$xen_version
have_versions=$(cd "$patches_root" && ls -d [0-9]*.[0-9]* 2>/dev/null | sort -V | paste -sd' ' -)
have_versions=${have_versions// /, }
no_series_msg="no project series for Xen $xen_version (tracing/patches has series for Xen ${have_versions:-none}); --series none (run-bench.sh --no-project-patches) builds without them, --series tracing/patches/VERSION/NAME/series tries another version's series on this tree"

# series_requires DIR: the series names DIR/series says it applies on top of.
series_requires() { sed -n 's/^# *requires: *//p' "$1/series" | tr ', ' '\n\n' | sed '/^$/d'; }

if [ "$list" = 1 ]; then
  # Nothing on stdout when this version has no series (callers read it as
  # "no series"); the reason goes to stderr.
  [ -d "$series_dir" ] || { log "$no_series_msg"; exit 0; }
  for d in "$series_dir"/*/; do
    d=${d%/}
    [ -f "$d/series" ] || continue
    req=$(series_requires "$d" | paste -sd, -)
    printf '%s\t%s\t%s\n' "${d##*/}" "${req:--}" "$d"
  done
  exit 0
fi

# Resolve --series into an ordered list of (label, patch file).
[ "${#series_args[@]}" -gt 0 ] || series_args=("direct-ppi,trace-points")
applied=()      # names (or files) of the series applied, in order
patches=()      # patch files, in order
labels=()       # the series each patch comes from
add_series_file() { # label file
  local p
  while read -r p; do
    case "$p" in ''|'#'*) continue ;; esac
    patches+=("$(dirname "$2")/$p"); labels+=("$1")
  done < "$2"
}
for arg in "${series_args[@]}"; do
  IFS=, read -r -a names <<< "$arg"
  for name in "${names[@]}"; do
    case "$name" in
      ''|none|/dev/null) ;;
      */*)
        f=$(cli_abs "$name")
        [ -f "$f" ] || die "no series file $f"
        applied+=("$f"); add_series_file "$f" "$f" ;;
      *)
        [ -d "$series_dir" ] || die "$no_series_msg"
        [ -f "$series_dir/$name/series" ] ||
          cli_usage_error "no series '$name' for Xen $xen_version (have: $(ls "$series_dir" | paste -sd, -))"
        for req in $(series_requires "$series_dir/$name"); do
          case " ${applied[*]:-} " in *" $req "*) ;;
            *) cli_usage_error "series '$name' applies on top of '$req': ask for --series $req,$name" ;; esac
        done
        applied+=("$name"); add_series_file "$name" "$series_dir/$name/series" ;;
    esac
  done
done
for p in "${extra_patches[@]}"; do patches+=("$p"); labels+=("--patch"); done
for p in "${patches[@]}"; do [ -f "$p" ] || die "patch not found: $p"; done

# Identify the source: Debian's .dsc checksum, or the user's tree content.
if [ -z "$xen_src" ]; then
  src_id="debian:$(basename "$dsc"):$(sha256sum "$dsc" | cut -c1-16)"
elif [ -d "$xen_src/.git" ]; then
  src_id="git:$(git -C "$xen_src" rev-parse HEAD):$( (git -C "$xen_src" diff HEAD; git -C "$xen_src" ls-files --others --exclude-standard) | sha256sum | cut -c1-16)"
else
  src_id="tree:$(cd "$xen_src" && find xen -type f \( -name '*.[chS]' -o -name 'Kconfig*' -o -name 'Makefile' -o -name '*.mk' \) -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
fi
key=$( { echo "$src_id"; for p in "${patches[@]}"; do sha256sum < "$p"; done;
         [ -n "$fragment" ] && sha256sum < "$fragment"; echo "aarch64-linux-gnu defconfig"
         echo "build identity from the source (SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-})"; } | sha256sum | cut -c1-16)
# write_manifest DIR: what DIR's build was made from (DIR/src is the tree).
write_manifest() {
  local i p n s
  { echo "source=$src_id"
    echo "xen_series_version=$xen_version"
    s="${applied[*]:-none}"; echo "series=${s// /,}"
    for i in "${!patches[@]}"; do
      p=${patches[$i]}
      case "${labels[$i]}" in --patch) n=$(basename "$p") ;; */*) n=$p ;; *) n=${labels[$i]}/$(basename "$p") ;; esac
      echo "patch=$n $(sha256sum < "$p" | cut -d' ' -f1)"
    done
    echo "version=$(cat "$1/src/xen/include/xen/compile.h" 2>/dev/null | awk -F'"' '/define XEN_VERSION_STRING|XEN_FULLVERSION/ {print $2; exit}')"
  } > "$1/manifest.tmp"
  mv "$1/manifest.tmp" "$1/manifest"
}
out=$build_root/$key
if [ "$check" = 0 ] && [ -f "$out/xen.img" ]; then
  log "cached build $key"
  # Builds cached before the manifest named its series get today's manifest.
  grep -q '^series=' "$out/manifest" 2>/dev/null || write_manifest "$out"
  echo "$out/xen.img"
  exit 0
fi

mkdir -p "$build_root"
work=$(mktemp -d "$build_root/.tmp-$key.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=$build_root/failed-$key
# keep_failed: move the work tree where the user can read it; print nothing.
keep_failed() { rm -rf "$failed"; mv "$work" "$failed"; }

log "preparing sources ($src_id, Xen $xen_version)"
if [ -z "$xen_src" ]; then
  dpkg-source --no-check -x "$dsc" "$work/src" >/dev/null
else
  mkdir -p "$work/src"
  tar -C "$xen_src" --exclude=.git -cf - . | tar -C "$work/src" -xf -
  make -s -C "$work/src/xen" XEN_TARGET_ARCH=arm64 distclean >/dev/null 2>&1 || true
fi

# apply_patch FILE LABEL: on failure, one line naming the patch, its series
# and the files and hunks that failed; the tree and its rejects are kept.
apply_patch() {
  local p=$1 label=$2 res what
  log "applying $label: $(basename "$p")"
  if res=$(patch -d "$work/src" -p1 --batch --forward --fuzz=0 < "$p" 2>&1); then return 0; fi
  printf '%s\n' "$res" > "$work/patch-$(basename "$p").log"
  what=$(printf '%s\n' "$res" | awk '
    /^(patching|checking) file / { f = substr($0, index($0, "file ") + 5); next }
    /^Hunk #[0-9]+ FAILED/ { h[f] = h[f] (h[f] == "" ? "" : ",") $2; if (!(f in seen)) { seen[f] = 1; order[++n] = f }; next }
    /Reversed \(or previously applied\) patch detected/ { r[f] = 1; if (!(f in seen)) { seen[f] = 1; order[++n] = f }; next }
    /^can.t find file to patch/ { missing = 1; next }
    /^\|--- a\// && missing { m = substr($0, 8); sub(/[ \t].*/, "", m); missing = 0
                              if (!(m in seen)) { seen[m] = 1; order[++n] = m; gone[m] = 1 } }
    END {
      for (i = 1; i <= n; i++) {
        f = order[i]
        s = gone[f] ? "missing" : r[f] ? "already applied" : "hunk" (index(h[f], ",") ? "s " : " ") h[f] " FAILED"
        out = out (i > 1 ? "; " : "") f " " s
      }
      print out
    }')
  keep_failed
  local from="series $label, for Xen $xen_version" tree="Debian's Xen $xen_version"
  [ "$label" != --patch ] || from="extra --patch"
  [ -z "$xen_src" ] || tree="$xen_src (Xen $xen_version)"
  die "$(basename "$p") ($from) does not apply to $tree: ${what:-see the log}; tree and rejects kept in $failed/src (*.rej, patch log $failed/patch-$(basename "$p").log); --series none (run-bench.sh --no-project-patches) builds without the project's series"
}
for i in "${!patches[@]}"; do apply_patch "${patches[$i]}" "${labels[$i]}"; done

if [ "$check" = 1 ]; then
  log "all ${#patches[@]} patches (${applied[*]:-no series}${extra_patches:+ + extra}) apply to Xen $xen_version"
  exit 0
fi

mk=(make -C "$work/src/xen" XEN_TARGET_ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
# Xen prints who built it, on which host and when in its boot banner, and
# under icount a banner of another length or timing moves every figure: one
# source must give one image on every machine. So the build's identity is the
# source's: SOURCE_DATE_EPOCH if set, else the date of Debian's changelog
# entry or of the tree's last commit, and fixed names.
source_epoch=${SOURCE_DATE_EPOCH:-}
if [ -z "$source_epoch" ] && [ -f "$work/src/debian/changelog" ]; then
  source_epoch=$(dpkg-parsechangelog -l "$work/src/debian/changelog" -S Timestamp 2>/dev/null || true)
elif [ -z "$source_epoch" ] && [ -n "$xen_src" ] && git -C "$xen_src" rev-parse --git-dir >/dev/null 2>&1; then
  source_epoch=$(git -C "$xen_src" log -1 --format=%ct 2>/dev/null || true)
fi
mk+=(XEN_WHOAMI=vtimer-bench XEN_DOMAIN=localdomain XEN_BUILD_HOST=vtimer-bench)
if [ -n "$source_epoch" ]; then
  mk+=("XEN_BUILD_DATE=$(LC_ALL=C date -u -d "@$source_epoch")" "XEN_BUILD_TIME=$(LC_ALL=C date -u -d "@$source_epoch" +%T)")
else
  log "no source date (not Debian's source, not a git tree, no SOURCE_DATE_EPOCH): the image carries today's date"
fi
log "configuring (defconfig${fragment:+ + $(basename "$fragment")})"
"${mk[@]}" -s defconfig >/dev/null
if [ -n "$fragment" ]; then
  cat "$fragment" >> "$work/src/xen/.config"
  "${mk[@]}" -s olddefconfig >/dev/null
fi
log "compiling Xen (about a minute)"
if ! "${mk[@]}" -j"$(nproc)" > "$work/build.log" 2>&1; then
  # The compiler's first "error:" (not a command line's -Werror), else make's
  # "*** ... Error N", else the log's last line.
  first=$(grep -m1 -E ': (fatal )?error:' "$work/build.log" ||
          grep -m1 -E '\*\*\* .*Error [0-9]+' "$work/build.log" || tail -1 "$work/build.log")
  keep_failed
  die "Xen build failed: $first (log: $failed/build.log, tree: $failed/src)"
fi
mkdir -p "$work/out"
cp "$work/src/xen/xen" "$work/out/xen.img"
cp "$work/src/xen/xen-syms" "$work/src/xen/.config" "$work/out/"
# Keep the patched tree: trace formats and headers are read from it later.
mv "$work/src" "$work/out/src"
write_manifest "$work/out"
rm -rf "$out" "$failed"
mv "$work/out" "$out"
log "built $key"
echo "$out/xen.img"
