import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanAliasFile, type DbWarning } from '../../../src/engine/modules/depmodFiles';

const TEXT = [
  '# Aliases extracted from modules themselves.',
  'alias fs-demo demo',
  'alias broken-line',
  '',
  'alias a b c',
  'alias  doubled demo',
  'alias trailing demo ',
  'alias symbol:demo_hook demo',
  'alias last-line demo_two',
].join('\n');

function scan(
  text: string,
  prefix: string,
): { entries: Array<[string, string, number]>; warnings: Array<[number | undefined, string]> } {
  const entries: Array<[string, string, number]> = [];
  const warnings: DbWarning[] = [];
  scanAliasFile(text, 'f', prefix, warnings, (p, m, line) => entries.push([p, m, line]));
  return { entries, warnings: warnings.map((w) => [w.line, w.message]) };
}

test('modules.alias lines: depmod layout, untidy lines, and the same file with CRLF and tabs', () => {
  const expected = {
    entries: [
      ['fs-demo', 'demo', 2],
      ['doubled', 'demo', 6],
      ['trailing', 'demo', 7],
      ['symbol:demo_hook', 'demo', 8],
      ['last-line', 'demo_two', 9],
    ] as Array<[string, string, number]>,
    warnings: [
      [3, 'expected `alias PATTERN... MODULE`, found `alias broken-line`'],
      [5, 'expected `alias PATTERN... MODULE`, found `alias a b c`'],
    ] as Array<[number, string]>,
  };
  assert.deepEqual(scan(TEXT, ''), expected);
  assert.deepEqual(scan(TEXT.replace(/\n/g, '\r\n').replace('fs-demo demo', 'fs-demo\tdemo'), ''), expected);
});

test('modules.symbols lines must name a `symbol:`', () => {
  const { entries, warnings } = scan(TEXT, 'symbol:');
  assert.deepEqual(entries, [['symbol:demo_hook', 'demo', 8]]);
  assert.deepEqual(
    warnings.map(([line]) => line),
    [2, 3, 5, 6, 7, 9],
  );
  assert.deepEqual(warnings[0], [2, 'alias `fs-demo` does not start with `symbol:`']);
});
