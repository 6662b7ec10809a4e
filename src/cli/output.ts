/**
 * Where a report goes: standard output, or a file replaced atomically so readers never see half a report.
 * Renderers hand over text as they produce it; it is written in batches, so a large report is never one string.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { err, type Result } from '../engine/result';
import type { CliContext } from './context';

/**
 * Text is written in batches of about this many characters: few enough for a batch to be an ordinary young string,
 * where a megabyte one is a large object that only a full collection frees (a JSON report is hundreds of them).
 */
const BATCH_CHARS = 1 << 16;

/** What a command writes its report through. */
export interface ReportOutput {
  /** Queues text; it is written once a batch is full. */
  write(text: string): void;
  /** Resolves once what was written so far has been taken by the destination (the replay awaits it between chunks). */
  drain(): Promise<void>;
}

class BatchedOutput implements ReportOutput {
  private batch = '';
  /** The destination's write still in progress, if it answered with a promise; later batches queue behind it. */
  private writing: Promise<void> | null = null;

  /** `destination` writes at once and returns nothing, or returns a promise that settles once it took the text. */
  constructor(private readonly destination: (text: string) => void | Promise<void>) {}

  write(text: string): void {
    this.batch += text;
    if (this.batch.length >= BATCH_CHARS) this.flush();
  }

  async drain(): Promise<void> {
    while (this.writing !== null) await this.writing;
  }

  async close(): Promise<void> {
    if (this.batch.length > 0) this.flush();
    await this.drain();
  }

  /** Writes the batch now when nothing is pending, so that a synchronous destination never lets text pile up. */
  private flush(): void {
    const text = this.batch;
    this.batch = '';
    const write = (): void | Promise<void> => this.destination(text);
    const pending = this.writing === null ? write() : this.writing.then(write);
    if (pending instanceof Promise) {
      const settled: Promise<void> = pending.then(() => {
        if (this.writing === settled) this.writing = null;
      });
      this.writing = settled;
    }
  }
}

/** A write to the --output file failed (the report's own error, not the command's). */
class OutputError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/**
 * Runs `produce` with an output to write the report to. With a file, the report goes to a temporary file beside it,
 * renamed over it only when `produce` succeeded: a failed or interrupted command leaves no file and no half report.
 */
export async function writeReport<T>(
  ctx: CliContext,
  output: string | undefined,
  produce: (out: ReportOutput) => Promise<Result<T>>,
): Promise<Result<T>> {
  if (output === undefined) {
    const out = new BatchedOutput((text) => ctx.out(text));
    const result = await produce(out);
    if (result.ok) await out.close();
    return result;
  }
  const target = path.resolve(ctx.cwd, output);
  // Same directory as the target, so the rename cannot cross file systems.
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  let fd: number | null = null;
  try {
    fd = openSync(temp, 'w');
    const file = fd;
    // Written synchronously: the report never waits in memory for the disk.
    const out = new BatchedOutput((text) => {
      try {
        writeSync(file, text);
      } catch (e) {
        throw new OutputError((e as NodeJS.ErrnoException).code ?? String(e));
      }
    });
    const result = await produce(out);
    await out.close();
    closeSync(fd);
    fd = null;
    if (!result.ok) {
      await rm(temp, { force: true });
      return result;
    }
    await rename(temp, target);
    return result;
  } catch (e) {
    if (fd !== null) closeSync(fd);
    await rm(temp, { force: true });
    const reason = e instanceof OutputError ? e.reason : (e as NodeJS.ErrnoException).code;
    if (reason === undefined) throw e;
    return err({
      code: 'unwritable-output',
      message: `cannot write the report (${reason})`,
      file: output,
      hint: 'check that the directory exists and is writable, or leave out --output to print to standard output',
    });
  }
}
