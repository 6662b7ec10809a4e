/**
 * `out.push(...xs)` passes every element as an argument: a list the input sizes (tokens of a line, warnings of a file,
 * lines of a wrapped name) overflows the stack somewhere between 60,000 and 130,000 elements, depending on how deep
 * the call is. This appends one at a time.
 */
export function appendAll<T>(out: T[], xs: Iterable<T>): T[] {
  for (const x of xs) out.push(x);
  return out;
}
