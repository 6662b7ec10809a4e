/**
 * Pretty JSON written while it is produced: the text is exactly `JSON.stringify(doc, null, 2) + '\n'` of the
 * document the calls describe, but arrays take their elements one at a time and nothing is held beyond a batch;
 * only the controls JSON.stringify leaves raw are written as `\u` escapes (see escape.ts).
 */
import { escapeControlInJson } from '../escape';

export type Emit = (text: string) => void;

/** Recursively sorts object keys so free-form evidence prints the same whatever order the rules built it in. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    // No prototype: a key such as `__proto__` is copied as the data it is.
    const out = Object.create(null) as Record<string, unknown>;
    for (const k of Object.keys(value).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

interface Frame {
  close: '}' | ']';
  /** Indentation of the container's own brackets. */
  pad: string;
  entries: number;
  /** Array elements waiting to be printed together, at most `batchSize`. */
  batch: unknown[];
  batchSize: number;
}

/**
 * Small elements printed per JSON.stringify call by default: the native printer indents a whole batch at once. A
 * batch's text stays under V8's large-object size (128 KB) for elements up to 2 KB (a request record is about 750
 * characters): a larger string is allocated as a large object, freed only by a full collection once it has survived
 * a young one. At 512 records a batch, the JSON report of 2.6 million events peaked at 190 MB instead of 168.
 */
const BATCH = 64;

export class JsonWriter {
  private readonly stack: Frame[] = [];
  private readonly emit: Emit;

  constructor(emit: Emit) {
    this.emit = (text) => emit(escapeControlInJson(text));
  }

  /** Opens the document's top-level object. */
  beginDocument(): void {
    this.emit('{');
    this.stack.push({ close: '}', pad: '', entries: 0, batch: [], batchSize: 1 });
  }

  /** A key and its whole value in the current object (a value of undefined is left out, as JSON.stringify does). */
  field(key: string, value: unknown): void {
    if (value === undefined) return;
    const frame = this.top();
    const pad = `${frame.pad}  `;
    this.emit(
      `${this.separator(frame)}${pad}${JSON.stringify(key)}: ${JSON.stringify(value, null, 2).replace(/\n/g, `\n${pad}`)}`,
    );
  }

  /**
   * Opens an object or array as the value of `key` in the current object, or as the next element of the current
   * array. An array of large elements (findings, SARIF results) takes a small `batchSize`: a batch is held whole.
   */
  begin(kind: 'object' | 'array', key?: string, batchSize = BATCH): void {
    const frame = this.top();
    this.flushBatch(frame);
    const pad = `${frame.pad}  `;
    const label = key === undefined ? '' : `${JSON.stringify(key)}: `;
    this.emit(`${this.separator(frame)}${pad}${label}${kind === 'object' ? '{' : '['}`);
    this.stack.push({ close: kind === 'object' ? '}' : ']', pad, entries: 0, batch: [], batchSize });
  }

  /** The next element of the current array. */
  element(value: unknown): void {
    const frame = this.top();
    frame.batch.push(value);
    if (frame.batch.length >= frame.batchSize) this.flushBatch(frame);
  }

  /** Closes the innermost open object or array (the document itself last, with its final newline). */
  end(): void {
    const frame = this.top();
    this.flushBatch(frame);
    this.stack.pop();
    this.emit(frame.entries === 0 ? frame.close : `\n${frame.pad}${frame.close}`);
    if (this.stack.length === 0) this.emit('\n');
  }

  private top(): Frame {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) throw new Error('JsonWriter: nothing is open');
    return frame;
  }

  private separator(frame: Frame): string {
    return frame.entries++ === 0 ? '\n' : ',\n';
  }

  /**
   * The batch nested as deep as the array so the native printer indents it exactly, then cut out of the wrapper:
   * one call for BATCH elements instead of a re-indentation of each.
   */
  private flushBatch(frame: Frame): void {
    const batch = frame.batch;
    if (batch.length === 0) return;
    frame.batch = [];
    let wrapped: unknown = batch;
    for (let depth = 0; depth < frame.pad.length / 2; depth++) wrapped = { a: wrapped };
    const text = JSON.stringify(wrapped, null, 2);
    const body = text.slice(text.indexOf('[\n') + 2, text.lastIndexOf(`\n${frame.pad}]`));
    this.emit(`${this.separator(frame)}${body}`);
    frame.entries += batch.length - 1;
  }
}
