/** The kernel's module request API (include/linux/kmod.h, include/linux/module.h): where each takes the name. */
import type { RawCall } from './facts';

export interface RequestFunction {
  /** Index of the format argument; the arguments after it feed the format. */
  formatAt: number;
  wait: boolean;
  /** `symbol_request(x)` requests `"symbol:" #x`: the argument's text, not its value. */
  symbol?: true;
}

export const REQUEST_FUNCTIONS: ReadonlyMap<string, RequestFunction> = new Map<string, RequestFunction>([
  ['request_module', { formatAt: 0, wait: true }],
  ['request_module_nowait', { formatAt: 0, wait: false }],
  ['__request_module', { formatAt: 1, wait: true }],
  ['try_then_request_module', { formatAt: 1, wait: true }],
  ['symbol_request', { formatAt: 0, wait: true, symbol: true }],
]);

/** Substrings that find every request function in one search each. */
export const REQUEST_TOKENS = ['request_module', 'symbol_request'];
export const ALIAS_TOKEN = 'MODULE_ALIAS';
/** A MODULE_ALIAS* macro (MODULE_ALIAS, MODULE_ALIAS_FS, MODULE_ALIAS_CRYPTO, …). */
export const isAliasMacro = (name: string): boolean => name.startsWith(ALIAS_TOKEN);

/** printf-like calls that print into their first argument, with the index of their format argument. */
export const PRINT_INTO: ReadonlyMap<string, number> = new Map([
  ['sprintf', 1],
  ['vsprintf', 1],
  ['snprintf', 2],
  ['vsnprintf', 2],
  ['scnprintf', 2],
  ['vscnprintf', 2],
]);

/** Calls that fill their first argument with a name: printed into it, or copied from their second argument. */
export const FILL_CALLS: ReadonlySet<string> = new Set([
  ...PRINT_INTO.keys(),
  'strscpy',
  'strlcpy',
  'strcpy',
  'strncpy',
  'memcpy',
]);

/**
 * The struct field a request asks for as it is, `request_module("%s", req->module)`: the name was queued there by a
 * deferred wrapper (nft_request_module). Null for other requests.
 */
export function queueRead(call: RawCall): string | null {
  const api = REQUEST_FUNCTIONS.get(call.callee);
  if (!api || api.symbol) return null;
  const format = call.args[api.formatAt];
  const value = call.args[api.formatAt + 1];
  return format?.kind === 'string' &&
    format.value === '%s' &&
    value?.kind === 'stored' &&
    call.args.length === api.formatAt + 2
    ? value.storage
    : null;
}
