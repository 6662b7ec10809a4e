/**
 * Whole-tree scan: walk (streamed), then passes of prefilter + region analysis on worker threads.
 * Pass 1 looks for the request functions and MODULE_ALIAS; each later pass looks only for names discovered so far
 * (global wrappers, constants that alias declarations and formats use) until nothing new turns up.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { err, ok, type Result } from '../engine/result';
import type { SourceIndex } from '../engine/sourceIndex';
import { type BatchResult, type PassSets, preparePass, runBatch } from './batch';
import { tokenize } from './cpp';
import { type FileFacts, fillersWanted, mergeFacts } from './facts';
import { buildIndex, type FileCounts, type IndexModel, macroTableOf } from './indexBuilder';
import { kbuildUnchanged } from './kbuild';
import { isKernelHeader, type KernelDirectory, resolveKernelDirectory } from './kernelDir';
import { KBUILD_MODNAME, type MacroTable } from './macroTable';
import { type FileNames, hashName, mayHold, unpackNames } from './nameIndex';
import { getParser, type ParserBackend } from './parser';
import { passSignature, ScanCache, type ScanCacheReport } from './scanCache';
import type { PassTargets, ScanProgress } from './scanProgress';
import { ALIAS_TOKEN, REQUEST_FUNCTIONS, REQUEST_TOKENS } from './requestFunctions';
import type { FromWorker, ToWorker, WorkerInit } from './scanWorker';
import { SourceTree } from './sourceTree';
import { WrapperIndex } from './wrappers';

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
  /** The kernel directory whose headers supply what the tree lacks; undefined: the default; null: none. */
  kernelDirectory?: string | null;
}

/** What updateFile needs to re-analyse one file against the rest of the tree. */
export interface ScanState {
  facts: Map<string, FileFacts>;
  sets: PassSets;
  counts: FileCounts;
  extraWrappers: string[];
  sourceFiles: string[];
  model: IndexModel | null;
  tree: SourceTree;
}

const BATCH = 96;
const LATER_BATCH = 8;
const SOURCE = /\.[ch]$/;
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.svn', '.hg']);

