/**
 * The crypto API's module names, read as crypto/api.c and crypto/algboss.c make and parse them (Linux 6.1):
 * `crypto_larval_lookup()` requests `crypto-NAME`, then `crypto-NAME-all`; when NAME is an instance of a template,
 * `TEMPLATE(ARG,...)`, `cryptomgr_schedule_probe()` splits it and a `cryptomgr_probe` thread requests `crypto-TEMPLATE`
 * (`crypto_lookup_template`) and each argument it lacks, `crypto-ARG` and `crypto-ARG-all`.
 */

const PREFIX = 'crypto-';
const ALL = '-all';

/** NAME of a `crypto-NAME` or `crypto-NAME-all` request, else null. */
export function cryptoAlgorithm(requested: string): string | null {
  if (!requested.startsWith(PREFIX)) return null;
  const name = requested.slice(PREFIX.length);
  return name.endsWith(ALL) ? name.slice(0, -ALL.length) : name;
}

/** The `crypto-NAME-all` request that follows `crypto-NAME` in the same look-up. */
export function allVariant(requested: string): string {
  return requested + ALL;
}

export interface TemplateInstance {
  template: string;
  /** The arguments as written, nested instances whole (`cbc(serpent)` of `essiv(cbc(serpent),sha256)`). */
  args: string[];
}

/** algboss.c's name characters: isalnum, `-` and `_`. */
function isNameChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '-' || c === '_';
}

/**
 * `TEMPLATE(ARG,...)` split as cryptomgr_schedule_probe() splits it, or null when the kernel would start no probe
 * for the name (no template, no `(`, an empty or unbalanced argument). Like the kernel, text after the closing
 * parenthesis is ignored.
 */
export function templateInstance(name: string): TemplateInstance | null {
  let p = 0;
  while (p < name.length && isNameChar(name[p])) p++;
  if (p === 0 || name[p] !== '(') return null;
  const template = name.slice(0, p);
  const args: string[] = [];
  for (;;) {
    const start = ++p;
    while (p < name.length && isNameChar(name[p])) p++;
    if (name[p] === '(') {
      for (let depth = 0; ;) {
        p++;
        if (p >= name.length) return null;
        if (name[p] === '(') depth++;
        else if (name[p] === ')' && depth-- === 0) break;
      }
      p++;
    }
    if (p === start) return null;
    args.push(name.slice(start, p));
    if (name[p] === ')') break;
    if (name[p] !== ',') return null;
  }
  return { template, args };
}

/** The words of a name, for telling which algorithm a test thread is about: `__ecb-aes-aesni` → ecb, aes, aesni. */
export function nameWords(name: string): string[] {
  return name.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
}
