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
}

/**
 * How long one parse may run. tree-sitter-c's error recovery is quadratic on some malformed text (long alternations
 * of names and stray characters: 50,000 pairs take over a minute); past this budget the parse gives up and the file is
 * reported as not analysed, with the reason. The largest source the scan reads (2 MB) parses in about 0.2 s.
 */
export const PARSE_BUDGET_MS = 5000;

/** A parse that ran out of its budget: the file it was of cannot be analysed. */
export class ParseGaveUp extends Error {}

/** Tells the parser to stop once `budgetMs` have passed (tree-sitter calls it every hundred or so parse steps). */
function stopAfter(budgetMs: number): () => boolean {
  const deadline = performance.now() + budgetMs;
  return () => performance.now() > deadline;
}

/**
 * The tree of a parse, or (null: the progress callback stopped it) the parser reset — a stopped parse would resume on
 * the next call, which must start afresh — and ParseGaveUp thrown.
 */
function treeOrGiveUp<T>(tree: T | null, parser: { reset(): void }, budgetMs: number): T {
  if (tree !== null) return tree;
  parser.reset();
  throw new ParseGaveUp(
    `the C parser gave up after ${budgetMs / 1000} s of error recovery (malformed or machine-made code?): not analysed`,
  );
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

interface QueryLike {
  captures(node: never): Capture[];
}

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
  // Native trees are freed by the garbage collector.
  const parse = (text: string, ranges?: TextRange[]): ParsedTree => {
    // Typed as always a tree; a parse the progress callback stopped gives null.
    const tree = parser.parse(text, undefined, {
      includedRanges: ranges,
      progressCallback: stopAfter(budgetMs),
    }) as ReturnType<typeof parser.parse> | null;
    return { root: treeOrGiveUp(tree, parser, budgetMs).rootNode, free: () => undefined };
  };
  return {
    backend: 'native',
    parse,
    withTree: withTreeOf(parse),
    captures: (name, node) => (queries.get(name) as QueryLike).captures(node as never),
  };
}

async function wasmParser(budgetMs: number): Promise<CParser> {
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
  const parse = (text: string, ranges?: TextRange[]): ParsedTree => {
    const stop = stopAfter(budgetMs);
    // web-tree-sitter types the callback as returning nothing; it stops the parse when it returns true.
    const progressCallback = stop as unknown as () => void;
    const tree = treeOrGiveUp(parser.parse(text, null, { includedRanges: ranges, progressCallback }), parser, budgetMs);
    return { root: tree.rootNode as CNode, free: () => tree.delete() };
  };
  return {
    backend: 'wasm',
    parse,
    withTree: withTreeOf(parse),
    captures: (name, node) => (queries.get(name) as QueryLike).captures(node as never),
  };
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

/** A parser of its own, whose parses give up after `budgetMs` (getParser's share one, with PARSE_BUDGET_MS). */
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
