/**
 * Payloads of the module tracepoints (include/trace/events/module.h), identical in every text format:
 *   module_request: NAME wait=0|1 call_site=SYMBOL[+0xOFF/0xLEN][ [MODULE]]
 *   module_load:    NAME TAINTS          (TAINTS may be empty: the line then ends with a space)
 *   module_free:    NAME
 *   module_get/put: NAME call_site=SYMBOL[+0xOFF/0xLEN][ [MODULE]] refcnt=N
 * Payload parsers read `text[start, end)` in place (the payload is the end of a line, not copied out of it), its
 * characters from `b`, the codes of `text` (see asciiCodes), and return null when it is not a complete payload;
 * callers decide whether that is an error. `text` may go on past `end` (a chunk of the trace): searches stop there.
 * Names come from a NameTable, one string per distinct name.
 */
import type { CallSite } from '../events';
import { codeWords, keywordAt, type Codes } from './asciiCodes';
import type { NameTable } from './nameTable';

export type ModuleEventName = 'module_request' | 'module_load' | 'module_free' | 'module_get' | 'module_put';

const OFFSET = /^\+0x([0-9a-fA-F]+)\/0x([0-9a-fA-F]+)$/;
const SPACE = 0x20;

/** The first `code` in `b[start, end)`, or `end`. */
function indexOfCode(b: Codes, code: number, start: number, end: number): number {
  let i = start;
  while (i < end && b[i] !== code) i++;
  return i;
}

/** `end` without trailing spaces (module_load lines end with a space). */
function trimmedEnd(b: Codes, start: number, end: number): number {
  while (end > start && b[end - 1] === SPACE) end--;
  return end;
}

/**
 * The call site printed between `start` and `end` (trailing blanks allowed): `SYMBOL[+0xOFF/0xLEN][ [MODULE]]`.
 * Symbols contain no `+` or space, so both parts are found by position.
 */
function parseCallSite(text: string, b: Codes, start: number, lineEnd: number, names: NameTable): CallSite | null {
  const end = trimmedEnd(b, start, lineEnd);
  // The symbol ends at the first space; its offset starts at its first `+`.
  let symbolEnd = start;
  let plus = -1;
  for (let c = b[symbolEnd]; symbolEnd < end && c !== SPACE; c = b[++symbolEnd])
    if (c === 0x2b /* + */ && plus < 0) plus = symbolEnd;
  if (plus < 0) plus = symbolEnd;
  let module: string | null = null;
  if (symbolEnd < end) {
    if (end - symbolEnd < 4 || b[symbolEnd + 1] !== 0x5b /* [ */ || b[end - 1] !== 0x5d /* ] */) return null;
    module = names.name(text, b, symbolEnd + 2, end - 1);
    if (/[\s\[\]]/.test(module)) return null;
  }
  let offset: number | null = null;
  let length: number | null = null;
  if (plus < symbolEnd) {
    const m = OFFSET.exec(text.slice(plus, symbolEnd));
    if (m === null) return null;
    offset = parseInt(m[1], 16);
    length = parseInt(m[2], 16);
  }
  return { symbol: names.name(text, b, start, plus), offset, length, module };
}

interface RequestPayload {
  name: string;
  wait: boolean;
  callSite: CallSite | null;
}

const WAIT = ' wait=';
const CALL_SITE = ' call_site=';
const WAIT_WORDS = codeWords(WAIT);
const CALL_SITE_WORDS = codeWords(CALL_SITE);

/** The name is everything before the last ` wait=`: a requested name may contain spaces or a newline. */
export function parseRequestPayload(
  text: string,
  b: Codes,
  start: number,
  end: number,
  names: NameTable,
): RequestPayload | null {
  // From the end: the call site after the last ` wait=` is a few characters long.
  let at = end - WAIT.length;
  while (at >= start && !(b[at + 1] === 0x77 /* w */ && keywordAt(b, at, end, WAIT_WORDS))) at--;
  if (at < start) return null;
  const flagAt = at + WAIT.length;
  const flag = flagAt < end ? b[flagAt] : undefined;
  if ((flag !== 0x30 && flag !== 0x31) || !keywordAt(b, flagAt + 1, end, CALL_SITE_WORDS)) return null;
  const callSite = parseCallSite(text, b, flagAt + 1 + CALL_SITE.length, end, names);
  if (callSite === null) return null;
  return { name: names.name(text, b, start, at), wait: flag === 0x31, callSite };
}

interface LoadPayload {
  name: string;
  taints: string;
}

const TAINTS = /^[A-Z]+$/;

export function parseLoadPayload(
  text: string,
  b: Codes,
  start: number,
  lineEnd: number,
  names: NameTable,
): LoadPayload | null {
  const end = trimmedEnd(b, start, lineEnd);
  if (end === start) return null;
  const space = indexOfCode(b, SPACE, start, end);
  if (space === end) return { name: names.name(text, b, start, end), taints: '' };
  const taints = text.slice(space + 1, end);
  return TAINTS.test(taints) ? { name: names.name(text, b, start, space), taints } : null;
}

export function parseFreePayload(
  text: string,
  b: Codes,
  start: number,
  lineEnd: number,
  names: NameTable,
): string | null {
  const end = trimmedEnd(b, start, lineEnd);
  if (end === start) return null;
  return indexOfCode(b, SPACE, start, end) < end ? null : names.name(text, b, start, end);
}

interface RefPayload {
  name: string;
  callSite: CallSite | null;
  refcnt: number;
}

const REF = /^(\S+) call_site=(.*?) refcnt=(-?\d+)\s*$/;

export function parseRefPayload(
  text: string,
  b: Codes,
  start: number,
  end: number,
  names: NameTable,
): RefPayload | null {
  const m = REF.exec(text.slice(start, end));
  if (m === null) return null;
  const callSiteStart = start + m[1].length + CALL_SITE.length;
  const callSite = parseCallSite(text, b, callSiteStart, callSiteStart + m[2].length, names);
  if (callSite === null) return null;
  return { name: names.name(text, b, start, start + m[1].length), callSite, refcnt: Number(m[3]) };
}
