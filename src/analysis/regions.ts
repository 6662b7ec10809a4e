/**
 * Byte-level work on one file: where the searched names occur, and which lines around each occurrence tree-sitter
 * must see (the enclosing top-level function, declaration statement or #define), found by a cheap scan for
 * kernel-style top-level boundaries. Everything else is blanked, keeping line numbers, so one small parse serves a file.
 */
import { IDENT, isLatin1Space } from './chars';

export interface Hit {
  /** The whole identifier the token occurred in. */
  name: string;
  offset: number;
}

const MANY = 8;

/** 1 for bytes that can start an identifier: letters and `_`. */
const IDENT_START = IDENT.map((v, c) => (v === 1 && (c < 48 || c > 57) ? 1 : 0));

/**
 * The identifiers of a buffer as a global search for `[A-Za-z_][A-Za-z0-9_]*` finds them, left to right (after digits
 * that start none, a letter starts one: `0x1F` holds `x1F`); found on first use and kept for the look-ups of one file.
 */
export class Identifiers {
  /** Start and end offset and FNV-1a hash of each identifier, in order. */
  private spans: Int32Array | null = null;
  constructor(private readonly b: Buffer) {}

  private all(): Int32Array {
    if (this.spans) return this.spans;
    const b = this.b;
    const n = b.length;
    let spans = new Int32Array(1536);
    let k = 0;
    for (let i = 0; i < n;) {
      if (IDENT_START[b[i]] === 0) {
        i++;
        continue;
      }
      let h = Math.imul(FNV_OFFSET ^ b[i], FNV_PRIME);
      let j = i + 1;
      while (j < n && IDENT[b[j]] === 1) h = Math.imul(h ^ b[j++], FNV_PRIME);
      if (k === spans.length) {
        const more = new Int32Array(spans.length * 2);
        more.set(spans);
        spans = more;
      }
      spans[k++] = i;
      spans[k++] = j;
      spans[k++] = h;
      i = j;
    }
    this.spans = spans.subarray(0, k);
    return this.spans;
  }

  /** The identifiers equal to one of `names`, in order. */
  named(names: ReadonlySet<string>): Hit[] {
    const table = nameTable(names);
    const spans = this.all();
    const hits: Hit[] = [];
    for (let k = 0; k < spans.length; k += 3) {
      const name = table.find(this.b, spans[k], spans[k + 1], spans[k + 2]);
      if (name !== null) hits.push({ name, offset: spans[k] });
    }
    return hits;
  }
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Names looked up by the bytes of an identifier and their FNV-1a hash, in an open-addressing table. */
class NameTable {
  private readonly names: string[];
  /** Per slot: 1 + the index of its name, 0 when empty. */
  private readonly slots: Int32Array;
  private readonly hashes: Int32Array;
  private readonly mask: number;

  constructor(names: ReadonlySet<string>) {
    this.names = [...names];
    let size = 16;
    while (size < this.names.length * 4) size *= 2;
    this.mask = size - 1;
    this.slots = new Int32Array(size);
    this.hashes = new Int32Array(size);
    this.names.forEach((name, i) => {
      let h = FNV_OFFSET;
      for (let k = 0; k < name.length; k++) h = Math.imul(h ^ name.charCodeAt(k), FNV_PRIME);
      let j = h & this.mask;
      while (this.slots[j] !== 0) j = (j + 1) & this.mask;
      this.slots[j] = i + 1;
      this.hashes[j] = h;
    });
  }

