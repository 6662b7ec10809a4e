/** What every hostile case must satisfy, whatever it did: well-formed output, errors as values, bounded cost. */
import assert from 'node:assert/strict';
import type { DiffFormat, ReportFormat, ReplayFormat } from '../../src/cli/args';
import { replaySink } from '../../src/cli/replayCommand';
import { writeScan } from '../../src/cli/scanCommand';
import { isShowable } from '../../src/engine/escape';
import { playReport, type Report } from '../../src/engine/reportStream/index';
import type { AutoloadError, Result } from '../../src/engine/result';
import type { SourceIndex } from '../../src/engine/sourceIndex';
import { sarifViolations } from '../unit/report/sarifShape';
import { CASE_LIMITS } from './config';

/** Lines of `text` that hold a raw control (a person's text may only break lines). */
export function rawLines(text: string): string[] {
  return text.split('\n').filter((l) => !isShowable(l));
}

/** How the suite lays out reports: as the CLI does with stdout not on a terminal, SARIF relative to `baseDir`. */
const layout = (baseDir: string) => ({ color: false, width: 100, baseDir, labels: { host: 'fuzz\u202e' } });

/** A replay's report in `format`, through the CLI's choice of renderer. */
export function renderReplay(report: Report, format: ReplayFormat, baseDir: string): string {
  const parts: string[] = [];
  playReport(
    report,
    replaySink(format, (t) => parts.push(t), layout(baseDir)),
  );
  return parts.join('');
}

/** A scan's report in `format`, through the CLI's choice of renderer. */
export function renderScan(index: SourceIndex, format: ReportFormat, baseDir: string): string {
  const parts: string[] = [];
  writeScan(index, format, (t) => parts.push(t), layout(baseDir));
  return parts.join('');
}

/** A report written in `format` parses as that format and shows no raw control. */
export function checkReport(format: ReplayFormat | DiffFormat, text: string): void {
  assert.deepEqual(rawLines(text), [], `${format} output holds raw controls`);
  switch (format) {
    case 'text':
    case 'markdown':
      assert.ok(text.endsWith('\n'), 'text report ends its last line');
      return;
    case 'json':
      assert.equal(typeof JSON.parse(text), 'object');
      return;
    case 'jsonl': {
      assert.ok(text.endsWith('\n'), 'JSON Lines end their last record');
      const records = text
        .slice(0, -1)
        .split('\n')
        .map((l) => JSON.parse(l) as { type?: unknown });
      assert.equal(records[0]?.type, 'run');
      assert.equal(records[records.length - 1]?.type, 'summary');
      return;
    }
    case 'sarif': {
      const doc = JSON.parse(text);
      assert.deepEqual(sarifViolations(doc), []);
      for (const run of doc.runs) {
        for (const r of run.results) {
          assert.ok(isShowable(r.message.text), 'SARIF message text holds raw controls');
          for (const loc of r.relatedLocations ?? [])
            assert.ok(loc.message === undefined || isShowable(loc.message.text));
        }
      }
      return;
    }
  }
}

/** An error value says what went wrong in a sentence, with a stable code. */
export function checkError(e: AutoloadError): void {
  assert.match(e.code, /^[a-z][a-z-]*$/);
  assert.ok(e.message.length > 0);
}

/** A Result: either a value, or an error value (never a throw: that fails the property by itself). */
export function checkResult<T>(r: Result<T>): T | null {
  if (r.ok) return r.value;
  checkError(r.error);
  return null;
}

/**
 * Runs one case and fails it when it takes longer, or grows the heap more, than CASE_LIMITS allow for a case of
 * `inputBytes` (its time may grow linearly with them).
 */
export async function bounded<T>(what: string, run: () => Promise<T>, inputBytes = 0): Promise<T> {
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const value = await run();
  const seconds = (performance.now() - t0) / 1000;
  const growthMb = (process.memoryUsage().heapUsed - heap0) / 1048576;
  const limit = CASE_LIMITS.seconds + (CASE_LIMITS.secondsPerInputMb * inputBytes) / 1048576;
  assert.ok(
    seconds < limit,
    `${what} took ${seconds.toFixed(1)} s (limit ${limit.toFixed(1)} s for ${(inputBytes / 1048576).toFixed(1)} MB)`,
  );
  assert.ok(growthMb < CASE_LIMITS.heapGrowthMb, `${what} grew the heap by ${growthMb.toFixed(0)} MB`);
  return value;
}
