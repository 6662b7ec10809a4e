/** The CLI as the property suite drives it: in process (runCli with a captured context) or as the real executable. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { CliContext } from '../../src/cli/context';
import { runCli } from '../../src/cli/run';
import { rawLines } from './checks';

/** The repository: the first folder above this bundle (out/test/...) that holds package.json. */
export const ROOT = ((): string => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export async function runInProcess(argv: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    out: (t) => {
      out.push(t);
    },
    err: (t) => {
      err.push(t);
    },
    stderrIsTTY: false,
    stdoutColumns: undefined,
    cwd: ROOT,
    signal: new AbortController().signal,
  };
  const code = await runCli(argv, ctx);
  return { code, out: out.join(''), err: err.join('') };
}

/** The built executable (dist/cli.js) in a process of its own: what a shell sees, streams and exit code included. */
export function runExecutable(argv: string[]): CliRun {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), ...argv], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  assert.equal(r.signal, null, `killed by ${r.signal}`);
  return { code: r.status as number, out: r.stdout, err: r.stderr };
}

/**
 * Exit codes are 0 (nothing at --fail-on), 1 (findings) or 2 (bad usage, unreadable input); a 2 says why on stderr
 * and writes no report. Whatever reaches stderr is escaped.
 */
export function checkExit(r: CliRun): void {
  assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `exit code ${r.code}`);
  assert.deepEqual(rawLines(r.err), [], 'stderr holds raw controls');
  assert.ok(!r.err.includes('internal error'), r.err);
  if (r.code === 2) assert.ok(r.err.startsWith('autoload-lens: ') || r.err.startsWith('Usage: '), r.err);
}
