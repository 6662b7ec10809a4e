/** In-process: the command runner with a fake terminal, for what a spawned process cannot show (TTY, Ctrl-C). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import type { CliContext } from '../../../src/cli/context';
import { runCli } from '../../../src/cli/run';

// out/test/unit/cli/ → the repository root.
const root = path.resolve(__dirname, '../../../..');
const trace = path.join(root, 'samples/boot-6.1-qemu/trace.txt');

function context(opts: { tty: boolean; signal?: AbortSignal; columns?: number }): {
  ctx: CliContext;
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return {
    ctx: {
      out: (t) => {
        out.push(t);
      },
      err: (t) => {
        err.push(t);
      },
      stderrIsTTY: opts.tty,
      stdoutColumns: opts.columns,
      cwd: root,
      signal: opts.signal ?? new AbortController().signal,
    },
    out,
    err,
  };
}

test('progress is one updating stderr line on a terminal, erased at the end', async () => {
  const { ctx, out, err } = context({ tty: true });
  assert.equal(await runCli(['replay', trace, '--fail-on', 'never', '--format', 'json'], ctx), 0);
  assert.equal(JSON.parse(out.join('')).summary.requests, 264);
  assert.ok(err.length >= 2);
  assert.match(err[0], /^\r\u001b\[Kreplaying trace\.txt: 100% \(0\.1 of 0\.1 MB\)$/);
  assert.equal(err[err.length - 1], '\r\u001b[K');
  assert.ok(err.every((e) => e.startsWith('\r\u001b[K') && !e.includes('\n')));
});

test('no progress at all when stderr is not a terminal', async () => {
  const { ctx, err } = context({ tty: false });
  assert.equal(await runCli(['replay', trace, '--fail-on', 'never'], ctx), 0);
  assert.deepEqual(err, []);
});

test('Ctrl-C (an aborted signal) stops the replay cleanly with exit 130 and no report', async () => {
  const controller = new AbortController();
  controller.abort();
  const { ctx, out, err } = context({ tty: false, signal: controller.signal });
  assert.equal(await runCli(['replay', trace], ctx), 130);
  assert.deepEqual(out, []);
  assert.deepEqual(err, ['autoload-lens: interrupted\n']);
});

test('Ctrl-C during a scan stops it the same way', async () => {
  const controller = new AbortController();
  controller.abort();
  const { ctx, out, err } = context({ tty: true, signal: controller.signal });
  assert.equal(await runCli(['scan', path.join(root, 'test/unit/cli/fixtures/src')], ctx), 130);
  assert.deepEqual(out, []);
  assert.equal(err[err.length - 1], 'autoload-lens: interrupted\n');
});

test('on a terminal narrower than 100 columns the text report fits the terminal', async () => {
  const { ctx, out } = context({ tty: false, columns: 72 });
  assert.equal(
    await runCli(
      ['replay', trace, '--modules', path.join(root, 'samples/boot-6.1-qemu/modules'), '--fail-on', 'never'],
      ctx,
    ),
    0,
  );
  const lines = out.join('').split('\n');
  assert.ok(lines.length > 900);
  assert.deepEqual(
    lines.filter((l) => [...l].length > 72 && !l.startsWith('autoload-lens ') && !l.startsWith('  modules ')),
    [],
  );
});
