/**
 * Where a scan's batches run: a pool of worker threads (dist/scanWorker.js), or this thread when there is no worker
 * script or no thread is wanted. Both run the same runBatch with the pass they were last given, and keep the names of
 * the files they read in the first pass to say which of them a later pass must read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { type AutoloadError, err, ok, type Result } from '../engine/result';
import { analyseText, type BatchResult, type PassSets, preparePass, runBatch, type TextAnalysis } from './batch';
import type { FileFacts } from './facts';
import { NameStore } from './nameIndex';
import { type CParser, getParser, type ParserBackend } from './parser';
import type { FromWorker, ToWorker, WorkerInit } from './scanWorker';

export interface BatchRunner {
  /** Batches to keep in flight: one waiting for each thread besides the one it runs, so none waits for work. */
  readonly depth: number;
  setPass(pass: PassSets): void;
  run(files: string[]): Promise<BatchResult>;
  /** Of the files the first pass read and indexed, those that may call one of `calls` or `#define` one of `defines`. */
  select(calls: string[], defines: string[]): Promise<Set<string>>;
  close(): Promise<void>;
}

export interface PoolConfig {
  root: string;
  backend: ParserBackend | 'auto';
  maxFileBytes: number;
  /** Worker threads; 0 runs the batches in this thread. */
  threads: number;
  wholeFile: boolean;
}

/** The worker bundle next to this one, or in a dist/ folder above it (tests run from out/). */
export function workerScript(): string | null {
  const candidates = [path.join(__dirname, 'scanWorker.js')];
  for (let dir = __dirname, i = 0; i < 6; i++, dir = path.dirname(dir))
    candidates.push(path.join(dir, 'dist', 'scanWorker.js'));
  return candidates.find((c) => fs.existsSync(c)) ?? null;
}

/** Worker threads when wanted and the worker script is found, else this thread. */
export async function startRunner(cfg: PoolConfig): Promise<Result<BatchRunner>> {
  const script = cfg.threads > 0 ? workerScript() : null;
  return script ? workerRunner(cfg, script) : inProcessRunner(cfg);
}

async function inProcessRunner(cfg: PoolConfig): Promise<Result<BatchRunner>> {
  const loaded = await getParser(cfg.backend);
  if (!loaded.ok) return loaded;
  const parser = loaded.value;
  let pass = preparePass({
    search: [],
    searchHeaders: [],
    tokens: [],
    callees: [],
    constants: [],
    wholeFile: cfg.wholeFile,
    indexNames: false,
    aliasMacros: [],
    fillers: [],
  });
  const store = new NameStore();
  return ok({
    depth: 1,
    setPass: (p) => {
      pass = preparePass(p);
    },
    run: async (files) => {
      await new Promise((r) => setImmediate(r));
      return await runBatch(parser, cfg.root, files, pass, cfg.maxFileBytes, store);
    },
    select: (calls, defines) => Promise.resolve(new Set(store.holding(calls, defines))),
    close: () => Promise.resolve(),
  });
}

/** A worker thread stopped (out of memory, or a crash): the scan cannot finish without the files it held. */
export class ThreadStopped extends Error {
  constructor(readonly error: AutoloadError) {
    super(error.message);
  }
}

/**
 * The heap this thread may use, for each worker too: workers ignore `--max-old-space-size` (and NODE_OPTIONS), so a
 * limit given to node would otherwise not hold for the threads that parse.
 */
const HEAP_LIMIT = { maxOldGenerationSizeMb: Math.floor(v8.getHeapStatistics().heap_size_limit / 1048576) };

/**
 * Each worker's stack. tree-sitter's error recovery recurses once per level of some malformed nesting, about 230 bytes
 * a level: `X@P("` then `f(` repeated, a string its recovery reads as nested calls, is a level per two bytes. 28,483
 * levels overflowed a worker's 4 MB default and 300,000 a 64 MB stack, killing the process (a segmentation fault,
 * which nothing can catch). 512 MB holds the million levels a file under the 2 MB size limit can write, twice over;
 * it is address space, committed only as it is used.
 */
