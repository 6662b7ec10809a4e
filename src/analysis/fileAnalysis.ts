/**
 * One file → FileFacts: finds the searched names, parses only the constructs that hold them (or the whole file when
 * a region cannot be trusted), and reads call sites, definitions and MODULE_ALIAS* declarations from the captures.
 */
import { appendAll } from '../engine/appendAll';
import type { ReturnUse } from '../engine/sourceIndex';
import { DIRECTIVE_BLANK, DIRECTIVE_GAP, IDENT, identifierEnd, isBlankOrContinuation, isDirectiveBlank } from './chars';
import { parseDefine, type MacroDefinition, tokenize, concatenatedString, includesOf } from './cpp';
import { defineNameAt, someDefine } from './matcher';
import { deadGroupLines, inDeadGroup, liveLines } from './deadGroups';
import { type Ancestor, descendantFor, nearest, parentOf } from './ancestry';
import { ChildExtents } from './childExtents';
import {
  type ArgExpr,
  type FileFacts,
  mergeFacts,
  type RawAlias,
  type RawCall,
  type RawDefinition,
  type ZeroPath,
} from './facts';
import type { Capture, CNode, CParser, ParsedTree } from './parser';
import {
  Boundaries,
  findHits,
  type Hit,
  Identifiers,
  Lines,
  lineOf,
  logicalLine,
  type Region,
  sparseDocument,
} from './regions';
import {
  ALIAS_TOKEN,
  FILL_CALLS,
  isAliasMacro,
  PRINT_INTO,
  queueRead,
  REQUEST_FUNCTIONS,
  REQUEST_TOKENS,
} from './requestFunctions';

export interface AnalysisSets {
  /** Substrings that select the file and the places to parse. */
  tokens: Buffer[];
  /** Names whose calls are recorded (request functions, wrappers, helpers holding call sites). */
  callees: ReadonlySet<string>;
  /** Names whose `#define` is wanted (constants and macros used by alias declarations and formats). */
  constants: ReadonlySet<string>;
  /** Parse whole files instead of regions (the reference the region parse must equal). */
  wholeFile?: boolean;
  /** Macros not named MODULE_ALIAS* whose expansion declares an alias (DECLARE_USB_FUNCTION): found so far. */
  aliasMacros?: ReadonlySet<string>;
  /** Functions that fill a request's buffer: their definitions' fills of a parameter are recorded. */
  fillers?: ReadonlySet<string>;
}

/** The struct fields whose value this file's requests ask for as it is (`request_module("%s", req->module)`), or null. */
function queuesOf(facts: FileFacts): Set<string> | null {
  const queues = new Set<string>();
  for (const c of facts.calls) {
    const queue = queueRead(c);
    if (queue !== null) queues.add(queue);
  }
  return queues.size > 0 ? queues : null;
}

/** Of the copies read for `queues`, only those that fill one of them, and the definitions that make them. */
function keepQueueFills(merged: FileFacts, before: FileFacts, queues: ReadonlySet<string>): FileFacts {
  const fills = (c: RawCall) =>
    !FILL_CALLS.has(c.callee) || (c.args[0]?.kind === 'stored' && queues.has(c.args[0].storage));
  const calls = merged.calls.filter(fills);
  const holders = new Set(calls.map((c) => c.definition));
  const known = new Set(before.definitions.map((d) => `${d.name}:${d.line}`));
  return {
    ...merged,
    calls,
    definitions: merged.definitions.filter((d) => known.has(`${d.name}:${d.line}`) || holders.has(d.name)),
  };
}
// Kernel annotations tree-sitter cannot know are macros; blanked (same length) so declarators parse.
const ANNOTATIONS =
  /\b(?:__init|__exit|__cold|__ref|__maybe_unused|__always_unused|__always_inline|noinline|__noinline|__must_check|asmlinkage|__sched|__net_init|__net_exit|__weak|notrace|__visible|__used|__flatten|__latent_entropy|__init_or_module|__meminit|__noreturn|__attribute_const__|__pure|__printf\s*\(\s*\d+\s*,\s*\d+\s*\)|__acquires\s*\([^()\n]*\)|__releases\s*\([^()\n]*\)|__must_hold\s*\([^()\n]*\))/g;

/**
 * A `#define` directive with its continuation lines, and the lines of a block comment opened on it, to the end of the
 * file if nothing closes it (regions.ts `directiveEnd`: strings, character constants and line comments open none).
 * The analysis reads macros from the lines (defineAt), never from the parse, and a definition compiles to nothing
 * where it stands; but thousands of them inside an unclosed `(` or `[` sent tree-sitter's error recovery quadratic
 * (4,000 lines: 1.4 s, 49,804: minutes).
 */
const DEFINE_DIRECTIVE = new RegExp(
  `^${DIRECTIVE_BLANK}*#${DIRECTIVE_GAP}define\\b` +
    `(?:"(?:[^"\\\\\\n]|\\\\\\r?[^])*"?|'(?:[^'\\\\\\n]|\\\\\\r?[^])*'?|/\\*[^]*?(?:\\*/|(?![^]))|//(?:[^\\\\\\n]|\\\\\\r?[^])*|\\\\\\r?\\n|[^\\n])*`,
  'gm',
);

const blank = (m: string) => m.replace(/[^\n]/g, ' ');

/** The text as the parser reads it: annotations and `#define` directives blanked, every line and column kept. */
function forParser(text: string): string {
  return text.replace(ANNOTATIONS, blank).replace(DEFINE_DIRECTIVE, blank);
}

/** The whole file's text for the parser: groups cpp always skips are empty lines (rows stay file lines). */
function wholeText(lines: Lines): string {
  if (deadGroupLines(lines) === null) return lines.buf.toString('utf8');
  return sparseDocument(lines, liveLines(lines, new Uint8Array(lines.count).fill(1))).text;
}

/** Whether a call of `name` at top level declares a module alias: a MODULE_ALIAS* macro, or one found to expand to it. */
const declaresAlias = (sets: AnalysisSets) => (name: string) =>
  isAliasMacro(name) || sets.aliasMacros?.has(name) === true;

/** Tokens searched as substrings (they find every request function and MODULE_ALIAS* macro); others are names. */
const SUBSTRING_TOKENS = new Set([...REQUEST_TOKENS, ALIAS_TOKEN]);

interface SplitTokens {
  substrings: Buffer[];
  names: ReadonlySet<string>;
  all: readonly string[];
}

/** The tokens of each set of names, split once for all the files analysed with it. */
const splitTokens = new WeakMap<AnalysisSets, SplitTokens>();

function tokensOf(sets: AnalysisSets): SplitTokens {
  let split = splitTokens.get(sets);
  if (!split) {
    const all = sets.tokens.map((t) => t.toString('latin1'));
    split = {
      substrings: sets.tokens.filter((_, i) => SUBSTRING_TOKENS.has(all[i])),
      names: new Set(all.filter((t) => !SUBSTRING_TOKENS.has(t))),
      all,
    };
    splitTokens.set(sets, split);
  }
  return split;
}

/**
 * Analyses one file, its parses, queries and reading within one budget (ParseGaveUp past it); null when none of the
 * tokens occurs in it.
 */
