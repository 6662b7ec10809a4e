/**
 * The time of a trace's first event, of any kind: the origin the diff measures a boot's times from, so that two
 * boots line up whatever their clocks said. Read apart from the replay (whose report starts at the first request),
 * stopping after the first chunk that holds an event.
 */
import type { TraceFormat } from '../events';
import { ok, type Result } from '../result';
import { readTraceFile } from '../trace';

export async function firstEventTime(file: string, opts: { format?: TraceFormat; signal?: AbortSignal } = {}): Promise<Result<number | null>> {
  const stop = new AbortController();
  const outer = opts.signal;
  const forward = (): void => stop.abort();
  outer?.addEventListener('abort', forward);
  if (outer?.aborted) stop.abort();
  let first: number | null = null;
  try {
    const read = await readTraceFile(
      file,
      (e) => {
        if (first !== null) return;
        first = e.time;
        stop.abort();
      },
      { signal: stop.signal, ...(opts.format && { format: opts.format }) },
    );
    // Cancelled by us once the event was seen; by the caller, or for any other reason, the read's own error.
    if (!read.ok && !(read.error.code === 'cancelled' && first !== null && outer?.aborted !== true)) return read;
    return ok(first);
  } finally {
    outer?.removeEventListener('abort', forward);
  }
}
