/**
 * Loads tree-sitter-c: the native binding first, web-tree-sitter + tree-sitter-c.wasm when the native one cannot load.
 * Both backends expose the same node shape; the rest of the layer only sees the interfaces below.
 */
import * as path from 'node:path';
import { err, ok, type Result } from '../engine/result';
import assignsQuery from './queries/assigns.scm';
import callsQuery from './queries/calls.scm';
import flowQuery from './queries/flow.scm';
import jumpsQuery from './queries/jumps.scm';
import localsQuery from './queries/locals.scm';
import type { TextRange } from './regions';

export type ParserBackend = 'native' | 'wasm';

export interface Point {
  row: number;
  column: number;
}

/** The subset of a tree-sitter node this layer uses (identical in the native and wasm bindings). */
export interface CNode {
  /** Unique within its tree (node objects are not: the native binding hands out a new one per access). */
  readonly id: number;
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startPosition: Point;
  readonly endPosition: Point;
  /** Costs a walk down from the root in both bindings: climb with `parentOf` (ancestry.ts) instead. */
  readonly parent: CNode | null;
  readonly tree: { readonly rootNode: CNode };
  readonly namedChildren: CNode[];
  readonly lastNamedChild: CNode | null;
  readonly previousNamedSibling: CNode | null;
  readonly children: CNode[];
  readonly childCount: number;
  readonly hasError: boolean;
  readonly isMissing: boolean;
  childForFieldName(name: string): CNode | null;
  descendantForPosition(start: Point, end?: Point): CNode;
  descendantForIndex(start: number, end?: number): CNode | null;
  /** The first child that ends after byte `index`. */
  firstChildForIndex(index: number): CNode | null;
  /** A cursor on this node: its children's extents without a node object each (childExtents.ts). */
  walk(): CCursor;
}

/** The subset of a tree-sitter cursor this layer uses. */
export interface CCursor {
  readonly startPosition: Point;
  readonly endPosition: Point;
  readonly endIndex: number;
  readonly currentNode: CNode;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  /** Only the wasm binding's cursors hold memory outside the JS heap. */
  delete?(): void;
}

export interface Capture {
  name: string;
  node: CNode;
}

export type QueryName = 'calls' | 'flow' | 'locals' | 'assigns' | 'jumps';

/** A parse whose tree lives until `free` (wasm trees hold memory outside the JS heap). */
export interface ParsedTree {
  readonly root: CNode;
  free(): void;
}

export interface CParser {
  readonly backend: ParserBackend;
  /** Parses `text`, or only its `ranges` (the rest is skipped; positions stay those of the whole text). */
  parse(text: string, ranges?: TextRange[]): ParsedTree;
  /** Parses `text`; `use` runs while the tree is alive (it is freed afterwards). */
  withTree<T>(text: string, use: (root: CNode) => T): T;
  captures(query: QueryName, node: CNode): Capture[];
  /**
   * This parser with one budget, from now, for all the parses and queries that follow and the analysis between them
   * (`check`): what analysing one file may take (a file parsed in many regions, or queried over a huge error tree, or
   * read on a path the input makes slow, gives up as a whole).
   */
  forFile(): CParser;
  /**
   * Throws ParseGaveUp once a `forFile` view's budget is spent (nothing otherwise): the analysis between parses and
   * queries counts too, and calls it as it goes.
   */
  check(): void;
  /**
   * Undefined when the parser can parse; a promise while it is rebuilt (the wasm runtime, after a file broke it), to
   * await before the next file.
   */
  ready(): Promise<void> | undefined;
}

/**
 * How long the parses, queries and analysis of one file may run together. tree-sitter-c's error recovery is quadratic
 * on some malformed text (long alternations of names and stray characters: 50,000 pairs take over a minute), and a
 * query over the huge error tree it leaves can take seconds more; past this budget the file is reported as not
 * analysed, with the reason. The largest source the scan reads (2 MB) parses in about 0.2 s.
 */
export const PARSE_BUDGET_MS = 5000;

/** A file whose parses, queries and analysis ran out of their budget: it cannot be analysed. */
export class ParseGaveUp extends Error {}

function gaveUp(budgetMs: number): ParseGaveUp {
  return new ParseGaveUp(
    `the analysis gave up after ${budgetMs / 1000} s of parsing, querying and reading this file (malformed or machine-made code?): not analysed`,
  );
}

/** When the work of a file must stop: `budgetMs` after it began. */
interface Deadline {
  readonly at: number;
  readonly budgetMs: number;
}

function deadlineIn(budgetMs: number): Deadline {
  return { at: performance.now() + budgetMs, budgetMs };
}

