/**
 * What the first scan pass remembers of every file it reads, so that the later passes (which look for wrappers and
 * constants discovered meanwhile) read only the files that can hold them instead of the whole tree again:
 * - `calls`: hashes of every identifier written directly before a `(`, the only place a wrapper's call can be
 *   (tree-sitter's callee of a call_expression is an identifier followed by blanks and the argument list);
 * - `defines`: hashes of the names a header `#define`s, for the constants alias declarations need.
 * Hashes can collide: a collision only makes a later pass read one file too many. A block comment between a name and
 * its `(` is skipped; a `(` whose name a comment leaves uncertain marks the file `opaque`: it is read in every pass.
 */
import { IDENT, isBlankOrContinuation } from './chars';
import { someDefine } from './matcher';

export interface FileNames {
  calls: Int32Array;
  defines: Int32Array;
  opaque: boolean;
}

/**
 * A hash of an identifier's bytes: FNV-1a for short names, else its length and three 4-byte windows (start, middle,
 * end), which costs the same for any length; the same function hashes the names searched for.
 */
function hashBytes(b: Uint8Array, start: number, end: number): number {
  const n = end - start;
  if (n < 8) {
    let h = 0x811c9dc5 | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ b[i], 0x01000193);
    return h;
  }
  const word = (i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
  let h = Math.imul(n ^ word(start), 0x9e3779b1);
  h = Math.imul(h ^ word(start + ((n - 4) >> 1)), 0x85ebca6b);
  h = Math.imul(h ^ word(end - 4), 0xc2b2ae35);
  return h ^ (h >>> 15);
}

export function hashName(name: string): number {
  return hashBytes(Buffer.from(name, 'latin1'), 0, name.length);
}

/** An open-addressing set of hashes, reused across files: clearing touches only the slots in use. */
class HashSet {
  private table = new Int32Array(1024);
  /** Members in insertion order (the table cannot hold 0, so it is kept as a flag). */
  private members = new Int32Array(512);
  private count = 0;
  private hasZero = false;

  clear(): void {
    const mask = this.table.length - 1;
    for (let k = 0; k < this.count; k++) {
      let i = this.members[k] & mask;
      while (this.table[i] !== 0) {
        this.table[i] = 0;
        i = (i + 1) & mask;
      }
    }
    this.count = 0;
    this.hasZero = false;
  }

  add(h: number): void {
    if (h === 0) {
      this.hasZero = true;
      return;
    }
    const mask = this.table.length - 1;
    let i = h & mask;
    for (;;) {
      const v = this.table[i];
      if (v === h) return;
      if (v === 0) break;
      i = (i + 1) & mask;
    }
    this.table[i] = h;
    if (this.count === this.members.length) {
      const more = new Int32Array(this.members.length * 2);
      more.set(this.members);
      this.members = more;
    }
    this.members[this.count++] = h;
    if (this.count * 2 > this.table.length) this.grow();
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2);
    const mask = this.table.length - 1;
    for (let k = 0; k < this.count; k++) {
      const h = this.members[k];
      let i = h & mask;
      while (this.table[i] !== 0) i = (i + 1) & mask;
      this.table[i] = h;
    }
  }

  /** A copy of the members. */
  values(): Int32Array {
    const out = new Int32Array(this.count + (this.hasZero ? 1 : 0));
    out.set(this.members.subarray(0, this.count));
    return out;
  }
}

const calls = new HashSet();
const defines = new HashSet();
const OPEN = 40; /* ( */
const NL = 10;

/** Whether the line holding `at` has `//` before it (a blank skip that crossed a newline may have left a comment). */
function lineCommentBefore(b: Buffer, at: number): boolean {
  return b.subarray(b.lastIndexOf(NL, at) + 1, at).includes('//');
}

const OPAQUE = -2;

/**
 * The places a two-byte mark (a comment's opening or its end) is written in a buffer, found forwards only as far as
 * asked: the look-ups backwards from each `(` then cost the buffer's length in all (a `lastIndexOf` from each was
 * quadratic: 100,000 comment ends, each before a `(`, in one file took 70 s).
 */
class Marks {
  private readonly at: number[] = [];
  /** Where the forward search resumes; Infinity once the buffer holds no more. */
  private next = 0;

  constructor(
    private readonly b: Buffer,
    private readonly mark: string,
  ) {}

  /** The last place at or before `k`, or -1: as `b.lastIndexOf(mark, k)`. */
  lastAtOrBefore(k: number): number {
    while (this.next <= k) {
      const p = this.b.indexOf(this.mark, this.next);
      if (p < 0) {
        this.next = Infinity;
        break;
      }
      this.at.push(p);
      this.next = p + 1;
    }
    let lo = 0;
    let hi = this.at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.at[mid] <= k) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? this.at[lo - 1] : -1;
  }
}