const STACK_MB = 512;

/** What a worker says once its parser is loaded. */
type WorkerWork = Exclude<FromWorker, { type: 'ready' | 'failed' }>;

/**
 * Starts a worker and waits until its parser is loaded (or fails to load: the worker is then ended). Its later
 * messages go to `onWork`; if it stops, `onStopped` says what that costs and gives the error to report.
 */
function startWorker(
  script: string,
  init: WorkerInit,
  onWork: (m: WorkerWork, w: Worker) => void,
  onStopped: (e: Error, w: Worker) => AutoloadError,
): Promise<Result<{ worker: Worker; backend: ParserBackend }>> {
  const worker = new Worker(script, { workerData: init, resourceLimits: { ...HEAP_LIMIT, stackSizeMb: STACK_MB } });
  return new Promise((resolve) => {
    worker.on('message', (m: FromWorker) => {
      if (m.type === 'ready') resolve(ok({ worker, backend: m.backend }));
      else if (m.type === 'failed') {
        void worker.terminate();
        resolve(err({ code: 'parser-unavailable', message: m.message }));
      } else onWork(m, worker);
    });
    worker.on('error', (e) => resolve(err(onStopped(e, worker))));
  });
}

async function workerRunner(cfg: PoolConfig, script: string): Promise<Result<BatchRunner>> {
  const init: WorkerInit = { root: cfg.root, backend: cfg.backend, maxFileBytes: cfg.maxFileBytes };
  const idle: Worker[] = [];
  const waiting: Array<(w: Worker) => void> = [];
  const pending = new Map<number, { resolve: (r: BatchResult) => void; reject: (e: Error) => void }>();
  const selecting = new Map<number, { resolve: (files: string[]) => void; reject: (e: Error) => void }>();
  /** The files each worker is reading, to name them if it stops. */
  const reading = new Map<Worker, string[]>();
  let nextId = 0;
  let failure: ThreadStopped | null = null;
  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  const onWork = (m: WorkerWork, w: Worker) => {
    if (m.type === 'selected') {
      const s = selecting.get(m.id);
      selecting.delete(m.id);
      s?.resolve(m.files);
    } else if (m.type === 'done') {
      const p = pending.get(m.id);
      pending.delete(m.id);
      reading.delete(w);
      release(w);
      p?.resolve(m.result);
    }
  };
  const started = await Promise.all(
    Array.from({ length: cfg.threads }, () =>
      startWorker(script, init, onWork, (e, w) => {
        failure = stopped(e, reading.get(w) ?? []);
        for (const p of [...pending.values(), ...selecting.values()]) p.reject(failure);
        pending.clear();
        selecting.clear();
        return failure.error;
      }),
    ),
  );
  const workers = started.flatMap((s) => (s.ok ? [s.value.worker] : []));
  const bad = started.find((s) => !s.ok);
  if (bad && !bad.ok) {
    await Promise.all(workers.map((w) => w.terminate()));
    return bad;
  }
  idle.push(...workers);
  return ok({
    depth: workers.length * 2 + 1,
    setPass: (p) => {
      for (const w of workers) w.postMessage({ type: 'pass', pass: p } satisfies ToWorker);
    },
    run: async (files) => {
      if (failure) throw failure;
      const w = idle.pop() ?? (await new Promise<Worker>((r) => waiting.push(r)));
      const id = nextId++;
      return new Promise<BatchResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        reading.set(w, files);
        w.postMessage({ type: 'batch', id, files } satisfies ToWorker);
      });
    },
    select: async (calls, defines) => {
      if (failure) throw failure;
      const answers = await Promise.all(
        workers.map(
          (w) =>
            new Promise<string[]>((resolve, reject) => {
              const id = nextId++;
              selecting.set(id, { resolve, reject });
              w.postMessage({ type: 'select', id, calls, defines } satisfies ToWorker);
            }),
        ),
      );
      return new Set(answers.flat());
    },
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  });
}

