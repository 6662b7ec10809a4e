/**
 * What one file contributes to the index, before the tree-wide steps (wrapper discovery, alias expansion, rules).
 * Plain data: it crosses worker boundaries and goes into the scan cache.
 */
import type { ReturnUse } from '../engine/sourceIndex';
import type { MacroDefinition } from './cpp';

/** An argument as the analysis sees it, relative to the enclosing function's or macro's parameters. */
export type ArgExpr =
  | { kind: 'string'; text: string; value: string }
  | { kind: 'integer'; text: string; value: string }
  /** Adjacent literals and macro names (`NET_ACT_ALIAS_PREFIX "%s"`), resolved once macros are known. */
  | { kind: 'tokens'; text: string; idents: string[] }
  | { kind: 'param'; text: string; index: number }
  /** The variadic parameter (`args...`, `__VA_ARGS__`, a `va_list`): every argument from `index` on. */
  | { kind: 'variadic'; text: string; index: number }
  /** A local buffer filled by a printf-like call (`vsnprintf(buf, n, fmt, args)`). */
  | { kind: 'printed'; text: string; format: ArgExpr; args: ArgExpr[] }
  /**
   * A field of a struct-typed local or parameter (`req->module`): a place a name can be queued in and read from
   * later. `storage` is `struct.field` (`nft_module_request.module`).
   */
  | { kind: 'stored'; text: string; storage: string; deps: number[] }
  /** A local buffer passed to a function that fills it (`snd_hdac_codec_modalias(codec, buf, size)`): argument `index`. */
  | { kind: 'filled'; text: string; callee: string; index: number }
  /** A local assigned only literals and printed buffers: it holds one of them (NULL assignments are left out). */
  | { kind: 'choice'; text: string; options: ArgExpr[] }
  | { kind: 'expr'; text: string; deps: number[] };

export interface ZeroPath {
  /** Line where the return value is tested, if it is. */
  testLine: number | null;
  /** Look-ups made before the request and again after it (the look-up-again idiom). */
  lookups: Array<{ line: number; callee: string }>;
  /** A loop around the request or a backward goto that retries. */
  retry: { line: number; how: string } | null;
}

export interface RawCall {
  callee: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  args: ArgExpr[];
  returnUse: ReturnUse;
  assignedTested: boolean | null;
  /** The function ends with this call (`return f(...)`, or the last statement of a void function). */
  tail: boolean;
  /** Enclosing function or macro. */
  definition: string | null;
  inMacro: boolean;
  zeroPath: ZeroPath;
}

export interface RawDefinition {
  name: string;
  kind: 'function' | 'macro';
  line: number;
  endLine: number;
  isStatic: boolean;
  params: string[];
  variadic: boolean;
}

export interface RawAlias {
  macro: string;
  line: number;
  column: number;
  /** The declaration's text, from the macro name to the closing parenthesis. */
  text: string;
}

export interface FileFacts {
  file: string;
  calls: RawCall[];
  definitions: RawDefinition[];
  aliases: RawAlias[];
  /** `#define`s of MODULE_ALIAS* macros, and of the constants asked for. */
  macros: MacroDefinition[];
  /** Whether the region parse was not trusted and the whole file was parsed. */
  wholeFile: boolean;
  /** Only `macros` was read (a header matched by constants alone): merged into what the file already holds. */
  macrosOnly?: true;
  /** Macros defined here, not named MODULE_ALIAS*, whose body declares an alias (their calls declare aliases). */
  aliasMacros?: string[];
  /** The file's `#include` directives as written (`"x.h"`, `<linux/x.h>`): which headers' macros it sees. */
  includes?: string[];
}

/** Facts of one file from two looks at it (passes, or rounds of one analysis) that searched different names: the union. */
export function mergeFacts(had: FileFacts, add: FileFacts): FileFacts {
  const union = <T>(a: T[], b: T[], key: (x: T) => string) => {
    const seen = new Set(a.map(key));
    return [...a, ...b.filter((x) => !seen.has(key(x)))];
  };
  const byPlace = (a: RawCall, b: RawCall) => a.line - b.line || a.column - b.column;
  return {
    file: had.file,
    calls: union(had.calls, add.calls, (c) => `${c.line}:${c.column}:${c.callee}`).sort(byPlace),
    definitions: union(had.definitions, add.definitions, (d) => `${d.name}:${d.line}`),
    aliases: union(had.aliases, add.aliases, (a) => `${a.line}:${a.column}`),
    macros: union(had.macros, add.macros, (m) => `${m.name}:${m.line}`),
    wholeFile: had.wholeFile || add.wholeFile,
    ...((had.aliasMacros || add.aliasMacros) && {
      aliasMacros: [...new Set([...(had.aliasMacros ?? []), ...(add.aliasMacros ?? [])])],
    }),
    ...((had.includes ?? add.includes) && { includes: had.includes ?? add.includes }),
  };
}

/** Functions whose definitions must be read to know what they fill a request's buffer with (see ArgExpr `filled`). */
export function fillersWanted(f: FileFacts): string[] {
  const out: string[] = [];
  const visit = (a: ArgExpr): void => {
    if (a.kind === 'filled') out.push(a.callee);
    else if (a.kind === 'choice') a.options.forEach(visit);
    else if (a.kind === 'printed') [a.format, ...a.args].forEach(visit);
  };
  for (const c of f.calls) c.args.forEach(visit);
  return out;
}
