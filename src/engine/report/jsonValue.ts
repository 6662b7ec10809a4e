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

/** A top-level array whose elements are converted one at a time while printing, never all held at once. */
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

/**
 * Exactly `JSON.stringify(doc, null, 2) + '\n'`, yielded in pieces: one per top-level key, and one per element of a
 * top-level MappedArray, so a report with millions of requests is never one string. MappedArray may only appear at
 * the top level.
 */
export function* stringifyChunks(doc: Record<string, unknown>): Generator<string> {
  const keys = Object.keys(doc);
  yield '{\n';
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const value = doc[key];
    const comma = i < keys.length - 1 ? ',' : '';
    if (value instanceof MappedArray) {
      if (value.items.length === 0) {
        yield `  ${JSON.stringify(key)}: []${comma}\n`;
        continue;
      }
      yield `  ${JSON.stringify(key)}: [\n`;
      const last = value.items.length - 1;
      for (let j = 0; j <= last; j++) {
        yield `    ${indent(JSON.stringify(value.map(value.items[j] as never), null, 2), '    ')}${j < last ? ',' : ''}\n`;
      }
      yield `  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), '  ')}${comma}\n`;
    }
  }
  yield '}\n';
}

/** The whole document as one string (small reports, the extension's export). */
export function stringify(doc: Record<string, unknown>): string {
  let out = '';
  for (const chunk of stringifyChunks(doc)) out += chunk;
  return out;
}
