/**
 * `#define` directives are blanked in the text the parser reads (the analysis reads macros from the lines): a
 * definition compiles to nothing where it stands, and thousands of them inside an unclosed `(` sent tree-sitter's error
 * recovery quadratic (the property suite's per-case bound covers the cost; these, the facts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFile, type AnalysisSets } from '../../../src/analysis/fileAnalysis';
import type { FileFacts } from '../../../src/analysis/facts';
import { getParser, type ParserBackend } from '../../../src/analysis/parser';
import { ALIAS_TOKEN, REQUEST_FUNCTIONS, REQUEST_TOKENS } from '../../../src/analysis/requestFunctions';

const FIRST_PASS: AnalysisSets = {
  tokens: [...REQUEST_TOKENS, ALIAS_TOKEN].map((t) => Buffer.from(t)),
  callees: new Set(REQUEST_FUNCTIONS.keys()),
  constants: new Set(),
};

async function factsOf(backend: ParserBackend, file: string, lines: string[]): Promise<FileFacts | null> {
  const loaded = await getParser(backend);
  if (!loaded.ok) assert.fail(loaded.error.message);
  return analyzeFile(loaded.value, file, Buffer.from(lines.join('\n')), FIRST_PASS);
}

describe('#define directives in the parsed text', () => {
  for (const backend of ['native', 'wasm'] as const) {
    it(`a void function's last call before a #define is still its last: a tail call (${backend})`, async () => {
      const facts = await factsOf(backend, 'codec.c', [
        'static void load_codec(int id)',
        '{',
        '\trequest_module("codec-%d", id);',
        '#define CODEC_LOADED 1',
        '}',
        '',
      ]);
      assert.deepEqual(
        facts?.calls.map((c) => [c.callee, c.line, c.definition, c.tail]),
        [['request_module', 3, 'load_codec', true]],
      );
    });

    it(`wrapper definitions after an unclosed "(" are read from their lines as before (${backend})`, async () => {
      const facts = await factsOf(backend, 'm.c', [
        'x = "a"((',
        '#define M(x) request_module("m-%s", x)',
        '#define N(x) \\',
        '\trequest_module("n-%s", x)',
        '',
      ]);
      assert.deepEqual(
        facts?.calls.map((c) => [c.callee, c.definition, c.line, c.column, c.inMacro]),
        [
          ['request_module', 'M', 2, 14, true],
          ['request_module', 'N', 4, 2, true],
        ],
      );
    });
  }
});