export function analyzeFile(anyFile: CParser, file: string, buf: Buffer, sets: AnalysisSets): FileFacts | null {
  const parser = anyFile.forFile();
  const { substrings, names, all } = tokensOf(sets);
  // The file's identifiers, found once for the look-ups of all rounds.
  const identifiers = new Identifiers(buf);
  const hits = findHits(buf, substrings, names, identifiers);
  if (hits.length === 0) return null;
  const lines = new Lines(buf);
  const boundaries = new Boundaries(lines);
  const macroBodies = new MacroBodies(parser, lines);
  // Rounds of reading: the hits, then helpers defined here that hold call sites (their callers in this file matter:
  // static inlining, local wrappers). Each round looks only for the new helpers; what earlier rounds found stands,
  // so the rounds' union is the whole. Null when a region parse cannot be trusted.
  const rounds = (whole: CNode | null): FileFacts | null => {
    const parses = new FileParses(parser, lines, whole);
    try {
      return roundsOn(parses);
    } finally {
      parses.free();
    }
  };
  const roundsOn = (parses: FileParses): FileFacts | null => {
    let callees = new Set(sets.callees);
    let facts = extract(parser, file, lines, boundaries, hits, callees, sets, parses, macroBodies);
    const searched = new Set(all);
    let queuesRead = false;
    while (facts) {
      parser.check();
      // Definitions of this file: their callers here matter for linking (static helpers are inlined, and GCC inlines
      // global functions of the same file too); callers elsewhere of global ones are found by the tree-wide passes.
      const fileLocal = file.endsWith('.h')
        ? facts.definitions.filter((d) => d.kind === 'function' && d.isStatic)
        : facts.definitions;
      const local = [...new Set(fileLocal.map((d) => d.name))].filter(
        (n) => !searched.has(n) && !REQUEST_FUNCTIONS.has(n),
      );
      if (local.length === 0) {
        // A name requested from a struct field (`req->module`) was queued there: read how this file fills that field.
        const queues = queuesRead ? null : queuesOf(facts);
        if (queues === null) return facts;
        queuesRead = true;
        const copies = extract(
          parser,
          file,
          lines,
          boundaries,
          findHits(buf, [], FILL_CALLS, identifiers),
          new Set([...callees, ...FILL_CALLS]),
          sets,
          parses,
          macroBodies,
        );
        facts = copies && keepQueueFills(mergeFacts(facts, copies), facts, queues);
        continue;
      }
      local.forEach((n) => searched.add(n));
      callees = new Set([...callees, ...local]);
      const more = extract(
        parser,
        file,
        lines,
        boundaries,
        findHits(buf, [], new Set(local), identifiers),
        callees,
        sets,
        parses,
        macroBodies,
      );
      facts = more && mergeFacts(facts, more);
    }
    return null;
  };
  // Regions first; when one cannot be trusted, all rounds again on one parse of the whole file.
  const facts = (sets.wholeFile ? null : rounds(null)) ?? parser.withTree(forParser(wholeText(lines)), rounds);
  return facts && { ...facts, includes: includesOf(buf) };
}

type CodeHit = { hit: Hit; line: number; column: number; region: Region };

/**
 * The parses one file's rounds read: the whole file's, or the regions' — a round parses the constructs around its hits
 * (others blanked, lines kept), and a construct an earlier round parsed is read from that parse again.
 */
class FileParses {
  /** Whether the whole file was parsed (then there is one parse, with every line). */
  readonly whole: boolean;
  private readonly done: Array<{ keep: Uint8Array; top: ChildExtents; tree: ParsedTree | null }> = [];

  constructor(
    private readonly parser: CParser,
    private readonly lines: Lines,
    whole: CNode | null,
  ) {
    this.whole = whole !== null;
    if (whole) this.done.push({ keep: new Uint8Array(lines.count).fill(1), top: new ChildExtents(whole), tree: null });
  }

  /** The parse that holds every line of `region`, else -1. */
  holding(region: Region): number {
    return this.done.findIndex(({ keep }) => {
      let l = region.start;
      while (l <= region.end && keep[l] === 1) l++;
      return l > region.end;
    });
  }

  /** Parses the lines kept; the index of the new parse. */
  add(keep: Uint8Array): number {
    const { text, ranges } = sparseDocument(this.lines, liveLines(this.lines, keep));
    const tree = this.parser.parse(forParser(text), ranges);
    this.done.push({ keep, top: new ChildExtents(tree.root), tree });
    return this.done.length - 1;
  }

  top(index: number): ChildExtents {
    return this.done[index].top;
  }

  /** Frees the region parses (the whole file's belongs to its caller) and the cursors on all. */
  free(): void {
    for (const p of this.done) {
      p.top.free();
      p.tree?.free();
    }
    this.done.length = 0;
  }
}

/**
 * What the hits give: calls, definitions, alias declarations, macros, read from the whole file's parse, or from parses
 * of the constructs around the hits alone: then null means such a parse is not trusted.
 */
function extract(
  parser: CParser,
  file: string,
  lines: Lines,
  boundaries: Boundaries,
  hits: Hit[],
  callees: ReadonlySet<string>,
  sets: AnalysisSets,
  parses: FileParses,
  macroBodies: MacroBodies,
): FileFacts | null {
  const macros: MacroDefinition[] = [];
  /** The directives hit, by first line: their last line and the definition they make, read once for both uses. */
  const directives = new Map<number, { end: number; def: MacroDefinition | null }>();
  const codeHits: CodeHit[] = [];
  const wanted = new Set<string>();
  const declares = declaresAlias(sets);
  const aliasMacros: string[] = [];
  for (const hit of hits) {
    parser.check();
    const relevant =
      callees.has(hit.name) ||
      declares(hit.name) ||
      sets.constants.has(hit.name) ||
      sets.fillers?.has(hit.name) === true;
    if (!relevant) continue;
    const line = lineIndex(lines, hit.offset);
    if (inDeadGroup(lines, line)) continue;
    const logical = logicalLine(lines, line);
    if (logical.directive) {
      if (directives.has(logical.start)) continue;
      // Kept even when it is no #define: a directive is read once, not once per hit on its line.
      const def = defineAt(lines, logical.start, logical.end, file);
      directives.set(logical.start, { end: logical.end, def });
      if (!def) continue;
      if (def.name === hit.name && (isAliasMacro(def.name) || sets.constants.has(def.name))) macros.push(def);
      else if (
        def.params !== null &&
        !declares(def.name) &&
        tokenize(def.body).some((t) => t.kind === 'ident' && declares(t.text))
      ) {
        // A macro whose body declares an alias: its calls at top level are alias declarations too.
        macros.push(def);
        aliasMacros.push(def.name);
      }
      continue;
    }
    if (
      sets.constants.has(hit.name) &&
      !callees.has(hit.name) &&
      !declares(hit.name) &&
      sets.fillers?.has(hit.name) !== true
    )
      continue;
    // Only a call is read from code: a name with no argument list after it (a function pointer in a table) is not.
    if (!opensArguments(lines.buf, hit.offset + hit.name.length)) continue;
    const region = boundaries.around(line);
    // A region that starts inside a comment (a line of it looked like a boundary) is no construct of the file: the
    // whole file's parse reads it.
    if (!parses.whole && lines.startsInComment(region.start)) return null;
    codeHits.push({ hit, line, column: hit.offset - lines.starts[line], region });
  }

  // Calls of the names hit here: calls of other callees in the same constructs belong to the look that hit them.
  const recorded = new Set(codeHits.filter((h) => callees.has(h.hit.name)).map((h) => h.hit.name));
  const calls: RawCall[] = [];
  const definitions = new Map<string, RawDefinition>();
  const aliases: RawAlias[] = [];
  const wholeFile = parses.whole;

  // The top-level items holding the hits, null when a hit has none or a region parse of it cannot be trusted.
  const itemsOf = (parseOf: number[]): Map<string, { item: CNode; hits: CodeHit[] }> | null => {
    // Keyed by parse and position: the native binding may hand out a new object for the same node.
    const items = new Map<string, { item: CNode; hits: CodeHit[] }>();
    for (const [i, h] of codeHits.entries()) {
      const item = topLevelItemAt(parses.top(parseOf[i]), h.line, h.column);
      if (!item) {
        // In the whole file's parse, a hit outside every item is in text the parser does not see (a #define's, blanked
        // for it) and holds no call. In a region's, its region missed it (a line in a comment that continues a
        // directive is not known to be one when that directive's first line was not read): the parse is not trusted.
        if (wholeFile) continue;
        return null;
      }
      if (item.type === 'comment') continue;
      if (!wholeFile && !trusted(item, h, lines, declares)) return null;
      const key = `${parseOf[i]}:${item.startIndex}`;
      const entry = items.get(key);
      if (entry) entry.hits.push(h);
      else items.set(key, { item, hits: [h] });
    }
    return items;
  };

  if (codeHits.length > 0) {
    const items = itemsOf(parsesOf(parses, codeHits, lines.count));
    // A region parse that cannot be trusted gives nothing; the whole file's gives nothing of this round either.
    if (!items && !wholeFile) return null;
    for (const { item, hits } of items?.values() ?? []) {
      parser.check();
      readItem(parser, item, hits, recorded, declares, calls, definitions, aliases);
      if (sets.fillers && item.type === 'function_definition')
        readFiller(parser, item, sets.fillers, calls, definitions);
    }
  }

  // Wrapper macros: #define bodies that call request functions or wrappers.
  for (const [start, { end, def }] of directives) {
    parser.check();
    if (!def || def.params === null || REQUEST_FUNCTIONS.has(def.name) || declares(def.name)) continue;
    macroBodies.add(start, end, def, callees, calls, definitions);
  }

  for (const a of aliases) for (const t of tokenize(a.text)) if (t.kind === 'ident') wanted.add(t.text);
  for (const m of macros)
    for (const t of tokenize(m.body)) if (t.kind === 'ident' && !(m.params ?? []).includes(t.text)) wanted.add(t.text);
  for (const c of calls) for (const a of c.args) if (a.kind === 'tokens') a.idents.forEach((i) => wanted.add(i));
  appendAll(macros, localDefines(parser, lines, file, wanted, macros));

  return {
    file,
    calls,
    definitions: [...definitions.values()],
    aliases,
    macros,
    wholeFile,
    ...(aliasMacros.length > 0 && { aliasMacros }),
  };
}

