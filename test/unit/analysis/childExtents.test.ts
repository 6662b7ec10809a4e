/**
 * A node's children read by extent through a cursor agree with tree-sitter's own `children` (their positions, ends and
 * nodes), asked in any order, in both bindings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChildExtents } from '../../../src/analysis/childExtents';
import { getParser } from '../../../src/analysis/parser';

const SOURCES = [
  // 150 top-level declarations (a wide root).
  Array.from({ length: 150 }, (_, i) => `int v${i} = ${i};`).join('\n'),
  // Stray statements and an error with a MISSING node (children of zero width share a start).
  ';\n;\nint f(void) { return request_module("a") }\n%%\n;',
  // No child at all.
  '',
];

describe('ChildExtents', () => {
  for (const backend of ['native', 'wasm'] as const) {
    it(`equals children, asked forwards, backwards and scattered (${backend})`, async () => {
      const parser = await getParser(backend);
      if (!parser.ok) assert.fail(parser.error.message);
      for (const text of SOURCES) {
        parser.value.withTree(text, (root) => {
          const kids = root.children;
          const extents = new ChildExtents(root);
          try {
            assert.equal(extents.count, kids.length);
            assert.deepEqual(
              Array.from({ length: extents.count }, (_, i) => [
                extents.startRow[i],
                extents.startColumn[i],
                extents.endRow[i],
                extents.endColumn[i],
                extents.endIndex[i],
              ]),
              kids.map((k) => [
                k.startPosition.row,
                k.startPosition.column,
                k.endPosition.row,
                k.endPosition.column,
                k.endIndex,
              ]),
            );
            const forwards = kids.map((_, i) => i);
            const scattered = forwards.map((i) => (i * 7) % kids.length);
            for (const order of [forwards, [...forwards].reverse(), scattered])
              for (const i of order) assert.equal(extents.node(i).id, kids[i].id, `child ${i}`);
          } finally {
            extents.free();
          }
        });
      }
    });
  }
});
