/**
 * One batch of files through the prefilter and the analysis: what a scan worker runs (and the in-process fallback);
 * and one edited file's text (analyseText). Files are read whole with plain syscalls into a reused buffer; only files
 * holding a searched token are analysed.
 */
import * as fs from 'node:fs';
import type { FileFacts } from './facts';
import { type AnalysisSets, analyzeFile } from './fileAnalysis';
import { diskPath, isKernelHeader } from './kernelDir';
import { DefineMatcher, MultiMatcher } from './matcher';
import { fileNames, type NameStore } from './nameIndex';
import { type CParser, ParseGaveUp, withTreeOf } from './parser';
import type { TextRange } from './regions';
import { noPhaseTimes, type PhaseTimes } from './scanTimings';

/** The names one pass looks for (strings: they cross thread boundaries). */
export interface PassSets {
  /** Tokens that select any file in this pass. */
  search: string[];
  /** Names whose `#define` selects a header in this pass (a .c file's own #defines are read with it). */
  searchHeaders: string[];
  /** Everything known so far, for analysing a selected file completely. */
  tokens: string[];
  callees: string[];
  constants: string[];
  wholeFile: boolean;
  /** Index the names of every file read (the first pass), so later passes can leave out files without them. */
  indexNames: boolean;
  /** Macros not named MODULE_ALIAS* found to declare aliases (their top-level calls are declarations). */
  aliasMacros: string[];
  /** Functions that fill a buffer a request's name is read from: their definitions are read for what they print. */
  fillers: string[];
}

/** What a pass takes from a file or a batch of files, read now or replayed from the scan cache. */
export interface PassOutcome {
  facts: FileFacts[];
  /** Files of the scanned tree read and skipped (the kernel directory's headers are not counted). */
  scanned: number;
  skipped: number;
  unreadable: Array<{ file: string; reason: string }>;
}

export interface BatchResult extends PassOutcome {
  /**
   * Size and mtime of each file read, index-aligned with the batch (null when unreadable), for the scan cache. With
   * `indexNames`, the names of each file read and not skipped are in the name store of the thread that read it.
   */
  stats: Array<{ size: number; mtimeMs: number; skipped: boolean } | null>;
  times: PhaseTimes;
}

export interface PreparedPass {
  search: MultiMatcher;
  searchHeaders: DefineMatcher;
  sets: AnalysisSets;
  /** The analysis of a header matched only by constants. */
  definesOnly: AnalysisSets;
  indexNames: boolean;
}

export function preparePass(p: PassSets): PreparedPass {
  return {
    search: new MultiMatcher(p.search),
    searchHeaders: new DefineMatcher(p.searchHeaders),
    sets: {
      tokens: p.tokens.map((s) => Buffer.from(s)),
      callees: new Set(p.callees),
      constants: new Set(p.constants),
      wholeFile: p.wholeFile,
      aliasMacros: new Set(p.aliasMacros),
      fillers: new Set(p.fillers),
    },
    definesOnly: {
      tokens: p.searchHeaders.map((s) => Buffer.from(s)),
      callees: new Set(),
      constants: new Set(p.constants),
      wholeFile: false,
    },
    indexNames: p.indexNames,
  };
}

let scratch = Buffer.allocUnsafe(1 << 20);

/** Reads a file whole into the reused scratch buffer (valid until the next read). */
type Read = { buf: Buffer; size: number; mtimeMs: number } | { skipped: true; size: number; mtimeMs: number };

function readInto(file: string, maxBytes: number): Read {
  const fd = fs.openSync(file, 'r');
  try {
    const st = fs.fstatSync(fd);
    const size = st.size;
    if (size > maxBytes) return { skipped: true, size, mtimeMs: st.mtimeMs };
    if (size + 1 > scratch.length) scratch = Buffer.allocUnsafe(Math.max(size + 1, scratch.length * 2));
    let n = 0;
    for (;;) {
      const wanted = scratch.length - n;
      const r = fs.readSync(fd, scratch, n, wanted, null);
      n += r;
      // A regular file reads short only at its end: no second call to see 0 (the buffer has room for one byte more
      // than fstat's size, so a file that grew meanwhile fills it and is read on).
      if (r < wanted) break;
      scratch = Buffer.concat([scratch, Buffer.allocUnsafe(scratch.length)]);
    }
    return { buf: scratch.subarray(0, n), size, mtimeMs: st.mtimeMs };
  } finally {
    fs.closeSync(fd);
  }
}

