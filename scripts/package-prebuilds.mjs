// Before `vsce package`: lets the .vsix's native parser load on glibc Linux systems whose libstdc++ is older than
// the one tree-sitter's upstream linux prebuild was linked against (it needs GLIBCXX_3.4.31, GCC 13; Debian 12 has
// 3.4.30). When that prebuild cannot load, `npm install` compiles the binding from source into build/Release.
// This copies that build beside the upstream file as `tree-sitter.glibc.node`, which node-gyp-build prefers on glibc
// (more specific tags win); musl, macOS and Windows keep the upstream prebuilds. The .vsix ships build/Release
// nowhere else: node-gyp-build would pick it on every platform.
import { copyFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const pkg = join(process.cwd(), 'node_modules', 'tree-sitter');
const built = join(pkg, 'build', 'Release', 'tree_sitter_runtime_binding.node');
const glibc =
  process.platform === 'linux' &&
  typeof process.report?.getReport === 'function' &&
  Boolean(process.report.getReport().header.glibcVersionRuntime);

if (!glibc || !existsSync(built)) {
  console.log('package-prebuilds: upstream tree-sitter prebuilds only (no local glibc build to add)');
} else {
  require(built); // fails loudly if the local build itself does not load
  const target = join(pkg, 'prebuilds', `${process.platform}-${process.arch}`, 'tree-sitter.glibc.node');
  copyFileSync(built, target);
  console.log(`package-prebuilds: added ${target} (built here from source; upstream prebuild kept for other libcs)`);
}
