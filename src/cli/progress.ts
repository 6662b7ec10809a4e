/** A single self-updating progress line on stderr, drawn only when stderr is a terminal. */
import { escapeControl } from '../engine/escape';
import type { CliContext } from './context';

export interface Progress {
  /** Shows `text` (escaped: it names the tree or the trace) in place of the last one. */
  update(text: string): void;
  /** Erases the line so what follows starts clean. */
  done(): void;
}

const MIN_INTERVAL_MS = 100;

export function progressLine(ctx: CliContext): Progress {
  if (!ctx.stderrIsTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  return {
    update(text) {
      const now = Date.now();
      if (now - last < MIN_INTERVAL_MS) return;
      last = now;
      drawn = true;
      ctx.err(`\r\u001b[K${escapeControl(text)}`);
    },
    done() {
      if (drawn) ctx.err('\r\u001b[K');
      drawn = false;
    },
  };
}

export function megabytes(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}

/** The progress callback of a replay: how far it has read `what` (a trace's name). */
export function replayProgress(progress: Progress, what: string): (done: number, total: number) => void {
  return (done, total) =>
    progress.update(
      total > 0
        ? `replaying ${what}: ${Math.floor((100 * done) / total)}% (${megabytes(done)} of ${megabytes(total)} MB)`
        : `replaying ${what}: ${megabytes(done)} MB`,
    );
}
