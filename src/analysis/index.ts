/**
 * The C analysis layer's public API: scan a tree into a SourceIndex (scanTree), or open it to re-analyse its files as
 * they are edited (openSourceTree). Knows tree-sitter and C; nothing of VS Code.
 */
import * as os from 'node:os';
import { ok, type Result } from '../engine/result';
import type { SourceIndex } from '../engine/sourceIndex';
import { buildIndex, indexModel, updateIndex } from './indexBuilder';
import { IncludeGraph } from './includeGraph';
import type { ParserBackend } from './parser';
import { scan, type ScanState } from './scan';
import type { ScanCacheReport } from './scanCache';
import type { ScanTimings } from './scanTimings';
import type { ScanProgress } from './scanProgress';
import { type FileAnalyser, startAnalyser } from './workerPool';

export type { ScanCacheReport } from './scanCache';
export { describeScanProgress, scanFraction, type ScanProgress } from './scanProgress';
export type { ScanTimings } from './scanTimings';

export interface ScanOptions {
  /** Extra wrapper names for code bases whose wrappers the discovery cannot see. */
  extraWrappers?: string[];
  /** Globs (relative to the root) of files and directories to leave out. */
  exclude?: string[];
  /** Files larger than this are skipped (default 2 MB). */
  maxFileBytes?: number;
  signal?: AbortSignal;
  /** Told what the scan is doing: each pass, with its files done and to do (see scanProgress.ts). */
  onProgress?: (progress: ScanProgress) => void;
  /** Worker threads (default: one per core, at most DEFAULT_MAX_THREADS); 0 runs in this thread. */
  threads?: number;
  /** Parser backend (default: native, falling back to wasm). */
  backend?: ParserBackend;
  /** Parse whole files instead of the regions around hits (the reference the fast path must equal). */
  wholeFile?: boolean;
  /**
   * Reuse what earlier scans found in files whose size and mtime are unchanged (default true): in this process, and
   * across processes through a cache file outside the tree. false: no cache at all (nothing read or written).
   */
  cache?: boolean;
  /** Folder of the cache file (default `${XDG_CACHE_HOME:-~/.cache}/autoload-lens/scan/<hash of the root>`). */
  cacheDir?: string;
  /** Told, after a complete scan, what the cache did: hits, misses, whether the file was used or written, problems. */
  onCache?: (report: ScanCacheReport) => void;
  /** Told, after a scan that read the tree (not one the cache answered whole), where its time went. */
  onTimings?: (timings: ScanTimings) => void;
  /**
   * The kernel tree the code builds against (`make -C $KDIR`), whose headers supply the macros and constants the tree
   * lacks. Default: the tree itself when it is a kernel tree, else /lib/modules/$(uname -r)/build when it exists;
   * null: none. The index's `kernelDirectory` says which was used.
   */
  kernelDirectory?: string | null;
}

export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;
/**
 * Scan threads by default: one per core (files are read and analysed one at a time, so the passes spread over any
 * number), at most this many; each holds a parser and the names of the files it read (about 35 MB on linux-6.12).
 */
export const DEFAULT_MAX_THREADS = 8;

/** The scan threads of a scan that names none. */
export const defaultThreads = (): number => Math.min(DEFAULT_MAX_THREADS, os.availableParallelism());

function scanConfig(root: string, opts: ScanOptions): Parameters<typeof scan>[0] {
  return {
    root,
    extraWrappers: opts.extraWrappers ?? [],
    exclude: opts.exclude ?? [],
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    signal: opts.signal,
    onProgress: opts.onProgress,
    threads: opts.threads ?? defaultThreads(),
    backend: opts.backend ?? 'auto',
    wholeFile: opts.wholeFile ?? false,
    cache: opts.cache ?? true,
    cacheDir: opts.cacheDir,
    onCache: opts.onCache,
    onTimings: opts.onTimings,
    kernelDirectory: opts.kernelDirectory,
  };
}

