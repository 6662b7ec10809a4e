// Bundles the CLI, the extension and the tests with esbuild (tsc only type-checks).
// Tree-sitter's native bindings locate their prebuilds relative to their own package, so they stay external.
import * as esbuild from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

function filesUnder(dir, suffix) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(suffix))
    .map((d) => join(d.parentPath ?? d.path, d.name));
}

const nativeExternals = ['vscode', 'tree-sitter', 'tree-sitter-c', 'web-tree-sitter'];
const bundling = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  loader: { '.scm': 'text' },
  logLevel: 'warning',
};

// The scan cache keeps whole indexes (with their findings' messages), which the code of every bundle builds: a hash of
// the sources of the analysis layer (what it imports from the engine included), the same in every bundle of one
// build, tells the cache when they changed.
const analysis = await esbuild.build({
  ...bundling,
  entryPoints: ['src/analysis/index.ts'],
  external: nativeExternals,
  write: false,
  metafile: true,
});
const indexCode = createHash('sha1');
for (const file of Object.keys(analysis.metafile.inputs).sort()) indexCode.update(file).update(readFileSync(file));

const common = {
  ...bundling,
  sourcemap: true,
  define: { AUTOLOAD_LENS_INDEX_CODE: JSON.stringify(indexCode.digest('hex')) },
};

const production = process.argv.includes('--production');
const builds = [];

builds.push(
  esbuild.build({
    ...common,
    // The scan worker (src/analysis/scanWorker.ts) is its own bundle: worker threads load it by path.
    entryPoints: { cli: 'src/cli/main.ts', scanWorker: 'src/analysis/scanWorker.ts' },
    outdir: 'dist',
    external: nativeExternals,
    banner: { js: '#!/usr/bin/env node' },
    minify: production,
  }),
);

if (existsSync('src/extension/extension.ts')) {
  builds.push(
    esbuild.build({
      ...common,
      entryPoints: { extension: 'src/extension/extension.ts' },
      outdir: 'dist',
      external: nativeExternals,
      minify: production,
    }),
  );
}

// Tests and benchmarks: one bundle per entry, dependencies left in node_modules.
rmSync('out', { recursive: true, force: true });
const testEntries = [
  ...filesUnder('test', '.test.ts'),
  ...filesUnder('test/bench', '.ts').filter((f) => !f.endsWith('.test.ts')),
  ...filesUnder('test/fuzz', 'run.ts'),
  ...filesUnder('test/vscode', '.ts'),
];
if (testEntries.length > 0) {
  builds.push(
    esbuild.build({
      ...common,
      entryPoints: testEntries,
      outdir: 'out/test',
      outbase: 'test',
      packages: 'external',
    }),
  );
}

await Promise.all(builds);
