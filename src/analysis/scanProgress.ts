/**
 * What a whole-tree scan is doing, as it tells ScanOptions.onProgress: listing the tree, checking it against the scan
 * cache, each pass (the first reads every file; each later one reads only the files that can hold the names the
 * earlier passes discovered), building the index. With the words and the overall fraction a progress bar shows.
 */

/** What a pass after the first looks for: names the earlier passes discovered. */
export interface PassTargets {
  /** Functions and macros newly known to wrap request_module(): their call sites are requests too. */
  wrappers: number;
  /** Macros newly known to expand to a MODULE_ALIAS* declaration. */
  aliasMacros: number;
  /** Functions that fill a buffer a request's name is read from, whose definitions are read. */
  fillers: number;
  /** Constants (`#define`s) that formats and alias declarations use. */
  constants: number;
}

export type ScanProgress =
  | { phase: 'walk'; files: number }
  | { phase: 'check'; done: number; total: number }
  /** `total` grows during the first pass, which reads files as the walk finds them. Later passes: files to read. */
  | { phase: 'pass'; pass: number; done: number; total: number; targets: PassTargets | null }
  | { phase: 'index' };

function count(n: number, word: string, words = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : words}`;
}

const files = (done: number, total: number) => `${done.toLocaleString('en-US')} / ${count(total, 'file')}`;

/**
 * `pass 3: looking for callers of 12 new wrappers (40 / 812 files)`; as a pass starts (nothing done yet), what it
 * will read: `pass 3: looking for callers of 12 new wrappers in 812 files`.
 */
export function describeScanProgress(p: ScanProgress): string {
  switch (p.phase) {
    case 'walk':
      return `listing the tree: ${count(p.files, 'C file')} so far`;
    case 'check':
      return `checking the tree against the scan cache (${files(p.done, p.total)})`;
    case 'index':
      return 'building the index';
    case 'pass': {
      const where =
        p.done > 0
          ? ` (${files(p.done, p.total)})`
          : p.targets === null
            ? ' in every file'
            : ` in ${count(p.total, 'file')}`;
      if (p.targets === null) return `pass 1: looking for request_module() and MODULE_ALIAS${where}`;
      const t = p.targets;
      const looking = [
        t.wrappers > 0 && `callers of ${count(t.wrappers, 'new wrapper')}`,
        t.aliasMacros > 0 && `uses of ${count(t.aliasMacros, 'alias macro')}`,
        t.fillers > 0 && `the definitions of ${count(t.fillers, 'function')} filling requested names`,
        t.constants > 0 && `the definitions of ${count(t.constants, 'constant')}`,
      ].filter((s): s is string => typeof s === 'string');
      const what =
        looking.length > 1
          ? `${looking.slice(0, -1).join(', ')} and ${looking[looking.length - 1]}`
          : (looking[0] ?? 'nothing new');
      return `pass ${p.pass}: looking for ${what}${where}`;
    }
  }
}

/** Share of the bar the first pass (or the cache check) fills: it reads every file. */
const FIRST = 0.7;
/** Where building the index starts; the later passes share what lies between. */
const INDEX = 0.95;

/**
 * How far the whole scan is, 0 to 1, never going back: the number of passes is not known in advance, so each pass
 * after the first fills half of what is left before the index.
 */
export function scanFraction(p: ScanProgress): number {
  // Nothing to do is all done, except for the first pass, which starts before the walk has found anything.
  const part = (done: number, total: number) => (total > 0 ? Math.min(1, done / total) : 1);
  switch (p.phase) {
    case 'walk':
      return 0;
    case 'check':
      return INDEX * part(p.done, p.total);
    case 'index':
      return INDEX;
    case 'pass': {
      if (p.pass <= 1) return p.total > 0 ? FIRST * part(p.done, p.total) : 0;
      const left = (INDEX - FIRST) * 0.5 ** (p.pass - 2);
      return INDEX - left + (left / 2) * part(p.done, p.total);
    }
  }
}
