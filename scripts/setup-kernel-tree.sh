#!/usr/bin/env bash
# Puts Debian's kernel source trees, at the exact versions the corpus tests were read from, in the cache folder
# (outside the repo): linux-source-6.12 6.12.117-1~deb12u1 (the whole-tree corpus test and the scan benchmark) and
# linux-source-6.1 6.1.176-1 (the source of the traced 6.1 kernel of samples/boot-6.1-qemu). A point release moves
# lines, so nothing else will do: the package is fetched with `apt-get download PKG=VERSION` and unpacked with
# `dpkg-deb -x`, never installed. Idempotent: a tree whose stamp names its version is kept.
set -euo pipefail
cache="${AUTOLOAD_LENS_CACHE:-$HOME/.cache/autoload-lens}"
mkdir -p "$cache/debs"

# PACKAGE VERSION TREE-FOLDER
trees=(
  "linux-source-6.12 6.12.117-1~deb12u1 linux-source-6.12"
  "linux-source-6.1 6.1.176-1 linux-source-6.1"
)

for entry in "${trees[@]}"; do
  read -r pkg version folder <<<"$entry"
  tree="$cache/$folder"
  if [ -f "$tree/include/linux/kmod.h" ] && [ "$(cat "$tree/.debian-version" 2>/dev/null)" = "$version" ]; then
    echo "kernel tree: $tree ($pkg $version, cached)"
    continue
  fi
  deb="$cache/debs/${pkg}_${version}_all.deb"
  if [ ! -f "$deb" ]; then
    if ! (cd "$cache/debs" && apt-get download "$pkg=$version"); then
      echo "error: cannot download Debian's $pkg at version $version (apt-get download $pkg=$version failed)." >&2
      echo "       The corpus tests assert lines of exactly that version; no other version will do. Check that the machine" >&2
      echo "       reaches deb.debian.org (bookworm and bookworm-security, after apt-get update), or put $(basename "$deb") in $cache/debs." >&2
      exit 1
    fi
    [ -f "$deb" ] || { echo "error: apt-get download $pkg=$version did not leave $deb" >&2; exit 1; }
  fi
  tmp="$(mktemp -d "$cache/extract.XXXXXX")"
  dpkg-deb -x "$deb" "$tmp/deb"
  tarball=$(ls "$tmp/deb/usr/src/"linux-source-*.tar.xz | head -1)
  [ -f "$tarball" ] || { echo "error: $deb holds no usr/src/linux-source-*.tar.xz" >&2; exit 1; }
  mkdir "$tmp/src"
  tar -xf "$tarball" -C "$tmp/src"
  rm -rf "$tree"
  mv "$tmp/src/"linux-source-* "$tree"
  echo "$version" > "$tree/.debian-version"
  rm -rf "$tmp"
  echo "kernel tree: $tree ($pkg $version)"
done