export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}(?:/.*)?$`);
}

/**
 * Directory walk in slices; symlinks are not followed (no loops), generated files are left out. The tree first (paths
 * relative to its root), then the kernel directory's header folders (headers only, absolute paths).
 */
class Walker {
  readonly files: string[] = [];
  readonly unreadable: Array<{ file: string; reason: string }> = [];
  private readonly stack: string[];
  private readonly exclude: RegExp[];

  constructor(private readonly root: string, exclude: string[], kernelIncludeDirs: readonly string[]) {
    this.exclude = exclude.map(globToRegExp);
    this.stack = [...kernelIncludeDirs, ''];
  }

  get done(): boolean {
    return this.stack.length === 0;
  }

  /** Walks up to `dirs` directories. */
  step(dirs: number): void {
    for (let n = 0; n < dirs && this.stack.length > 0; n++) {
      const rel = this.stack.pop() as string;
      const kernel = isKernelHeader(rel);
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(kernel ? rel : path.join(this.root, rel), { withFileTypes: true });
      } catch (e) {
        this.unreadable.push({ file: rel || '.', reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
        continue;
      }
      for (const d of entries) {
        const child = rel ? `${rel}/${d.name}` : d.name;
        if (!kernel && this.exclude.some((r) => r.test(child))) continue;
        if (d.isDirectory()) {
          if (!SKIPPED_DIRS.has(d.name) && d.name !== 'generated') this.stack.push(child);
        } else if (d.isFile() && (kernel ? d.name.endsWith('.h') : SOURCE.test(d.name) && !d.name.endsWith('.mod.c'))) {
          this.files.push(child);
        }
      }
    }
  }
}

/** Runs batches on worker threads, or in this thread when no worker script or thread is available. */
interface Runner {
  setPass(pass: PassSets): void;
  run(files: string[]): Promise<BatchResult>;
  close(): Promise<void>;
}

function workerScript(): string | null {
  const candidates = [path.join(__dirname, 'scanWorker.js')];
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir)) candidates.push(path.join(dir, 'dist', 'scanWorker.js'));
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

async function inProcessRunner(cfg: ScanConfig): Promise<Result<Runner>> {
  const loaded = await getParser(cfg.backend);
  if (!loaded.ok) return loaded;
  const parser = loaded.value;
  let pass = preparePass({ search: [], searchHeaders: [], tokens: [], callees: [], constants: [], wholeFile: cfg.wholeFile, indexNames: false, aliasMacros: [], fillers: [] });
  return ok({
    setPass: (p) => {
      pass = preparePass(p);
    },
    run: async (files) => {
      await new Promise((r) => setImmediate(r));
      return runBatch(parser, cfg.root, files, pass, cfg.maxFileBytes);
    },
    close: async () => undefined,
  });
}

async function workerRunner(cfg: ScanConfig, script: string): Promise<Result<Runner>> {
  const init: WorkerInit = { root: cfg.root, backend: cfg.backend, maxFileBytes: cfg.maxFileBytes };
  const workers: Worker[] = [];
  const idle: Worker[] = [];
  const waiting: Array<(w: Worker) => void> = [];
  const pending = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | null = null;
  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  const started = await Promise.all(
    Array.from({ length: cfg.threads }, () => new Promise<Result<Worker>>((resolve) => {
      const w = new Worker(script, { workerData: init });
      w.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          resolve(ok(w));
        } else if (m.type === 'failed') {
          resolve(err({ code: 'parser-unavailable', message: m.message }));
        } else {
          const p = pending.get(m.id);
          pending.delete(m.id);
          release(w);
          p?.resolve(m.result);
        }
      });
      w.on('error', (e) => {
        failure = e;
        resolve(err({ code: 'scan-worker-failed', message: e.message }));
        for (const p of pending.values()) p.reject(e);
        pending.clear();
      });
      workers.push(w);
    })),
  );
  const bad = started.find((s) => !s.ok);
  if (bad && !bad.ok) {
    await Promise.all(workers.map((w) => w.terminate()));
    return bad;
  }
  idle.push(...workers);
  return ok({
    setPass: (p) => {
      for (const w of workers) w.postMessage({ type: 'pass', pass: p } satisfies ToWorker);
    },
    run: async (files) => {
      if (failure) throw failure;
      const w = idle.pop() ?? (await new Promise<Worker>((r) => waiting.push(r)));
      const id = nextId++;
      return new Promise<BatchResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ type: 'batch', id, files } satisfies ToWorker);
      });
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  });
}

const C_WORDS = new Set(['sizeof', 'typeof', 'unsigned', 'signed', 'long', 'short', 'char', 'void', 'const', 'volatile', 'struct', 'union', 'enum', 'static', 'inline', 'extern', 'return', 'while', 'break', 'continue', 'switch', 'case', 'default', 'else', 'float', 'double', 'bool', 'true', 'false', 'NULL', '__VA_ARGS__']);

const cancelled = () => err({ code: 'cancelled', message: 'the scan was cancelled' });

/** Identifiers whose `#define` the index still needs: in alias declarations, alias macro bodies and call arguments. */
function wantedConstants(facts: Iterable<FileFacts>, known: ReadonlySet<string>, table: MacroTable, wrappers: WrapperIndex): Set<string> {
  const wanted = new Set<string>();
  const constantLike = /^_*[A-Z][A-Z0-9_]{2,}$/;
  // A name some header defines was searched for already (that search reads every header defining it) or came with one
  // read for another name: searching it again finds nothing new, whether or not `file` sees that header.
  const found = (name: string, file: string) => table.definitions(name).some((d) => d.file === file || !d.file.endsWith('.c'));
  const want = (name: string, anyCase: boolean, file: string) => {
    // KBUILD_MODNAME is kbuild's, not a #define of some header.
    if (known.has(name) || name.startsWith(ALIAS_TOKEN) || C_WORDS.has(name) || name === KBUILD_MODNAME || found(name, file)) return;
    if (table.lookupFrom(file)(name)) return;
    if (constantLike.test(name) || (anyCase && name.length >= 4)) wanted.add(name);
  };
  for (const f of facts) {
    for (const a of f.aliases) for (const t of tokenize(a.text)) if (t.kind === 'ident') want(t.text, false, f.file);
    for (const c of f.calls) {
      c.args.forEach((a, j) => {
        if (a.kind === 'tokens' && wrappers.feedsName(c.callee, f.file, j)) a.idents.forEach((i) => want(i, false, f.file));
      });
    }
    for (const m of f.macros) {
      const params = new Set(m.params ?? []);
      for (const t of tokenize(m.body)) if (t.kind === 'ident' && !params.has(t.text)) want(t.text, true, m.file);
    }
  }
  return wanted;
}

