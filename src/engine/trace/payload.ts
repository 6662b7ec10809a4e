/**
 * Payloads of the module tracepoints (include/trace/events/module.h), identical in every text format:
 *   module_request: NAME wait=0|1 call_site=SYMBOL[+0xOFF/0xLEN][ [MODULE]]
 *   module_load:    NAME TAINTS          (TAINTS may be empty: the line then ends with a space)
 *   module_free:    NAME
 *   module_get/put: NAME call_site=SYMBOL[+0xOFF/0xLEN][ [MODULE]] refcnt=N
 * Payload parsers return null when the text is not a complete payload; callers decide whether that is an error.
 */
import type { CallSite } from '../events';

export type ModuleEventName = 'module_request' | 'module_load' | 'module_free' | 'module_get' | 'module_put';

export function isModuleEventName(event: string): event is ModuleEventName {
  return event === 'module_request' || event === 'module_load' || event === 'module_free'
    || event === 'module_get' || event === 'module_put';
}

const CALL_SITE = /^(\S*?)(?:\+0x([0-9a-fA-F]+)\/0x([0-9a-fA-F]+))?(?: \[([^\]\s]+)\])?$/;

export function parseCallSite(text: string): CallSite | null {
  const m = CALL_SITE.exec(text);
  if (m === null) return null;
  return {
    symbol: m[1]!,
    offset: m[2] === undefined ? null : parseInt(m[2], 16),
    length: m[3] === undefined ? null : parseInt(m[3], 16),
    module: m[4] ?? null,
  };
}

export interface RequestPayload {
  name: string;
  wait: boolean;
  callSite: CallSite | null;
}

/** The name is everything before the last ` wait=`: a requested name may contain spaces or a newline. */
const REQUEST_TAIL = /^ wait=([01]) call_site=(.*?)\s*$/;

export function parseRequestPayload(payload: string): RequestPayload | null {
  const at = payload.lastIndexOf(' wait=');
  if (at < 0) return null;
  const m = REQUEST_TAIL.exec(payload.slice(at));
  if (m === null) return null;
  const callSite = parseCallSite(m[2]!);
  if (callSite === null) return null;
  return { name: payload.slice(0, at), wait: m[1] === '1', callSite };
}

export interface LoadPayload {
  name: string;
  taints: string;
}

const TAINTS = /^[A-Z]*$/;

export function parseLoadPayload(payload: string): LoadPayload | null {
  const text = payload.trimEnd();
  if (text === '') return null;
  const space = text.indexOf(' ');
  if (space < 0) return { name: text, taints: '' };
  const taints = text.slice(space + 1);
  return TAINTS.test(taints) ? { name: text.slice(0, space), taints } : null;
}

export function parseFreePayload(payload: string): string | null {
  const name = payload.trimEnd();
  return name === '' || name.includes(' ') ? null : name;
}

export interface RefPayload {
  name: string;
  callSite: CallSite | null;
  refcnt: number;
}

const REF = /^(\S+) call_site=(.*?) refcnt=(-?\d+)\s*$/;

export function parseRefPayload(payload: string): RefPayload | null {
  const m = REF.exec(payload);
  if (m === null) return null;
  const callSite = parseCallSite(m[2]!);
  if (callSite === null) return null;
  return { name: m[1]!, callSite, refcnt: Number(m[3]) };
}
