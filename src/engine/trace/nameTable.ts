/**
 * The names module events carry (tasks, requested names, modules, call-site symbols), one string per distinct text.
 * A trace repeats a few hundred names millions of times. Finding a name by its codes where it lies in the line,
 * instead of cutting it out, allocates nothing; and the one string all its events share has its hash computed once,
 * so each Map lookup by it (the replay makes a few per event) ends at a pointer comparison. A string cut anew is
 * hashed by V8's runtime at its first lookup and, from 13 characters (a slice of the line), compared on its slow
 * path: that made the replay's few lookups per event cost as much as reading the event. The strings are copies (see
 * detached): whatever keeps them does not keep the trace.
 */
import { codesView, NOT_ASCII, type Codes } from './asciiCodes';
import { detached } from './keptStrings';

/** Distinct names tabled; past this (random names) each event gets its own copy. */
const MAX_NAMES = 65536;
/** Longer texts get their own copy: module and requested names are under 56 bytes, task names under 16. */
const MAX_NAME_LENGTH = 256;
const INITIAL_SLOTS = 1024;
/** Slots looked at before a name is given its own copy (see `name`). */
const MAX_PROBES = 8;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

export class NameTable {
  /** Open addressing: each slot holds the number of a name plus one, 0 when free; at most half are used. */
  private slots = new Int32Array(INITIAL_SLOTS);
  private readonly names: string[] = [];
  private hashes = new Int32Array(INITIAL_SLOTS / 2);
  private lengths = new Int32Array(INITIAL_SLOTS / 2);
  /** Where each name's codes start in `codes` (one per character: a tabled name is all ASCII). */
  private starts = new Int32Array(INITIAL_SLOTS / 2);
  private codes = new Uint8Array(16 * 1024);
  private codesView = new DataView(this.codes.buffer);
  private codesUsed = 0;

  /** The text `text[start, end)`, whose codes are `b[start, end)` (see asciiCodes). */
  name(text: string, b: Codes, start: number, end: number): string {
    const length = end - start;
    if (length > MAX_NAME_LENGTH) return detached(text.slice(start, end));
    // Names are hashed and compared four codes at a time.
    const view = codesView(b);
    // The length and three groups of four codes (first, middle, last) tell a trace's names apart; the codes are
    // compared in full when the hash matches.
    let hash = FNV_OFFSET ^ length;
    if (length >= 4) {
      hash = Math.imul(hash ^ view.getInt32(start, true), FNV_PRIME);
      hash = Math.imul(hash ^ view.getInt32(start + ((length - 4) >> 1), true), FNV_PRIME);
      hash = Math.imul(hash ^ view.getInt32(end - 4, true), FNV_PRIME);
    } else {
      for (let i = start; i < end; i++) hash = Math.imul(hash ^ b[i], FNV_PRIME);
    }
    // A product carries what its factors' low bits held into its high bits only: fold them into the slot's.
    hash ^= hash >>> 16;
    const slots = this.slots;
    const mask = slots.length - 1;
    let slot = hash & mask;
    let probes = 0;
    for (let entry = slots[slot] - 1; entry >= 0; entry = slots[slot] - 1) {
      if (this.hashes[entry] === hash && this.lengths[entry] === length && this.same(this.starts[entry], b, start, end))
        return this.names[entry];
      // Names made to share the few codes hashed are not tabled past a few: none costs more than a few probes.
      if (++probes === MAX_PROBES) return detached(text.slice(start, end));
      slot = (slot + 1) & mask;
    }
    const name = detached(text.slice(start, end));
    if (this.names.length < MAX_NAMES && isAscii(b, start, end)) this.add(name, b, start, end, hash, slot);
    return name;
  }

  /** Whether the codes from `at` are `b[start, end)`. */
  private same(at: number, b: Codes, start: number, end: number): boolean {
    const mine = this.codesView;
    const view = codesView(b);
    let i = start;
    let k = at;
    for (; i + 4 <= end; i += 4, k += 4) if (mine.getInt32(k, true) !== view.getInt32(i, true)) return false;
    const codes = this.codes;
    for (; i < end; i++, k++) if (codes[k] !== b[i]) return false;
    return true;
  }

  /** Tables `name` in the free `slot`. */
  private add(name: string, b: Codes, start: number, end: number, hash: number, slot: number): void {
    const entry = this.names.length;
    const length = end - start;
    if (this.codesUsed + length > this.codes.length) {
      this.codes = grown(this.codes, this.codesUsed + length);
      this.codesView = new DataView(this.codes.buffer);
    }
    this.codes.set(b.subarray(start, end), this.codesUsed);
    if (entry === this.hashes.length) {
      this.hashes = grown(this.hashes, entry + 1);
      this.lengths = grown(this.lengths, entry + 1);
      this.starts = grown(this.starts, entry + 1);
    }
    this.starts[entry] = this.codesUsed;
    this.codesUsed += length;
    this.hashes[entry] = hash;
    this.lengths[entry] = length;
    this.names.push(name);
    this.slots[slot] = entry + 1;
    if (2 * this.names.length > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let entry = 0; entry < this.names.length; entry++) {
      let slot = this.hashes[entry] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    this.slots = slots;
  }
}

/**
 * Whether `b[start, end)` are all ASCII. The codes of other characters are all alike (see asciiCodes): a name with
 * any is not tabled, so that equal codes always mean equal text.
 */
function isAscii(b: Codes, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] >= NOT_ASCII) return false;
  return true;
}

/** `array` copied into one at least twice as long and holding `needed`. */
function grown<T extends Int32Array | Uint8Array>(array: T, needed: number): T {
  const copy = new (array.constructor as new (length: number) => T)(Math.max(needed, array.length * 2));
  copy.set(array);
  return copy;
}
