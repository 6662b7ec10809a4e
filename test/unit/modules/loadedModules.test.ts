import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readLoadedModules } from '../../../src/engine/modules';
import { parseLoadedModules } from '../../../src/engine/modules/loadedModules';

const repo = resolve(__dirname, '../../../..');
const sample = join(repo, 'samples/boot-6.1-qemu');
const HINT = 'give the output of `lsmod` or a copy of /proc/modules taken on the traced system';

async function sizes(file: string): Promise<Map<string, number>> {
  const r = await readLoadedModules(file);
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

test('lsmod output and /proc/modules of the same boot give the same 304 sizes', async () => {
  const lsmod = await sizes(join(sample, 'lsmod.txt'));
  const proc = await sizes(join(sample, 'proc-modules.txt'));
  assert.equal(lsmod.size, 304);
  assert.deepEqual(
    ['can_raw', 'ext4', 'hfs', 'nf_tables', 'floppy'].map((n) => lsmod.get(n)),
    [20480, 991232, 77824, 303104, 86016],
  );
  assert.equal(total(lsmod), 27471872);
  assert.deepEqual(proc, lsmod);
});

test('format variants: taints, states, CRLF, blank lines', () => {
  const proc = parseLoadedModules(
    'vboxdrv 696320 2 vboxnetadp,vboxnetflt, Live 0xffffffffc0a00000 (OE)\r\nfoo 16384 0 - Loading 0x0000000000000000\r\n' +
      'bar 8192 0 - Loading 0xffffffffc0100000 (+)\r\nbaz 8192 - - Unloading 0xffffffffc0200000 (OE-)\r\n\r\n',
    'proc',
  );
  assert.deepEqual(proc, {
    ok: true,
    value: new Map([
      ['vboxdrv', 696320],
      ['foo', 16384],
      ['bar', 8192],
      ['baz', 8192],
    ]),
  });
  const lsmod = parseLoadedModules(
    'Module                  Size  Used by\nnls_utf8               16384  1\nbtrfs                1748992  0\nxor 24576 1 btrfs\n',
    'lsmod',
  );
  assert.deepEqual(lsmod, {
    ok: true,
    value: new Map([
      ['nls_utf8', 16384],
      ['btrfs', 1748992],
      ['xor', 24576],
    ]),
  });
});

test('bad input is a located error, never an exception', () => {
  assert.deepEqual(parseLoadedModules('\n  \n', 'f'), {
    ok: false,
    error: { code: 'empty-file', message: 'the loaded-modules file is empty', file: 'f', hint: HINT },
  });
  assert.deepEqual(parseLoadedModules('hello world\n', 'f'), {
    ok: false,
    error: {
      code: 'bad-loaded-modules',
      message: '`hello world` is neither the `Module Size Used by` header of lsmod nor a /proc/modules line',
      file: 'f',
      line: 1,
      hint: HINT,
    },
  });
  assert.deepEqual(parseLoadedModules('Module Size Used by\next4 991232 1\ntruncated 12\n', 'f'), {
    ok: false,
    error: {
      code: 'bad-loaded-modules',
      message: '`truncated 12` is not an lsmod line',
      file: 'f',
      line: 3,
      hint: HINT,
    },
  });
  assert.deepEqual(parseLoadedModules('a 1 0 - Live 0x0\na 2 0 - Live 0x0\n', 'f'), {
    ok: false,
    error: {
      code: 'bad-loaded-modules',
      message: '`a 2 0 - Live 0x0` lists module a a second time',
      file: 'f',
      line: 2,
      hint: HINT,
    },
  });
});

test('unreadable and binary files are error values naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'autoload-lens-loaded-'));
  try {
    const missing = await readLoadedModules(join(dir, 'nope'));
    assert.deepEqual(missing.ok ? null : [missing.error.code, missing.error.file], [
      'unreadable-file',
      join(dir, 'nope'),
    ]);
    const binary = join(dir, 'bin');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x00, 0x01]));
    const bin = await readLoadedModules(binary);
    assert.deepEqual(bin, {
      ok: false,
      error: {
        code: 'binary-file',
        message: 'this is a binary file, not an lsmod output or /proc/modules',
        file: binary,
        hint: HINT,
      },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
