/**
 * A reader that goes away (`autoload-lens replay ... | head -c 10`): the CLI stops writing quietly, prints no stack
 * trace, and exits as the findings say (1 only when a finding reaches --fail-on, never because of the closed pipe).
 * Any other write error (a full disk) is one: said on stderr, exit 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import * as path from 'node:path';

// out/test/unit/cli/ → the repository root.
const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const sample = 'samples/boot-6.1-qemu';
const trace = `${sample}/trace.txt`;
const modules = `${sample}/modules`;
const src = 'test/unit/cli/fixtures/src';
/** What Linux buffers in a pipe: a report larger than this cannot be written before the reader leaves. */
const PIPE_BUFFER = 64 * 1024;

interface Closed {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Bytes read before the pipe was closed. */
  read: Buffer;
  /** The report's size when read to the end (with `closeAfter` Infinity). */
  size: number;
}

/**
 * Runs the CLI with its stdout read by a reader that closes after `closeAfter` bytes, as `head -c` does; with 0,
 * before the CLI has started, so that even a short report meets a closed pipe.
 */
function runClosing(args: string[], closeAfter: number, closeStderr = false): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    if (closeStderr) child.stderr.destroy();
    if (closeAfter === 0) child.stdout.destroy();
    else {
      child.stdout.on('data', (d: Buffer) => {
        size += d.length;
        chunks.push(d);
        if (size >= closeAfter) child.stdout.destroy();
      });
    }
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({ code, signal, stderr, read: Buffer.concat(chunks).subarray(0, closeAfter), size }),
    );
  });
}

test('replay reports larger than the pipe buffer, the reader gone after 10 bytes: no stack trace, exit as the findings say', async () => {
  for (const format of ['text', 'json', 'sarif']) {
    const whole = await runClosing(['replay', trace, '--modules', modules, '--format', format], Infinity);
    assert.ok(whole.size > PIPE_BUFFER, `${format} report of ${whole.size} bytes`);
    // The sample has warnings and no errors (cli.test.ts): exit 1 at --fail-on warning, 0 at never.
    for (const [failOn, code] of [
      ['warning', 1],
      ['never', 0],
    ] as const) {
      const r = await runClosing(['replay', trace, '--modules', modules, '--format', format, '--fail-on', failOn], 10);
      assert.deepEqual(
        { code: r.code, signal: r.signal, stderr: r.stderr },
        { code, signal: null, stderr: '' },
        `${format} --fail-on ${failOn}`,
      );
      assert.equal(r.read.toString(), { text: 'autoload-l', json: '{\n  "schem', sarif: '{\n  "$sche' }[format]);
    }
  }
});

test('scan and resolve into a pipe closed before they write', async () => {
  // The fixture tree has one error and two warnings (scan.test.ts).
  for (const [format, failOn, code] of [
    ['text', 'never', 0],
    ['json', 'error', 1],
    ['sarif', 'error', 1],
  ] as const) {
    const r = await runClosing(['scan', src, '--no-cache', '--format', format, '--fail-on', failOn], 0);
    assert.deepEqual(
      { code: r.code, signal: r.signal, stderr: r.stderr },
      { code, signal: null, stderr: '' },
      `scan ${format} --fail-on ${failOn}`,
    );
  }
  assert.deepEqual(await runClosing(['resolve', 'fs-ext4', 'net-pf-10', '--modules', modules], 0), {
    code: 0,
    signal: null,
    stderr: '',
    read: Buffer.alloc(0),
    size: 0,
  });
  // A name that resolves to nothing is a finding: exit 1, and its line still reaches stderr.
  const missing = await runClosing(['resolve', 'fs-ext4', 'nosuch', '--modules', modules], 0);
  assert.deepEqual(
    { code: missing.code, stderr: missing.stderr },
    { code: 1, stderr: `autoload-lens: Module nosuch not found in directory ${modules}\n` },
  );
});

test('help into a closed pipe exits 0; bad usage with stderr closed exits 2', async () => {
  const r = await runClosing(['replay', '--help'], 0);
  assert.deepEqual({ code: r.code, stderr: r.stderr }, { code: 0, stderr: '' });
  // The error message meets a closed pipe too: the exit code is still the usage error's, not a crash's 1.
  assert.equal((await runClosing(['replay', trace, '--format', 'xml'], 0, true)).code, 2);
});

test('a report that cannot be written (stdout on /dev/full): said on stderr, exit 2 whatever the findings', () => {
  const full = openSync('/dev/full', 'w');
  try {
    const r = spawnSync(process.execPath, [cli, 'replay', trace, '--modules', modules, '--fail-on', 'never'], {
      cwd: root,
      stdio: ['ignore', full, 'pipe'],
      encoding: 'utf8',
    });
    assert.deepEqual(
      { code: r.status, stderr: r.stderr },
      { code: 2, stderr: 'autoload-lens: cannot write to standard output (ENOSPC)\n' },
    );
  } finally {
    closeSync(full);
  }
});
