#!/usr/bin/env bash
# Build Xen/arm64 from Debian's source package (default) or a user's tree,
# with an ordered patch list applied, cached by source+patches+config hash.
# Prints the path of the built hypervisor image on stdout (last line).
set -euo pipefail

usage() {
  cat <<'USAGE'
usage: tracing/build-xen.sh [--xen-src PATH] [--series FILE]... [--patch FILE]...
                            [--config-fragment FILE] [--build-dir DIR] [-q]
  --xen-src PATH     a Xen source tree to build instead of Debian's package
  --series FILE      ordered patch list, names relative to the file's folder;
                     repeatable, applied in the order given
                     (default tracing/patches/series)
  --patch FILE       extra patch applied after the series (repeatable)
  --config-fragment  Kconfig lines appended to defconfig (e.g. CONFIG_X=y)
  --build-dir DIR    where builds are cached (default build/xen)
Prints the path of the hypervisor image on its last line.
USAGE
}

top=$(cd "$(dirname "$0")/.." && pwd)
cache=${VTB_CACHE:-$top/cache}
build_root=$top/build/xen
series_files=()
xen_src=""
extra_patches=()
fragment=""
quiet=0
while [ $# -gt 0 ]; do
  case "$1" in
    --xen-src) xen_src=$(cd "$2" && pwd); shift ;;
    --series) series_files+=("$(readlink -f "$2")"); shift ;;
    --patch) extra_patches+=("$(readlink -f "$2")"); shift ;;
    --config-fragment) fragment=$(readlink -f "$2"); shift ;;
    --build-dir) build_root=$2; shift ;;
    -q) quiet=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-xen: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done
log() { [ "$quiet" = 1 ] || echo "build-xen: $*" >&2; }
die() { echo "build-xen: $*" >&2; exit 1; }

[ "${#series_files[@]}" -gt 0 ] || series_files=("$top/tracing/patches/series")
patches=()
for series in "${series_files[@]}"; do
  [ -e "$series" ] || die "no series file $series"
  while read -r p; do
    case "$p" in ''|'#'*) continue ;; esac
    patches+=("$(dirname "$series")/$p")
  done < "$series"
done
patches+=("${extra_patches[@]}")
for p in "${patches[@]}"; do [ -f "$p" ] || die "patch not found: $p"; done

# Identify the source: Debian's .dsc checksum, or the user's tree content.
if [ -z "$xen_src" ]; then
  dsc=$(ls "$cache"/src/xen_*.dsc 2>/dev/null | sort -V | tail -1)
  [ -n "$dsc" ] || die "no Xen source package in $cache/src (run scripts/install-deps.sh)"
  src_id="debian:$(basename "$dsc"):$(sha256sum "$dsc" | cut -c1-16)"
elif [ -d "$xen_src/.git" ]; then
  src_id="git:$(git -C "$xen_src" rev-parse HEAD):$( (git -C "$xen_src" diff HEAD; git -C "$xen_src" ls-files --others --exclude-standard) | sha256sum | cut -c1-16)"
else
  src_id="tree:$(cd "$xen_src" && find xen -type f \( -name '*.[chS]' -o -name 'Kconfig*' -o -name 'Makefile' -o -name '*.mk' \) -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
fi
key=$( { echo "$src_id"; for p in "${patches[@]}"; do sha256sum < "$p"; done;
         [ -n "$fragment" ] && sha256sum < "$fragment"; echo "aarch64-linux-gnu defconfig"; } | sha256sum | cut -c1-16)
out=$build_root/$key
if [ -f "$out/xen.img" ]; then
  log "cached build $key"
  echo "$out/xen.img"
  exit 0
fi

mkdir -p "$build_root"
work=$(mktemp -d "$build_root/.tmp-$key.XXXXXX")
trap 'rm -rf "$work"' EXIT
log "preparing sources ($src_id)"
if [ -z "$xen_src" ]; then
  dpkg-source --no-check -x "$dsc" "$work/src" >/dev/null
else
  mkdir -p "$work/src"
  tar -C "$xen_src" --exclude=.git -cf - . | tar -C "$work/src" -xf -
  make -s -C "$work/src/xen" XEN_TARGET_ARCH=arm64 distclean >/dev/null 2>&1 || true
fi
for p in "${patches[@]}"; do
  log "applying $(basename "$p")"
  patch -d "$work/src" -p1 --quiet --batch --forward < "$p" || die "patch does not apply: $p"
done
mk=(make -C "$work/src/xen" XEN_TARGET_ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
log "configuring (defconfig${fragment:+ + $(basename "$fragment")})"
"${mk[@]}" -s defconfig >/dev/null
if [ -n "$fragment" ]; then
  cat "$fragment" >> "$work/src/xen/.config"
  "${mk[@]}" -s olddefconfig >/dev/null
fi
log "compiling Xen (about a minute)"
"${mk[@]}" -j"$(nproc)" > "$work/build.log" 2>&1 || { tail -20 "$work/build.log" >&2; die "Xen build failed (log: $work/build.log)"; }
mkdir -p "$work/out"
cp "$work/src/xen/xen" "$work/out/xen.img"
cp "$work/src/xen/xen-syms" "$work/src/xen/.config" "$work/out/"
{ echo "source=$src_id"; for p in "${patches[@]}"; do echo "patch=$(basename "$p") $(sha256sum < "$p" | cut -c1-16)"; done
  echo "version=$(cat "$work/src/xen/include/xen/compile.h" 2>/dev/null | awk -F'"' '/define XEN_VERSION_STRING|XEN_FULLVERSION/ {print $2; exit}')"
} > "$work/out/manifest"
# Keep the patched tree: trace formats and headers are read from it later.
mv "$work/src" "$work/out/src"
rm -rf "$out"
mv "$work/out" "$out"
log "built $key"
echo "$out/xen.img"
