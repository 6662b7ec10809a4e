/**
 * Hostile nesting: request calls nested thousands deep scan without exception and are read exactly (the time is the
 * nesting benchmark's business, test/bench/nesting-bench.ts); and the ancestor chains the analysis climbs with agree
 * with tree-sitter's own `parent` and `descendantForIndex` on every node of a real-shaped file, in any order.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { descendantFor, nearest, parentOf, type Ancestor } from '../../../src/analysis/ancestry';
import { scanTree } from '../../../src/analysis/index';
import { getParser, type CNode, type ParserBackend } from '../../../src/analysis/parser';
import type { CallSiteInfo } from '../../../src/engine/sourceIndex';
import { deepSource, type DeepShape } from '../../fixtures/deepNesting';

const repo = path.resolve(__dirname, '../../../..');
const dirs: string[] = [];
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function scanDeep(shape: DeepShape, depth: number, backend: ParserBackend): Promise<CallSiteInfo[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autoload-lens-deep-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'deep.c'), deepSource(shape, depth));
  const r = await scanTree(dir, { cache: false, threads: 0, backend });
  if (!r.ok) assert.fail(r.error.message);
  return r.value.callSites;
}

/**
 * The call site of `request_module("fs-%s", name)` in deep_request at line 5 (after `static void *hook;`, a blank
 * line, the head and `{`): `tail` when deep_request returns its value.
 */
function site(column: number, returnUse: CallSiteInfo['returnUse'], tail = false): CallSiteInfo {
  return {
    file: 'deep.c',
    line: 5,
    column,
    callee: 'request_module',
    kind: 'direct',
    via: [],
    function: 'deep_request',
    format: 'fs-%s',
    pattern: 'fs-*',
    name: null,
    family: 'fs-',
    // `fs-` and a `%s` of any length.
    shapes: [['fs-', { conversion: 's', flags: '', width: null, precision: null }]],
    arguments: ['"fs-%s"', 'name'],
    returnUse,
    assignedTested: null,
    tail,
    requestsHere: true,
    // Nothing looks the filesystem up again: `hook` is only read before the call.
    recheck: null,
    queue: null,
    wait: true,
    endLine: 5,
    // `request_module("fs-%s", name)` is 29 characters.
    endColumn: column + 29,
  };
}

describe('request calls nested thousands deep', () => {
  for (const backend of ['native', 'wasm'] as const) {
    it(`braces 10,000 deep around the call (${backend})`, async () => {
      // Line 5 is a tab, 10,000 braces, a space and `if (`: the callee starts at column 1 + 10,000 + 1 + 4 + 1.
      assert.deepEqual(await scanDeep('braces', 10000, backend), [site(10007, 'condition')]);
    });
  }

  it('parentheses 10,000 deep around a returned call', async () => {
    // A tab, `return `, then 10,000 parentheses.
    assert.deepEqual(await scanDeep('parens', 10000, 'native'), [site(1 + 7 + 10000 + 1, 'returned', true)]);
  });

  it('1,000 nested `if (!hook) {` guards around the call', async () => {
    // A tab, then 1,000 times the 12 characters of `if (!hook) {`, and a space.
    assert.deepEqual(await scanDeep('guards', 1000, 'native'), [site(1 + 12 * 1000 + 1 + 1, 'discarded')]);
  });

  it('1,000 calls, each a block deeper than the one before', async () => {
    // A tab, then `{ request_module("fs-%s", name);` (32 characters) per call: the k-th callee (from 0) starts after
    // the tab, k of them and `{ `.
    const sites = await scanDeep('calls', 1000, 'native');
    assert.deepEqual(
      sites,
      Array.from({ length: 1000 }, (_, k) => site(1 + 32 * k + 2 + 1, 'discarded')),
    );
  });
});

describe('thousands of request calls side by side', () => {
  it('2,000 returned requests in one block of a function left open', async () => {
    // A tab and `if (!hook) {` (12 characters), then `return request_module("fs-%s", name);` (37) per call: the k-th
    // callee (from 0) starts after the tab, the guard, k of them and `return `.
    const sites = await scanDeep('returns', 2000, 'native');
    assert.deepEqual(
      sites.map((s) => [s.line, s.column, s.callee, s.returnUse]),
      Array.from({ length: 2000 }, (_, k) => [5, 1 + 12 + 37 * k + 7 + 1, 'request_module', 'returned']),
    );
  });
});

describe('ancestor chains', () => {
  /** Every node of the tree, in document order, by a cursor walk of its own. */
  function allNodes(root: CNode): CNode[] {
    const out: CNode[] = [];
    const stack = [root];
    while (stack.length > 0) {
      const n = stack.pop() as CNode;
      out.push(n);
      const children = n.children;
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
    return out;
  }

  /** The ids of the nodes above `n`, nearest first: by tree-sitter's parent, and by the links of parentOf. */
  const parentChain = (n: CNode): number[] => {
    const ids: number[] = [];
    for (let p = n.parent; p; p = p.parent) ids.push(p.id);
    return ids;
  };
  const linkedChain = (n: CNode): Ancestor[] => {
    const chain: Ancestor[] = [];
    for (let a = parentOf(n); a; a = a.parent) chain.push(a);
    return chain;
  };
  const BLOCKS = ['compound_statement', 'if_statement'];

  // Real-shaped sources, one with a parse error (and the ERROR and MISSING nodes that come with it).
  const sources = [
    fs.readFileSync(path.join(repo, 'test/fixtures/c/drivers/misc/demo.c'), 'utf8'),
    fs.readFileSync(path.join(repo, 'test/fixtures/c/net/socket.c'), 'utf8'),
    'int f(void) { if ((x) { return (request_module("a")); } ((void)0); }\nstruct s { int a; } v = { .a = ((1)) };\n',
    // Wide nodes (more than 64 children, bisected): 150 top-level declarations and a 200-element initializer.
    `${Array.from({ length: 150 }, (_, i) => `int v${i} = ${i};`).join('\n')}\nint w[] = { ${Array.from({ length: 200 }, (_, i) => i).join(', ')} };\n`,
  ];

  for (const backend of ['native', 'wasm'] as const) {
    it(`equal parent walks and descendantForIndex in document, reverse and scattered order (${backend})`, async () => {
      const parser = await getParser(backend);
      if (!parser.ok) assert.fail(parser.error.message);
      for (const text of sources) {
        parser.value.withTree(text, (root) => {
          const nodes = allNodes(root).filter((n) => n.endIndex > n.startIndex);
          // Every seventh node, wrapping round: far jumps up and down the tree between consecutive questions.
          const scattered = nodes.map((_, i) => nodes[(i * 7) % nodes.length]);
          for (const order of [nodes, [...nodes].reverse(), scattered]) {
            for (const n of order) {
              const chain = linkedChain(n);
              assert.deepEqual(
                chain.map((a) => a.id),
                parentChain(n),
                `${n.type} at ${n.startIndex}`,
              );
              assert.deepEqual(
                chain.map((a) => a.depth),
                chain.map((_, i) => chain.length - 1 - i),
              );
              assert.equal(nearest(chain[0] ?? null, BLOCKS)?.id, chain.find((a) => BLOCKS.includes(a.type))?.id);
              assert.equal(
                descendantFor(root, n.startIndex, n.endIndex).id,
                root.descendantForIndex(n.startIndex, n.endIndex)?.id,
              );
            }
          }
        });
      }
    });
  }
});
