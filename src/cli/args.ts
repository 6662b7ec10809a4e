/** Command-line parsing on top of node's util.parseArgs, with errors as values that say how to fix the call. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Severity } from '../engine/ruleCatalog';
import { err, ok, type AutoloadError, type Result } from '../engine/result';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Strict parse: unknown options, missing option values and stray values are usage errors. */
export function parseCommandArgs(command: string, argv: string[], options: Options): Result<Parsed> {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return ok({ values: values as Parsed['values'], positionals });
  } catch (e) {
    // parseArgs reports bad usage by throwing TypeErrors with ERR_PARSE_ARGS_* codes; anything else is a bug.
    if (e instanceof TypeError && String((e as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS_')) {
      // Keep node's first sentence; the rest explains `--` escaping, which our usage text covers.
      return err(usageError(command, (e.message.split('. ')[0] ?? e.message).replace(/^Unknown/, 'unknown')));
    }
    throw e;
  }
}

export function usageError(command: string, message: string): AutoloadError {
  const help = command === '' ? 'autoload-lens --help' : `autoload-lens ${command} --help`;
  return { code: 'bad-usage', message, hint: `run '${help}' for the usage` };
}

export function stringOption(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function listOption(p: Parsed, name: string): string[] {
  const v = p.values[name];
  return Array.isArray(v) ? v : [];
}

/** A value from a fixed set, or a usage error listing the choices. */
export function choiceOption<T extends string>(
  command: string,
  p: Parsed,
  name: string,
  choices: readonly T[],
  fallback: T,
): Result<T> {
  const v = stringOption(p, name);
  if (v === undefined) return ok(fallback);
  if ((choices as readonly string[]).includes(v)) return ok(v as T);
  return err(usageError(command, `--${name} must be one of ${choices.join(', ')} (got '${v}')`));
}

/** A non-negative number of seconds, or a usage error. */
export function secondsOption(command: string, p: Parsed, name: string): Result<number | undefined> {
  const v = stringOption(p, name);
  if (v === undefined) return ok(undefined);
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) {
    return err(usageError(command, `--${name} takes a number of seconds >= 0 (got '${v}')`));
  }
  return ok(n);
}

/** Options of the commands that scan sources and write a report (`scan`, and `replay` with --src). */
export const SCAN_OPTIONS = {
  wrapper: { type: 'string', multiple: true },
  kdir: { type: 'string' },
  'no-cache': { type: 'boolean' },
} as const;

export const REPORT_OPTIONS = {
  format: { type: 'string' },
  output: { type: 'string' },
  'fail-on': { type: 'string' },
  color: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Formats of a scan's report; a replay's can also be JSON Lines. */
export const REPORT_FORMATS = ['text', 'json', 'sarif'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPLAY_FORMATS = ['text', 'json', 'jsonl', 'sarif'] as const;
export type ReplayFormat = (typeof REPLAY_FORMATS)[number];
export const DIFF_FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export type FailOn = Severity | 'never';
export const FAIL_ON_CHOICES: readonly FailOn[] = ['error', 'warning', 'info', 'never'];

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Whether any finding is at least as severe as the --fail-on threshold. */
export function failsOn(threshold: FailOn, severities: Iterable<Severity>): boolean {
  if (threshold === 'never') return false;
  for (const s of severities) if (RANK[s] >= RANK[threshold]) return true;
  return false;
}
