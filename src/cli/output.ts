/**
 * Where a rendered report goes: standard output, or a file replaced atomically so readers never see half a report.
 * Reports arrive in pieces and are written in batches, so a large one is never held as one string.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { err, ok, type Result } from '../engine/result';
import type { CliContext } from './context';

const BATCH_CHARS = 1 << 20;

async function writeBatched(chunks: Iterable<string>, write: (text: string) => Promise<void>): Promise<void> {
  let batch = '';
  for (const chunk of chunks) {
    batch += chunk;
    if (batch.length >= BATCH_CHARS) {
      await write(batch);
      batch = '';
    }
  }
  if (batch.length > 0) await write(batch);
}

export async function writeReport(ctx: CliContext, chunks: Iterable<string>, output: string | undefined): Promise<Result<void>> {
  if (output === undefined) {
    await writeBatched(chunks, async (text) => ctx.out(text));
    return ok(undefined);
  }
  const target = path.resolve(ctx.cwd, output);
  // Same directory as the target, so the rename cannot cross file systems.
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w');
    try {
      await writeBatched(chunks, async (text) => {
        await handle.write(text);
      });
    } finally {
      await handle.close();
    }
    await rename(temp, target);
    return ok(undefined);
  } catch (e) {
    await rm(temp, { force: true });
    const reason = (e as NodeJS.ErrnoException).code ?? String(e);
    return err({
      code: 'unwritable-output',
      message: `cannot write the report (${reason})`,
      file: output,
      hint: 'check that the directory exists and is writable, or leave out --output to print to standard output',
    });
  }
}
