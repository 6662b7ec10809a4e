/**
 * A parse that runs past its budget gives up (tree-sitter-c's error recovery is quadratic on some malformed text):
 * the file is listed as not analysed, with the reason, and the parser is as good as new for the next one. The budget
 * is the file's: its parses, queries and the analysis between them together. A budget of 0 ms makes any parse of more than a few hundred parser
 * steps give up, whatever the machine.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { preparePass, runBatch } from '../../../src/analysis/batch';
import { NameStore } from '../../../src/analysis/nameIndex';
import { loadParser, ParseGaveUp } from '../../../src/analysis/parser';
import { ALIAS_TOKEN, REQUEST_FUNCTIONS, REQUEST_TOKENS } from '../../../src/analysis/requestFunctions';

/** A function with a request and 300 statements more: thousands of parser steps. */
const LONG_FUNCTION = [
  'static int load(int id)',
  '{',
  '\tint n = 0;',
  ...Array.from({ length: 300 }, (_, i) => `\tn += id * ${i};`),
  '\treturn request_module("codec-%d", n);',
  '}',
  '',
].join('\n');

const first = [...REQUEST_TOKENS, ALIAS_TOKEN];
const FIRST_PASS = preparePass({
  search: first,
  searchHeaders: [],
  tokens: first,
  callees: [...REQUEST_FUNCTIONS.keys()],
  constants: [],
  wholeFile: false,
  indexNames: true,
  aliasMacros: [],
  fillers: [],
});

describe('the parse budget', () => {
  for (const backend of ['native', 'wasm'] as const) {
    it(`a parse past its budget gives up, and the next parse starts afresh (${backend})`, async () => {
      const loaded = await loadParser(backend, 0);
      if (!loaded.ok) assert.fail(loaded.error.message);
      const parser = loaded.value;
      assert.throws(() => parser.parse(LONG_FUNCTION), ParseGaveUp);
      // A few parser steps: done before the budget is looked at. A parse resumed from the stopped one would not be
      // this declaration alone.
      const tree = parser.parse('int x;');
      assert.equal(tree.root.text, 'int x;');
      assert.deepEqual(
        tree.root.children.map((c) => c.type),
        ['declaration'],
      );
      tree.free();
    });

    it(`a query past its budget gives up: its cursor may have stopped early (${backend})`, async () => {
      const generous = await loadParser(backend, 60_000);
      const tight = await loadParser(backend, 0);
      if (!generous.ok || !tight.ok) assert.fail('no parser');
      const tree = generous.value.parse(LONG_FUNCTION);
      try {
        assert.equal(generous.value.captures('calls', tree.root).length > 0, true);
        assert.throws(() => tight.value.captures('calls', tree.root), ParseGaveUp);
      } finally {
        tree.free();
      }
    });

    it(`the parses and queries of one file share its budget (${backend})`, async () => {
      const loaded = await loadParser(backend, 200);
      if (!loaded.ok) assert.fail(loaded.error.message);
      const file = loaded.value.forFile();
      const tree = file.parse('int x;');
      try {
        assert.deepEqual(
          file.captures('calls', tree.root).map((c) => c.name),
          [],
        );
        // The file's 200 ms spent: its next parse, however small, and its next query give up; a parse of another
        // file (the parser itself, or a new view) has a budget of its own.
        const spent = performance.now() + 200;
        while (performance.now() <= spent);
        assert.throws(() => file.parse('int y;'), ParseGaveUp);
        assert.throws(() => file.captures('calls', tree.root), ParseGaveUp);
        // The analysis between parses and queries asks too.
        assert.throws(() => file.check(), ParseGaveUp);
        loaded.value.parse('int y;').free();
        loaded.value.check();
        const other = loaded.value.forFile();
        other.parse('int y;').free();
        other.check();
      } finally {
        tree.free();
      }
    });

    it(`a file whose parse gives up is listed as not analysed, with the reason, and the batch goes on (${backend})`, async () => {
      const loaded = await loadParser(backend, 0);
      if (!loaded.ok) assert.fail(loaded.error.message);
      const dir = mkdtempSync(path.join(tmpdir(), 'autoload-budget-'));
      try {
        writeFileSync(path.join(dir, 'codec.c'), LONG_FUNCTION);
        writeFileSync(path.join(dir, 'plain.c'), 'int x;\n');
        const r = await runBatch(loaded.value, dir, ['codec.c', 'plain.c'], FIRST_PASS, 1 << 20, new NameStore());
        assert.deepEqual(r.unreadable, [
          {
            file: 'codec.c',
            reason:
              'the analysis gave up after 0 s of parsing, querying and reading this file (malformed or machine-made code?): not analysed',
          },
        ]);
        assert.deepEqual(r.facts, []);
        // Both read; plain.c (no request) scanned, codec.c not analysed.
        assert.deepEqual([r.scanned, r.skipped], [1, 0]);
        assert.deepEqual(
          r.stats.map((s) => s?.skipped),
          [false, false],
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
