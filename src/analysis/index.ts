/**
 * The C analysis layer's public API: scan a tree into a SourceIndex, re-analyse one edited file. Knows tree-sitter
 * and C; nothing of VS Code.
 */
import * as os from 'node:os';
import { ok, type Result } from '../engine/result';
import type { SourceIndex } from '../engine/sourceIndex';
import { preparePass } from './batch';
import { analyzeFile } from './fileAnalysis';
import { buildIndex, indexModel, updateIndex } from './indexBuilder';
import { noKernelDirectory } from './kernelDir';
import { type CParser, getParser, type ParserBackend } from './parser';
import { ALIAS_TOKEN, REQUEST_FUNCTIONS, REQUEST_TOKENS } from './requestFunctions';
import { scan, type ScanState } from './scan';
import type { ScanCacheReport } from './scanCache';
import type { ScanTimings } from './scanTimings';
import { SourceTree } from './sourceTree';
import type { ScanProgress } from './scanProgress';

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
  /** Worker threads (default: up to 2); 0 runs in this thread. */
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

const states = new WeakMap<SourceIndex, ScanState>();

export async function scanTree(root: string, opts: ScanOptions = {}): Promise<Result<SourceIndex>> {
  const r = await scan({
    root,
    extraWrappers: opts.extraWrappers ?? [],
    exclude: opts.exclude ?? [],
    maxFileBytes: opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES,
    signal: opts.signal,
    onProgress: opts.onProgress,
    threads: opts.threads ?? Math.min(2, os.availableParallelism()),
    backend: opts.backend ?? 'auto',
    wholeFile: opts.wholeFile ?? false,
    cache: opts.cache ?? true,
    cacheDir: opts.cacheDir,
    onCache: opts.onCache,
    onTimings: opts.onTimings,
    kernelDirectory: opts.kernelDirectory,
  });
  if (!r.ok) return r;
  states.set(r.value.index, r.value.state);
  return ok(r.value.index);
}

let loadedParser: CParser | null = null;

/** Loads the C parser for this thread (native, else wasm) and says which one is in use. */
export async function loadParser(backend?: ParserBackend): Promise<Result<{ backend: ParserBackend }>> {
  const r = await getParser(backend ?? 'auto');
  if (!r.ok) return r;
  loadedParser = r.value;
  return ok({ backend: r.value.backend });
}

/**
 * Re-analyses one edited file (`text` is its new content) and returns the updated index. Call `loadParser` first;
 * without a loaded parser the index is returned unchanged with the file listed as unreadable.
 */
export function updateFile(index: SourceIndex, relPath: string, text: string): SourceIndex {
  const file = relPath.split('\\').join('/');
  if (!loadedParser) {
    const unreadable = [...index.files.unreadable.filter((u) => u.file !== file), { file, reason: 'no C parser loaded: call loadParser() first' }];
    return { ...index, files: { ...index.files, unreadable } };
  }
  const known = states.get(index);
  const state: ScanState = known ?? {
    facts: new Map(),
    sets: {
      search: [],
      searchHeaders: [],
      tokens: [...REQUEST_TOKENS, ALIAS_TOKEN, ...index.wrappers.map((w) => w.name)],
      callees: [...REQUEST_FUNCTIONS.keys(), ...index.wrappers.map((w) => w.name)],
      constants: [],
      wholeFile: false,
      indexNames: false,
      aliasMacros: [],
      fillers: [],
    },
    counts: index.files,
    extraWrappers: [],
    sourceFiles: [],
    model: null,
    tree: noTree(index.root),
  };
  const before = state.facts.get(file);
  prepareUpdates(index);
  const result = analyzeFile(loadedParser, file, Buffer.from(text, 'utf8'), preparePass(state.sets).sets);
  const facts = new Map(state.facts);
  if (result) facts.set(file, result);
  else facts.delete(file);
  const quick = state.model ? updateIndex(index, state.model, before, result, file) : null;
  if (quick) {
    states.set(quick, { ...state, facts });
    return quick;
  }
  const sources = state.sourceFiles.includes(file) ? state.sourceFiles : [...state.sourceFiles, file];
  const { index: next, model } = buildIndex(state.tree, facts, state.counts, state.extraWrappers, sources);
  if (!known) {
    // Without the scan's facts, keep the other files' entries as they were.
    const others = <T extends { file: string }>(xs: T[], mine: T[]) => [...xs.filter((x) => x.file !== file), ...mine];
    return {
      ...index,
      callSites: others(index.callSites, next.callSites),
      aliases: others(index.aliases, next.aliases),
      functions: others(index.functions, next.functions),
      findings: [...index.findings.filter((f) => f.location.file !== file), ...next.findings],
    };
  }
  states.set(next, { ...state, facts, model });
  return next;
}

/**
 * Readies `updateFile` for an index that a scan took whole from its cache (it then holds no update model yet), so
 * that the first edit does not pay for it. Cheap when the model exists.
 */
export function prepareUpdates(index: SourceIndex): void {
  const state = states.get(index);
  if (state) state.model ??= indexModel(state.facts, index.aliases, state.extraWrappers, state.sourceFiles, state.tree);
}

/** What an index's update knows of its tree without the scan that made it: no files, no kernel directory. */
const noTree = (root: string) => new SourceTree(root, noKernelDirectory(), []);
