/** Deterministic JSON: objects built in a fixed key order, free-form evidence with its keys sorted. */

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

/** Two-space indented JSON with the newline at the end that line-oriented tools expect. */
export function stringify(doc: unknown): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