/**
 * The parse each hit is read from: one that holds its construct, else a new parse of all such constructs (with any
 * construct that overlaps them: overlapping constructs are parsed together). Constructs taken in order of their first
 * line fall into runs that overlap one another, each run spanning one stretch of lines: a run with a hit no parse
 * holds is parsed anew, whole (one sweep: re-testing every hit until none joined was quadratic in the hits).
 */
function parsesOf(parses: FileParses, codeHits: readonly CodeHit[], lineCount: number): number[] {
  // Once per construct: hits share them (43,000 `MODULE_ALIAS_FS(` on one line, each testing its construct's lines).
  const held = new Map<string, number>();
  const from = codeHits.map(({ region }) => {
    const key = `${region.start}:${region.end}`;
    let p = held.get(key);
    if (p === undefined) held.set(key, (p = parses.holding(region)));
    return p;
  });
  if (!from.includes(-1)) return from;
  const fresh = new Uint8Array(lineCount);
  const order = codeHits.map((_, i) => i).sort((a, b) => codeHits[a].region.start - codeHits[b].region.start);
  for (let k = 0; k < order.length;) {
    const start = codeHits[order[k]].region.start;
    let end = codeHits[order[k]].region.end;
    let j = k + 1;
    while (j < order.length && codeHits[order[j]].region.start <= end)
      end = Math.max(end, codeHits[order[j++]].region.end);
    const run = order.slice(k, j);
    if (run.some((i) => from[i] < 0)) {
      for (const i of run) from[i] = -1;
      fresh.fill(1, start, end + 1);
    }
    k = j;
  }
  const added = parses.add(fresh);
  return from.map((p) => (p < 0 ? added : p));
}

const lineIndex = (lines: Lines, offset: number) => lineOf(lines.starts, offset);

/** Whether `(` follows `at` after blanks and line continuations, or a `/` that may start a comment before it. */
function opensArguments(buf: Buffer, at: number): boolean {
  let i = at;
  while (i < buf.length && isBlankOrContinuation(buf[i])) i++;
  return buf[i] === 40 /* ( */ || buf[i] === 47; /* / */
}

/**
 * The definition the logical line `start..end` makes, read as someDefine reads it (defineNameAt) from the file's
 * bytes, else null.
 */
function defineAt(lines: Lines, start: number, end: number, file: string): MacroDefinition | null {
  const bytes = lines.buf.subarray(lines.starts[start], lines.end(end));
  let hash = 0;
  while (isDirectiveBlank(bytes[hash])) hash++;
  const name = bytes[hash] === 35 /* # */ ? defineNameAt(bytes, hash) : -1;
  return name < 0 ? null : parseDefine(`${bytes.toString('latin1', name)}\n`, file, start + 1);
}

/** `#define NAME ...` of the wanted identifiers that this file defines itself (DRV_NAME and friends). */
function localDefines(
  parser: CParser,
  lines: Lines,
  file: string,
  wanted: Set<string>,
  already: MacroDefinition[],
): MacroDefinition[] {
  const found: MacroDefinition[] = [];
  const done = new Set(already.map((m) => m.name));
  const queue = [...wanted];
  let defined: Map<string, number[]> | null = null;
  while (queue.length > 0) {
    parser.check();
    const name = queue.pop() as string;
    if (done.has(name)) continue;
    done.add(name);
    defined ??= definedNames(lines);
    for (const line of defined.get(name) ?? []) {
      if (inDeadGroup(lines, line)) continue;
      const logical = logicalLine(lines, line);
      const def = defineAt(lines, logical.start, logical.end, file);
      // The name may follow a `#define` inside a comment or a string of another directive's line.
      if (def?.name !== name) continue;
      found.push(def);
      for (const t of tokenize(def.body)) if (t.kind === 'ident') queue.push(t.text);
    }
  }
  return found;
}

/**
 * The lines on which the file `#define`s each name, by name, in order: found once per file (someDefine). Searching the
 * text for each wanted name instead cost its length per match on repetitive text (a name of 48,270 `a`s, written on
 * lines of `a`s: 30 s).
 */
function definedNames(lines: Lines): Map<string, number[]> {
  const { buf } = lines;
  const names = new Map<string, number[]>();
  someDefine(buf, (s, e) => {
    const line = lineIndex(lines, s);
    const name = buf.toString('latin1', s, e);
    const places = names.get(name);
    if (!places) names.set(name, [line]);
    else if (places[places.length - 1] !== line) places.push(line);
    return false;
  });
  return names;
}

/**
 * The top-level item (of `items`, the root's children) holding a position, found by
 * bisection: a broken file can have thousands of items, each with hits.
 */
