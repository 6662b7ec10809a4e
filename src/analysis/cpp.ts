/**
 * Just enough of the C preprocessor to expand MODULE_ALIAS* declarations and name formats the way the compiler does:
 * object- and function-like macros, argument pre-expansion, `#x`, `##`, adjacent string literals.
 * Enum constants are not macros, so (like cpp, and like depmod's output) they stay as written.
 */
import { directiveGapEnd, isDirectiveBlank } from './chars';

export interface Token {
  kind: 'ident' | 'number' | 'string' | 'char' | 'punct';
  text: string;
  /** Whitespace preceded the token (needed for `#x`). */
  space: boolean;
}

export interface MacroDefinition {
  name: string;
  /** null for object-like macros. */
  params: string[] | null;
  variadic: boolean;
  body: string;
  file: string;
  line: number;
}

const identStart = /[A-Za-z_]/;
const identChar = /[A-Za-z0-9_]/;

/** Removes comments and line continuations, keeping string and char literals intact. */
export function stripComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\' && text[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      out += ' ';
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

export function tokenize(text: string): Token[] {
  const src = stripComments(text);
  const tokens: Token[] = [];
  let space = false;
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      space = true;
      i++;
      continue;
    }
    let j = i + 1;
    let kind: Token['kind'] = 'punct';
    // A literal, possibly with an encoding prefix (L"...", u'...').
    const quoteAt =
      c === '"' || c === "'"
        ? i
        : (c === 'L' || c === 'u' || c === 'U') && (src[i + 1] === '"' || src[i + 1] === "'")
          ? i + 1
          : -1;
    if (quoteAt >= 0) {
      const quote = src[quoteAt];
      let k = quoteAt + 1;
      while (k < src.length && src[k] !== quote && src[k] !== '\n') k += src[k] === '\\' ? 2 : 1;
      j = k + 1;
      kind = quote === '"' ? 'string' : 'char';
    } else if (identStart.test(c)) {
      while (j < src.length && identChar.test(src[j])) j++;
      kind = 'ident';
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      while (
        j < src.length &&
        (/[A-Za-z0-9_.]/.test(src[j]) || ((src[j] === '+' || src[j] === '-') && /[eEpP]/.test(src[j - 1])))
      )
        j++;
      kind = 'number';
    } else if (c === '#' && src[i + 1] === '#') {
      j = i + 2;
    } else if (c === '.' && src[i + 1] === '.' && src[i + 2] === '.') {
      j = i + 3;
    }
    tokens.push({ kind, text: src.slice(i, j), space });
    space = false;
    i = j;
  }
  return tokens;
}

/** Parses the text after `#define` (continuations allowed): `NAME(params) body` or `NAME body`. */
export function parseDefine(text: string, file: string, line: number): MacroDefinition | null {
  const src = stripComments(text);
  const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(src);
  if (!m) return null;
  const name = m[1];
  let rest = src.slice(m[0].length);
  if (rest.startsWith('(')) {
    const close = rest.indexOf(')');
    if (close < 0) return null;
    const params: string[] = [];
    let variadic = false;
    for (const raw of rest.slice(1, close).split(',')) {
      const p = raw.trim();
      if (p === '') continue;
      if (p === '...') {
        params.push('__VA_ARGS__');
        variadic = true;
      } else if (p.endsWith('...')) {
        params.push(p.slice(0, -3).trim());
        variadic = true;
      } else {
        params.push(p);
      }
    }
    rest = rest.slice(close + 1);
    return { name, params, variadic, body: rest.trim(), file, line };
  }
  return { name, params: null, variadic: false, body: rest.trim(), file, line };
}

/** Looks up a macro visible from a file, or says why none is usable. */
export type MacroLookup = (name: string) => MacroDefinition | null;

