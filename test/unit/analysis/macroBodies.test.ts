/**
 * Wrapper macros' bodies (`#define M(x) request_module("m-%s", x)`): each definition's calls are read exactly, at its
 * own lines, while a body written alike by several definitions is parsed once, and a body is parsed again only for a
 * callee found after its first read. (A file of 47,233 copies of one definition took 94,466 parses and 14 s; the
 * property suite's per-case bound covers the cost, these the facts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFile, type AnalysisSets } from '../../../src/analysis/fileAnalysis';
import type { ArgExpr, RawCall } from '../../../src/analysis/facts';
import { type CParser, getParser } from '../../../src/analysis/parser';
import { ALIAS_TOKEN, REQUEST_FUNCTIONS, REQUEST_TOKENS } from '../../../src/analysis/requestFunctions';

/** The first scan pass's sets: the request functions and MODULE_ALIAS*. */
const FIRST_PASS: AnalysisSets = {
  tokens: [...REQUEST_TOKENS, ALIAS_TOKEN].map((t) => Buffer.from(t)),
  callees: new Set(REQUEST_FUNCTIONS.keys()),
  constants: new Set(),
};

const SOURCE = [
  '#define M(x) request_module("m-%s", x)',
  '#define M(x) request_module("m-%s", x)',
  '#define N(x) request_module("m-%s", x)',
  '#define P(x, y) M(x); request_module("p-%s", y)',
  '#define P(x, y) M(x); request_module("p-%s", y)',
  '#define Q(a) \\',
  '\trequest_module("q-%d", a)',
  '#define Q(a) \\',
  '\trequest_module("q-%d", a)',
  '',
].join('\n');

const param = (text: string, index: number): ArgExpr => ({ kind: 'param', text, index });
const literal = (value: string): ArgExpr => ({ kind: 'string', text: `"${value}"`, value });

/** A discarded call (a statement of its own in the body) of a macro. */
function call(
  definition: string,
  callee: string,
  line: number,
  column: number,
  endColumn: number,
  args: ArgExpr[],
): RawCall {
  return {
    callee,
    line,
    column,
    endLine: line,
    endColumn,
    args,
    returnUse: 'discarded',
    assignedTested: null,
    tail: false,
    definition,
    inMacro: true,
    zeroPath: { testLine: null, lookups: [], retry: null },
  };
}

const macro = (name: string, line: number, endLine: number, params: string[]) => ({
  name,
  kind: 'macro',
  line,
  endLine,
  isStatic: false,
  params,
  variadic: false,
});

/** The parser, counting the separate parses it makes (macro bodies, and whole files: this file has no code). */
function counting(parser: CParser): { parser: CParser; parses: () => number } {
  let n = 0;
  // analyzeFile parses through a view of the file's budget: that view counts too.
  const view = (p: CParser): CParser => ({
    ...p,
    withTree: (text, use) => {
      n++;
      return p.withTree(text, use);
    },
    forFile: () => view(p.forFile()),
  });
  return { parser: view(parser), parses: () => n };
}

describe('wrapper macro bodies', () => {
  for (const backend of ['native', 'wasm'] as const) {
    it(`repeated and distinct definitions: every call at its own line, one parse per body text and name (${backend})`, async () => {
      const loaded = await getParser(backend);
      if (!loaded.ok) assert.fail(loaded.error.message);
      const { parser, parses } = counting(loaded.value);
      const facts = analyzeFile(parser, 'm.c', Buffer.from(SOURCE), FIRST_PASS);
      // `request_module(` starts after `#define M(x) ` (13 characters) and spans 25; after `#define P(x, y) M(x); `
      // (22) in P, whose `M(x)` starts after 16; after a tab in Q. A call's end column is the one after its `)`.
      const m = (def: string, line: number) =>
        call(def, 'request_module', line, 14, 39, [literal('m-%s'), param('x', 0)]);
      const p = (line: number) => [
        call('P', 'M', line, 17, 21, [param('x', 0)]),
        call('P', 'request_module', line, 23, 48, [literal('p-%s'), param('y', 1)]),
      ];
      const q = (line: number) => call('Q', 'request_module', line, 2, 27, [literal('q-%d'), param('a', 0)]);
      assert.deepEqual(facts, {
        file: 'm.c',
        calls: [m('M', 1), m('M', 2), m('N', 3), ...p(4), ...p(5), q(7), q(9)],
        definitions: [
          macro('M', 1, 1, ['x']),
          macro('M', 2, 2, ['x']),
          macro('N', 3, 3, ['x']),
          macro('P', 4, 4, ['x', 'y']),
          macro('P', 5, 5, ['x', 'y']),
          macro('Q', 6, 7, ['a']),
          macro('Q', 8, 9, ['a']),
        ],
        aliases: [],
        macros: [],
        wholeFile: false,
        includes: [],
      });
      // The first round reads the bodies of M, N (the same text under another name), P and Q; the second, looking for
      // the callers of the macros found, reads P's again for its call of M, and no other body.
      assert.equal(parses(), 5);
    });

    it(`a request tested in a macro body: the test's line is the file's, like the call's (${backend})`, async () => {
      const loaded = await getParser(backend);
      if (!loaded.ok) assert.fail(loaded.error.message);
      const source = ['/* loaders */', '', '#define R(x) \\', '\tif (request_module("r-%s", x)) \\', '\t\treturn', ''];
      const facts = analyzeFile(loaded.value, 'r.c', Buffer.from(source.join('\n')), FIRST_PASS);
      assert.deepEqual(
        facts?.calls.map((c) => [c.definition, c.line, c.column, c.returnUse, c.zeroPath.testLine]),
        [['R', 4, 6, 'condition', 4]],
      );
    });
  }
});
