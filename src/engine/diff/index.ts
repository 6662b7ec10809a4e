/**
 * Boot-to-boot diff: two traces replayed one after the other, each streamed into a digest of what the diff compares
 * (bootDigest.ts), then compared (compare.ts). A report already held in memory (the editor's) is digested the same.
 */
import { playReport, type Report } from '../report';
import { streamReplay, type ReplayOptions } from '../replay/index';
import { ok, type Result } from '../result';
import { BootDigest } from './bootDigest';
import { compareBoots, type BootDiff } from './compare';
import { firstEventTime } from './traceOrigin';

export type { CallSiteKey, FindingFacts } from './bootDigest';
export { compareBoots, NAME_CHANGES, type BootDiff, type ChainDiff, type DiffSide, type DiffSummary, type NameChange, type NameDiff, type SiteDiff } from './compare';
export { firstEventTime } from './traceOrigin';

export interface DiffOptions {
  base: ReplayOptions;
  new: ReplayOptions;
}

export async function diffTraces(opts: DiffOptions): Promise<Result<BootDiff>> {
  const base = await digestTrace(opts.base);
  if (!base.ok) return base;
  const next = await digestTrace(opts.new);
  if (!next.ok) return next;
  return ok(compareBoots(base.value, next.value));
}

/** One trace replayed into its digest. */
async function digestTrace(opts: ReplayOptions): Promise<Result<BootDigest>> {
  const origin = await firstEventTime(opts.tracePath, { ...(opts.traceFormat && { format: opts.traceFormat }), ...(opts.signal && { signal: opts.signal }) });
  if (!origin.ok) return origin;
  const digest = new BootDigest(origin.value);
  const tail = await streamReplay(opts, digest);
  return tail.ok ? ok(digest) : tail;
}

/** Two reports held in memory, with the times of their traces' first events. */
export function diffReports(base: { report: Report; origin: number | null }, next: { report: Report; origin: number | null }): BootDiff {
  const digest = ({ report, origin }: { report: Report; origin: number | null }): BootDigest => {
    const d = new BootDigest(origin);
    playReport(report, d);
    return d;
  };
  return compareBoots(digest(base), digest(next));
}