  /** The name spelled by `b[s..e)`, whose hash is `h`, or null. */
  find(b: Buffer, s: number, e: number, h: number): string | null {
    for (let j = h & this.mask; this.slots[j] !== 0; j = (j + 1) & this.mask) {
      if (this.hashes[j] !== h) continue;
      const name = this.names[this.slots[j] - 1];
      if (name.length !== e - s) continue;
      let i = 0;
      while (i < name.length && b[s + i] === name.charCodeAt(i)) i++;
      if (i === name.length) return name;
    }
    return null;
  }
}

const tables = new WeakMap<ReadonlySet<string>, NameTable>();

/** The table of a set of names, made once (a pass looks for the same names in every file). */
function nameTable(names: ReadonlySet<string>): NameTable {
  let table = tables.get(names);
  if (!table) {
    table = new NameTable(names);
    tables.set(names, table);
  }
  return table;
}

/**
 * Every identifier containing one of `tokens`, with its offset (deduplicated). Tokens that are whole identifiers
 * (`exact`), when there are many, are found among the file's identifiers instead of one search each.
 */
export function findHits(
  buf: Uint8Array,
  tokens: Buffer[],
  exact: ReadonlySet<string> = new Set(),
  identifiers?: Identifiers,
): Hit[] {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const seen = new Set<number>();
  const hits: Hit[] = [];
  if (exact.size > MANY) {
    for (const hit of (identifiers ?? new Identifiers(b)).named(exact)) {
      seen.add(hit.offset);
      hits.push(hit);
    }
  } else {
    tokens = [...tokens, ...[...exact].map((n) => Buffer.from(n))];
  }
  for (const token of tokens) {
    let at = b.indexOf(token);
    while (at >= 0) {
      let s = at;
      while (s > 0 && IDENT[b[s - 1]]) s--;
      let e = at + token.length;
      while (e < b.length && IDENT[b[e]]) e++;
      if (!seen.has(s)) {
        seen.add(s);
        hits.push({ name: b.toString('latin1', s, e), offset: s });
      }
      at = b.indexOf(token, e);
    }
  }
  return hits.sort((x, y) => x.offset - y.offset);
}

/** Line starts of a buffer (offsets of the first byte of each line). */
export function lineStarts(buf: Uint8Array): Uint32Array {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  // One search for the newlines, into room for a line per 32 bytes (C lines average more), grown when short.
  let starts = new Uint32Array(Math.max(64, b.length >> 5));
  let n = 1;
  for (let at = b.indexOf(10); at >= 0; at = b.indexOf(10, at + 1)) {
    if (n === starts.length) {
      const more = new Uint32Array(starts.length * 2);
      more.set(starts);
      starts = more;
    }
    starts[n++] = at + 1;
  }
  return starts.subarray(0, n);
}

/** 0-based line holding `offset`. */
export function lineOf(starts: Uint32Array, offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export class Lines {
  readonly starts: Uint32Array;
  /** The logical line logicalLine found last. */
  lastLogical: Readonly<LogicalLine> | null = null;
  /** Per line, what is open at its start (lines below `lexed`), and what is open after line `lexed - 1`. */
  private openAtStart: Uint8Array | null = null;
  private lexed = 0;
  private lexOpen = CODE;
  /** The offset openingBefore looked back from last, and what it found nearest. */
  private lookedBackFrom = 0;
  private openingNearest = false;
  constructor(readonly buf: Buffer) {
    this.starts = lineStarts(buf);
  }
  get count(): number {
    return this.starts.length;
  }
  /** Where the line ends in the buffer: the offset of its newline, or the buffer's end. */
  end(line: number): number {
    return line + 1 < this.starts.length ? this.starts[line + 1] - 1 : this.buf.length;
  }
  /** Line text without the newline (latin1: only ASCII matters to the boundary scan). */
  text(line: number): string {
    return this.buf.toString('latin1', this.starts[line], this.end(line));
  }
  first(line: number): number {
    const s = this.starts[line];
    return s < this.buf.length ? this.buf[s] : 10;
  }
  /**
   * Whether a line continues on the next one (ends with a backslash). Read from the line's ends, not its whole text:
   * every hit asks about its line, and a minified line can hold thousands of them.
   */
  continues(line: number): boolean {
    const s = this.starts[line];
    let last = this.end(line) - 1;
    while (last >= s && isLatin1Space(this.buf[last])) last--;
    return last >= s && this.buf[last] === 92; /* \ */
  }
  /**
   * Whether line `line` starts inside a block comment. Cheap first: looking back from the line, a comment's close met
   * before any opening (or neither) means none is open; else the file is read from its start (lexLine: a `/*` in a
   * string or a line comment opens nothing), once, as far as asked.
   */
  startsInComment(line: number): boolean {
    if (!this.openingBefore(this.starts[line])) return false;
    const open = (this.openAtStart ??= new Uint8Array(this.count));
    for (; this.lexed <= line; this.lexed++) {
      open[this.lexed] = this.lexOpen;
      this.lexOpen = openAfter(this, this.lexed, lexLine(this, this.lexed, this.lexOpen));
    }
    return open[line] === BLOCK_COMMENT;
  }
  /**
   * Whether a comment's opening is the nearest of the openings and closes before `offset`. A close nearer than every
   * opening proves no block comment open at `offset`: inside one, a close would have ended it.
   */
  private openingBefore(offset: number): boolean {
    // Offsets asked in increasing order (one round's hits) look back only to the one before (a byte more: a pair
    // across it).
    const from = offset >= this.lookedBackFrom ? Math.max(0, this.lookedBackFrom - 1) : 0;
    const stretch = this.buf.subarray(from, offset);
    const opening = stretch.lastIndexOf(COMMENT_OPENING);
    const close = stretch.lastIndexOf(COMMENT_CLOSE);
    // Of `/*/`, the `*/` is the opening's star and a slash in the comment.
    if (opening >= 0 || close >= 0) this.openingNearest = opening > close || this.buf[from + close - 1] === SLASH;
    else if (from === 0) this.openingNearest = false;
    this.lookedBackFrom = offset;
    return this.openingNearest;
  }
  /** Whether a line is a preprocessor directive (`#` after blanks). */
  isDirective(line: number): boolean {
    const e = this.end(line);
    let at = this.starts[line];
    while (at < e && isLatin1Space(this.buf[at])) at++;
    return at < e && this.buf[at] === 35; /* # */
  }
}

export interface Region {
  /** 0-based first and last line, inclusive. */
  start: number;
  end: number;
  kind: 'directive' | 'top-level';
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12;

export interface LogicalLine {
  start: number;
  end: number;
  directive: boolean;
}

/**
 * The logical line holding `line` (backslash continuations; for a directive, also block comments opened on it and
 * closed on a later line), and whether it is a preprocessor directive. The last one found answers for every line it
 * spans: thousands of hits on a line continued over thousands of lines each walked the continuations (npm run fuzz:
 * 23,915 hits behind 43,639 continued lines, 13 s).
 */
export function logicalLine(lines: Lines, line: number): Readonly<LogicalLine> {
  const last = lines.lastLogical;
  if (last !== null && line >= last.start && line <= last.end) return last;
  let start = line;
  while (start > 0 && lines.continues(start - 1)) start--;
  const directive = lines.isDirective(start);
  let end = line;
  if (directive) end = directiveEnd(lines, start);
  else while (end + 1 < lines.count && lines.continues(end)) end++;
  lines.lastLogical = { start, end, directive };
  return lines.lastLogical;
}

const SLASH = 47;
const STAR = 42;

/** What a line's bytes leave open for the next line: nothing (code), or a comment, string or character constant. */
const CODE = 0;
const BLOCK_COMMENT = 1;
const LINE_COMMENT = 2;
const DOUBLE_QUOTED = 34; /* " */
const SINGLE_QUOTED = 39; /* ' */

/** What is open after the bytes of `line`, given what was open at its start. */
function lexLine(lines: Lines, line: number, open: number): number {
  const b = lines.buf;
  const e = lines.end(line);
  for (let i = lines.starts[line]; i < e; i++) {
    const c = b[i];
    if (open === BLOCK_COMMENT) {
      if (c === STAR && b[i + 1] === SLASH) {
        open = CODE;
        i++;
      }
    } else if (open === LINE_COMMENT) break;
    else if (open !== CODE) {
      if (c === 92 /* \ */) i++;
      else if (c === open) open = CODE;
    } else if (c === DOUBLE_QUOTED || c === SINGLE_QUOTED) open = c;
    else if (c === SLASH && b[i + 1] === STAR) {
      open = BLOCK_COMMENT;
      i++;
    } else if (c === SLASH && b[i + 1] === SLASH) open = LINE_COMMENT;
  }
  return open;
}

const COMMENT_OPENING = Buffer.from('/*');
const COMMENT_CLOSE = Buffer.from('*/');

/** What is open at the next line's start: a block comment goes on, a line comment or a literal only over a `\`. */
function openAfter(lines: Lines, line: number, open: number): number {
  return open === BLOCK_COMMENT || open === CODE || lines.continues(line) ? open : CODE;
}

/**
 * The last line of the directive that starts on `line`. cpp reads each comment as a blank before it reads directives,
 * so a block comment opened on a directive's line and closed on a later one continues the directive to that line, as
 * a `\` at a line's end does. A comment's opening inside a string, a character constant or a line comment opens
 * nothing. fileAnalysis's DEFINE_DIRECTIVE reads a `#define` to the same end.
 */
function directiveEnd(lines: Lines, line: number): number {
  for (let at = line, open = CODE; ; at++) {
    open = lexLine(lines, at, open);
    if (at + 1 >= lines.count || !(open === BLOCK_COMMENT || lines.continues(at))) return at;
    open = openAfter(lines, at, open);
  }
}

/** Top-level statements end on a column-0 line ending with `;` (kernel style: bodies are indented). */
function endsTopLevelStatement(text: string): boolean {
  const c = text.charCodeAt(0);
  if (isSpace(c) || Number.isNaN(c) || text[0] === '#' || text[0] === '/' || text[0] === '*') return false;
  return /;\s*(\/\*.*\*\/\s*|\/\/.*)?$/.test(text);
}

/**
 * Kernel-style top-level boundaries of a file, from bytes: a line closes a construct when it starts with `}`, or is a
 * `;`-ended statement at column 0. Worked out per line on first use: a region needs only the lines around its hit.
 */
export class Boundaries {
  /** Per line: -1 not yet known, else whether it closes a top-level construct. */
  private readonly known: Int8Array;
  /** The top-level region found last. */
  private lastTopLevel: Region | null = null;
  constructor(private readonly lines: Lines) {
    this.known = new Int8Array(lines.count).fill(-1);
  }

  private closes(l: number): boolean {
    if (this.known[l] < 0) this.known[l] = this.computeCloses(l) ? 1 : 0;
    return this.known[l] === 1;
  }

  /** Offset of the last byte of line `l` that is not a space, tab or CR (below the line start when blank). */
  private lastNonBlank(l: number): number {
    const { buf, starts } = this.lines;
    let last = (l + 1 < starts.length ? starts[l + 1] - 1 : buf.length) - 1;
    while (last >= starts[l] && (buf[last] === 32 || buf[last] === 9 || buf[last] === 13)) last--;
    return last;
  }

  private computeCloses(l: number): boolean {
    const { buf, starts } = this.lines;
    const s = starts[l];
    const c = s < buf.length ? buf[s] : 10;
    if (c === 125 /* } */) return true;
    const last = this.lastNonBlank(l);
    if (last < s || isSpace(c) || c === 35 /* # */ || c === 47 /* / */ || c === 42 /* * */) return false;
    // A continued line (`\` at the end of the previous one) is inside a macro, not at top level.
    if (l > 0 && this.lastNonBlank(l - 1) >= starts[l - 1] && buf[this.lastNonBlank(l - 1)] === 92) return false;
    return endsTopLevelStatement(buf.toString('latin1', s, last + 1));
  }

  /** The region of the construct holding `line` (0-based). */
  around(line: number): Region {
    const lines = this.lines;
    const logical = logicalLine(lines, line);
    if (logical.directive) return { start: logical.start, end: logical.end, kind: 'directive' };
    // Every line of a construct has that construct as its region: thousands of hits in one construct (or on one
    // line) search back to its start, over its leading directives, once.
    const last = this.lastTopLevel;
    if (last !== null && line >= last.start && line <= last.end) return last;
    let start = 0;
    for (let l = line - 1; l >= 0; l--) {
      if (this.closes(l)) {
        start = l + 1;
        break;
      }
    }
    // Leading directives (#ifdef CONFIG_X before a function) and blank lines belong to no construct.
    while (start < line) {
      const t = lines.text(start);
      if (/^\s*$/.test(t)) start++;
      else if (/^\s*#/.test(t)) start = logicalLine(lines, start).end + 1;
      else break;
    }
    let end = lines.count - 1;
    for (let l = line; l < lines.count; l++) {
      if (this.closes(l)) {
        end = l;
        break;
      }
    }
    this.lastTopLevel = { start, end, kind: 'top-level' };
    return this.lastTopLevel;
  }
}

/** A stretch of a text by offset (UTF-16 units, as JS strings count) and by row and column. */
export interface TextRange {
  startIndex: number;
  endIndex: number;
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
}

/**
 * The file's text with only the given lines kept (others empty), so rows in the parse are file lines, and the ranges
 * of the kept runs of lines: the parser reads those and skips the empty lines between them (it is much slower on a
 * run of empty lines than on code). Kept lines are decoded as UTF-8 so columns match what editors count.
 */
export function sparseDocument(lines: Lines, keep: Uint8Array): { text: string; ranges: TextRange[] } {
  const parts: string[] = [];
  const ranges: TextRange[] = [];
  const { buf, starts } = lines;
  let at = 0;
  for (let l = 0; l < lines.count;) {
    const from = l;
    const kept = keep[l] === 1;
    while (l < lines.count && (keep[l] === 1) === kept) l++;
    const part = kept
      ? buf.toString('utf8', starts[from], l < lines.count ? starts[l] : buf.length)
      : '\n'.repeat(l - from);
    if (kept) {
      // A run ends after its last newline (the next row's start), or at the end of the file, within its last line.
      const end =
        l < lines.count ? { row: l, column: 0 } : { row: l - 1, column: part.length - 1 - part.lastIndexOf('\n') };
      ranges.push({
        startIndex: at,
        endIndex: at + part.length,
        startPosition: { row: from, column: 0 },
        endPosition: end,
      });
    }
    parts.push(part);
    at += part.length;
  }
  return { text: parts.join(''), ranges };
}
