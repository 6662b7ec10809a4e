#!/usr/bin/env bash
# Every test suite, after installing what they need (idempotent; system packages need root or sudo):
#   kmod (modprobe: the resolver's reference), ripgrep (the scan benchmark's reference), Debian's kernel sources at
#   the exact versions the corpus tests were read from (scripts/setup-kernel-tree.sh), Chromium + Node 24 + code-server
#   (the tests inside a real VS Code).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
for p in kmod ripgrep; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
bash scripts/setup-kernel-tree.sh
bash scripts/setup-vscode-test.sh >/dev/null

npm test
npm run test:vscode
npm run test:ui