function topLevelItemAt(items: ChildExtents, line: number, column: number): CNode | null {
  const { startRow, startColumn, endRow, endColumn } = items;
  const startsBy = (i: number) => startRow[i] < line || (startRow[i] === line && startColumn[i] <= column);
  let lo = 0;
  let hi = items.count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (startsBy(mid)) lo = mid + 1;
    else hi = mid;
  }
  // lo - 1 is the last item starting at or before the position; items of zero width may share its start.
  const at = lo - 1;
  for (let i = at; i >= 0; i--) {
    if (startRow[i] !== startRow[at] || startColumn[i] !== startColumn[at]) break;
    if (endRow[i] > line || (endRow[i] === line && endColumn[i] > column)) return items.node(i);
  }
  return null;
}

/** A region parse is trusted when the hit sits in a well-formed construct of the kind its indentation implies. */
function trusted(
  item: CNode,
  h: { hit: Hit; line: number; column: number },
  lines: Lines,
  declares: (name: string) => boolean,
): boolean {
  if (item.type === 'ERROR') return false;
  const indented = lines.first(h.line) === 32 || lines.first(h.line) === 9;
  if (indented) return item.type === 'function_definition' || item.type === 'declaration';
  // A declaration at column 0 starts its own construct: one that begins earlier took in a line the boundary scan
  // could not end (`module_init(x)` without `;`), and the parse of that pair is not the file's.
  if (declares(h.hit.name) && h.column === 0)
    return item.startPosition.row === h.line && item.startPosition.column === 0;
  return true;
}

function declaratorName(node: CNode | null): string | null {
  let d = node;
  while (d) {
    if (d.type === 'identifier') return d.text;
    if (
      d.type === 'function_declarator' ||
      d.type === 'pointer_declarator' ||
      d.type === 'array_declarator' ||
      d.type === 'init_declarator' ||
      d.type === 'parenthesized_declarator' ||
      d.type === 'attributed_declarator'
    ) {
      d = d.childForFieldName('declarator') ?? d.namedChildren[0] ?? null;
    } else return null;
  }
  return null;
}

function functionDeclarator(node: CNode | null): CNode | null {
  let d = node;
  while (d) {
    if (d.type === 'function_declarator') return d;
    d = d.childForFieldName('declarator');
  }
  return null;
}

interface Scope {
  name: string | null;
  isMacro: boolean;
  /** A function declared `void` (not a pointer to void): its last statement is a tail position. */
  returnsVoid?: boolean;
  /** The struct tag of each parameter's type (`struct nft_module_request *req` → `nft_module_request`), else null. */
  paramStructs?: Array<string | null>;
  /** The struct tag of each local declared with one, computed on first use. */
  localStructs?: Map<string, string>;
  params: string[];
  variadic: boolean;
  /** The function body (or the macro body's parse) for flow look-ups. */
  body: CNode | null;
  /** Names the body declares, computed on first use (a query of its own: most calls need only this). */
  locals?: Set<string>;
  mentionsPrintf?: boolean;
  parser: CParser;
  /** Computed once per scope: every call in the body, and identifiers by name. */
  bodyCalls?: BodyCall[];
  identifiers?: Map<string, CNode[]>;
  bodyText?: string;
  assignments?: Map<string, CNode[]>;
  localValues?: Map<string, ArgExpr>;
  /** Labels and gotos of the body, captured once for all the requests in it. */
  jumps?: Capture[];
  /** The body's calls of other functions whose value is used (the look-ups a request may precede). */
  lookupCalls?: BodyCall[];
  /** The body's `list_for_each_entry` walks. */
  registryWalks?: BodyCall[];
}

/** Values assigned to a local (`x = v`, `int x = v`, `const char *x = v`). */
function assignedValues(scope: Scope, name: string): CNode[] {
  if (!scope.assignments) {
    scope.assignments = new Map();
    for (const c of scope.body ? scope.parser.captures('assigns', scope.body) : []) {
      const left = c.node.parent?.type === 'pointer_declarator' ? c.node.parent : c.node;
      const value = left.parent?.childForFieldName(c.name === 'assign.left' ? 'right' : 'value');
      if (!value) continue;
      const list = scope.assignments.get(c.node.text);
      if (list) list.push(value);
      else scope.assignments.set(c.node.text, [value]);
    }
  }
  return scope.assignments.get(name) ?? [];
}

function structName(type: CNode | null): string | null {
  return type?.type === 'struct_specifier' ? (type.childForFieldName('name')?.text ?? null) : null;
}

/** `struct.field` of `x->field` / `x.field` when `x` is a local or parameter declared with a struct type. */
function storageOf(field: CNode, scope: Scope): string | null {
  const base = field.childForFieldName('argument');
  const name = field.childForFieldName('field')?.text;
  if (base?.type !== 'identifier' || !name) return null;
  const p = scope.params.indexOf(base.text);
  let struct = p >= 0 ? (scope.paramStructs?.[p] ?? null) : null;
  if (p < 0) {
    if (!scope.localStructs) {
      scope.localStructs = new Map();
      for (const c of scope.body ? scope.parser.captures('locals', scope.body) : []) {
        const local = declaratorName(c.node);
        const tag = structName(c.node.parent?.childForFieldName('type') ?? null);
        if (local && tag) scope.localStructs.set(local, tag);
      }
    }
    struct = scope.localStructs.get(base.text) ?? null;
  }
  return struct === null ? null : `${struct}.${name}`;
}

function localsOf(scope: Scope): Set<string> {
  if (!scope.locals) {
    scope.locals = new Set();
    for (const c of scope.body ? scope.parser.captures('locals', scope.body) : []) {
      const n = declaratorName(c.node);
      if (n) scope.locals.add(n);
    }
  }
  return scope.locals;
}

const isLocal = (scope: Scope, name: string) => localsOf(scope).has(name);

/** A call of a function body, with its extent read once (each of the body's request calls compares them all). */
interface BodyCall {
  callee: string;
  calleeNode: CNode;
  /** The call expression, linked to what holds it. */
  call: Ancestor;
  node: CNode;
  start: number;
  end: number;
  used: boolean;
}

function bodyCalls(parser: CParser, scope: Scope): BodyCall[] {
  if (!scope.bodyCalls) {
    scope.bodyCalls = [];
    if (scope.body) {
      for (const cap of parser.captures('calls', scope.body)) {
        if (cap.name !== 'callee') continue;
        const call = parentOf(cap.node) as Ancestor;
        scope.bodyCalls.push({
          callee: cap.node.text,
          calleeNode: cap.node,
          call,
          node: call.node,
          start: call.start,
          end: call.end,
          used: !discarded(call),
        });
      }
    }
  }
  return scope.bodyCalls;
}

/**
 * Identifiers (or `a->b` field expressions, by their text) of the body with that name, in order: the places the
 * name is written, each taken when the parse has exactly that node there (not a longer name, a comment, a string).
 */
function identifiersNamed(scope: Scope, name: string): CNode[] {
  scope.identifiers ??= new Map();
  let found = scope.identifiers.get(name);
  if (!found) {
    found = [];
    const body = scope.body;
    if (body && name.length > 0) {
      scope.bodyText ??= body.text;
      const text = scope.bodyText;
      for (let at = text.indexOf(name), next = 0; at >= 0; at = text.indexOf(name, next)) {
        scope.parser.check();
        next = at + 1;
        if (at > 0 && IDENT[text.charCodeAt(at - 1)] === 1) {
          next = identifierEnd(text, at);
          continue;
        }
        const start = body.startIndex + at;
        const node = descendantFor(body, start, start + name.length);
        if (
          (node.type === 'identifier' || node.type === 'field_expression') &&
          node.startIndex === start &&
          node.endIndex === start + name.length
        )
          found.push(node);
      }
    }
    scope.identifiers.set(name, found);
  }
  return found;
}

