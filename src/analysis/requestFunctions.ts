/** The kernel's module request API (include/linux/kmod.h, include/linux/module.h): where each takes the name. */

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
