#!/bin/sh
# Executable path handed to @vscode/test-electron's runTests(): runs the compiled shim (npm run build makes it).
here=$(cd "$(dirname "$0")" && pwd)
exec node "$here/../../out/test/vscode/code-server-shim.js" "$@"