/** A call whose value nobody reads (a statement of its own, or cast to void). */
function discarded(call: Ancestor): boolean {
  let p = call.parent;
  while (p?.type === 'parenthesized_expression') p = p.parent;
  return (
    !p || p.type === 'expression_statement' || (p.type === 'cast_expression' && /^\(\s*void\s*\)/.test(p.node.text))
  );
}

/** A function definition's declarator and the name it defines. */
function declaratorOf(fn: CNode): { decl: CNode; name: string } | null {
  const decl = functionDeclarator(fn.childForFieldName('declarator'));
  const name = declaratorName(decl);
  return decl && name ? { decl, name } : null;
}

function functionScope(parser: CParser, fn: CNode): { scope: Scope; def: RawDefinition } | null {
  const named = declaratorOf(fn);
  if (!named) return null;
  const { decl, name } = named;
  const params: string[] = [];
  let variadic = false;
  for (const p of decl.childForFieldName('parameters')?.namedChildren ?? []) {
    if (p.type === 'variadic_parameter') variadic = true;
    else if (p.type === 'parameter_declaration') params.push(declaratorName(p.childForFieldName('declarator')) ?? '');
  }
  const body = fn.childForFieldName('body');
  const isStatic = fn.children.some((c) => c.type === 'storage_class_specifier' && c.text === 'static');
  const def: RawDefinition = {
    name,
    kind: 'function',
    line: fn.startPosition.row + 1,
    endLine: fn.endPosition.row + 1,
    isStatic,
    params,
    variadic,
  };
  const paramStructs = (decl.childForFieldName('parameters')?.namedChildren ?? [])
    .filter((p) => p.type === 'parameter_declaration')
    .map((p) => structName(p.childForFieldName('type')));
  const type = fn.childForFieldName('type');
  const returnsVoid =
    type?.type === 'primitive_type' &&
    type.text === 'void' &&
    fn.childForFieldName('declarator')?.type === 'function_declarator';
  return { scope: { name, isMacro: false, returnsVoid, params, paramStructs, variadic, body, parser }, def };
}

/** Above this many hits in one construct, one query over it costs less than a descent from its top per hit. */
const MAX_POSITION_LOOKUPS = 32;

/**
 * The callee nodes of the calls the hits make, found from the hits' positions. Null when a hit's position does not
 * name its identifier in the parse (columns count differently after non-ASCII text on the line), or when there are
 * many hits (each look-up walks down from the construct's top: thousands of deeply nested calls made it quadratic):
 * then the item's calls are read with the query instead.
 */
function calleesAtHits(item: CNode, hits: ReadonlyArray<{ hit: Hit; line: number; column: number }>): CNode[] | null {
  if (hits.length > MAX_POSITION_LOOKUPS) return null;
  const found: CNode[] = [];
  for (const h of hits) {
    const at = { row: h.line, column: h.column };
    const node = item.descendantForPosition(at, { row: h.line, column: h.column + h.hit.name.length });
    if (
      node.type !== 'identifier' ||
      node.startPosition.row !== h.line ||
      node.startPosition.column !== h.column ||
      node.text !== h.hit.name
    )
      return null;
    const call = parentOf(node)?.node;
    if (
      call?.type === 'call_expression' &&
      call.childForFieldName('function')?.startIndex === node.startIndex &&
      call.childForFieldName('arguments')?.type === 'argument_list'
    ) {
      found.push(node);
    }
  }
  return found;
}

function readItem(
  parser: CParser,
  item: CNode,
  hits: ReadonlyArray<{ hit: Hit; line: number; column: number }>,
  callees: ReadonlySet<string>,
  declares: (name: string) => boolean,
  calls: RawCall[],
  definitions: Map<string, RawDefinition>,
  aliases: RawAlias[],
): void {
  // By start offset (function definitions do not nest): node objects are not stable identities.
  const scopes = new Map<number, { scope: Scope; def: RawDefinition } | null>();
  const calleeNodes =
    calleesAtHits(item, hits) ??
    parser
      .captures('calls', item)
      .filter((c) => c.name === 'callee')
      .map((c) => c.node);
  // The last declaration recorded: one inside its arguments is part of it, not a declaration of its own (calls come
  // in document order, outer before inner). Error recovery can nest thousands, each holding the rest of the line.
  let declared: CNode | null = null;
  for (const calleeNode of calleeNodes) {
    parser.check();
    const name = calleeNode.text;
    const declaration = declares(name) && !callees.has(name);
    if (!declaration && !callees.has(name)) continue;
    const callAt = parentOf(calleeNode) as Ancestor;
    const call = callAt.node;
    const fn = nearest(callAt.parent, FUNCTION)?.node;
    if (declaration) {
      if (declared !== null && call.startIndex < declared.endIndex) continue;
      if (fn === undefined) {
        declared = call;
        aliases.push({
          macro: name,
          line: call.startPosition.row + 1,
          column: call.startPosition.column + 1,
          text: call.text,
        });
      }
      continue;
    }
    let entry = fn ? scopes.get(fn.startIndex) : null;
    if (fn && entry === undefined) {
      entry = functionScope(parser, fn);
      scopes.set(fn.startIndex, entry);
    }
    if (entry) definitions.set(`${entry.def.name}:${entry.def.line}`, entry.def);
    const scope: Scope = entry?.scope ?? {
      name: null,
      isMacro: false,
      params: [],
      variadic: false,
      body: null,
      parser,
    };
    calls.push(rawCall(parser, callAt, calleeNode, name, scope, 0));
  }
}

/**
 * A function that fills a buffer a request's name is read from (`int snd_hdac_codec_modalias(..., char *buf, ...)`):
 * its prints or copies into a parameter are recorded as calls of it, so the tree-wide step knows what it writes.
 */
function readFiller(
  parser: CParser,
  fn: CNode,
  fillers: ReadonlySet<string>,
  calls: RawCall[],
  definitions: Map<string, RawDefinition>,
): void {
  // The name first: most definitions read here fill nothing, and their scope costs a dozen reads of the tree each.
  const name = declaratorOf(fn)?.name;
  if (name === undefined || !fillers.has(name)) return;
  const entry = functionScope(parser, fn);
  if (!entry) return;
  const { scope, def } = entry;
  let fills = false;
  for (const bc of bodyCalls(parser, scope)) {
    if (!FILL_CALLS.has(bc.callee)) continue;
    const dest = bc.node.childForFieldName('arguments')?.namedChildren[0];
    if (!dest || paramIndex(scope, unwrap(dest).text) === null) continue;
    calls.push(rawCall(parser, bc.call, bc.calleeNode, bc.callee, scope, 0));
    fills = true;
  }
  if (fills) definitions.set(`${def.name}:${def.line}`, def);
}

/** What one parse of a macro body gave. */
interface MacroRead {
  /** The callee of every call in the body, looked for or not. */
  named: ReadonlySet<string>;
  /** The callees whose calls `calls` holds. */
  recorded: ReadonlySet<string>;
  /** In the body's order, their lines counted from the definition's first line (1). */
  calls: RawCall[];
}

