/**
 * What each file gave each scan pass, keyed by path and checked against size and mtime: a rescan of an unchanged tree
 * replays the passes without reading files. Held in memory for the life of the process (the editor's session) and
 * stored on disk, outside the scanned tree, so that a new process (the CLI, a new editor window) starts warm.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { version } from '../../package.json';
import type { SourceIndex } from '../engine/sourceIndex';
import type { BatchResult, PassOutcome, PassSets } from './batch';
import type { FileFacts } from './facts';
import type { KbuildInput } from './kbuild';
import { isKernelHeader } from './kernelDir';
import { querySources } from './parser';

/** What the scan cache did in one scan (ScanOptions.onCache). */
export interface ScanCacheReport {
  /** The cache file on disk, or null when there is none (no writable place outside the tree). */
  file: string | null;
  /** Where the cached outcomes came from: an earlier scan in this process, the cache file, or nowhere. */
  source: 'memory' | 'disk' | 'none';
  /** Per file and pass: outcomes replayed from the cache, and files read because the cache could not answer. */
  hits: number;
  misses: number;
  /** Files the scan went through, and how many of them it had to read (new or changed, or a pass the cache lacked). */
  files: number;
  filesRead: number;
  /** Whether the cache file was (re)written by this scan. */
  saved: boolean;
  /** Why the cache file was ignored or not written (corrupt, incompatible, I/O error); null when all went well. */
  problem: string | null;
}

/** The scan settings the cache depends on (the rest of ScanConfig does not change what a file gives). */
export interface ScanCacheConfig {
  root: string;
  extraWrappers: string[];
  exclude: string[];
  maxFileBytes: number;
  wholeFile: boolean;
  /** The kernel directory's header folders read with the tree (absolute): their files are in the cache too. */
  kernelIncludeDirs: string[];
  /** Folder of the cache file; default `${XDG_CACHE_HOME:-~/.cache}/autoload-lens/scan/<hash of the root>`. */
  cacheDir?: string;
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  /** An unreadable file, or one not analysed, has no entry. */
  status: 'scanned' | 'skipped';
  /** Per pass signature: the facts the file gave, or null when nothing in it matched. */
  outcomes: Map<string, FileFacts | null>;
}

/**
 * The outcome of a whole scan: its passes (signatures, in order), the last pass's names and the index it built.
 * A scan of the same files, all unchanged, is this scan again: it needs neither the passes nor the index build.
 */
export interface ScanSnapshot {
  passes: string[];
  sets: PassSets;
  index: SourceIndex;
  /** The Kbuild and Makefile files the index's module names came from: the snapshot holds while they are unchanged. */
  kbuild: KbuildInput[];
}

/** Bumped when the file layout below changes. */
const FORMAT = 3;
const FILE_NAME = 'scan-cache.json';

/**
 * On disk, by columns (fast to parse: one string of paths, arrays of numbers): a file's outcome for every pass is
 * "nothing matched" unless listed in `facts` (what it gave) or `absent` (not known: read it again).
 */
interface StoredCache {
  format: number;
  key: string;
  signatures: string[];
  /** Paths joined by newlines. */
  paths: string;
  sizes: number[];
  mtimes: number[];
  /** [file, status] for files not simply scanned (skipped). */
  statuses: Array<[number, 'skipped']>;
  facts: Array<[number, number, FileFacts]>;
  absent: Array<[number, number]>;
  /** The last complete scan, whose files (in walk order) are the first `files` of `paths`; null when not kept. */
  snapshot: (ScanSnapshot & { files: number }) | null;
}

export function passSignature(sets: PassSets): string {
  return createHash('sha1').update(JSON.stringify(sets)).digest('hex');
}

let codeHash: string | null = null;

/** Set by the build (scripts/build.mjs): a hash of the analysis and engine sources, the same in every bundle of a build. */
declare const AUTOLOAD_LENS_INDEX_CODE: string;

/**
 * The analysis code that produces the facts: the tool version, the queries, and the worker bundle (else this bundle),
 * so a rebuilt analysis never replays facts an older build produced. The worker bundle holds the same analysis code
 * as the in-thread fallback, and is the same file for the CLI and the extension, so they share one cache. And the
 * sources that build the index a snapshot keeps (this bundle's, which differs between the CLI and the extension).
 */
function analysisCode(workerScript: string | null): string {
  if (codeHash === null) {
    const h = createHash('sha1').update(version).update(AUTOLOAD_LENS_INDEX_CODE);
    for (const source of Object.values(querySources)) h.update(source);
    h.update(fs.readFileSync(workerScript ?? __filename));
    codeHash = h.digest('hex');
  }
  return codeHash;
}

