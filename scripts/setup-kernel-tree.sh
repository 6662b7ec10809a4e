#!/usr/bin/env bash
# Puts Debian's linux-source-6.12 tree in the cache folder (outside the repo) for the corpus test and the benchmark.
# Idempotent: does nothing when the tree is already there.
set -euo pipefail
cache="${AUTOLOAD_LENS_CACHE:-$HOME/.cache/autoload-lens}"
tree="$cache/linux-source-6.12"
if [ -f "$tree/include/linux/kmod.h" ]; then
  echo "kernel tree: $tree (cached)"
  exit 0
fi
tarball=/usr/src/linux-source-6.12.tar.xz
if [ ! -f "$tarball" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: $tarball is missing; run as root: apt-get install -y linux-source-6.12" >&2
    exit 1
  fi
  apt-get install -y -qq linux-source-6.12 >/dev/null
fi
mkdir -p "$cache"
tmp="$(mktemp -d "$cache/extract.XXXXXX")"
tar -xf "$tarball" -C "$tmp"
rm -rf "$tree"
mv "$tmp/linux-source-6.12" "$tree"
rmdir "$tmp"
echo "kernel tree: $tree"
