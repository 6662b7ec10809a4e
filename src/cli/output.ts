/** Where a rendered report goes: standard output, or a file replaced atomically so readers never see half a report. */
import { randomBytes } from 'node:crypto';
import { rm, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { err, ok, type Result } from '../engine/result';
import type { CliContext } from './context';

export async function writeReport(ctx: CliContext, text: string, output: string | undefined): Promise<Result<void>> {
  if (output === undefined) {
    ctx.out(text);
    return ok(undefined);
  }
  const target = path.resolve(ctx.cwd, output);
  // Same directory as the target, so the rename cannot cross file systems.
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text);
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
