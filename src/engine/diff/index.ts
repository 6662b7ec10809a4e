/**
 * Boot-to-boot diff: each trace replayed into a digest of what the diff compares (bootDigest.ts), then compared
 * (compare.ts). Only digests are held, never two reports' requests: the CLI streams both replays; the editor digests
 * the report it already holds and streams the other trace.
 */
import { playReport, type Report } from '../reportStream/index';
import { streamReplay, type ReplayOptions } from '../replay/index';
import { ok, type Result } from '../result';
import { BootDigest } from './bootDigest';
import { compareBoots, type BootDiff } from './compare';

export type { CallSiteKey, FindingFacts } from './bootDigest';
export {
  compareBoots,
  type BootDiff,
  type ChainDiff,
  type DiffSide,
  type DiffSummary,
  type NameChange,
  type NameDiff,
  type SiteDiff,
} from './compare';

/** Two trace files, BASE then NEW, each replayed as it is read. */
export async function diffTraces(base: ReplayOptions, next: ReplayOptions): Promise<Result<BootDiff>> {
  const b = await digestTrace(base);
  if (!b.ok) return b;
  const n = await digestTrace(next);
  if (!n.ok) return n;
  return ok(compareBoots(b.value, n.value));
}

/** A trace file as BASE, replayed as it is read, against a report already in memory as NEW (the editor's). */
export async function diffTraceWithReport(base: ReplayOptions, next: Report): Promise<Result<BootDiff>> {
  const b = await digestTrace(base);
  if (!b.ok) return b;
  const n = new BootDigest();
  playReport(next, n);
  return ok(compareBoots(b.value, n));
}

async function digestTrace(opts: ReplayOptions): Promise<Result<BootDigest>> {
  const digest = new BootDigest();
  const tail = await streamReplay(opts, digest);
  return tail.ok ? ok(digest) : tail;
}
