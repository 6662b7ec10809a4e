/**
 * Differential test of the matcher and of kmod's result order: patterns become built-in aliases
 * (modules.builtin.modinfo), depmod indexes them, and modprobe -R must print what resolve() returns, reading the
 * text file and reading the index (modules.builtin.alias.bin) alone. Built-in aliases all have priority 0, so this
 * also checks the order kmod's trie walk gives to several matches, and to two modules declaring the same pattern.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openModuleDb, type ModuleDb } from '../../../src/engine/modules';
import { inBatches, kmodTool, modprobeResolve, run } from './kmod';

const VERSION = '9.9.9-fnmatch';

/**
 * Module `mN` declares PATTERNS[N]. `q[ab` has an unmatched bracket: depmod and we both drop it. The last module
 * declares `abc` again: one index key with two values of equal priority.
 */
const PATTERNS = [
  'abc',
  'a*',
  'ab*',
  '*c',
  'a?c',
  'a??',
  '*a*b*',
  '[abc]x',
  '[a-c]y',
  '[!a-c]z',
  '[^a-c]w',
  '[a-]v',
  '[c-a]u',
  'q[ab',
  '\\*s',
  'x[-_]y',
  'mdio:????',
  'e*e',
  'e*',
  '*e',
  'f?*',
  'g[0-9][0-9]',
  'h*[xy]',
  'h*x',
  'abc',
];

const NAMES = [
  'abc',
  'abx',
  'bx',
  'by',
  'dz',
  'az',
  'dw',
  'aw',
  '-v',
  'av',
  'bu',
  '\\xs',
  '*s',
  'x-y',
  'x_y',
  'mdio:1234',
  'mdio:123',
  'ee',
  'eXe',
  'e',
  'f',
  'fo',
  'a',
  'ab',
  'aXbY',
  'a]',
  'q[ab',
  'g42',
  'g4',
  'hx',
  'hhx',
  'hy',
];

async function open(dir: string): Promise<ModuleDb> {
  const opened = await openModuleDb(dir);
  if (!opened.ok) assert.fail(`${dir}: ${opened.error.message}`);
  return opened.value;
}

test('resolve() orders and matches built-in aliases exactly as modprobe -R', async () => {
  const modprobe = kmodTool('modprobe');
  const depmod = kmodTool('depmod');
  const root = mkdtempSync(join(tmpdir(), 'autoload-lens-fnmatch-'));
  try {
    const dir = join(root, 'lib/modules', VERSION);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'modules.order'), '');
    writeFileSync(join(dir, 'modules.builtin'), PATTERNS.map((_, i) => `kernel/test/m${i}.ko\n`).join(''));
    writeFileSync(
      join(dir, 'modules.builtin.modinfo'),
      PATTERNS.map((p, i) => `m${i}.alias=${p}\0m${i}.license=GPL\0`).join(''),
    );
    await run(depmod, ['-b', root, VERSION]);
    const config = join(root, 'modprobe.d');
    mkdirSync(config);

    const expected = await inBatches(NAMES, 16, (name) => modprobeResolve(modprobe, config, root, VERSION, name));
    const answers = (db: ModuleDb): Array<[string, string[]]> => NAMES.map((name) => [name, db.resolve(name).modules]);

    const fromText = await open(dir);
    assert.equal(fromText.stats.builtinAliases, PATTERNS.length - 1);
    assert.deepEqual(
      fromText.warnings.map((w) => [w.line, w.message]),
      [[27, 'unmatched bracket in `q[ab`; kmod ignores it']],
    );
    assert.deepEqual(
      answers(fromText),
      NAMES.map((name, i) => [name, expected[i]]),
    );
    // Not vacuous: one name matches eight patterns (two modules declare `abc`), and some match nothing.
    const ours = answers(fromText).map(([, modules]) => modules);
    assert.equal(ours[0].length, 8);
    assert.ok(ours.some((m) => m.length === 0));

    rmSync(join(dir, 'modules.builtin.modinfo'));
    const fromIndex = await open(dir);
    assert.deepEqual(fromIndex.notes.slice(0, 1), [
      'modules.builtin.modinfo read from modules.builtin.alias.bin (there is no modules.builtin.modinfo)',
    ]);
    assert.equal(fromIndex.stats.builtinAliases, PATTERNS.length - 1);
    assert.deepEqual(fromIndex.warnings, []);
    assert.deepEqual(
      answers(fromIndex),
      NAMES.map((name, i) => [name, expected[i]]),
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
