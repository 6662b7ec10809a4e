/** Deterministic JSON: objects built in a fixed key order, free-form evidence with its keys sorted, big arrays streamed. */

/** Recursively sorts object keys so evidence prints the same whatever order the rules built it in. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** An array whose elements are converted one at a time while printing, never all held at once. */
export class MappedArray<T> {
  constructor(
    readonly items: readonly T[],
    readonly map: (item: T) => unknown,
  ) {}
}

export function mapped<T>(items: readonly T[], map: (item: T) => unknown): MappedArray<T> {
  return new MappedArray(items, map);
}

function indent(json: string, pad: string): string {
  return json.replace(/\n/g, `\n${pad}`);
}

/** Whether a MappedArray sits anywhere inside `value` (only plain objects and arrays are searched). */
function holdsMapped(value: unknown): boolean {
  if (value instanceof MappedArray) return true;
  if (Array.isArray(value)) return value.some(holdsMapped);
  if (value !== null && typeof value === 'object') return Object.values(value).some(holdsMapped);
  return false;
}

/**
 * `value` printed at indentation `pad`, as JSON.stringify(value, null, 2) would print it there.
 * The elements a MappedArray maps to must not hold MappedArrays themselves.
 */
function* chunksOf(value: unknown, pad: string): Generator<string> {
  if (!holdsMapped(value)) {
    yield indent(JSON.stringify(value, null, 2), pad);
    return;
  }
  const inner = `${pad}  `;
  if (value instanceof MappedArray) {
    yield* mappedChunks(value, pad);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      yield inner;
      yield* chunksOf(value[i], inner);
      yield i < value.length - 1 ? ',\n' : '\n';
    }
    yield `${pad}]`;
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i] as [string, unknown];
    yield `${inner}${JSON.stringify(k)}: `;
    yield* chunksOf(v, inner);
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield `${pad}}`;
}

const BATCH = 512;

/**
 * A MappedArray printed at indentation `pad`, BATCH elements per JSON.stringify call: the batch is nested as deep
 * as the array so the native stringify indents it exactly, then the elements are cut out of the wrapper.
 */
function* mappedChunks<T>(array: MappedArray<T>, pad: string): Generator<string> {
  const { items } = array;
  if (items.length === 0) {
    yield '[]';
    return;
  }
  yield '[\n';
  const close = `\n${pad}]`;
  for (let start = 0; start < items.length; start += BATCH) {
    const batch = items.slice(start, start + BATCH).map((item) => array.map(item));
    let wrapped: unknown = batch;
    for (let depth = 0; depth < pad.length / 2; depth++) wrapped = { a: wrapped };
    const text = JSON.stringify(wrapped, null, 2);
    const body = text.slice(text.indexOf('[\n') + 2, text.lastIndexOf(close));
    yield start + BATCH < items.length ? `${body},\n` : `${body}\n`;
  }
  yield `${pad}]`;
}

/**
 * Exactly `JSON.stringify(doc, null, 2) + '\n'`, yielded in pieces, with every MappedArray converted and printed
 * one element at a time, so a report with millions of entries is never one string.
 */
export function* stringifyChunks(doc: Record<string, unknown>): Generator<string> {
  yield* chunksOf(doc, '');
  yield '\n';
}

/** The whole document as one string (small reports, the extension's export). */
export function stringify(doc: Record<string, unknown>): string {
  let out = '';
  for (const chunk of stringifyChunks(doc)) out += chunk;
  return out;
}