/**
 * The wrapper macros' bodies one file's rounds read. A body is parsed as a function body (continuations, `#` and `##`
 * blanked) so the same capture code reads it. Definitions written alike (the same name, parameters and body text) share
 * one parse, and a body is parsed again only when it calls a callee that no earlier read of it looked for: a file of
 * 47,233 copies of one `#define` took 94,466 parses (the round looking for the macro's callers read every body again),
 * 14 s and 890 MB at the peak.
 */
class MacroBodies {
  private readonly reads = new Map<string, MacroRead>();

  constructor(
    private readonly parser: CParser,
    private readonly lines: Lines,
  ) {}

  /** Records the calls of `callees` in the body of `def` (lines `start`..`end`), and `def` when it makes any. */
  add(
    start: number,
    end: number,
    def: MacroDefinition,
    callees: ReadonlySet<string>,
    calls: RawCall[],
    definitions: Map<string, RawDefinition>,
  ): void {
    const first = this.lines.text(start);
    const open = first.indexOf('(', first.indexOf(def.name));
    const close = first.indexOf(')', open);
    if (open < 0 || close < 0) return;
    let body = ' '.repeat(close + 1) + first.slice(close + 1).replace(/\\\s*$/, ' ');
    for (let l = start + 1; l <= end; l++) body += `\n${this.lines.text(l).replace(/\\\s*$/, ' ')}`;
    body = body.replace(/##/g, '  ').replace(/#(?=\s*[A-Za-z_])/g, ' ');
    // The head sits on a row of its own, so the body keeps the file's rows and columns.
    const src = `void __macro__(void){\n${forParser(body)}\n;}`;
    const params = def.params ?? [];
    // What a read gives depends on these alone: the body keeps the definition's columns, and its lines move with it.
    const key = `${JSON.stringify([def.name, params, def.variadic])}${src}`;
    const known = this.reads.get(key);
    const read =
      known !== undefined && [...known.named].every((n) => known.recorded.has(n) || !callees.has(n))
        ? known
        : this.parse(key, src, def, params, (n) => callees.has(n) || known?.recorded.has(n) === true);
    let holds = false;
    for (const c of read.calls) {
      if (!callees.has(c.callee)) continue;
      holds = true;
      const testLine = c.zeroPath.testLine === null ? null : c.zeroPath.testLine + start;
      calls.push({ ...c, line: c.line + start, endLine: c.endLine + start, zeroPath: { ...c.zeroPath, testLine } });
    }
    if (holds)
      definitions.set(`${def.name}:${start + 1}`, {
        name: def.name,
        kind: 'macro',
        line: start + 1,
        endLine: end + 1,
        isStatic: false,
        params,
        variadic: def.variadic,
      });
  }

  /** Parses the macro body `src` and records the calls of the callees `wanted` takes. */
  private parse(
    key: string,
    src: string,
    def: MacroDefinition,
    params: string[],
    wanted: (callee: string) => boolean,
  ): MacroRead {
    const parser = this.parser;
    const read = { named: new Set<string>(), recorded: new Set<string>(), calls: [] as RawCall[] };
    parser.withTree(src, (root) => {
      const scope: Scope = { name: def.name, isMacro: true, params, variadic: def.variadic, body: root, parser };
      for (const cap of parser.captures('calls', root)) {
        if (cap.name !== 'callee') continue;
        const callee = cap.node.text;
        read.named.add(callee);
        if (!wanted(callee)) continue;
        read.recorded.add(callee);
        read.calls.push(rawCall(parser, parentOf(cap.node) as Ancestor, cap.node, callee, scope, -1));
      }
    });
    this.reads.set(key, read);
    return read;
  }
}

/** The call `callAt` (linked to what holds it) as recorded. */
function rawCall(
  parser: CParser,
  callAt: Ancestor,
  calleeNode: CNode,
  callee: string,
  scope: Scope,
  rowBase: number,
): RawCall {
  const call = callAt.node;
  const argNodes = call.childForFieldName('arguments')?.namedChildren.filter((n) => n.type !== 'comment') ?? [];
  const use = returnUse(callAt, scope);
  const line = calleeNode.startPosition.row + rowBase + 1;
  const testLine = use.testLine === null ? null : use.testLine + rowBase;
  return {
    callee,
    line,
    column: calleeNode.startPosition.column + 1,
    endLine: call.endPosition.row + rowBase + 1,
    endColumn: call.endPosition.column + 1,
    args: argNodes.map((a) => argExpr(parser, a, scope, 0)),
    returnUse: use.use,
    assignedTested: use.tested,
    tail: inTailPosition(callAt, scope),
    definition: scope.name,
    inMacro: scope.isMacro,
    zeroPath:
      scope.isMacro || !REQUEST_FUNCTIONS.has(callee)
        ? { testLine, lookups: [], retry: null }
        : zeroPath(parser, callAt, scope, testLine),
  };
}

/** Statements after which nothing of the function runs when they are last in them. */
const PASS_THROUGH = new Set([
  'if_statement',
  'else_clause',
  'labeled_statement',
  'compound_statement',
  'preproc_ifdef',
  'preproc_if',
  'preproc_else',
  'preproc_elif',
  'preproc_elifdef',
]);
const PREPROC_BRANCH = new Set(['preproc_else', 'preproc_elif', 'preproc_elifdef']);

/**
 * Whether the node starting at `start` is the last thing its parent `parent` runs: no statement follows it in the
 * parent (other #if branches aside).
 */
function lastIn(start: number, parent: Ancestor): boolean {
  if (parent.type === 'if_statement' || parent.type === 'else_clause' || parent.type === 'labeled_statement') {
    return parent.node.childForFieldName('condition')?.startIndex !== start;
  }
  // From the end, past comments and other #if branches: the first sibling there is the node itself or one before it.
  // (Reading every sibling from the front made a block of 16,878 returns quadratic.)
  for (let sibling = parent.node.lastNamedChild; sibling !== null; sibling = sibling.previousNamedSibling) {
    if (sibling.type === 'comment' || PREPROC_BRANCH.has(sibling.type)) continue;
    return sibling.startIndex <= start;
  }
  return true;
}

/**
 * A call the function ends with — `return f(...)`, or the last statement of a void function — which the compiler may
 * emit as a jump: then the callee's `_RET_IP_` is in the caller's caller, and traces name that function.
 */
function inTailPosition(callAt: Ancestor, scope: Scope): boolean {
  if (!scope.body || scope.isMacro) return false;
  let statement = callAt.parent;
  while (statement?.type === 'parenthesized_expression') statement = statement.parent;
  if (statement?.type === 'return_statement') return true;
  if (statement?.type !== 'expression_statement' || !scope.returnsVoid) return false;
  for (let s: Ancestor = statement; ;) {
    const parent = s.parent;
    if (!parent || !PASS_THROUGH.has(parent.type) || !lastIn(s.start, parent)) return false;
    if (isBody(parent, scope)) return true;
    s = parent;
  }
}

function unwrap(node: CNode): CNode {
  let n = node;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildren.length === 1) n = n.namedChildren[0];
    else if (n.type === 'cast_expression' && n.childForFieldName('value')) n = n.childForFieldName('value') as CNode;
    else return n;
  }
}

function integerValue(text: string): string | null {
  const t = text.replace(/[uUlL]+$/, '');
  if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^[1-9][0-9]*$|^0$/.test(t)) return BigInt(t).toString();
  if (/^0[0-7]+$/.test(t)) return BigInt(`0o${t.slice(1)}`).toString();
  return null;
}

