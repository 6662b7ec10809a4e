/**
 * The layering the project is built on (ARCHITECTURE.md): the engine and the analysis layer never import vscode, the
 * engine never imports the analysis layer, neither imports the CLI or the editor glue, the CLI never imports the
 * editor glue, and no two folders import each other, directly or round a longer loop.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { folderCycles, importsOf, inArea, readSources, type ImportEdge } from './importGraph';

/** What each area must not import: folders of src/, or packages. */
const FORBIDDEN: Array<{ area: string; folders: string[]; packages: string[] }> = [
  { area: 'engine', folders: ['analysis', 'cli', 'extension'], packages: ['vscode'] },
  { area: 'analysis', folders: ['cli', 'extension'], packages: ['vscode'] },
  { area: 'cli', folders: ['extension'], packages: ['vscode'] },
];

/** Each import that breaks FORBIDDEN, as "file imports specifier". */
function forbiddenImports(edges: ImportEdge[]): string[] {
  const broken: string[] = [];
  for (const e of edges) {
    for (const rule of FORBIDDEN) {
      if (!inArea(e.folder, rule.area)) continue;
      const badFolder = e.targetFolder !== null && rule.folders.some((f) => inArea(e.targetFolder!, f));
      const badPackage =
        e.targetFolder === null && rule.packages.some((p) => e.specifier === p || e.specifier.startsWith(`${p}/`));
      if (badFolder || badPackage) broken.push(`${e.file} imports ${e.specifier}`);
    }
  }
  return broken;
}

// The sources as compiled: the tests run from out/test/unit/structure.
const SRC = join(__dirname, '..', '..', '..', '..', 'src');

describe('the import structure of src/', () => {
  const edges = importsOf(readSources(SRC));

  it('reads the imports of every layer', () => {
    for (const area of ['engine', 'analysis', 'cli', 'extension']) {
      assert.ok(
        edges.some((e) => inArea(e.folder, area)),
        `no import read in src/${area}`,
      );
    }
    // The editor's entry imports vscode: the reader sees package imports.
    assert.ok(edges.some((e) => e.file === 'extension/extension.ts' && e.specifier === 'vscode'));
  });

  it('keeps vscode out of the engine and the analysis layer, and each layer to what it may import', () => {
    assert.deepEqual(forbiddenImports(edges), []);
  });

  it('has no import cycle between folders', () => {
    assert.deepEqual(folderCycles(edges), []);
  });
});

describe('the checks themselves', () => {
  const files: Array<[string, string]> = [
    ['engine/a.ts', "import { b } from './sub/b';\nimport type * as vscode from 'vscode';"],
    ['engine/sub/b.ts', "import { a } from '../a';\nexport const b = 1;"],
    ['engine/c.ts', "const x = require('../analysis/x') as typeof import('../analysis/x');"],
    ['analysis/x.ts', "import { e } from '../extension/e';"],
    ['extension/e.ts', "import * as vscode from 'vscode';\nimport { y } from './deep/y';"],
    ['extension/deep/y.ts', "import { z } from '../../cli/z';"],
    ['cli/z.ts', "import { e } from '../extension/e';"],
  ];
  const edges = importsOf(files);

  it('find each forbidden import, in code and in types', () => {
    assert.deepEqual(forbiddenImports(edges), [
      'engine/a.ts imports vscode',
      'engine/c.ts imports ../analysis/x',
      'engine/c.ts imports ../analysis/x',
      'analysis/x.ts imports ../extension/e',
      'cli/z.ts imports ../extension/e',
    ]);
  });

  it('find a cycle of two folders and one round three', () => {
    assert.deepEqual(folderCycles(edges), [
      {
        folders: ['cli', 'extension', 'extension/deep'],
        imports: [
          'cli/z.ts imports ../extension/e',
          'extension/e.ts imports ./deep/y',
          'extension/deep/y.ts imports ../../cli/z',
        ],
      },
      { folders: ['engine', 'engine/sub'], imports: ['engine/a.ts imports ./sub/b', 'engine/sub/b.ts imports ../a'] },
    ]);
  });
});
