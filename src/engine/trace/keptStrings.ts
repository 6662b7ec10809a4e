/** Strings cut out of a trace, copied so that whatever keeps them does not keep the trace. */

/** Distinct task and module names copied once each; past this (random names) each caller gets its own copy. */
const MAX_KEPT_STRINGS = 65536;

/**
 * A copy of `s` that does not share the characters of the text it was cut from. The reader's strings are cut out
 * of pieces of the trace; a record that kept them would keep its whole piece alive (16 KB for a 13-character task
 * name), which made retaining a long trace's records cost more than the trace itself.
 *
 * The copy is a sequential string (one byte a character when it can be), made from the UTF-16 units as they are. A
 * copy that is itself a slice (of a concatenation, as this once made) costs every Map lookup that compares it with
 * another string V8's slow path: 80 ns instead of 25.
 */
export function detached(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}

/** One detached copy of each distinct string (a trace has few distinct task and module names). */
export class KeptStrings {
  private readonly kept = new Map<string, string>();

  keep(s: string): string {
    let copy = this.kept.get(s);
    if (copy === undefined) {
      copy = detached(s);
      if (this.kept.size < MAX_KEPT_STRINGS) this.kept.set(copy, copy);
    }
    return copy;
  }
}
