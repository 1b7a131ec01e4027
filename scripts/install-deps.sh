#!/usr/bin/env bash
# Install everything vtimer-bench needs on Debian 12 (bookworm), idempotently:
# host packages, arm64 multiarch, the main suite's deb-src, and a cache of the
# Xen source package and the arm64 .debs the emulated platform boots.
# Usage: scripts/install-deps.sh [--check] [--lava] [--cache DIR]
#   --lava  also LAVA 2023.01 (scripts/deps/lava.optional, ~200 packages,
#           346 MB): the LAVA runner and its e2e test (docs/lava.md)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
cache=${VTB_CACHE:-$here/cache}
check_only=0 lava=0
while [ $# -gt 0 ]; do
  case "$1" in
    --check) check_only=1 ;;
    --lava) lava=1 ;;
    --cache) cache=$2; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "install-deps: unknown option '$1'" >&2; exit 2 ;;
  esac
  shift
done

# Package lists live in scripts/deps/*.host and *.arm64, one name per line.
read_list() { cat "$here"/scripts/deps/*."$1" | sed 's/#.*//' | awk 'NF {print $1}' | sort -u; }
mapfile -t host_pkgs < <(read_list host)
[ "$lava" = 0 ] || mapfile -t -O "${#host_pkgs[@]}" host_pkgs < <(read_list optional)
mapfile -t arm64_debs < <(read_list arm64)
list_hash=$(cat "$here"/scripts/deps/*.arm64 | sha256sum | cut -c1-16)

missing_host() {
  local p
  for p in "${host_pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"
  done
}

need=$(missing_host | tr '\n' ' ')
if [ "$check_only" = 1 ]; then
  [ -z "$need" ] && [ -f "$cache/.complete-$list_hash" ] && [ -f "$cache/src/qemu/qemu-plugin.h" ] && exit 0
  [ -n "$need" ] && echo "missing packages: $need"
  [ -f "$cache/.complete-$list_hash" ] || echo "missing download cache: $cache"
  [ -f "$cache/src/qemu/qemu-plugin.h" ] || echo "missing QEMU plugin header: $cache/src/qemu/qemu-plugin.h"
  exit 1
fi

if [ "$(id -u)" != 0 ]; then
  SUDO=sudo
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; as root run: dpkg --add-architecture arm64 && apt-get update && apt-get install $need" >&2; exit 1; }
else
  SUDO=
fi

echo "==> enabling arm64 multiarch and the main suite's deb-src"
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  $SUDO dpkg --add-architecture arm64
fi
src_list=/etc/apt/sources.list.d/vtimer-bench-src.sources
if [ ! -f "$src_list" ]; then
  # Only the main suite: the security suite's source pool answers 404.
  $SUDO tee "$src_list" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
stamp=/var/lib/apt/periodic/vtimer-bench-update
if [ ! -f "$stamp" ] || [ -n "$(find "$stamp" -mmin +720 2>/dev/null)" ] || [ -n "$need" ]; then
  $SUDO apt-get update -q -o APT::Update::Error-Mode=any >/dev/null || $SUDO apt-get update -q >/dev/null || true
  $SUDO mkdir -p "$(dirname "$stamp")"; $SUDO touch "$stamp"
fi
if [ -n "$need" ]; then
  echo "==> installing: $need"
  # A plain PATH: LAVA's package scripts run python3, and a python3 shim
  # earlier on PATH (without Django) breaks them (scripts/deps/lava.optional).
  DEBIAN_FRONTEND=noninteractive $SUDO env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    apt-get install -y -q --no-install-recommends $need >/dev/null
fi

mkdir -p "$cache/debs" "$cache/src"
if [ ! -f "$cache/.complete-$list_hash" ]; then
  echo "==> fetching the Xen source package into $cache/src"
  if ! ls "$cache"/src/xen_*.dsc >/dev/null 2>&1; then
    (cd "$cache/src" && apt-get source --download-only xen >/dev/null)
  fi
  echo "==> fetching arm64 packages into $cache/debs"
  kernel_meta=linux-image-cloud-arm64:arm64
  # The metapackage names the current versioned kernel: never wildcard linux-image-*.
  kernel_pkg=$(apt-cache depends "$kernel_meta" | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [ -n "$kernel_pkg" ] || { echo "install-deps: cannot resolve $kernel_meta" >&2; exit 1; }
  (cd "$cache/debs" && for p in "${kernel_pkg%%:*}" "${arm64_debs[@]}"; do
      ls "${p}"_*_arm64.deb "${p}"_*_all.deb >/dev/null 2>&1 || apt-get download "$p:arm64" >/dev/null 2>&1 || apt-get download "$p" >/dev/null
    done)
  touch "$cache/.complete-$list_hash"
fi

# The profiler's TCG plugin (profiler/) compiles against the plugin API of the
# QEMU installed here: the header comes from the same version's source package.
qemu_ver=$(dpkg-query -W -f='${source:Version}' qemu-system-arm 2>/dev/null || true)
[ -n "$qemu_ver" ] || { echo "install-deps: qemu-system-arm is not installed: cannot fetch its plugin header" >&2; exit 1; }
qsrc=$cache/src/qemu
if [ "$(cat "$qsrc/qemu-plugin.version" 2>/dev/null)" != "$qemu_ver" ]; then
  echo "==> fetching QEMU $qemu_ver's source package for its plugin header"
  mkdir -p "$qsrc"
  if ! ls "$qsrc"/qemu_"${qemu_ver#*:}".dsc >/dev/null 2>&1; then
    (cd "$qsrc" && apt-get source --download-only "qemu=$qemu_ver" >/dev/null 2>&1) ||
      { echo "install-deps: apt-get source qemu=$qemu_ver failed (is the main suite's deb-src enabled?)" >&2; exit 1; }
  fi
  upstream=${qemu_ver#*:}; upstream=${upstream%-*}
  orig=$(ls "$qsrc"/qemu_"$upstream".orig.tar.* 2>/dev/null | head -1)
  [ -n "$orig" ] || { echo "install-deps: no qemu_$upstream.orig.tar.* in $qsrc" >&2; exit 1; }
  tar -xaOf "$orig" --wildcards '*/include/qemu/qemu-plugin.h' > "$qsrc/qemu-plugin.h.tmp" 2>/dev/null &&
    grep -q '^#define QEMU_PLUGIN_VERSION' "$qsrc/qemu-plugin.h.tmp" ||
    { rm -f "$qsrc/qemu-plugin.h.tmp"; echo "install-deps: $orig has no include/qemu/qemu-plugin.h" >&2; exit 1; }
  mv "$qsrc/qemu-plugin.h.tmp" "$qsrc/qemu-plugin.h"
  echo "$qemu_ver" > "$qsrc/qemu-plugin.version"
fi
echo "==> dependencies ready (cache: $cache)"
