/**
 * Streaming trace readers: raw ftrace / trace_pipe, `trace-cmd report`, `perf script` and dmesg text, read line
 * by line into module events for a synchronous sink. A file is read in 1 MB chunks; memory does not grow with it.
 * Error codes: `unreadable-file`, `empty-trace`, `binary-trace` (trace.dat, perf.data, compressed, NUL bytes),
 * `latency-format`, `unknown-trace-format`, `cancelled`. Problems inside a readable trace are warnings in the
 * summary, located by line.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { TraceEvent, TraceFormat, TraceReadSummary } from '../events';
import { err, ok, type AutoloadError, type Result } from '../result';
import { detectTraceFormat, DETECT_LINES, HEAD_BYTES, refuseTraceHead } from './detect';
import { TraceLineReader } from './lineReader';
import { CHUNK_BYTES, ChunkedLineSplitter, DATA_START, splitText } from './lineSplitter';

export { detectTraceFormat } from './detect';

/** How much of the start of a file detection wants to see, at least (all of it when shorter). */
const DETECT_BYTES = 64 * 1024;

export interface ReadTraceFileOptions {
  /** Skip detection and read the trace as this format. */
  format?: TraceFormat;
  /** Aborting makes the reader stop after the current chunk and return the error `cancelled`. */
  signal?: AbortSignal;
  /** Called after every chunk; `totalBytes` is 0 when the size is unknown (a pipe). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Awaited after every chunk's events: a sink that writes output holds the reader until its writes caught up. */
  drain?: () => Promise<void>;
}

export async function readTraceFile(
  file: string,
  sink: (e: TraceEvent) => void,
  opts: ReadTraceFileOptions = {},
): Promise<Result<TraceReadSummary>> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (e) {
    return err(unreadable(file, e));
  }
  try {
    return await readOpenTrace(handle, file, sink, opts);
  } finally {
    await handle.close();
  }
}

async function readOpenTrace(
  handle: FileHandle,
  file: string,
  sink: (e: TraceEvent) => void,
  opts: ReadTraceFileOptions,
): Promise<Result<TraceReadSummary>> {
  let totalBytes: number;
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) {
      return err({
        code: 'unreadable-file',
        file,
        message: `${file} is a directory, not a trace file`,
        hint: 'give the trace file itself',
      });
    }
    totalBytes = stat.size;
  } catch (e) {
    return err(unreadable(file, e));
  }

  const splitter = new ChunkedLineSplitter();
  /** Reads into `buffer` at DATA_START + `offset`; a pending read is never abandoned, so the handle can close. */
  const read = async (buffer: Buffer, offset: number, length: number): Promise<Result<number>> => {
    if (opts.signal?.aborted) return err(cancelled(file));
    try {
      const { bytesRead } = await handle.read(buffer, DATA_START + offset, length, null);
      return opts.signal?.aborted ? err(cancelled(file)) : ok(bytesRead);
    } catch (e) {
      return err(unreadable(file, e));
    }
  };

  // The head decides: refuse what we cannot read and pick the format before any line is parsed. A pipe
  // (trace_pipe) may deliver it in small reads, so gather enough of it first.
  let bytes = 0;
  while (bytes < DETECT_BYTES) {
    const r = await read(splitter.buffer, bytes, CHUNK_BYTES - bytes);
    if (!r.ok) return r;
    if (r.value === 0) break;
    bytes += r.value;
  }
  if (bytes === 0) return err(emptyTrace(file));
  const head = splitter.buffer.subarray(DATA_START, DATA_START + bytes);
  const refused = refuseTraceHead(head.toString('latin1', 0, HEAD_BYTES), file);
  if (refused !== null) return err(refused);
  const lines = leadingLines(head.toString('utf8', 0, DETECT_BYTES));
  const format = opts.format ?? detectTraceFormat(lines);
  if (format === null) return err(unknownFormat(file, lines));

  const reader = new TraceLineReader(format, sink);
  // Each chunk is parsed while the next one is read.
  for (let bytesRead = bytes; bytesRead > 0;) {
    const ahead = read(splitter.nextBuffer, 0, CHUNK_BYTES);
    splitter.consume(bytesRead, reader);
    opts.onProgress?.(bytes, totalBytes);
    if (opts.drain) await opts.drain();
    const r = await ahead;
    if (!r.ok) return r;
    bytesRead = r.value;
    bytes += bytesRead;
  }
  reader.finish(splitter.end(reader));
  return ok(summary(file, format, bytes, reader));
}

export interface ReadTraceTextOptions {
  format?: TraceFormat;
  /** Named in errors and in the summary (an editor's document URI or path). */
  file?: string;
}

/** The same reader over text already in memory (an editor buffer). */
export function readTraceText(
  text: string,
  sink: (e: TraceEvent) => void,
  opts: ReadTraceTextOptions = {},
): Result<TraceReadSummary> {
  const file = opts.file ?? '<text>';
  if (text.length === 0) return err(emptyTrace(file));
  const refused = refuseTraceHead(text.slice(0, HEAD_BYTES), file);
  if (refused !== null) return err(refused);
  const lines = leadingLines(text);
  const format = opts.format ?? detectTraceFormat(lines);
  if (format === null) return err(unknownFormat(file, lines));
  const reader = new TraceLineReader(format, sink);
  reader.finish(splitText(text, reader));
  return ok(summary(file, format, Buffer.byteLength(text), reader));
}

/** The first lines of the input for detection, without a byte-order mark. */
function leadingLines(text: string): string[] {
  const lines: string[] = [];
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (lines.length < DETECT_LINES * 2 && pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const end = nl < 0 ? text.length : nl;
    lines.push(text.slice(pos, end).replace(/\r$/, ''));
    pos = end + 1;
  }
  return lines;
}

function summary(file: string, format: TraceFormat, bytes: number, reader: TraceLineReader): TraceReadSummary {
  const c = reader.counts;
  return {
    file,
    format,
    bytes,
    lines: c.lines,
    events: c.events,
    skippedLines: c.skippedLines,
    warnings: c.warnings,
    warningCount: c.warningCount,
  };
}

function unreadable(file: string, e: unknown): AutoloadError {
  const reason = e instanceof Error ? e.message : String(e);
  return {
    code: 'unreadable-file',
    file,
    message: `cannot read the trace: ${reason}`,
    hint: 'check the path and its permissions',
  };
}

function cancelled(file: string): AutoloadError {
  return { code: 'cancelled', file, message: 'reading the trace was cancelled' };
}

function emptyTrace(file: string): AutoloadError {
  return {
    code: 'empty-trace',
    file,
    message: 'the trace is empty',
    hint: 'capture it after the events happened, e.g. cat /sys/kernel/tracing/trace > trace.txt (as root)',
  };
}

function unknownFormat(file: string, lines: string[]): AutoloadError {
  if (lines.every((l) => l.trim() === '')) return emptyTrace(file);
  return {
    code: 'unknown-trace-format',
    file,
    message: 'not a trace Autoload Lens can read: no ftrace, trace-cmd report, perf script or dmesg lines at its start',
    hint: 'give the text of /sys/kernel/tracing/trace, `trace-cmd report`, `perf script` or `dmesg`, or name the format with --trace-format',
  };
}
