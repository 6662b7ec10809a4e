/** Small text helpers for labels built from trace and source data (escaping them is engine/escape.ts's). */

/** `1 request`, `2 requests`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