function defaultCacheDir(root: string): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'autoload-lens', 'scan', createHash('sha1').update(root).digest('hex').slice(0, 16));
}

const isInside = (dir: string, root: string) => {
  const rel = path.relative(root, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

const message = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

export class ScanCache {
  private static readonly byTree = new Map<string, ScanCache>();
  private readonly entries = new Map<string, CacheEntry>();
  private readonly checked = new Set<string>();
  /** Pass signatures of the current scan: only these are worth storing. */
  private readonly signatures = new Set<string>();
  private hits = 0;
  private misses = 0;
  private readonly read = new Set<string>();
  private source: ScanCacheReport['source'] = 'none';
  private problem: string | null = null;
  /** Whether the cache file holds what `entries` holds. */
  private stored = false;
  /** The root with a trailing separator: joined to relative paths without path.join's normalising. */
  private readonly prefix: string;
  private snapshot: (ScanSnapshot & { files: readonly string[] }) | null = null;

  private constructor(
    root: string,
    private readonly file: string | null,
    private readonly key: string,
  ) {
    this.prefix = path.resolve(root) + path.sep;
  }

  /** The cache of this tree and these settings: this process's, else the one on disk, else an empty one. */
  static for(cfg: ScanCacheConfig, workerScript: string | null): ScanCache {
    const root = path.resolve(cfg.root);
    const dir = path.resolve(cfg.cacheDir ?? defaultCacheDir(root));
    const file = isInside(dir, root) ? null : path.join(dir, FILE_NAME);
    const key = createHash('sha1')
      .update(
        JSON.stringify([
          FORMAT,
          analysisCode(workerScript),
          root,
          cfg.exclude,
          cfg.maxFileBytes,
          cfg.wholeFile,
          cfg.extraWrappers,
          cfg.kernelIncludeDirs,
        ]),
      )
      .digest('hex');
    const mapKey = `${key}\0${file}`;
    const inside = file ? null : `cache folder ${dir} is inside the scanned tree: nothing is stored`;
    let c = ScanCache.byTree.get(mapKey);
    if (c) {
      c.source = c.entries.size > 0 ? 'memory' : 'none';
      c.problem = inside;
    } else {
      c = new ScanCache(cfg.root, file, key);
      c.problem = inside;
      if (file) c.load(file);
      ScanCache.byTree.set(mapKey, c);
    }
    c.checked.clear();
    c.signatures.clear();
    c.hits = 0;
    c.misses = 0;
    c.read.clear();
    return c;
  }

  /** Reads the cache file; a missing, corrupt or incompatible one leaves the cache empty (it is rewritten). */
  private load(file: string): void {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
        this.problem = `cache file ${file} unreadable (${message(e)}): rebuilt`;
      return;
    }
    let stored: StoredCache;
    try {
      stored = JSON.parse(text) as StoredCache;
    } catch (e) {
      this.problem = `cache file ${file} is corrupt (${(e as Error).message}): rebuilt`;
      return;
    }
    if (typeof stored !== 'object' || stored === null || stored.format !== FORMAT || stored.key !== this.key) {
      this.problem = `cache file ${file} is from another version or other scan settings: rebuilt`;
      return;
    }
    if (!isStoredCache(stored)) {
      this.problem = `cache file ${file} is corrupt (unexpected layout): rebuilt`;
      return;
    }
    const paths = stored.paths === '' ? [] : stored.paths.split('\n');
    const status = new Map(stored.statuses);
    const absent = new Set(stored.absent.map(([f, i]) => f * stored.signatures.length + i));
    const entries = paths.map((rel, f): [string, CacheEntry] => {
      const outcomes = new Map<string, FileFacts | null>();
      stored.signatures.forEach((sig, i) => {
        if (!absent.has(f * stored.signatures.length + i)) outcomes.set(sig, null);
      });
      return [rel, { size: stored.sizes[f], mtimeMs: stored.mtimes[f], status: status.get(f) ?? 'scanned', outcomes }];
    });
    for (const [f, i, facts] of stored.facts) entries[f][1].outcomes.set(stored.signatures[i], facts);
    for (const [rel, e] of entries) this.entries.set(rel, e);
    if (stored.snapshot) this.snapshot = { ...stored.snapshot, files: paths.slice(0, stored.snapshot.files) };
    this.source = this.entries.size > 0 ? 'disk' : 'none';
    this.stored = true;
  }

  /** Applies the cached outcome of this pass for `rel`, if any; false when the file must be read. */
  replay(rel: string, signature: string, first: boolean, take: (r: PassOutcome) => void): boolean {
    this.signatures.add(signature);
    const e = this.entries.get(rel);
    if (!e || !this.unchanged(rel) || !e.outcomes.has(signature)) return this.miss(rel);
    const facts = e.outcomes.get(signature);
    this.hits++;
    // Most files give nothing to most passes: then only the first pass has something (the file counts) to take.
    if (!facts && !first) return true;
    // The kernel directory's headers are not among the tree's counted files.
    const counted = !isKernelHeader(rel);
    const scanned = counted && e.status === 'scanned' ? 1 : 0;
    const skipped = counted && e.status === 'skipped' ? 1 : 0;
    // An unreadable file has no entry: it is read (and found unreadable) again.
    take({ facts: facts ? [facts] : [], scanned: first ? scanned : 0, skipped: first ? skipped : 0, unreadable: [] });
    return true;
  }

  /** Whether the file is known and its size and mtime are as recorded (checked once per scan). */
  unchanged(rel: string): boolean {
    if (this.checked.has(rel)) return true;
    const e = this.entries.get(rel);
    if (!e) return false;
    const st = fs.statSync(isKernelHeader(rel) ? rel : this.prefix + rel, { throwIfNoEntry: false });
    if (!st || st.size !== e.size || st.mtimeMs !== e.mtimeMs) {
      this.forget(rel);
      return false;
    }
    this.checked.add(rel);
    return true;
  }

  /** Whether a complete scan is kept (else no tree can be answered whole, whatever its files). */
  get hasSnapshot(): boolean {
    return this.snapshot !== null;
  }

  /** The last complete scan, if it walked exactly these files (still to be checked with `unchanged`). */
  snapshotOf(files: readonly string[]): ScanSnapshot | null {
    const snap = this.snapshot;
    if (!snap || snap.files.length !== files.length || snap.files.some((f, i) => f !== files[i])) return null;
    return snap;
  }

  /**
   * A scan that found every file unchanged: the facts each file gave the snapshot's passes, in pass order, and the
   * report of a scan that replayed them all.
   */
  replaySnapshot(snap: ScanSnapshot, files: readonly string[], take: (facts: FileFacts) => void): ScanCacheReport {
    for (const rel of files) {
      const e = this.entries.get(rel) as CacheEntry;
      for (const sig of snap.passes) {
        const facts = e.outcomes.get(sig);
        if (facts) take(facts);
      }
    }
    this.hits = files.length * snap.passes.length;
    return {
      file: this.file,
      source: this.source,
      hits: this.hits,
      misses: 0,
      files: files.length,
      filesRead: 0,
      saved: false,
      problem: this.problem,
    };
  }

  private miss(rel: string): false {
    this.misses++;
    this.read.add(rel);
    return false;
  }

  private forget(rel: string): void {
    this.entries.delete(rel);
    this.stored = false;
  }

  record(files: string[], r: BatchResult, signature: string, first: boolean): void {
    const byFile = new Map(r.facts.map((f) => [f.file, f]));
    const unreadable = new Set(r.unreadable.map((u) => u.file));
    files.forEach((rel, i) => {
      const st = r.stats[i];
      // Unreadable, or read but not analysed (a parse that gave up): nothing to replay, a later scan tries again.
      if (!st || unreadable.has(rel)) return;
      let e = this.entries.get(rel);
      if (first || !e) {
        e = {
          size: st.size,
          mtimeMs: st.mtimeMs,
          status: st.skipped ? 'skipped' : 'scanned',
          outcomes: new Map(),
        };
        this.entries.set(rel, e);
        this.checked.add(rel);
      }
      e.outcomes.set(signature, byFile.get(rel) ?? null);
      this.stored = false;
    });
  }

  /** A file this pass left unread because the first pass's name index shows it holds none of the pass's names. */
  recordNothing(rel: string, signature: string): void {
    const e = this.entries.get(rel);
    if (!e) return;
    e.outcomes.set(signature, null);
    this.stored = false;
  }

  /**
   * After a complete scan: writes what this scan used (files seen, its passes) to the cache file, atomically (temp
   * file + rename), unless the file already holds it. A write error is reported, not fatal.
   */
  save(snapshot: ScanSnapshot & { files: readonly string[] }): ScanCacheReport {
    const report = (saved: boolean): ScanCacheReport => ({
      file: this.file,
      source: this.source,
      hits: this.hits,
      misses: this.misses,
      files: snapshot.files.length,
      filesRead: this.read.size,
      saved,
      problem: this.problem,
    });
    // Kept only when every file the walk found has an entry (an unreadable file has none): it lists them by entry.
    const complete = snapshot.files.every((rel) => this.entries.has(rel));
    const same =
      this.snapshot !== null &&
      complete &&
      JSON.stringify(this.snapshot.passes) === JSON.stringify(snapshot.passes) &&
      JSON.stringify(this.snapshot.kbuild) === JSON.stringify(snapshot.kbuild) &&
      this.snapshotOf(snapshot.files) !== null;
    this.snapshot = complete ? snapshot : null;
    const stale =
      !same ||
      [...this.entries].some(
        ([rel, e]) => !this.checked.has(rel) || [...e.outcomes.keys()].some((s) => !this.signatures.has(s)),
      );
    if (!this.file || (this.stored && !stale)) return report(false);
    const signatures = [...this.signatures];
    const stored: StoredCache = {
      format: FORMAT,
      key: this.key,
      signatures,
      paths: '',
      sizes: [],
      mtimes: [],
      statuses: [],
      facts: [],
      absent: [],
      snapshot: null,
    };
    const paths: string[] = [];
    // The snapshot's files first, in walk order, then the rest.
    const walked = new Set(snapshot.files);
    const order = complete
      ? [...snapshot.files, ...[...this.entries.keys()].filter((rel) => !walked.has(rel))]
      : [...this.entries.keys()];
    for (const rel of order) {
      const e = this.entries.get(rel) as CacheEntry;
      if (!this.checked.has(rel)) continue;
      const f = paths.push(rel) - 1;
      stored.sizes.push(e.size);
      stored.mtimes.push(e.mtimeMs);
      if (e.status !== 'scanned') stored.statuses.push([f, e.status]);
      signatures.forEach((sig, i) => {
        const facts = e.outcomes.get(sig);
        if (facts === undefined) stored.absent.push([f, i]);
        else if (facts) stored.facts.push([f, i, facts]);
      });
    }
    stored.paths = paths.join('\n');
    if (complete)
      stored.snapshot = {
        passes: snapshot.passes,
        sets: snapshot.sets,
        index: snapshot.index,
        kbuild: snapshot.kbuild,
        files: snapshot.files.length,
      };
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(stored));
      fs.renameSync(tmp, this.file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      this.problem = `cache file ${this.file} not written (${message(e)})`;
      return report(false);
    }
    this.stored = true;
    return report(true);
  }
}

