/**
 * Mutations of real inputs as data, so fast-check can generate and shrink them: a window of the input's lines, then
 * a few edits (flipped bytes, cuts, deleted, repeated and swapped lines, inserted tokens of the input's language,
 * controls, bidi overrides, NULs, invalid UTF-8, huge lines). Positions are raw numbers taken modulo the length, so
 * a shrunk case stays meaningful whatever the input.
 */
import fc from 'fast-check';

export type Mutation =
  | { kind: 'flip'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'deleteLines'; at: number; count: number }
  | { kind: 'repeatLines'; at: number; count: number; times: number }
  | { kind: 'swapLines'; a: number; b: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'hugeLine'; at: number; unit: string; times: number };

export interface Mutated {
  window: { start: number; lines: number };
  mutations: Mutation[];
}

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** What any input may meet: terminal controls, bidi overrides and isolates, NULs, bytes that are not UTF-8. */
const HOSTILE_BYTES: Uint8Array[] = [
  utf8('\u0000'),
  utf8('\u001b[2J\u001b]0;title\u0007'),
  utf8('\u202e'),
  utf8('\u2066\u2069\u200f'),
  utf8('\u0085\u009b'),
  utf8('\r'),
  utf8('\t'),
  utf8('\ufeff'),
  new Uint8Array([0xff, 0xfe]),
  new Uint8Array([0xc3]),
  new Uint8Array([0xe2, 0x80]),
  new Uint8Array([0x9b]),
];

/**
 * Mutations of an input whose language has these tokens. `maxHuge` bounds a huge line's length (characters).
 */
export function mutatedArb(tokens: readonly string[], maxLines: number, maxHuge: number): fc.Arbitrary<Mutated> {
  const at = fc.nat();
  const insertBytes = fc.oneof(
    fc.constantFrom(...tokens.map(utf8)),
    fc.constantFrom(...HOSTILE_BYTES),
    fc.uint8Array({ maxLength: 24 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }).map(utf8),
  );
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at, byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at }),
    fc.record({ kind: fc.constant('deleteLines' as const), at, count: fc.integer({ min: 1, max: 8 }) }),
    fc.record({
      kind: fc.constant('repeatLines' as const),
      at,
      count: fc.integer({ min: 1, max: 4 }),
      times: fc.integer({ min: 1, max: 50 }),
    }),
    fc.record({ kind: fc.constant('swapLines' as const), a: at, b: at }),
    fc.record({ kind: fc.constant('insert' as const), at, bytes: insertBytes }),
    fc.record({ kind: fc.constant('insert' as const), at, bytes: insertBytes }),
    fc.record({
      kind: fc.constant('hugeLine' as const),
      at,
      unit: fc.oneof(fc.constantFrom(...tokens), fc.constantFrom('a', ' ', '\\', '%', '\u202e')),
      times: fc.integer({ min: 1, max: maxHuge }),
    }),
  );
  return fc.record({
    window: fc.record({ start: fc.oneof(fc.constant(0), fc.nat()), lines: fc.integer({ min: 1, max: maxLines }) }),
    mutations: fc.array(mutation, { minLength: 0, maxLength: 6 }),
  });
}

/** The most that repeated lines add to a case. */
const MAX_REPEAT_BYTES = 1 << 20;

/** Offsets of the starts of the lines of `buf` (the first is 0). */
function lineStarts(buf: Buffer): number[] {
  const starts = [0];
  for (let i = buf.indexOf(10); i >= 0; i = buf.indexOf(10, i + 1)) starts.push(i + 1);
  return starts;
}

function splitLines(buf: Buffer): Buffer[] {
  const starts = lineStarts(buf);
  return starts.map((s, i) => buf.subarray(s, i + 1 < starts.length ? starts[i + 1] : buf.length));
}

/** Inputs are the same few samples case after case: their lines are split once. */
const linesOf = new WeakMap<Buffer, Buffer[]>();

/** The window of `input`'s lines, then the mutations applied in order. */
export function applyMutations(input: Buffer, m: Mutated): Buffer {
  let all = linesOf.get(input);
  if (all === undefined) {
    all = splitLines(input);
    linesOf.set(input, all);
  }
  const start = m.window.start % all.length;
  let buf: Buffer = Buffer.concat(all.slice(start, start + m.window.lines));
  for (const mu of m.mutations) buf = apply(buf, mu);
  return buf;
}

function apply(buf: Buffer, m: Mutation): Buffer {
  switch (m.kind) {
    case 'flip': {
      if (buf.length === 0) return buf;
      const out = Buffer.from(buf);
      out[m.at % buf.length] = m.byte;
      return out;
    }
    case 'truncate':
      return buf.subarray(0, m.at % (buf.length + 1));
    case 'insert': {
      const at = m.at % (buf.length + 1);
      return Buffer.concat([buf.subarray(0, at), m.bytes, buf.subarray(at)]);
    }
    case 'hugeLine': {
      const at = m.at % (buf.length + 1);
      return Buffer.concat([buf.subarray(0, at), Buffer.from(m.unit.repeat(m.times)), buf.subarray(at)]);
    }
    case 'deleteLines':
    case 'repeatLines':
    case 'swapLines': {
      const lines = splitLines(buf);
      if (m.kind === 'deleteLines') {
        lines.splice(m.at % lines.length, m.count);
      } else if (m.kind === 'repeatLines') {
        const from = m.at % lines.length;
        const block = lines.slice(from, from + m.count);
        // A file with few line breaks (modules.builtin.modinfo) has huge lines: a case stays under a few MB.
        const bytes = block.reduce((n, l) => n + l.length, 0);
        const times = Math.min(m.times, Math.max(1, Math.floor(MAX_REPEAT_BYTES / Math.max(1, bytes))));
        lines.splice(from, 0, ...Array.from({ length: times }, () => block).flat());
      } else {
        const a = m.a % lines.length;
        const b = m.b % lines.length;
        [lines[a], lines[b]] = [lines[b], lines[a]];
      }
      return Buffer.concat(lines);
    }
  }
}

/** Mutations of a whole binary input (an index depmod writes): flipped bytes, cuts, inserted bytes, no windows. */
export function binaryMutatedArb(): fc.Arbitrary<Mutated> {
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.oneof(fc.constantFrom(...HOSTILE_BYTES), fc.uint8Array({ maxLength: 24 })),
    }),
  );
  return fc.record({
    window: fc.constant({ start: 0, lines: Number.MAX_SAFE_INTEGER }),
    mutations: fc.array(mutation, { minLength: 0, maxLength: 6 }),
  });
}
