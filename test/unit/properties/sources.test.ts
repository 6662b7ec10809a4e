/**
 * Property: mutated C trees (the real-shaped files of test/fixtures/c with braces, quotes, macros, comments and line
 * continuations deleted, repeated and inserted, huge lines, NULs, invalid UTF-8, hostile file names) scanned in this
 * thread with either parser, and the index rendered in every format the CLI writes: no exception, reports that parse,
 * text without raw controls, each case within CASE_LIMITS.
 */
import { test } from 'node:test';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { scanTree } from '../../../src/analysis/index';
import { REPORT_FORMATS } from '../../../src/cli/args';
import { bounded, checkReport, checkResult, renderScan } from '../../fuzz/checks';
import { ROOT } from '../../fuzz/cli';
import { FUZZ, params } from '../../fuzz/config';
import { applyMutations, mutatedArb } from '../../fuzz/mutate';
import { scratchDir } from '../../fuzz/scratch';

const fixtures = path.join(ROOT, 'test/fixtures/c');
const SOURCES = readdirSync(fixtures, { recursive: true, withFileTypes: true })
  .filter((d) => d.isFile() && /\.[ch]$/.test(d.name))
  .map((d) => {
    const file = path.join(d.parentPath, d.name);
    return { rel: path.relative(fixtures, file), bytes: readFileSync(file) };
  });
/** What C parsers trip over, and the names the scan looks for. */
const C_TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '"',
  "'",
  ';',
  ',',
  '/*',
  '*/',
  '//',
  '\\\n',
  '#define ',
  '#define M(x) request_module("m-%s", x)\n',
  '#if 0\n',
  '#endif\n',
  '#include <linux/kmod.h>\n',
  'request_module(',
  // A string after a stray character, which tree-sitter's error recovery reads as nested calls: `f(` repeated there
  // recurses a level each (errorRecoveryStack.test.ts).
  '@P("',
  'f(',
  'request_module_nowait(',
  '__request_module(true, ',
  'try_then_request_module(',
  'MODULE_ALIAS(',
  'MODULE_ALIAS_FS(',
  'MODULE_ALIAS_NETPROTO(',
  '"fs-%s"',
  '"%.*s"',
  '%d',
  '%s',
  'static int f(const char *name)\n{\n',
  'return request_module("x-%d", 1);',
  'if (!hook) ',
  'goto again;',
  'again:',
  '\n',
  '\t',
];
/** File names a tree can hold: ordinary, or with controls and bidi overrides (never `/` or NUL). */
const NAME_PARTS = ['', '\u202e', '\u001b[1m', ' ', 'é', '\u2066', '-', '.'];

const dir = scratchDir('prop-sources');
test.after(() => rmSync(dir, { recursive: true, force: true }));

const fileArb = fc.record({
  source: fc.nat(SOURCES.length - 1),
  prefix: fc.constantFrom(...NAME_PARTS),
  edit: mutatedArb(C_TOKENS, 200, FUZZ.maxHugeC),
});

test('mutated C trees scanned, rendered in every format', async () => {
  const tree = path.join(dir, 'tree');
  await fc.assert(
    fc.asyncProperty(
      fc.array(fileArb, { minLength: 1, maxLength: 3 }),
      fc.constantFrom('native' as const, 'wasm' as const),
      async (files, backend) => {
        rmSync(tree, { recursive: true, force: true });
        let bytes = 0;
        for (const f of files) {
          const source = SOURCES[f.source];
          const target = path.join(tree, path.dirname(source.rel), `${f.prefix}${path.basename(source.rel)}`);
          mkdirSync(path.dirname(target), { recursive: true });
          const text = applyMutations(source.bytes, f.edit);
          writeFileSync(target, text);
          bytes += text.length;
        }
        await bounded(
          'C tree case',
          async () => {
            const index = checkResult(await scanTree(tree, { threads: 0, cache: false, backend }));
            if (index === null) return;
            for (const format of REPORT_FORMATS) checkReport(format, renderScan(index, format, tree));
          },
          bytes,
        );
      },
    ),
    params(300),
  );
});