/** Scans a tree into its index (for a one-off answer; openSourceTree keeps what re-analysing its files needs). */
export async function scanTree(root: string, opts: ScanOptions = {}): Promise<Result<SourceIndex>> {
  const r = await scan(scanConfig(root, opts));
  return r.ok ? ok(r.value.index) : r;
}

/**
 * A scanned tree that owns everything re-analysing its files needs: the C parser, the scan's per-file facts and the
 * model of its index. The editor keeps one per scanned folder; nothing of it lives in module state.
 */
export interface OpenSourceTree {
  /** The index as of the last scan or update. */
  readonly index: SourceIndex;
  /** The parser edited files are re-analysed with. */
  readonly backend: ParserBackend;
  /**
   * Re-analyses one edited file (`text`: its new content, '' when it is gone) on a thread of its own; the tree's index
   * becomes the result. An error, the index unchanged, when the file's parse gives up. Updates run in the order asked.
   */
  update(relPath: string, text: string): Promise<Result<SourceIndex>>;
  /**
   * Builds the update model now, for an index the scan cache answered whole (it holds none yet), so that the first
   * edit does not pay for it. Cheap when the model exists.
   */
  prepareUpdates(): void;
  /** Lets go of the facts and stops the analyser's thread. */
  dispose(): void;
}

/** Scans `root` and starts the analyser of edited files (`opts.backend`, by default native, else wasm). */
export async function openSourceTree(root: string, opts: ScanOptions = {}): Promise<Result<OpenSourceTree>> {
  const cfg = scanConfig(root, opts);
  const r = await scan(cfg);
  if (!r.ok) return r;
  // Started after the scan, whose threads it would slow.
  const analyser = await startAnalyser(cfg);
  return analyser.ok ? ok(new ScannedTree(analyser.value, r.value.index, r.value.state)) : analyser;
}

class ScannedTree implements OpenSourceTree {
  /** The last update asked for: the next one starts from the state it leaves. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private analyser: FileAnalyser | null,
    private current: SourceIndex,
    private state: ScanState,
  ) {}

  get index(): SourceIndex {
    return this.current;
  }

  get backend(): ParserBackend {
    return this.analyser?.backend ?? 'native';
  }

  update(relPath: string, text: string): Promise<Result<SourceIndex>> {
    const next = this.queue.then(() => this.updateNow(relPath.split('\\').join('/'), text));
    this.queue = next;
    return next;
  }

  private async updateNow(file: string, text: string): Promise<Result<SourceIndex>> {
    if (this.analyser === null) return ok(this.current);
    this.prepareUpdates();
    const analysed = await this.analyser.analyse(file, text, this.state.sets);
    if (!analysed.ok) return analysed;
    // Disposed while the thread worked: nothing is kept.
    if (this.analyser === null) return ok(this.current);
    const result = analysed.value;
    const state = this.state;
    const before = state.facts.get(file);
    const facts = new Map(state.facts);
    if (result) facts.set(file, result);
    else facts.delete(file);
    // The usual edit keeps the file's definitions and calls: its entries are swapped in without a rebuild.
    const quick = state.model ? updateIndex(this.current, state.model, before, result, file) : null;
    if (quick) {
      this.state = { ...state, facts };
      this.current = quick;
      return ok(quick);
    }
    const sources = state.sourceFiles.includes(file) ? state.sourceFiles : [...state.sourceFiles, file];
    // A new include graph: the edit may have changed the file's includes.
    const graph = new IncludeGraph(state.tree);
    const { index, model } = buildIndex(graph, facts, state.counts, state.extraWrappers, sources);
    this.state = { ...state, facts, model, sourceFiles: sources };
    this.current = index;
    return ok(index);
  }

  prepareUpdates(): void {
    const state = this.state;
    state.model ??= indexModel(state.facts, this.current.aliases, state.extraWrappers, state.sourceFiles, state.tree);
  }

  dispose(): void {
    void this.analyser?.close();
    this.analyser = null;
    this.state = { ...this.state, facts: new Map(), model: null };
  }
}
