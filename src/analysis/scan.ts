/**
 * Whole-tree scan: a tree the scan cache saw unchanged is its last result; otherwise the passes (see PassPlan) run on
 * the worker pool over the walked files (see ScanPasses), then the index is built from their facts and the cache saved.
 */
import * as fs from 'node:fs';
import { err, ok, type Result } from '../engine/result';
import type { SourceIndex } from '../engine/sourceIndex';
import type { PassSets } from './batch';
import type { FileFacts } from './facts';
import { prepareAliasLookups } from './aliases';
import { buildIndex, type FileCounts, type IndexModel } from './indexBuilder';
import { IncludeGraph } from './includeGraph';
import { kbuildUnchanged } from './kbuild';
import { type KernelDirectory, resolveKernelDirectory } from './kernelDir';
import type { ParserBackend } from './parser';
import { PassPlan } from './passPlan';
import { ScanCache, type ScanCacheReport } from './scanCache';
import { ScanPasses, takeFacts } from './scanPass';
import type { ScanProgress } from './scanProgress';
import type { ScanTimings } from './scanTimings';
import { SourceTree } from './sourceTree';
import { Walker } from './walker';
import { startRunner, ThreadStopped, workerScript } from './workerPool';

export interface ScanConfig {
  root: string;
  extraWrappers: string[];
  exclude: string[];
  maxFileBytes: number;
  signal?: AbortSignal;
  onProgress?: (progress: ScanProgress) => void;
  threads: number;
  backend: ParserBackend | 'auto';
  wholeFile: boolean;
  /** Reuse, per file, what earlier scans of this root found while its size and mtime are unchanged. */
  cache: boolean;
  /** Folder of the on-disk scan cache (default under XDG_CACHE_HOME). */
  cacheDir?: string;
  onCache?: (report: ScanCacheReport) => void;
  /** Told, after a scan that ran its passes, where its time went. */
  onTimings?: (timings: ScanTimings) => void;
  /** The kernel directory whose headers supply what the tree lacks; undefined: the default; null: none. */
  kernelDirectory?: string | null;
}

/** What re-analysing one file against the rest of the tree needs (OpenSourceTree.update). */
export interface ScanState {
  facts: Map<string, FileFacts>;
  sets: PassSets;
  counts: FileCounts;
  extraWrappers: string[];
  sourceFiles: string[];
  model: IndexModel | null;
  tree: SourceTree;
}

const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

/**
 * A tree whose files are exactly those of the cache's last complete scan, each with its recorded size and mtime,
 * gives that scan's result: no file is read and nothing is rebuilt. Null when anything differs.
 */
async function unchangedTree(
  cfg: ScanConfig,
  walker: Walker,
  cache: ScanCache,
  kernel: KernelDirectory,
): Promise<{ index: SourceIndex; state: ScanState } | null | 'cancelled'> {
  // Without a snapshot the walk is left to the first pass, which reads files as they are found.
  if (!cache.hasSnapshot) return null;
  // In slices, yielding between them: the editor's event loop stays responsive and cancellation is seen.
  while (!walker.done) {
    if (cfg.signal?.aborted) return 'cancelled';
    walker.step(256);
    cfg.onProgress?.({ phase: 'walk', files: walker.files.length });
    await yieldToEvents();
  }
  const snap = cache.snapshotOf(walker.files);
  if (!snap) return null;
  const files = walker.files;
  for (let i = 0; i < files.length; i += 2048) {
    if (cfg.signal?.aborted) return 'cancelled';
    for (let j = i; j < Math.min(files.length, i + 2048); j++) if (!cache.unchanged(files[j])) return null;
    cfg.onProgress?.({ phase: 'check', done: Math.min(files.length, i + 2048), total: files.length });
    await yieldToEvents();
  }
  if (!kbuildUnchanged(cfg.root, snap.kbuild)) return null;
  const facts = new Map<string, FileFacts>();
  const report = cache.replaySnapshot(snap, files, (f) => takeFacts(facts, f));
  cfg.onCache?.(report);
  const tree = new SourceTree(cfg.root, kernel, files);
  const state: ScanState = {
    facts,
    sets: snap.sets,
    counts: snap.index.files,
    extraWrappers: cfg.extraWrappers,
    sourceFiles: [...tree.sourceFiles],
    model: null,
    tree,
  };
  // A copy of its own (the root as this scan names it): each scan's index carries its own update state.
  return { index: { ...snap.index, root: cfg.root }, state };
}

