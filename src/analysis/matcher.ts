/**
 * Does a buffer contain any of many tokens? One left-to-right pass (Wu-Manber with 2-byte blocks) instead of one
 * Buffer.indexOf per token, for the later passes that look for dozens of discovered names at once.
 */
import { directiveGapEnd, gapSeparates, IDENT } from './chars';

export class MultiMatcher {
  private readonly min: number;
  private readonly shift: Uint8Array;
  private readonly candidates = new Map<number, Buffer[]>();
  private readonly short: Buffer[];

  constructor(tokens: readonly string[]) {
    const bufs = tokens.map((t) => Buffer.from(t));
    this.short = bufs.filter((b) => b.length < 3);
    const long = bufs.filter((b) => b.length >= 3);
    this.min = long.length > 0 ? Math.min(255, ...long.map((b) => b.length)) : 0;
    const m = this.min;
    this.shift = new Uint8Array(65536).fill(Math.max(1, m - 1));
    for (const p of long) {
      for (let j = 0; j + 1 < m; j++) {
        const h = (p[j] << 8) | p[j + 1];
        const s = m - 2 - j;
        if (s < this.shift[h]) this.shift[h] = s;
      }
      const h = (p[m - 2] << 8) | p[m - 1];
      const list = this.candidates.get(h);
      if (list) list.push(p);
      else this.candidates.set(h, [p]);
    }
  }

  test(b: Uint8Array): boolean {
    for (const s of this.short) if (Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(s)) return true;
    const m = this.min;
    if (m === 0) return false;
    const n = b.length;
    const shift = this.shift;
    let i = m - 1;
    while (i < n) {
      const h = (b[i - 1] << 8) | b[i];
      const s = shift[h];
      if (s > 0) {
        i += s;
        continue;
      }
      const list = this.candidates.get(h);
      if (list) {
        const start = i - m + 1;
        for (const p of list) {
          let k = 0;
          while (k < p.length && start + k < n && b[start + k] === p[k]) k++;
          if (k === p.length) return true;
        }
      }
      i++;
    }
    return false;
  }
}

const HASH = 35; /* # */
const DEFINE = Buffer.from('define');

/**
 * Where the name starts that a `define` directive after the `#` at `hash` defines, else -1: `#`, `define` and the
 * name, each pair apart by blanks, line continuations or block comments (directiveGapEnd), `define` and the name by at
 * least a blank or a comment. A directive writing its name on the line it continues onto (`#define \`, seven times in
 * drivers/infiniband's roce_hsi.h) defines it.
 */
export function defineNameAt(b: Uint8Array, hash: number): number {
  const s = directiveGapEnd(b, hash + 1);
  for (let k = 0; k < DEFINE.length; k++) if (b[s + k] !== DEFINE[k]) return -1;
  const after = s + DEFINE.length;
  const name = directiveGapEnd(b, after);
  return gapSeparates(b, after, name) && IDENT[b[name]] === 1 ? name : -1;
}

/**
 * Calls `visit(start, end)` with the name of each `#define` directive in `b`, until it returns true: the one home of
 * "the names a buffer `#define`s" (the name index, the later passes' choice of headers, a file's own constants).
 * Walks the `#`s (a native search for one byte, much cheaper per hit than one for a word), each read by defineNameAt.
 * A `#` anywhere counts: the callers want every name a definition may be read for, and the analysis reads the
 * definition from its logical line (fileAnalysis `defineAt`), a directive only there.
 */
export function someDefine(b: Buffer, visit: (start: number, end: number) => boolean): boolean {
  for (let at = b.indexOf(HASH); at >= 0; at = b.indexOf(HASH, at + 1)) {
    const s = defineNameAt(b, at);
    if (s < 0) continue;
    let e = s;
    while (e < b.length && IDENT[b[e]]) e++;
    if (visit(s, e)) return true;
  }
  return false;
}

/** Does a buffer `#define` any of these names? Walks the `define` directives (native search) instead of all text. */
export class DefineMatcher {
  private readonly names: Set<string>;
  constructor(names: readonly string[]) {
    this.names = new Set(names);
  }

  test(b: Buffer): boolean {
    return this.names.size > 0 && someDefine(b, (s, e) => this.names.has(b.toString('latin1', s, e)));
  }
}
