/** Test helpers: read a trace into an array, and paths of the real sample. */
import * as path from 'node:path';
import type { TraceEvent, TraceReadSummary } from '../../../src/engine/events';
import type { AutoloadError, Result } from '../../../src/engine/result';
import {
  readTraceFile,
  readTraceText,
  type ReadTraceFileOptions,
  type ReadTraceTextOptions,
} from '../../../src/engine/trace/index';

/** Repository root, from out/test/unit/trace/ (four levels up). */
export const ROOT = path.resolve(__dirname, '../../../..');
export const SAMPLE = path.join(ROOT, 'samples/boot-6.1-qemu');

export interface Collected {
  result: Result<TraceReadSummary>;
  events: TraceEvent[];
}

export async function collectFile(file: string, opts?: ReadTraceFileOptions): Promise<Collected> {
  const events: TraceEvent[] = [];
  const result = await readTraceFile(file, (e) => events.push(e), opts);
  return { result, events };
}

export function collectText(text: string, opts?: ReadTraceTextOptions): Collected {
  const events: TraceEvent[] = [];
  const result = readTraceText(text, (e) => events.push(e), opts);
  return { result, events };
}

export function summaryOf(c: Collected): TraceReadSummary {
  if (!c.result.ok) throw new Error(`expected a summary, got ${c.result.error.code}: ${c.result.error.message}`);
  return c.result.value;
}

export function errorOf(c: Collected): AutoloadError {
  if (c.result.ok) throw new Error('expected an error, got a summary');
  return c.result.error;
}

export function countByKind(events: TraceEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.kind] = (counts[e.kind] ?? 0) + 1;
  return counts;
}