function stringify(tokens: Token[]): string {
  let s = '';
  tokens.forEach((t, i) => {
    if (i > 0 && t.space) s += ' ';
    s += t.kind === 'string' || t.kind === 'char' ? t.text.replace(/[\\"]/g, (x) => `\\${x}`) : t.text;
  });
  return `"${s}"`;
}

export function splitArguments(tokens: Token[], open: number): { args: Token[][]; end: number } | null {
  const args: Token[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.text === '(') depth++;
    if (t.text === ')') {
      if (depth === 0) return { args, end: i };
      depth--;
    }
    if (t.text === ',' && depth === 0) args.push([]);
    else args[args.length - 1].push(t);
  }
  return null;
}

/** Macros nested deeper than this are not expanded further (cpp has no such limit; real code never comes near). */
export const MAX_EXPANSION_DEPTH = 64;
/**
 * Tokens one expansion may produce, counted at every level: far above any real declaration (a few dozen), and low
 * enough that a macro bomb (`#define M0 M1 M1`, `#define M1 M2 M2`, ...) stops long before it costs time or memory.
 */
export const MAX_EXPANSION_TOKENS = 10_000;

/** What bounds one expansion; `limit` says why it stopped short (null while it has not). */
export interface ExpansionBudget {
  produced: number;
  limit: string | null;
}

export const expansionBudget = (): ExpansionBudget => ({ produced: 0, limit: null });

/**
 * Expands macros in `tokens`. An expansion that exceeds the budget's bounds gives no tokens (nothing can be read from
 * a partial expansion) and `budget.limit` says which bound it hit.
 */
export function expand(tokens: Token[], lookup: MacroLookup, budget: ExpansionBudget = expansionBudget()): Token[] {
  const out = expandLevel(tokens, lookup, new Set(), 0, budget);
  return budget.limit === null ? out : [];
}

/** Appends without spreading (`push(...xs)` overflows the stack for long lists). */
function append(out: Token[], xs: readonly Token[], budget: ExpansionBudget): void {
  for (const x of xs) {
    if (++budget.produced > MAX_EXPANSION_TOKENS) {
      budget.limit = `expansion exceeds ${MAX_EXPANSION_TOKENS} tokens`;
      return;
    }
    out.push(x);
  }
}

const bodies = new WeakMap<MacroDefinition, readonly Token[]>();

/** A macro's body as tokens, tokenized once (expansions share the tokens and never change them). */
function bodyOf(def: MacroDefinition): readonly Token[] {
  let body = bodies.get(def);
  if (!body) {
    body = tokenize(def.body);
    bodies.set(def, body);
  }
  return body;
}

/** One level of expansion; names in `hidden` are not expanded (cpp's rule against self-reference). */
function expandLevel(
  tokens: Token[],
  lookup: MacroLookup,
  hidden: ReadonlySet<string>,
  depth: number,
  budget: ExpansionBudget,
): Token[] {
  if (depth > MAX_EXPANSION_DEPTH) {
    budget.limit = `expansion nests more than ${MAX_EXPANSION_DEPTH} macros deep`;
    return [];
  }
  const out: Token[] = [];
  for (let i = 0; i < tokens.length && budget.limit === null; i++) {
    const t = tokens[i];
    const def = t.kind === 'ident' && !hidden.has(t.text) ? lookup(t.text) : null;
    if (!def) {
      append(out, [t], budget);
      continue;
    }
    const inner = new Set(hidden).add(def.name);
    if (def.params === null) {
      const body = [...bodyOf(def)];
      if (body.length > 0) body[0] = { ...body[0], space: t.space };
      append(out, expandLevel(body, lookup, inner, depth + 1, budget), budget);
      continue;
    }
    if (tokens[i + 1]?.text !== '(') {
      append(out, [t], budget);
      continue;
    }
    const split = splitArguments(tokens, i + 1);
    if (!split) {
      append(out, [t], budget);
      continue;
    }
    const params = def.params;
    let args = split.args;
    if (def.variadic && args.length > params.length) {
      const fixed = args.slice(0, params.length - 1);
      const rest: Token[] = [];
      args.slice(params.length - 1).forEach((a, k) => {
        if (k > 0) rest.push({ kind: 'punct', text: ',', space: false });
        for (const x of a) rest.push(x);
      });
      args = [...fixed, rest];
    }
    const argOf = (name: string): Token[] | null => {
      const k = params.indexOf(name);
      return k < 0 ? null : (args[k] ?? []);
    };
    const body = bodyOf(def);
    const substituted: Token[] = [];
    for (let b = 0; b < body.length && budget.limit === null; b++) {
      const bt = body[b];
      if (bt.text === '#' && body[b + 1]?.kind === 'ident' && argOf(body[b + 1].text)) {
        substituted.push({ kind: 'string', text: stringify(argOf(body[b + 1].text) as Token[]), space: bt.space });
        b++;
        continue;
      }
      const arg = bt.kind === 'ident' ? argOf(bt.text) : null;
      if (arg) {
        const pasted = body[b - 1]?.text === '##' || body[b + 1]?.text === '##';
        const value = pasted ? arg : expandLevel(arg, lookup, hidden, depth + 1, budget);
        value.forEach((v, k) => substituted.push(k === 0 ? { ...v, space: bt.space } : v));
        continue;
      }
      substituted.push(bt);
    }
    append(out, expandLevel(paste(substituted), lookup, inner, depth + 1, budget), budget);
    i = split.end;
  }
  return out;
}

function paste(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].text === '##' && out.length > 0 && i + 1 < tokens.length) {
      const left = out.pop() as Token;
      const right = tokens[++i];
      const text = left.text + right.text;
      out.push({ kind: identStart.test(text[0]) ? 'ident' : left.kind, text, space: left.space });
    } else if (tokens[i].text !== '##') {
      out.push(tokens[i]);
    }
  }
  return out;
}

