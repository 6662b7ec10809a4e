/**
 * The process's standard output and error as the commands write them. A reader that goes away (`| head -c 10`)
 * ends the writing, not the command: what is left is dropped quietly and the exit code stays the one the findings
 * give, as Unix tools do. Node ignores SIGPIPE, so a closed pipe arrives as an EPIPE error event, which unhandled
 * would crash the process with a stack trace and exit 1 (read as "findings").
 */
import type { Writable } from 'node:stream';

export interface StandardStream {
  /**
   * Writes `text`: nothing to wait for when the stream took it (a file, or a pipe on Linux, takes it at once) or is
   * gone, else a promise that resolves once the stream can take more.
   */
  write(text: string): void | Promise<void>;
  /** The error that ended the stream other than a closed reader (a full disk, an I/O error), if any. */
  failure(): NodeJS.ErrnoException | null;
}

export function standardStream(stream: Writable): StandardStream {
  let closed = false;
  let failure: NodeJS.ErrnoException | null = null;
  /** Writers waiting for 'drain', which never comes once the stream has failed. */
  const waiting = new Set<() => void>();
  stream.on('error', (e: NodeJS.ErrnoException) => {
    // Writes after the first error fail again as ERR_STREAM_DESTROYED: the first error is the one that says why.
    if (!closed && e.code !== 'EPIPE') failure = e;
    closed = true;
    for (const resume of waiting) resume();
    waiting.clear();
  });
  return {
    write: (text) => {
      if (closed || stream.destroyed || stream.write(text)) return undefined;
      return new Promise<void>((resolve) => {
        const resume = (): void => {
          stream.off('drain', resume);
          waiting.delete(resume);
          resolve();
        };
        waiting.add(resume);
        stream.once('drain', resume);
      });
    },
    failure: () => failure,
  };
}
