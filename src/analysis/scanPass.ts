/**
 * Running the passes of one scan over the walked files: each file's outcome is replayed from the scan cache when it
 * has one, left out when the first pass's name index shows it cannot hold the pass's names, and otherwise read and
 * analysed in batches on the runner. The first pass walks the tree as it goes.
 */
import type { PassOutcome, PassSets } from './batch';
import { type FileFacts, mergeFacts } from './facts';
import type { FileCounts } from './indexBuilder';
import type { PassTargets, ScanProgress } from './scanProgress';
import { passSignature, type ScanCache } from './scanCache';
import { addPhaseTimes, noPhaseTimes, type PassTiming } from './scanTimings';
import type { Walker } from './walker';
import type { BatchRunner } from './workerPool';

const BATCH = 96;
/** Later passes read few files, some slow to analyse: small batches keep every thread busy to the pass's end. */
const LATER_BATCH = 8;

/** Facts of a file from one more pass, merged with what the file gave the earlier ones. */
export function takeFacts(facts: Map<string, FileFacts>, f: FileFacts): void {
  const had = facts.get(f.file);
  facts.set(f.file, had ? mergeFacts(had, f) : { ...f, macrosOnly: undefined });
}

export interface PassesConfig {
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
}

export class ScanPasses {
  readonly facts = new Map<string, FileFacts>();
  readonly counts: FileCounts;
  /** Signatures of the passes run, in order (they key the scan cache's outcomes). */
  readonly signatures: string[] = [];
  readonly timings: PassTiming[] = [];
  /**
   * The files the first pass read and indexed (the runner's threads hold their names): later passes read only those
   * that can hold their names.
   */
  private readonly indexed = new Set<string>();
  /** The files the first pass skipped (too large, or binary): every pass skips them. */
  private readonly skipped = new Set<string>();
  /** The files listed unreadable so far (the walk's, and those a pass could not read or parse). */
  private readonly unreadable: Set<string>;

  constructor(
    private readonly walker: Walker,
    private readonly runner: BatchRunner,
    private readonly cache: ScanCache | null,
    private readonly cfg: PassesConfig,
  ) {
    this.counts = { scanned: 0, skipped: 0, unreadable: walker.unreadable };
    this.unreadable = new Set(walker.unreadable.map((u) => u.file));
  }

  /**
   * Runs one pass to its end (the first one also walks the tree); false when the scan was cancelled. `targets`: what a
   * later pass looks for, for progress (null for the first).
   */
  async run(sets: PassSets, targets: PassTargets | null): Promise<boolean> {
    const first = this.signatures.length === 0;
    const pass = this.signatures.length + 1;
    let done = 0;
    /** A later pass's files chosen to read so far; it says how many once it has chosen them all. */
    let toRead = 0;
    let chosen = first;
    const progress = () => {
      if (chosen)
        this.cfg.onProgress?.({ phase: 'pass', pass, done, total: first ? this.walker.files.length : toRead, targets });
    };
    progress();
    const start = performance.now();
    const timing: PassTiming = {
      names: sets.search.length,
      constants: sets.searchHeaders.length,
      read: 0,
      withFacts: 0,
      wall: 0,
      work: noPhaseTimes(),
    };
    this.timings.push(timing);
    const { walker, runner, cache } = this;
    runner.setPass(sets);
    const signature = passSignature(sets);
    this.signatures.push(signature);
    const take = (r: PassOutcome) => {
      for (const f of r.facts) takeFacts(this.facts, f);
      timing.withFacts += r.facts.length;
      if (first) {
        this.counts.scanned += r.scanned;
        this.counts.skipped += r.skipped;
      }
      // A later pass finds a file unreadable when it went meanwhile; any pass, when its parse gave up.
      for (const u of r.unreadable) {
        if (this.unreadable.has(u.file)) continue;
        this.unreadable.add(u.file);
        this.counts.unreadable.push(u);
      }
    };
    const holding = first ? null : await runner.select(sets.search, sets.searchHeaders);
    const unread = (rel: string) => {
      // A file found unreadable, or whose parse gave up, is the same text in this pass: it is not tried again.
      if (!first && this.unreadable.has(rel)) return true;
      if (!holding || !(this.indexed.has(rel) || this.skipped.has(rel)) || holding.has(rel)) return false;
      cache?.recordNothing(rel, signature);
      return true;
    };
    // Batches in flight; waiting for whichever finishes first keeps every worker fed (no head-of-line blocking).
    const inFlight = new Set<Promise<void>>();
    const dispatch = async (batch: string[]) => {
      timing.read += batch.length;
      const p = runner.run(batch).then((r) => {
        if (first) {
          r.stats.forEach((st, i) => {
            if (st?.skipped) this.skipped.add(batch[i]);
            else if (st && sets.indexNames) this.indexed.add(batch[i]);
          });
        }
        take(r);
        addPhaseTimes(timing.work, r.times);
        cache?.record(batch, r, signature, first);
        done += batch.length;
        progress();
      });
      inFlight.add(p);
      const settle = () => inFlight.delete(p);
      p.then(settle, settle);
      if (inFlight.size >= runner.depth) await Promise.race(inFlight);
    };
    const size = first ? BATCH : LATER_BATCH;
    const pending: string[] = [];
    let next = 0;
    let slices = 0;
    while (!walker.done || next < walker.files.length) {
      if (this.cfg.signal?.aborted) return false;
      if (!walker.done && walker.files.length - next < BATCH) {
        walker.step(64);
        continue;
      }
      for (const rel of walker.files.slice(next, next + BATCH)) {
        if (cache?.replay(rel, signature, first, take) || unread(rel)) {
          if (first) done++;
        } else {
          pending.push(rel);
          toRead++;
        }
      }
      next = Math.min(walker.files.length, next + BATCH);
      // Files are read as they are chosen: a later pass's choice among every file of the tree (the cache's look-ups
      // and records) took 0.1-0.2 s in which no thread had work.
      while (pending.length >= size) await dispatch(pending.splice(0, size));
      // Files the cache answers cost a stat each, and no batch gives way to the event loop meanwhile.
      if (first && ++slices % 16 === 0) {
        progress();
        await new Promise<void>((r) => setImmediate(r));
      }
    }
    chosen = true;
    progress();
    while (pending.length > 0) await dispatch(pending.splice(0, size));
    await Promise.all(inFlight);
    timing.wall = performance.now() - start;
    return !this.cfg.signal?.aborted;
  }
}