/** The value of a string-literal token, escapes resolved as the compiler would for the common cases. */
export function stringLiteralValue(text: string): string {
  const body = text.slice(text.indexOf('"') + 1, -1);
  return body.replace(/\\(x[0-9a-fA-F]+|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r', '0': '\0' } as Record<string, string>)[e] ?? e;
  });
}

/** Adjacent string literals concatenated, or null when some token is not a string literal. */
export function concatenatedString(tokens: Token[]): string | null {
  if (tokens.length === 0) return null;
  let s = '';
  for (const t of tokens) {
    if (t.kind !== 'string') return null;
    s += stringLiteralValue(t.text);
  }
  return s;
}

const INCLUDE = Buffer.from('include');
const endsLine = (c: number) => c === 10 || c === 13;
const opensName = (c: number | undefined) => c === 60 /* < */ || c === 34; /* " */
const closesName = (c: number | undefined) => c === 62 /* > */ || c === 34;

/**
 * The `#include` directives of a file, as written (`"x.h"`, `<linux/x.h>`), in order: lines of blanks, `#`,
 * `include` and a name between `<` or `"` and `>` or `"`, apart by blanks, line continuations or comments
 * (directiveGapEnd). Found from the `#`s of the bytes, not a decoded text.
 */
export function includesOf(bytes: Uint8Array): string[] {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found: string[] = [];
  for (let at = b.indexOf(35 /* # */); at >= 0; at = b.indexOf(35, at + 1)) {
    let p = at - 1;
    while (p >= 0 && isDirectiveBlank(b[p])) p--;
    if (p >= 0 && !endsLine(b[p])) continue;
    let s = directiveGapEnd(b, at + 1);
    let k = 0;
    while (k < INCLUDE.length && b[s + k] === INCLUDE[k]) k++;
    if (k < INCLUDE.length) continue;
    s = directiveGapEnd(b, s + INCLUDE.length);
    if (!opensName(b[s])) continue;
    let e = s + 1;
    while (e < b.length && !opensName(b[e]) && !closesName(b[e]) && b[e] !== 10) e++;
    if (e > s + 1 && closesName(b[e])) found.push(b.toString('latin1', s, e + 1));
  }
  return found;
}