function paramIndex(scope: Scope, name: string): { index: number; variadic: boolean } | null {
  const i = scope.params.indexOf(name);
  if (i >= 0) return { index: i, variadic: scope.isMacro && scope.variadic && i === scope.params.length - 1 };
  return null;
}

function argExpr(parser: CParser, raw: CNode, scope: Scope, depth: number): ArgExpr {
  const node = unwrap(raw);
  const text = raw.text;
  switch (node.type) {
    case 'string_literal':
    case 'concatenated_string': {
      const tokens = tokenize(node.text);
      const value = concatenatedString(tokens);
      if (value !== null) return { kind: 'string', text, value };
      const idents = tokens.filter((t) => t.kind === 'ident').map((t) => t.text);
      if (idents.some((i) => paramIndex(scope, i)))
        return { kind: 'expr', text, deps: depsOf(parser, node, scope, depth) };
      return { kind: 'tokens', text, idents };
    }
    case 'number_literal': {
      const v = integerValue(node.text);
      return v === null ? { kind: 'expr', text, deps: [] } : { kind: 'integer', text, value: v };
    }
    case 'char_literal': {
      const body = node.text.slice(1, -1);
      const v = body.length === 1 ? body.charCodeAt(0) : null;
      return v === null ? { kind: 'expr', text, deps: [] } : { kind: 'integer', text, value: String(v) };
    }
    case 'field_expression': {
      const storage = storageOf(node, scope);
      return storage === null
        ? { kind: 'expr', text, deps: depsOf(parser, node, scope, depth) }
        : { kind: 'stored', text, storage, deps: depsOf(parser, node, scope, depth) };
    }
    case 'identifier': {
      // Error recovery stands in a MISSING identifier for an argument left out (`f(a, )`, `(char *)`): it names
      // nothing, and its empty name made localDefines search the file forever.
      if (node.isMissing) return { kind: 'expr', text, deps: [] };
      const name = node.text;
      const p = paramIndex(scope, name);
      if (p) return p.variadic ? { kind: 'variadic', text, index: p.index } : { kind: 'param', text, index: p.index };
      if (isLocal(scope, name)) return localValue(parser, name, text, scope, depth);
      return { kind: 'tokens', text, idents: [name] };
    }
    default:
      return { kind: 'expr', text, deps: depsOf(parser, node, scope, depth) };
  }
}

/** A local's value: a buffer printed by *printf, else what it is assigned (dependencies only). Memoised per scope. */
function localValue(parser: CParser, name: string, text: string, scope: Scope, depth: number): ArgExpr {
  scope.localValues ??= new Map();
  const known = scope.localValues.get(name);
  if (known) return known.kind === 'expr' ? { ...known, text } : known;
  // Cycles (x = f(x)) see no dependencies while the value is being worked out.
  scope.localValues.set(name, { kind: 'expr', text, deps: [] });
  const value = computeLocalValue(parser, name, text, scope, depth);
  scope.localValues.set(name, value);
  return value;
}

function computeLocalValue(parser: CParser, name: string, text: string, scope: Scope, depth: number): ArgExpr {
  if (depth > 3 || !scope.body) return { kind: 'expr', text, deps: [] };
  // Every printf-like callee has `printf` in its name: a body without it needs no look at its calls.
  scope.mentionsPrintf ??= scope.body.text.includes('printf');
  for (const bc of scope.mentionsPrintf ? bodyCalls(parser, scope) : []) {
    const fmtAt = PRINT_INTO.get(bc.callee);
    if (fmtAt === undefined) continue;
    const args = bc.node.childForFieldName('arguments')?.namedChildren ?? [];
    if (args.length < 2 || unwrap(args[0]).text !== name) continue;
    const rest = args.slice(fmtAt + 1).map((a): ArgExpr => {
      const inner = unwrap(a);
      // A va_list forwards the function's own variadic arguments.
      if (
        inner.type === 'identifier' &&
        scope.variadic &&
        isLocal(scope, inner.text) &&
        !paramIndex(scope, inner.text)
      ) {
        return { kind: 'variadic', text: a.text, index: scope.params.length };
      }
      return argExpr(parser, a, scope, depth + 1);
    });
    if (args[fmtAt])
      return { kind: 'printed', text, format: argExpr(parser, args[fmtAt], scope, depth + 1), args: rest };
  }
  const assigned = assignedValues(scope, name);
  // A buffer nothing is assigned to, handed to one function: that function fills it.
  if (assigned.length === 0) {
    const fill = filledBy(parser, name, scope);
    if (fill) return { kind: 'filled', text, ...fill };
  }
  // Only literals (and buffers printed with a format) reach it: the name is one of them.
  const options = assigned.filter((v) => !isNullConstant(v)).map((v) => argExpr(parser, v, scope, depth + 1));
  if (
    options.length > 0 &&
    options.every((o) => o.kind === 'string' || o.kind === 'printed' || o.kind === 'choice' || o.kind === 'filled')
  ) {
    return { kind: 'choice', text, options: options.flatMap((o) => (o.kind === 'choice' ? o.options : [o])) };
  }
  const deps = new Set<number>();
  for (const value of assigned) depsOf(parser, value, scope, depth + 1).forEach((d) => deps.add(d));
  return { kind: 'expr', text, deps: [...deps].sort((a, b) => a - b) };
}

/** The one call that receives the local `name` as an argument (not a request, not a known print or copy), if one. */
function filledBy(parser: CParser, name: string, scope: Scope): { callee: string; index: number } | null {
  let found: { callee: string; index: number } | null = null;
  for (const bc of bodyCalls(parser, scope)) {
    const args = bc.node.childForFieldName('arguments')?.namedChildren ?? [];
    const index = args.findIndex((a) => unwrap(a).text === name);
    if (index < 0 || isLoopMacro(bc.call)) continue;
    if (found || REQUEST_FUNCTIONS.has(bc.callee) || FILL_CALLS.has(bc.callee)) return null;
    found = { callee: bc.callee, index };
  }
  return found;
}

/**
 * `list_for_each_entry(pos, head, member) { ... }`: a macro that opens a loop, which the parser reads as a call whose
 * statement lacks its `;`. It sets its cursor rather than filling a buffer, and no function definition of it exists
 * for the filler pass to read (searching its name read 2,963 more files in the first scan of the 6.12 tree).
 */
function isLoopMacro(call: Ancestor): boolean {
  const statement = call.parent;
  return statement?.type === 'expression_statement' && statement.node.children.at(-1)?.isMissing === true;
}

/** `NULL` or `0`: a pointer a request never uses (the code tests it first). */
function isNullConstant(node: CNode): boolean {
  const n = unwrap(node);
  return n.type === 'null' || n.text === 'NULL' || n.text === '0';
}

function depsOf(parser: CParser, node: CNode, scope: Scope, depth: number): number[] {
  const deps = new Set<number>();
  for (const c of parser.captures('flow', node)) {
    if (c.name !== 'identifier') continue;
    const p = paramIndex(scope, c.node.text);
    if (p) deps.add(p.index);
    else if (isLocal(scope, c.node.text) && depth < 3) {
      const v = localValue(parser, c.node.text, c.node.text, scope, depth + 1);
      if (v.kind === 'expr') v.deps.forEach((d) => deps.add(d));
      else if (v.kind === 'printed' || v.kind === 'choice') deps.add(-1);
    }
  }
  return [...deps].sort((a, b) => a - b);
}