/** Throws if the deadline has passed; otherwise the milliseconds left. */
function timeLeft(d: Deadline): number {
  const left = d.at - performance.now();
  if (left < 0) throw gaveUp(d.budgetMs);
  return left;
}

/** Tells the parser to stop once the deadline has passed (tree-sitter calls it every hundred or so parse steps). */
function stopAt(d: Deadline): () => boolean {
  return () => performance.now() > d.at;
}

/**
 * The tree of a parse, or (null: the progress callback stopped it) the parser reset — a stopped parse would resume on
 * the next call, which must start afresh — and ParseGaveUp thrown.
 */
function treeOrGiveUp<T>(tree: T | null, parser: { reset(): void }, d: Deadline): T {
  if (tree !== null) return tree;
  parser.reset();
  throw gaveUp(d.budgetMs);
}

/**
 * A query's captures within the deadline. A query cursor past its timeout stops without saying so: captures returned
 * after the deadline may be partial, so the file gives up rather than trust them.
 */
function capturesBy(d: Deadline, run: (timeoutMicros: number) => Capture[]): Capture[] {
  // 0 would mean no timeout; a query runs at least a microsecond.
  const captures = run(Math.max(1, Math.ceil(timeLeft(d) * 1000)));
  timeLeft(d);
  return captures;
}

interface QueryLike {
  captures(node: never, options: { timeoutMicros: number }): Capture[];
}

/** A backend's parse and queries, and (wasm) the promise of its rebuild while one runs. */
interface Backend {
  readonly name: ParserBackend;
  parse(text: string, ranges: TextRange[] | undefined, d: Deadline): ParsedTree;
  query(name: QueryName): QueryLike;
  ready(): Promise<void> | undefined;
}

/**
 * The CParser of a backend's `parse` and queries, each call run within a deadline: a fresh one per call, or (forFile)
 * one shared by all that follow.
 */
function budgeted(backend: Backend, budgetMs: number, shared?: Deadline): CParser {
  const deadline = () => shared ?? deadlineIn(budgetMs);
  const parseIn = (text: string, ranges?: TextRange[]) => {
    // A shared budget may be spent already (a short parse ends before tree-sitter asks its progress callback).
    if (shared) timeLeft(shared);
    return backend.parse(text, ranges, deadline());
  };
  return {
    backend: backend.name,
    parse: parseIn,
    withTree: withTreeOf(parseIn),
    // Both bindings' query cursors honour timeoutMicros (the native one, 0.25.1, takes no progress callback).
    captures: (name, node) =>
      capturesBy(deadline(), (timeoutMicros) => backend.query(name).captures(node as never, { timeoutMicros })),
    forFile: () => budgeted(backend, budgetMs, deadlineIn(budgetMs)),
    check: () => {
      if (shared) timeLeft(shared);
    },
    ready: () => backend.ready(),
  };
}

/** withTree of a `parse`. */
export function withTreeOf(parse: (text: string) => ParsedTree): CParser['withTree'] {
  return (text, use) => {
    const tree = parse(text);
    try {
      return use(tree.root);
    } finally {
      tree.free();
    }
  };
}

/** The queries' sources (also part of what keys the scan cache). */
export const querySources: Record<QueryName, string> = {
  calls: callsQuery,
  flow: flowQuery,
  locals: localsQuery,
  assigns: assignsQuery,
  jumps: jumpsQuery,
};

function nativeParser(budgetMs: number): CParser {
  // Required lazily: a missing or broken prebuild must turn into the wasm fallback, not a crash at import.
  const TreeSitter = require('tree-sitter') as typeof import('tree-sitter');
  const language = require('tree-sitter-c') as typeof import('tree-sitter-c');
  const parser = new TreeSitter();
  parser.setLanguage(language);
  const queries = new Map<QueryName, QueryLike>();
  for (const name of Object.keys(querySources) as QueryName[]) {
    queries.set(name, new TreeSitter.Query(language, querySources[name]));
  }
  return budgeted(
    {
      name: 'native',
      parse: (text, ranges, d) => {
        // Typed as always a tree; a parse the progress callback stopped gives null.
        const tree = parser.parse(text, undefined, {
          includedRanges: ranges,
          progressCallback: stopAt(d),
        }) as ReturnType<typeof parser.parse> | null;
        // Native trees are freed by the garbage collector.
        return { root: treeOrGiveUp(tree, parser, d).rootNode, free: () => undefined };
      },
      query: (name) => queries.get(name) as QueryLike,
      ready: () => undefined,
    },
    budgetMs,
  );
}

/** One instance of the wasm runtime, with the language and queries loaded into it. */
interface WasmRuntime {
  readonly parser: import('web-tree-sitter').Parser;
  readonly queries: ReadonlyMap<QueryName, QueryLike>;
  /** A call into it threw: its memory may be inconsistent, nothing more may run in it. */
  broken: boolean;
}