function stopped(e: Error, files: string[], thread = 'a scan thread'): ThreadStopped {
  const what =
    files.length === 0
      ? ''
      : files.length === 1
        ? ` while reading ${files[0]}`
        : ` while reading one of ${files.length} files (${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''})`;
  const cause =
    (e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
      ? `ran out of memory (its heap may take ${HEAP_LIMIT.maxOldGenerationSizeMb} MB, node's limit)`
      : `failed: ${e.message}`;
  return new ThreadStopped({
    code: 'scan-worker-failed',
    message: `${thread} ${cause}${what}`,
    hint: "raise node's heap limit (NODE_OPTIONS=--max-old-space-size=MB) if it ran out of memory, and report the file: no source should need that much",
  });
}

/** Analyses the text of edited files, one at a time, in the order asked. */
export interface FileAnalyser {
  /** The parser it loaded. */
  readonly backend: ParserBackend;
  /** The facts of `file` as `text` has it (null: nothing of it is known); an error when its analysis gives up. */
  analyse(file: string, text: string, pass: PassSets): Promise<Result<FileFacts | null>>;
  close(): Promise<void>;
}

/**
 * The analyser of edited files: a worker thread of its own, with a scan thread's stack (this thread's, the process's
 * own few MB, is what tree-sitter's error recovery overflowed at 40,000 levels: 8 MB on Linux); this thread when no
 * thread is wanted or there is no worker script.
 */
export async function startAnalyser(cfg: Pick<PoolConfig, 'backend' | 'threads'>): Promise<Result<FileAnalyser>> {
  const script = cfg.threads > 0 ? workerScript() : null;
  if (script) return workerAnalyser(cfg.backend, script);
  const loaded = await getParser(cfg.backend);
  return loaded.ok ? ok(inProcessAnalyser(loaded.value)) : loaded;
}

function analysed(file: string, r: TextAnalysis): Result<FileFacts | null> {
  return 'gaveUp' in r ? err({ code: 'parse-gave-up', message: `${file}: ${r.gaveUp}`, file }) : ok(r.facts);
}

function inProcessAnalyser(parser: CParser): FileAnalyser {
  return {
    backend: parser.backend,
    analyse: async (file, text, pass) => analysed(file, await analyseText(parser, file, text, pass)),
    close: () => Promise.resolve(),
  };
}

async function workerAnalyser(backend: ParserBackend | 'auto', script: string): Promise<Result<FileAnalyser>> {
  const pending = new Map<number, { file: string; resolve: (r: Result<FileFacts | null>) => void }>();
  let failure: ThreadStopped | null = null;
  let nextId = 0;
  const started = await startWorker(
    script,
    { root: '', backend, maxFileBytes: 0 },
    (m) => {
      if (m.type !== 'analysed') return;
      const p = pending.get(m.id);
      pending.delete(m.id);
      p?.resolve(analysed(p.file, m.result));
    },
    (e) => {
      failure = stopped(
        e,
        [...pending.values()].map((p) => p.file),
        'the thread that analyses edited files',
      );
      for (const p of pending.values()) p.resolve(err(failure.error));
      pending.clear();
      return failure.error;
    },
  );
  if (!started.ok) return started;
  const { worker: w, backend: loaded } = started.value;
  // The thread keeps the process alive only while it has work: an editor closing need not close it first.
  w.unref();
  return ok({
    backend: loaded,
    analyse: (file, text, pass) =>
      new Promise((resolve) => {
        if (failure) return resolve(err(failure.error));
        const id = nextId++;
        pending.set(id, {
          file,
          resolve: (r) => {
            if (pending.size === 0) w.unref();
            resolve(r);
          },
        });
        w.ref();
        w.postMessage({ type: 'analyse', id, file, text, pass } satisfies ToWorker);
      }),
    close: async () => {
      await w.terminate();
    },
  });
}
