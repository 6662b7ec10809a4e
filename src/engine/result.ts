/** Errors are values: every fallible engine entry point returns a Result. */
import { escapeControl } from './escape';

export interface AutoloadError {
  /** Stable machine-readable code, e.g. `binary-trace`, `unreadable-file`, `bad-usage`. */
  code: string;
  /** What went wrong, in a sentence a person can act on. */
  message: string;
  /** The file concerned, when there is one. */
  file?: string;
  /** 1-based line in that file, when there is one. */
  line?: number;
  /** What to do about it (e.g. `run: trace-cmd report trace.dat > trace.txt`). */
  hint?: string;
}

export type Result<T, E = AutoloadError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E = AutoloadError>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/** The error as a person reads it: where, what, and on a line of its own the fix (file names and messages escaped). */
export function formatError(e: AutoloadError): string {
  const where = e.file ? `${escapeControl(e.file)}${e.line ? `:${e.line}` : ''}: ` : '';
  return `${where}${escapeControl(e.message)}${e.hint ? `\n  hint: ${escapeControl(e.hint)}` : ''}`;
}