async function wasmRuntime(): Promise<WasmRuntime> {
  // web-tree-sitter keeps one module instance per load of its script: a fresh load is a fresh instance.
  delete require.cache[require.resolve('web-tree-sitter')];
  const web = require('web-tree-sitter') as typeof import('web-tree-sitter');
  await web.Parser.init();
  const wasmFile = path.join(path.dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm');
  const language = await web.Language.load(wasmFile);
  const parser = new web.Parser();
  parser.setLanguage(language);
  const queries = new Map<QueryName, QueryLike>();
  for (const name of Object.keys(querySources) as QueryName[]) {
    // web-tree-sitter types a node's children as possibly null, which a parsed tree's never are.
    queries.set(name, new web.Query(language, querySources[name]) as unknown as QueryLike);
  }
  return { parser, queries, broken: false };
}

/**
 * The wasm backend. Its runtime has a small stack of its own (about 77 KB, in its memory): tree-sitter's error
 * recovery overflows it on some malformed nesting (2,000 levels of `f(` in a string after a stray character, where a
 * native thread needs 230 bytes a level), and the runtime traps (memory access out of bounds) with its memory
 * overwritten. The file gives up with that reason, and a fresh runtime is loaded for the next one.
 */
async function wasmParser(budgetMs: number): Promise<CParser> {
  let runtime = await wasmRuntime();
  let rebuilding: Promise<void> | undefined;
  const broke = (rt: WasmRuntime, e: unknown): ParseGaveUp => {
    rt.broken = true;
    rebuilding ??= wasmRuntime().then((fresh) => {
      runtime = fresh;
      rebuilding = undefined;
    });
    return new ParseGaveUp(
      `the wasm parser failed on this file (${(e as Error).message}: tree-sitter's error recovery overflows its stack on some malformed nesting): not analysed`,
    );
  };
  /** `run` in the current runtime; a throw from inside it breaks the runtime. */
  const inRuntime = <T>(run: (rt: WasmRuntime) => T): T => {
    const rt = runtime;
    if (rt.broken) throw new Error('the wasm parser is being rebuilt: await ready() before parsing');
    try {
      return run(rt);
    } catch (e) {
      if (e instanceof ParseGaveUp) throw e;
      throw broke(rt, e);
    }
  };
  return budgeted(
    {
      name: 'wasm',
      parse: (text, ranges, d) =>
        inRuntime((rt) => {
          // web-tree-sitter types the callback as returning nothing; it stops the parse when it returns true.
          const progressCallback = stopAt(d) as unknown as () => void;
          const parsed = rt.parser.parse(text, null, { includedRanges: ranges, progressCallback });
          const tree = treeOrGiveUp(parsed, rt.parser, d);
          // A tree of a broken runtime is gone with it.
          return { root: tree.rootNode as CNode, free: () => rt.broken || tree.delete() };
        }),
      query: (name) => {
        const q = runtime.queries.get(name) as QueryLike;
        return { captures: (node, options) => inRuntime(() => q.captures(node, options)) };
      },
      ready: () => rebuilding,
    },
    budgetMs,
  );
}

const loaded = new Map<ParserBackend | 'auto', Promise<Result<CParser>>>();

/** The parser for this thread: `auto` tries native then wasm; a named backend is loaded or fails. */
export function getParser(backend: ParserBackend | 'auto' = 'auto'): Promise<Result<CParser>> {
  let p = loaded.get(backend);
  if (!p) {
    p = loadParser(backend, PARSE_BUDGET_MS);
    loaded.set(backend, p);
  }
  return p;
}

/**
 * A parser of its own, whose parses and queries give up after `budgetMs`: each call alone, or all the calls of a
 * `forFile` view together (getParser's share one, with PARSE_BUDGET_MS).
 */
export async function loadParser(backend: ParserBackend | 'auto', budgetMs: number): Promise<Result<CParser>> {
  let nativeFailure = '';
  if (backend !== 'wasm') {
    try {
      return ok(nativeParser(budgetMs));
    } catch (e) {
      nativeFailure = (e as Error).message;
      if (backend === 'native') {
        return err({
          code: 'parser-unavailable',
          message: `the native tree-sitter binding could not load: ${nativeFailure}`,
          hint: 'reinstall the extension or run `npm rebuild tree-sitter tree-sitter-c`',
        });
      }
    }
  }
  try {
    return ok(await wasmParser(budgetMs));
  } catch (e) {
    return err({
      code: 'parser-unavailable',
      message: `no C parser could load (native: ${nativeFailure || 'not tried'}; wasm: ${(e as Error).message})`,
      hint: 'check that tree-sitter-c and web-tree-sitter are installed next to the extension',
    });
  }
}