const FUNCTION = ['function_definition'];
const IF = ['if_statement'];
const LOOPS = ['while_statement', 'for_statement', 'do_statement'];

/** Walks over a kernel list of registered entries (`list_for_each_entry`, `hlist_for_each_entry_rcu`...). */
const FOR_EACH = /^h?list_for_each_entry/;

const COMPARISON = new Set(['==', '!=', '<', '>', '<=', '>=', '&&', '||']);

/** Whether the node starting at `start` (whose parent is `parent`) is tested as a condition. */
function isConditionContext(start: number, parent: Ancestor | null): boolean {
  if (!parent) return false;
  switch (parent.type) {
    case 'if_statement':
    case 'while_statement':
    case 'do_statement':
    case 'switch_statement':
      return parent.node.childForFieldName('condition')?.startIndex === start;
    case 'for_statement':
      return parent.node.childForFieldName('condition')?.startIndex === start;
    case 'conditional_expression':
      return parent.node.childForFieldName('condition')?.startIndex === start;
    case 'unary_expression':
      return parent.node.children[0]?.text === '!';
    case 'binary_expression':
      return COMPARISON.has(parent.node.childForFieldName('operator')?.text ?? '');
    default:
      return false;
  }
}

/** How the value of the call `callAt` (linked to what holds it) is used. */
function returnUse(
  callAt: Ancestor,
  scope: Scope,
): { use: ReturnUse; tested: boolean | null; testLine: number | null } {
  let start = callAt.start;
  let at = callAt.parent;
  while (at?.type === 'parenthesized_expression' && !isConditionContext(at.start, at.parent)) {
    start = at.start;
    at = at.parent;
  }
  if (!at) return { use: 'discarded', tested: null, testLine: null };
  if (
    isConditionContext(start, at) ||
    (at.type === 'parenthesized_expression' && isConditionContext(at.start, at.parent))
  ) {
    return { use: 'condition', tested: null, testLine: callAt.node.startPosition.row + 1 };
  }
  const parent = at.node;
  switch (at.type) {
    case 'expression_statement':
      return { use: 'discarded', tested: null, testLine: null };
    case 'cast_expression':
      if (/^\(\s*void\s*\)/.test(parent.text)) return { use: 'void-cast', tested: null, testLine: null };
      return { use: 'argument', tested: null, testLine: null };
    case 'return_statement':
      return { use: 'returned', tested: null, testLine: null };
    case 'argument_list':
      return { use: 'argument', tested: null, testLine: null };
    case 'comma_expression':
      return {
        use: parent.namedChildren[0]?.startIndex === start ? 'discarded' : 'argument',
        tested: null,
        testLine: null,
      };
    case 'assignment_expression':
    case 'init_declarator': {
      const target =
        at.type === 'assignment_expression' ? parent.childForFieldName('left') : parent.childForFieldName('declarator');
      const name = target
        ? target.type === 'field_expression'
          ? target.text
          : (declaratorName(target) ?? target.text)
        : null;
      const testLine = name ? testedAfter(name, at, scope) : null;
      return { use: 'assigned', tested: testLine !== null, testLine };
    }
    default:
      return { use: 'argument', tested: null, testLine: null };
  }
}

/** Line of the first test of `name` after `from` in the function (the assignment itself may sit in a condition). */
function testedAfter(name: string, from: Ancestor, scope: Scope): number | null {
  if (isTested(from.start, from.parent, ['parenthesized_expression'])) return from.node.startPosition.row + 1;
  for (const id of identifiersNamed(scope, name)) {
    if (id.startIndex < from.end) continue;
    if (isTested(id.startIndex, parentOf(id), ['parenthesized_expression', 'cast_expression']))
      return id.startPosition.row + 1;
  }
  return null;
}

/**
 * Whether the node starting at `start` (whose parent is `up`), once out of the wrapping nodes of the types `through`,
 * is tested as a condition.
 */
function isTested(start: number, up: Ancestor | null, through: readonly string[]): boolean {
  let s = start;
  let at = up;
  while (at !== null && through.includes(at.type)) {
    s = at.start;
    at = at.parent;
  }
  return isConditionContext(s, at);
}

const isBody = (a: Ancestor, scope: Scope) =>
  scope.body !== null &&
  a.start === scope.body.startIndex &&
  a.end === scope.body.endIndex &&
  a.type === scope.body.type;

function zeroPath(parser: CParser, callAt: Ancestor, scope: Scope, testLine: number | null): ZeroPath {
  const result: ZeroPath = { testLine, lookups: [], retry: null };
  if (!scope.body) return result;
  const before = new Set<string>();
  const after: Array<{ line: number; callee: string }> = [];
  const callStart = callAt.start;
  const callEnd = callAt.end;
  // Sorted out once per body: a body can hold thousands of request calls, each comparing itself with these.
  scope.lookupCalls ??= bodyCalls(parser, scope).filter((bc) => bc.used && !REQUEST_FUNCTIONS.has(bc.callee));
  scope.registryWalks ??= bodyCalls(parser, scope).filter((bc) => FOR_EACH.test(bc.callee));
  for (const bc of scope.lookupCalls) {
    if (bc.end <= callStart) before.add(bc.callee);
    else if (bc.start >= callEnd) after.push({ line: bc.node.startPosition.row + 1, callee: bc.callee });
  }
  result.lookups = after.filter((a) => before.has(a.callee));
  // Walking a registry after the request (`list_for_each_entry` over the registered drivers) looks the service up.
  const walk = scope.registryWalks.find((bc) => bc.start >= callEnd);
  if (walk) result.lookups.push({ line: walk.node.startPosition.row + 1, callee: walk.callee });
  // The statements enclosing the call inside its function: the nodes above it and below the function definition.
  const inside = nearest(callAt.parent, FUNCTION)?.depth ?? -1;
  // The guard idiom: `if (!hook) request_module(...);` then `hook` is read again (net_families, br_ioctl_hook).
  const readAgain = new Map<string, CNode | undefined>();
  for (let p = nearest(callAt.parent, IF); p !== null && p.depth > inside; p = nearest(p.parent, IF)) {
    const cond = p.node.childForFieldName('condition');
    if (!cond) continue;
    for (const c of scope.parser.captures('flow', cond)) {
      const name = c.node.text;
      if (c.name !== 'identifier' || paramIndex(scope, name) || parentOf(c.node)?.type === 'call_expression') continue;
      if (!readAgain.has(name))
        readAgain.set(
          name,
          identifiersNamed(scope, name).find((id) => id.startIndex >= callEnd),
        );
      const again = readAgain.get(name);
      if (again) result.lookups.push({ line: again.startPosition.row + 1, callee: name });
    }
  }
  const loop = nearest(callAt.parent, LOOPS);
  if (loop !== null && loop.depth > inside)
    result.retry = { line: loop.node.startPosition.row + 1, how: `${loop.type.replace('_statement', '')} loop` };
  if (!result.retry) {
    const labels = new Map<string, number>();
    scope.jumps ??= scope.parser.captures('jumps', scope.body);
    const jumps = scope.jumps;
    for (const c of jumps)
      if (c.name === 'label' && c.node.startIndex < callStart) labels.set(c.node.text, c.node.startPosition.row + 1);
    for (const c of jumps) {
      if (c.name === 'goto' && c.node.startIndex > callEnd && labels.has(c.node.text)) {
        result.retry = { line: c.node.startPosition.row + 1, how: `goto ${c.node.text}` };
        break;
      }
    }
  }
  return result;
}
