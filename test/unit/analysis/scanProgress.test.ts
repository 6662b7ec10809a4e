import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeScanProgress, scanFraction, type ScanProgress, scanTree } from '../../../src/analysis/index';

const tree = path.resolve(__dirname, '../../../..', 'test/fixtures/c');

test('each step of a scan in words: the walk, the cache check, each pass with what it looks for, the index', () => {
  assert.equal(describeScanProgress({ phase: 'walk', files: 12345 }), 'listing the tree: 12,345 C files so far');
  assert.equal(
    describeScanProgress({ phase: 'check', done: 2048, total: 55442 }),
    'checking the tree against the scan cache (2,048 / 55,442 files)',
  );
  assert.equal(
    describeScanProgress({ phase: 'pass', pass: 1, done: 0, total: 0, targets: null }),
    'pass 1: looking for request_module() and MODULE_ALIAS in every file',
  );
  assert.equal(
    describeScanProgress({ phase: 'pass', pass: 1, done: 960, total: 55442, targets: null }),
    'pass 1: looking for request_module() and MODULE_ALIAS (960 / 55,442 files)',
  );
  const targets = { wrappers: 12, aliasMacros: 0, fillers: 0, constants: 0 };
  assert.equal(
    describeScanProgress({ phase: 'pass', pass: 3, done: 0, total: 812, targets }),
    'pass 3: looking for callers of 12 new wrappers in 812 files',
  );
  assert.equal(
    describeScanProgress({ phase: 'pass', pass: 3, done: 40, total: 812, targets }),
    'pass 3: looking for callers of 12 new wrappers (40 / 812 files)',
  );
  assert.equal(
    describeScanProgress({
      phase: 'pass',
      pass: 2,
      done: 0,
      total: 1,
      targets: { wrappers: 1, aliasMacros: 2, fillers: 0, constants: 30 },
    }),
    'pass 2: looking for callers of 1 new wrapper, uses of 2 alias macros and the definitions of 30 constants in 1 file',
  );
  assert.equal(describeScanProgress({ phase: 'index' }), 'building the index');
});

test('the bar: the first pass fills 70 %, each later pass half of what is left before the index (95 %)', () => {
  const pass = (n: number, done: number, total: number): ScanProgress => ({
    phase: 'pass',
    pass: n,
    done,
    total,
    targets: n === 1 ? null : { wrappers: 1, aliasMacros: 0, fillers: 0, constants: 0 },
  });
  assert.deepEqual([pass(1, 0, 100), pass(1, 50, 100), pass(1, 100, 100)].map(scanFraction), [0, 0.35, 0.7]);
  assert.deepEqual(
    [pass(2, 0, 8), pass(2, 8, 8), pass(3, 0, 8), pass(3, 8, 8)].map(scanFraction),
    [0.7, 0.825, 0.825, 0.8875],
  );
  // A pass with no file to read is done as it starts; the first pass starts before the walk has found anything.
  assert.equal(scanFraction(pass(4, 0, 0)), 0.91875);
  assert.equal(scanFraction(pass(1, 0, 0)), 0);
  assert.equal(scanFraction({ phase: 'index' }), 0.95);
  assert.equal(scanFraction({ phase: 'check', done: 1, total: 2 }), 0.475);
});

test('a scan of the fixture tree reports every pass, in order, and its bar never goes back', async () => {
  const events: ScanProgress[] = [];
  const r = await scanTree(tree, { cache: false, threads: 0, backend: 'native', onProgress: (p) => events.push(p) });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const files = r.value.files.scanned + r.value.files.skipped + r.value.files.unreadable.length;
  assert.deepEqual(events[0], {
    phase: 'pass',
    pass: 1,
    done: 0,
    total: events[0].phase === 'pass' ? events[0].total : -1,
    targets: null,
  });
  assert.deepEqual(events[events.length - 1], { phase: 'index' });
  const passes = events.flatMap((p) => (p.phase === 'pass' ? [p] : []));
  const lastOfFirst = passes.filter((p) => p.pass === 1).pop()!;
  assert.deepEqual([lastOfFirst.done, lastOfFirst.total], [files, files]);
  // Pass 2 looks for the wrappers pass 1 found (crypto_larval_lookup, demo_request, __sock_create, get_fs_type, …).
  const second = passes.find((p) => p.pass === 2)!;
  assert.ok(second.targets !== null && second.targets.wrappers > 0, JSON.stringify(second));
  const numbers = passes.map((p) => p.pass);
  assert.deepEqual(
    numbers,
    [...numbers].sort((a, b) => a - b),
  );
  const fractions = events.map(scanFraction);
  assert.ok(
    fractions.every((f, i) => i === 0 || f >= fractions[i - 1]),
    fractions.join(' '),
  );
  // Every later pass says how many files it reads from its first report on (it reads them as it chooses them, so some
  // may be read by then), and ends having read them.
  for (let n = 2; n <= Math.max(...numbers); n++) {
    const of = passes.filter((p) => p.pass === n);
    assert.deepEqual(new Set(of.map((p) => p.total)), new Set([of[0].total]));
    assert.equal(of[of.length - 1].done, of[0].total);
  }
});

test('a later pass reads only the files that can call what it looks for: not those the first pass skipped', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'al-passes-'));
  try {
    fs.mkdirSync(path.join(dir, 'drivers'));
    fs.writeFileSync(
      path.join(dir, 'drivers/wrap.c'),
      'int wrap(const char *n)\n{\n\treturn request_module("w-%s", n);\n}\n',
    );
    fs.writeFileSync(path.join(dir, 'drivers/a.c'), 'void a(void)\n{\n\twrap("a");\n}\n');
    fs.writeFileSync(path.join(dir, 'drivers/b.c'), 'void b(void)\n{\n\tother("b");\n}\n');
    // Binary (a NUL in its first bytes): skipped by the first pass, whatever names it holds.
    fs.writeFileSync(path.join(dir, 'drivers/blob.c'), 'x\0\nvoid c(void)\n{\n\twrap("c");\n}\n');
    const events: ScanProgress[] = [];
    const r = await scanTree(dir, {
      cache: false,
      threads: 0,
      kernelDirectory: null,
      onProgress: (p) => events.push(p),
    });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual(
      r.value.callSites.map((c) => [c.file, c.line, c.name]),
      [
        ['drivers/a.c', 3, 'w-a'],
        ['drivers/wrap.c', 3, null],
      ],
    );
    assert.equal(r.value.files.skipped, 1);
    // Pass 2 looks for callers of wrap: a.c, and wrap.c (whose definition writes `wrap(`); blob.c was read again before.
    const second = events.filter((p) => p.phase === 'pass' && p.pass === 2);
    assert.deepEqual(second.map((p) => (p.phase === 'pass' ? [p.done, p.total] : [])).at(-1), [2, 2]);
  } finally {
    fs.rmSync(dir, { recursive: true });
  }
});