/** Facts of a file from one more pass, merged with what the file gave the earlier ones. */
function takeFacts(facts: Map<string, FileFacts>, f: FileFacts): void {
  const had = facts.get(f.file);
  facts.set(f.file, had ? mergeFacts(had, f) : { ...f, macrosOnly: undefined });
}

const yieldToEvents = () => new Promise<void>((r) => setImmediate(r));

/**
 * A tree whose files are exactly those of the cache's last complete scan, each with its recorded size and mtime,
 * gives that scan's result: no file is read and nothing is rebuilt. Null when anything differs.
 */
async function unchangedTree(cfg: ScanConfig, walker: Walker, cache: ScanCache, kernel: KernelDirectory): Promise<{ index: SourceIndex; state: ScanState } | null | 'cancelled'> {
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
  const state: ScanState = { facts, sets: snap.sets, counts: snap.index.files, extraWrappers: cfg.extraWrappers, sourceFiles: [...tree.sourceFiles], model: null, tree };
  // A copy of its own (the root as this scan names it): each scan's index carries its own update state.
  return { index: { ...snap.index, root: cfg.root }, state };
}

export async function scan(cfg: ScanConfig): Promise<Result<{ index: SourceIndex; state: ScanState }>> {
  if (!fs.existsSync(cfg.root) || !fs.statSync(cfg.root).isDirectory()) {
    return err({ code: 'not-a-directory', message: `${cfg.root} is not a directory`, file: cfg.root, hint: 'pass the root of a C source tree' });
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
  const script = cfg.threads > 0 ? workerScript() : null;
  const started = script ? await workerRunner(cfg, script) : await inProcessRunner(cfg);
  if (!started.ok) return started;
  const runner = started.value;
  try {
    const facts = new Map<string, FileFacts>();
    const counts: FileCounts = { scanned: 0, skipped: 0, unreadable: walker.unreadable };
    const apiNames = [...REQUEST_FUNCTIONS.keys()];
    let sets: PassSets = {
      search: [...REQUEST_TOKENS, ALIAS_TOKEN, ...cfg.extraWrappers],
      searchHeaders: [],
      tokens: [...REQUEST_TOKENS, ALIAS_TOKEN, ...cfg.extraWrappers],
      callees: [...apiNames, ...cfg.extraWrappers],
      constants: [],
      wholeFile: cfg.wholeFile,
      indexNames: true,
      aliasMacros: [],
      fillers: [],
    };
    // What the first pass read of each file: later passes read only the files that can hold their names.
    const names = new Map<string, FileNames>();
    const signatures: string[] = [];
    /** Every file the walk finds goes through the first pass; a later pass reads the files that may hold its names. */
    const runPass = async (targets: PassTargets | null): Promise<boolean> => {
      const first = targets === null;
      const pass = signatures.length + 1;
      let done = 0;
      let toRead = 0;
      const progress = () => cfg.onProgress?.({ phase: 'pass', pass, done, total: first ? walker.files.length : toRead, targets });
      // The first pass starts reading at once; a later one says how many files it reads once it has chosen them.
      if (first) progress();
      runner.setPass(sets);
      // Batches in flight; waiting for whichever finishes first keeps every worker fed (no head-of-line blocking).
      const inFlight = new Set<Promise<void>>();
      let next = 0;
      const take = (r: BatchResult) => {
        for (const f of r.facts) takeFacts(facts, f);
        if (first) {
          counts.scanned += r.scanned;
          counts.skipped += r.skipped;
          counts.unreadable.push(...r.unreadable);
        }
      };
      const signature = passSignature(sets);
      signatures.push(signature);
      const callHashes = new Set(sets.search.map(hashName));
      const defineHashes = new Set(sets.searchHeaders.map(hashName));
      const unread = (rel: string) => {
        const known = first ? undefined : names.get(rel);
        if (!known || mayHold(known, callHashes, defineHashes)) return false;
        cache?.recordNothing(rel, signature);
        return true;
      };
      const dispatch = async (batch: string[]) => {
        const p = runner.run(batch).then((r) => {
          unpackNames(r.names).forEach((n, i) => n && names.set(batch[i], n));
          take(r);
          cache?.record(batch, r, signature, first);
          done += batch.length;
          progress();
        });
        inFlight.add(p);
        const settle = () => inFlight.delete(p);
        p.then(settle, settle);
        if (inFlight.size >= cfg.threads * 2 + 1) await Promise.race(inFlight);
      };
      // Later passes read few files, some slow to analyse: small batches keep both workers busy to the pass's end.
      const size = first ? BATCH : LATER_BATCH;
      const pending: string[] = [];
      let slices = 0;
      while (!walker.done || next < walker.files.length) {
        if (cfg.signal?.aborted) return false;
        if (!walker.done && walker.files.length - next < BATCH) {
          walker.step(64);
          continue;
        }
        for (const rel of walker.files.slice(next, next + BATCH)) {
          if (cache?.replay(rel, signature, first, take) || unread(rel)) {
            if (first) done++;
          } else pending.push(rel);
        }
        next = Math.min(walker.files.length, next + BATCH);
        // The first pass reads files as the walk finds them; a later pass knows first how many it must read.
        if (first) while (pending.length >= size) await dispatch(pending.splice(0, size));
        // Files the cache answers cost a stat each, and no batch gives way to the event loop meanwhile.
        if (first && ++slices % 16 === 0) {
          progress();
          await yieldToEvents();
        }
      }
      toRead = pending.length;
      progress();
      while (pending.length > 0) await dispatch(pending.splice(0, size));
      await Promise.all(inFlight);
      return !cfg.signal?.aborted;
    };
    if (!(await runPass(null))) return cancelled();
    const searched = new Set(sets.search);
    let allTokens = sets.tokens;
    const tree = new SourceTree(cfg.root, kernel, walker.files);
    for (;;) {
      const table = macroTableOf(facts.values(), tree);
      const wrappers = new WrapperIndex(facts.values(), table, cfg.extraWrappers);
      // Sorted: batches complete in any order, and the pass (and its cache signature) must not depend on it.
      const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();
      const aliasMacros = sorted([...facts.values()].flatMap((f) => f.aliasMacros ?? []));
      const newWrappers = wrappers.globalNames().filter((n) => !searched.has(n));
      const newAliasMacros = aliasMacros.filter((n) => !searched.has(n) && !newWrappers.includes(n));
      const fillers = sorted([...facts.values()].flatMap(fillersWanted));
      const newFillers = fillers.filter((n) => !searched.has(n) && !newWrappers.includes(n) && !newAliasMacros.includes(n));
      const names = [...newWrappers, ...newAliasMacros, ...newFillers];
      const constants = [...wantedConstants(facts.values(), searched, table, wrappers)];
      if (names.length === 0 && constants.length === 0) break;
      [...names, ...constants].forEach((n) => searched.add(n));
      allTokens = sorted([...allTokens, ...names, ...constants]);
      // A file selected now is analysed for the new names only; what earlier passes found in it is merged with it.
      sets = {
        search: sorted(names),
        searchHeaders: sorted(constants),
        tokens: sorted([...names, ...constants]),
        callees: sorted([...apiNames, ...cfg.extraWrappers, ...wrappers.wrapperNames()]),
        constants: sorted([...sets.constants, ...constants]),
        wholeFile: cfg.wholeFile,
        indexNames: false,
        aliasMacros,
        fillers,
      };
      if (!(await runPass({ wrappers: new Set(newWrappers).size, aliasMacros: new Set(newAliasMacros).size, constants: constants.length }))) return cancelled();
    }
    cfg.onProgress?.({ phase: 'index' });
    // Let the progress out before building the index blocks this thread.
    await yieldToEvents();
    const sourceFiles = [...tree.sourceFiles];
    const { index, model } = buildIndex(tree, facts, counts, cfg.extraWrappers, sourceFiles);
    const finalSets = { ...sets, tokens: allTokens };
    if (cache) {
      // Not inside `onCache?.(...)`: an optional call skips its arguments when there is no hook.
      const report = cache.save({ passes: signatures, sets: finalSets, index, kbuild: tree.modules.inputs(), files: walker.files });
      cfg.onCache?.(report);
    }
    return ok({ index, state: { facts, sets: finalSets, counts, extraWrappers: cfg.extraWrappers, sourceFiles, model, tree } });
  } finally {
    await runner.close();
  }
}
