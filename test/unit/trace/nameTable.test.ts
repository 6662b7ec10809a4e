/**
 * The name table: module events' names found by their codes where they lie in a line. Whatever the table holds, a
 * name comes back as its own text: names that share every code the table hashes, names beyond ASCII (whose codes are
 * all alike), names too long to table, and names past the number it tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiCodes } from '../../../src/engine/trace/asciiCodes';
import { NameTable } from '../../../src/engine/trace/nameTable';

/** `name` as the table reads it out of a line: between other text, by its position. */
function lookUp(table: NameTable, name: string, before = '   task-1 [000] '): string {
  const text = `${before}${name} wait=1\n`;
  return table.name(text, asciiCodes(text), before.length, before.length + name.length);
}

test('a name comes back as its text, wherever it lies, again and again', () => {
  const table = new NameTable();
  for (const name of ['fs-ext4', 'crypto-crc64-rocksoft-all', '(udev-worker)', 'x', '', 'net-pf-10']) {
    assert.equal(lookUp(table, name), name);
    assert.equal(lookUp(table, name, 'module_request: '), name);
    assert.equal(lookUp(table, name, ''), name);
  }
});

test('names that differ only where the table does not hash stay apart', () => {
  // 16 characters: the table hashes the length and the codes at 0-3, 6-9 and 12-15; these differ at 4 and 5 only.
  const names: string[] = [];
  for (const a of 'abcdefgh') for (const b of '0123') names.push(`abcd${a}${b}efghXYijkl`);
  assert.ok(names.every((n) => n.length === 16));
  const table = new NameTable();
  for (const name of names) assert.equal(lookUp(table, name), name);
  for (const name of [...names].reverse()) assert.equal(lookUp(table, name, 'call_site='), name);
});

test('names beyond ASCII, whose codes are alike, are read as they are', () => {
  const table = new NameTable();
  for (const name of ['wörker', 'wärker', 'w😀rker', 'fs-ñ', 'fs-é']) {
    assert.equal(lookUp(table, name), name);
    assert.equal(lookUp(table, name, 'module_load: '), name);
  }
});

test('a name too long to table is read whole', () => {
  const table = new NameTable();
  const long = `${'x'.repeat(300)}-${'y'.repeat(300)}`;
  assert.equal(lookUp(table, long), long);
  assert.equal(lookUp(table, long), long);
});

test('names past the number the table keeps are still read', () => {
  const table = new NameTable();
  const names = Array.from({ length: 70_000 }, (_, i) => `char-major-${i}`);
  for (const name of names) assert.equal(lookUp(table, name), name);
  for (const name of [names[0], names[65_535], names[65_536], names[69_999]]) assert.equal(lookUp(table, name), name);
});