/**
 * Where the identifier written before `at` ends, across blanks, line continuations and block comments: -1 when no
 * identifier is there, OPAQUE when a comment leaves it uncertain (a line comment, or a `/*` that may sit inside an
 * earlier comment or a string: only a full lex could tell).
 */
function identifierEndBefore(b: Buffer, at: number, opens: Marks, closes: Marks): number {
  let e = at;
  for (;;) {
    let crossed = false;
    while (e > 0 && isBlankOrContinuation(b[e - 1])) {
      if (b[e - 1] === NL) crossed = true;
      e--;
    }
    if (e === 0) return -1;
    if (crossed && lineCommentBefore(b, e - 1)) return OPAQUE;
    if (b[e - 1] === 47 /* / */ && e > 1 && b[e - 2] === 42 /* * */) {
      const start = opens.lastAtOrBefore(e - 4);
      if (start < 0 || (start > 0 && opens.lastAtOrBefore(start - 1) > closes.lastAtOrBefore(start - 1))) return OPAQUE;
      e = start;
      continue;
    }
    return IDENT[b[e - 1]] ? e : -1;
  }
}

export function fileNames(buf: Uint8Array, header: boolean): FileNames {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  calls.clear();
  const opens = new Marks(b, '/*');
  const closes = new Marks(b, '*/');
  for (let at = b.indexOf(OPEN); at >= 0; at = b.indexOf(OPEN, at + 1)) {
    const e = identifierEndBefore(b, at, opens, closes);
    // An opaque file is read by every pass: its names would answer nothing.
    if (e === OPAQUE) return { calls: new Int32Array(0), defines: new Int32Array(0), opaque: true };
    if (e < 0) continue;
    let s = e - 1;
    while (s > 0 && IDENT[b[s - 1]]) s--;
    calls.add(hashBytes(b, s, e));
  }
  defines.clear();
  if (header) {
    someDefine(b, (s, e) => {
      defines.add(hashBytes(b, s, e));
      return false;
    });
  }
  return { calls: calls.values(), defines: defines.values(), opaque: false };
}

/**
 * A set of hashes tested against every name of every file a later pass may read (millions): a bitmap of their low
 * 16 bits answers most of them without a look-up in the Set.
 */
export class HashFilter {
  private readonly bits = new Int32Array(2048);
  private readonly set: ReadonlySet<number>;
  constructor(hashes: Iterable<number>) {
    this.set = new Set(hashes);
    for (const h of this.set) this.bits[(h >>> 5) & 2047] |= 1 << (h & 31);
  }

  anyIn(hashes: Int32Array): boolean {
    if (this.set.size === 0) return false;
    const bits = this.bits;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i];
      if ((bits[(h >>> 5) & 2047] & (1 << (h & 31))) !== 0 && this.set.has(h)) return true;
    }
    return false;
  }
}

/** Whether a pass looking for these names (as callees) and these constants (as `#define`s) must read the file. */
export function mayHold(names: FileNames, calls: HashFilter, defines: HashFilter): boolean {
  return names.opaque || calls.anyIn(names.calls) || defines.anyIn(names.defines);
}

/**
 * The names of the files one thread read in the first pass. The later passes ask each thread which of its files may
 * hold their names: the index stays where it was made, and the threads answer at once. Kept in one growing array,
 * per file `[calls, defines, opaque, ...calls, ...defines]` (tens of thousands of small arrays would weigh more).
 */
export class NameStore {
  private readonly files: string[] = [];
  private readonly offsets: number[] = [];
  private data = new Int32Array(1 << 16);
  private size = 0;

  add(file: string, names: FileNames): void {
    const need = this.size + 3 + names.calls.length + names.defines.length;
    if (need > this.data.length) {
      const more = new Int32Array(Math.max(need, this.data.length * 2));
      more.set(this.data.subarray(0, this.size));
      this.data = more;
    }
    const at = this.size;
    this.data[at] = names.calls.length;
    this.data[at + 1] = names.defines.length;
    this.data[at + 2] = names.opaque ? 1 : 0;
    this.data.set(names.calls, at + 3);
    this.data.set(names.defines, at + 3 + names.calls.length);
    this.files.push(file);
    this.offsets.push(at);
    this.size = need;
  }

  /** The files held that may call one of `calls` or `#define` one of `defines`. */
  holding(calls: readonly string[], defines: readonly string[]): string[] {
    const callHashes = new HashFilter(calls.map(hashName));
    const defineHashes = new HashFilter(defines.map(hashName));
    const found: string[] = [];
    this.offsets.forEach((at, i) => {
      const c = this.data[at];
      const d = this.data[at + 1];
      const names = {
        calls: this.data.subarray(at + 3, at + 3 + c),
        defines: this.data.subarray(at + 3 + c, at + 3 + c + d),
        opaque: this.data[at + 2] === 1,
      };
      if (mayHold(names, callHashes, defineHashes)) found.push(this.files[i]);
    });
    return found;
  }
}
