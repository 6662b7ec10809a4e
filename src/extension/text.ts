/** Small text helpers for labels built from trace and source data. */

/** `1 request`, `2 requests`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A requested name can hold a newline (the kernel prints what it was given): show it on one line. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, '⏎');
}