const cancelled = () => err({ code: 'cancelled', message: 'the scan was cancelled' });

/** `work` on each item, a few at a time between turns of the event loop (the passes' messages), until done or cancelled. */
async function inSlices<T>(items: readonly T[], work: (item: T) => void, signal?: AbortSignal): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if (signal?.aborted) return;
    work(items[i]);
    if (i % 8 === 7) await yieldToEvents();
  }
}

export async function scan(cfg: ScanConfig): Promise<Result<{ index: SourceIndex; state: ScanState }>> {
  const start = performance.now();
  if (!fs.existsSync(cfg.root) || !fs.statSync(cfg.root).isDirectory()) {
    return err({
      code: 'not-a-directory',
      message: `${cfg.root} is not a directory`,
      file: cfg.root,
      hint: 'pass the root of a C source tree',
    });
  }
  const resolved = resolveKernelDirectory(cfg.root, cfg.kernelDirectory);
  if (!resolved.ok) return resolved;
  const kernel = resolved.value;
  const kernelIncludeDirs = kernel.info.includeDirs;
  const cache = cfg.cache ? ScanCache.for({ ...cfg, kernelIncludeDirs }, workerScript()) : null;
  const walker = new Walker(cfg.root, cfg.exclude, kernelIncludeDirs);
  if (cache) {
    const warm = await unchangedTree(cfg, walker, cache, kernel);
    if (warm === 'cancelled') return cancelled();
    if (warm) return ok(warm);
  }
  // The tree is walked while the threads load their parsers.
  let ready = false;
  const starting = startRunner(cfg).finally(() => (ready = true));
  while (!ready && !walker.done) {
    walker.step(16);
    await yieldToEvents();
  }
  const started = await starting;
  if (!started.ok) return started;
  const runner = started.value;
  try {
    const passes = new ScanPasses(walker, runner, cache, cfg);
    const plan = new PassPlan(cfg.extraWrappers, cfg.wholeFile);
    if (!(await passes.run(plan.current, null))) return cancelled();
    const tree = new SourceTree(cfg.root, kernel, walker.files);
    const graph = new IncludeGraph(tree);
    // The main thread mostly waits while the later passes run: it works out meanwhile what building the index will
    // look up for the alias declarations found so far. An error is kept, and thrown where the index is built.
    const aliasFiles = [...passes.facts.values()].filter((f) => f.aliases.length > 0).map((f) => f.file);
    const prepared = inSlices(aliasFiles, (file) => prepareAliasLookups(graph, file), cfg.signal).then(
      () => null,
      (e: unknown) => ({ error: e }),
    );
    let discovery = 0;
    for (;;) {
      const t0 = performance.now();
      const planned = plan.next(passes.facts, graph);
      discovery += performance.now() - t0;
      if (!planned) break;
      if (!(await passes.run(planned.sets, planned.targets))) return cancelled();
    }
    cfg.onProgress?.({ phase: 'index' });
    // Let the progress out before building the index blocks this thread.
    await yieldToEvents();
    const t0 = performance.now();
    const failed = await prepared;
    if (failed) throw failed.error;
    const sourceFiles = [...tree.sourceFiles];
    const { index, model } = buildIndex(graph, passes.facts, passes.counts, cfg.extraWrappers, sourceFiles, plan.model);
    const t1 = performance.now();
    const sets = plan.complete();
    if (cache) {
      // Not inside `onCache?.(...)`: an optional call skips its arguments when there is no hook.
      const report = cache.save({
        passes: passes.signatures,
        sets,
        index,
        kbuild: tree.modules.inputs(),
        files: walker.files,
      });
      cfg.onCache?.(report);
    }
    const t2 = performance.now();
    cfg.onTimings?.({
      total: t2 - start,
      walk: walker.elapsed,
      passes: passes.timings,
      discovery,
      buildIndex: t1 - t0,
      cacheSave: t2 - t1,
    });
    return ok({
      index,
      state: {
        facts: passes.facts,
        sets,
        counts: passes.counts,
        extraWrappers: cfg.extraWrappers,
        sourceFiles,
        model,
        tree,
      },
    });
  } catch (e) {
    if (!(e instanceof ThreadStopped)) throw e;
    return err(e.error);
  } finally {
    await runner.close();
  }
}