function isStoredCache(x: unknown): x is StoredCache {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Partial<StoredCache>;
  if (typeof s.format !== 'number' || typeof s.key !== 'string' || typeof s.paths !== 'string') return false;
  if (![s.signatures, s.sizes, s.mtimes, s.statuses, s.facts, s.absent].every(Array.isArray)) return false;
  const files = s.paths === '' ? 0 : s.paths.split('\n').length;
  const nSig = (s.signatures as string[]).length;
  const file = (f: unknown) => Number.isInteger(f) && (f as number) >= 0 && (f as number) < files;
  const sig = (i: unknown) => Number.isInteger(i) && (i as number) >= 0 && (i as number) < nSig;
  return (
    (s.signatures as unknown[]).every((x) => typeof x === 'string') &&
    (s.sizes as unknown[]).length === files &&
    (s.mtimes as unknown[]).length === files &&
    (s.sizes as unknown[]).every((n) => typeof n === 'number') &&
    (s.mtimes as unknown[]).every((n) => typeof n === 'number') &&
    (s.statuses as unknown[]).every((t) => Array.isArray(t) && t.length === 2 && file(t[0]) && t[1] === 'skipped') &&
    (s.facts as unknown[]).every(
      (t) => Array.isArray(t) && t.length === 3 && file(t[0]) && sig(t[1]) && typeof t[2] === 'object' && t[2] !== null,
    ) &&
    (s.absent as unknown[]).every((t) => Array.isArray(t) && t.length === 2 && file(t[0]) && sig(t[1])) &&
    (s.snapshot === null || isStoredSnapshot(s.snapshot, files, s.signatures as string[]))
  );
}

function isStoredSnapshot(x: unknown, files: number, signatures: string[]): boolean {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Partial<ScanSnapshot & { files: number }>;
  return (
    Number.isInteger(s.files) &&
    (s.files as number) <= files &&
    Array.isArray(s.passes) &&
    s.passes.every((p) => signatures.includes(p)) &&
    typeof s.sets === 'object' &&
    s.sets !== null &&
    typeof s.index === 'object' &&
    s.index !== null &&
    Array.isArray(s.kbuild) &&
    s.kbuild.every(
      (k) =>
        typeof k === 'object' &&
        k !== null &&
        typeof k.file === 'string' &&
        (k.stat === null ||
          (typeof k.stat === 'object' && typeof k.stat.size === 'number' && typeof k.stat.mtimeMs === 'number')),
    )
  );
}
