/**
 * tree-sitter's error recovery recurses once per level of some malformed nesting: `X@P("` then `f(` repeated (a
 * string its recovery reads as nested calls after the stray `@`). Native, it needs about 230 bytes of stack a level:
 * the editor's thread (8 MB at most) died of a segmentation fault at 40,000 levels. The wasm runtime's own stack
 * (about 77 KB) overflows at 2,000, and its memory is left overwritten. Neither may take the process down or spoil the
 * files analysed after it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { openSourceTree, scanTree } from '../../../src/analysis/index';
import type { SourceIndex } from '../../../src/engine/sourceIndex';

const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A request at line 1, then the nesting on line 2. */
const nested = (levels: number) => `int g(void) { return request_module("x"); }\nX@P("${'f('.repeat(levels)}"\n`;
const plain = 'int h(void) { return request_module("y"); }\n';

/** A tree of `files` (name → text). */
function treeOf(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autoload-lens-recovery-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const sites = (index: SourceIndex) => index.callSites.map((c) => `${c.file}:${c.line} ${c.name}`);

describe('error recovery deeper than a stack', () => {
  it('an edited file nested 60,000 levels is re-analysed exactly (on the editor thread it was a segmentation fault)', async () => {
    const opened = await openSourceTree(treeOf({ 'b.c': plain }), { backend: 'native', cache: false });
    if (!opened.ok) assert.fail(opened.error.message);
    try {
      const updated = await opened.value.update('a.c', nested(60_000));
      if (!updated.ok) assert.fail(updated.error.message);
      assert.deepEqual(sites(updated.value), ['a.c:1 x', 'b.c:1 y']);
    } finally {
      opened.value.dispose();
    }
  });

  it('a file that overflows the wasm stack is not analysed, with the reason, and the next file is (a scan)', async () => {
    // Sorted, the two files are one batch: b.c is parsed by the runtime rebuilt after a.c broke the first.
    const dir = treeOf({ 'a.c': nested(5_000), 'b.c': plain });
    for (const threads of [0, 1]) {
      const r = await scanTree(dir, { backend: 'wasm', cache: false, threads });
      if (!r.ok) assert.fail(r.error.message);
      assert.deepEqual(sites(r.value), ['b.c:1 y']);
      assert.deepEqual(r.value.files.unreadable.length, 1);
      assert.equal(r.value.files.unreadable[0]?.file, 'a.c');
      assert.match(
        r.value.files.unreadable[0]?.reason ?? '',
        /^the wasm parser failed on this file \(memory access out of bounds: tree-sitter's error recovery overflows its stack on some malformed nesting\): not analysed$/,
      );
    }
  });

  it('an edit that overflows the wasm stack keeps the index, and the next edit is analysed', async () => {
    const opened = await openSourceTree(treeOf({ 'b.c': plain }), { backend: 'wasm', cache: false });
    if (!opened.ok) assert.fail(opened.error.message);
    try {
      assert.equal(opened.value.backend, 'wasm');
      const before = opened.value.index;
      const broken = await opened.value.update('a.c', nested(5_000));
      assert.equal(broken.ok, false);
      assert.match(broken.ok ? '' : broken.error.message, /^a\.c: the wasm parser failed on this file/);
      assert.equal(opened.value.index, before);
      const fixed = await opened.value.update('a.c', nested(10));
      if (!fixed.ok) assert.fail(fixed.error.message);
      assert.deepEqual(sites(fixed.value), ['a.c:1 x', 'b.c:1 y']);
    } finally {
      opened.value.dispose();
    }
  });
});
