/**
 * Payloads of the module tracepoints (include/trace/events/module.h), identical in every text format:
 *   module_request: NAME wait=0|1 call_site=SYMBOL[+0xOFF/0xLEN][ [MODULE]]
 *   module_load:    NAME TAINTS          (TAINTS may be empty: the line then ends with a space)
 *   module_free:    NAME
 *   module_get/put: NAME call_site=SYMBOL[+0xOFF/0xLEN][ [MODULE]] refcnt=N
 * Payload parsers read `text[start, end)` in place (the payload is the end of a line, not copied out of it) and
 * return null when it is not a complete payload; callers decide whether that is an error.
 */
import type { CallSite } from '../events';

export type ModuleEventName = 'module_request' | 'module_load' | 'module_free' | 'module_get' | 'module_put';

const OFFSET = /^\+0x([0-9a-fA-F]+)\/0x([0-9a-fA-F]+)$/;

/**
 * The call site printed between `start` and `end` (trailing blanks allowed): `SYMBOL[+0xOFF/0xLEN][ [MODULE]]`.
 * Symbols contain no `+` or space, so both parts are found by position.
 */
function parseCallSite(text: string, start: number, end: number): CallSite | null {
  while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
  let symbolEnd = text.indexOf(' ', start);
  if (symbolEnd < 0 || symbolEnd > end) symbolEnd = end;
  let module: string | null = null;
  if (symbolEnd < end) {
    if (!text.startsWith(' [', symbolEnd) || text.charCodeAt(end - 1) !== 0x5d /* ] */ || end - symbolEnd < 4) return null;
    module = text.slice(symbolEnd + 2, end - 1);
    if (/[\s\[\]]/.test(module)) return null;
  }
  let offset: number | null = null;
  let length: number | null = null;
  let plus = text.indexOf('+', start);
  if (plus >= 0 && plus < symbolEnd) {
    const m = OFFSET.exec(text.slice(plus, symbolEnd));
    if (m === null) return null;
    offset = parseInt(m[1]!, 16);
    length = parseInt(m[2]!, 16);
  } else {
    plus = symbolEnd;
  }
  return { symbol: text.slice(start, plus), offset, length, module };
}

interface RequestPayload {
  name: string;
  wait: boolean;
  callSite: CallSite | null;
}

const WAIT = ' wait=';
const CALL_SITE = ' call_site=';

/** The name is everything before the last ` wait=`: a requested name may contain spaces or a newline. */
export function parseRequestPayload(text: string, start: number, end: number): RequestPayload | null {
  // Searches run in the payload alone: in a whole chunk they could run far past the line.
  const payload = text.slice(start, end);
  const at = payload.lastIndexOf(WAIT);
  if (at < 0) return null;
  const flag = payload.charCodeAt(at + WAIT.length);
  if ((flag !== 0x30 && flag !== 0x31) || !payload.startsWith(CALL_SITE, at + WAIT.length + 1)) return null;
  const callSite = parseCallSite(payload, at + WAIT.length + 1 + CALL_SITE.length, payload.length);
  if (callSite === null) return null;
  return { name: payload.slice(0, at), wait: flag === 0x31, callSite };
}

interface LoadPayload {
  name: string;
  taints: string;
}

const TAINTS = /^[A-Z]+$/;

/** `end` without trailing blanks (module_load lines end with a space). */
function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
  return end;
}

export function parseLoadPayload(text: string, start: number, lineEnd: number): LoadPayload | null {
  const end = trimmedEnd(text, start, lineEnd);
  if (end === start) return null;
  const space = text.indexOf(' ', start);
  if (space < 0 || space >= end) return { name: text.slice(start, end), taints: '' };
  const taints = text.slice(space + 1, end);
  return TAINTS.test(taints) ? { name: text.slice(start, space), taints } : null;
}

export function parseFreePayload(text: string, start: number, lineEnd: number): string | null {
  const end = trimmedEnd(text, start, lineEnd);
  if (end === start) return null;
  const space = text.indexOf(' ', start);
  return space >= 0 && space < end ? null : text.slice(start, end);
}

interface RefPayload {
  name: string;
  callSite: CallSite | null;
  refcnt: number;
}

const REF = /^(\S+) call_site=(.*?) refcnt=(-?\d+)\s*$/;

export function parseRefPayload(text: string, start: number, end: number): RefPayload | null {
  const payload = text.slice(start, end);
  const m = REF.exec(payload);
  if (m === null) return null;
  const callSiteStart = m[1]!.length + CALL_SITE.length;
  const callSite = parseCallSite(payload, callSiteStart, callSiteStart + m[2]!.length);
  if (callSite === null) return null;
  return { name: m[1]!, callSite, refcnt: Number(m[3]) };
}