const BINARY_PROBE = 8192;

/** The parser, with the time its parses take added to `times.parse`. */
function timedParser(parser: CParser, times: PhaseTimes): CParser {
  const parse = (text: string, ranges?: TextRange[]) => {
    const t0 = performance.now();
    const tree = parser.parse(text, ranges);
    times.parse += performance.now() - t0;
    return tree;
  };
  return {
    backend: parser.backend,
    captures: (query, node) => parser.captures(query, node),
    parse,
    withTree: withTreeOf(parse),
    forFile: () => timedParser(parser.forFile(), times),
    check: () => parser.check(),
    ready: () => parser.ready(),
  };
}

/** Reads and analyses a batch of files; with `indexNames`, their names go to `store`. */
export async function runBatch(
  untimed: CParser,
  root: string,
  files: readonly string[],
  pass: PreparedPass,
  maxBytes: number,
  store: NameStore,
): Promise<BatchResult> {
  const times = noPhaseTimes();
  const parser = timedParser(untimed, times);
  const result: BatchResult = { facts: [], scanned: 0, skipped: 0, unreadable: [], stats: [], times };
  for (const rel of files) {
    // Only after a file broke the wasm runtime: the next waits for a fresh one.
    const rebuilding = parser.ready();
    if (rebuilding) await rebuilding;
    let read: Read;
    let t = performance.now();
    try {
      read = readInto(diskPath(root, rel), maxBytes);
    } catch (e) {
      result.unreadable.push({ file: rel, reason: (e as NodeJS.ErrnoException).code ?? (e as Error).message });
      result.stats.push(null);
      continue;
    } finally {
      times.read += performance.now() - t;
    }
    const counted = !isKernelHeader(rel);
    if ('skipped' in read || read.buf.subarray(0, BINARY_PROBE).includes(0)) {
      if (counted) result.skipped++;
      result.stats.push({ size: read.size, mtimeMs: read.mtimeMs, skipped: true });
      continue;
    }
    if (counted) result.scanned++;
    result.stats.push({ size: read.size, mtimeMs: read.mtimeMs, skipped: false });
    const buf = read.buf;
    t = performance.now();
    if (pass.indexNames) store.add(rel, fileNames(buf, rel.endsWith('.h')));
    const t1 = performance.now();
    times.nameIndex += t1 - t;
    const searched = pass.search.test(buf);
    // A header matched only by constants: its #define lines are all that is needed, no parse.
    const definesOnly = !searched && rel.endsWith('.h') && pass.searchHeaders.test(buf);
    const t2 = performance.now();
    times.prefilter += t2 - t1;
    try {
      if (searched) {
        const facts = analyzeFile(parser, rel, buf, pass.sets);
        if (facts) result.facts.push(counted ? facts : macrosOf(facts));
      } else if (definesOnly) {
        const facts = analyzeFile(parser, rel, buf, pass.definesOnly);
        if (facts && facts.macros.length > 0) result.facts.push({ ...facts, macrosOnly: true });
      }
    } catch (e) {
      if (!(e instanceof ParseGaveUp)) throw e;
      // Nothing of the file is known: it is listed with the reason, and not cached (a later scan tries again).
      result.unreadable.push({ file: rel, reason: e.message });
      if (counted) result.scanned--;
    }
    times.analysis += performance.now() - t2;
  }
  return result;
}

/** What a header of the kernel directory gives: its macros and includes; its calls and declarations are not the tree's. */
function macrosOf(f: FileFacts): FileFacts {
  return { ...f, calls: [], definitions: [], aliases: [] };
}

/** What the analysis of one edited file's text gives: its facts (null: nothing of it is known), or why it gave up. */
export type TextAnalysis = { facts: FileFacts | null } | { gaveUp: string };

/** Analyses the text of `file` (an edited file) with everything `pass` knows. */
export async function analyseText(parser: CParser, file: string, text: string, pass: PassSets): Promise<TextAnalysis> {
  const rebuilding = parser.ready();
  if (rebuilding) await rebuilding;
  try {
    return { facts: analyzeFile(parser, file, Buffer.from(text, 'utf8'), preparePass(pass).sets) };
  } catch (e) {
    if (!(e instanceof ParseGaveUp)) throw e;
    return { gaveUp: e.message };
  }
}
