import { fnmatch, wildcardIndex } from './fnmatch';

/** One value stored under a pattern: the module it names, depmod's priority, and the pattern as the file wrote it. */
export interface PatternValue {
  value: string;
  priority: number;
  pattern: string;
}

interface PatternNode {
  /** The normalised pattern. */
  key: string;
  /** Values in the order depmod stores them (by priority; equal priorities newest first). */
  values: PatternValue[];
}

/**
 * The equivalent of kmod's index with wildcard branches (libkmod-index.c, `index_searchwild`): patterns without
 * wildcards are looked up in a map; wildcard patterns are grouped by their literal prefix (the part before the first
 * `*`, `?` or `[`), so a look-up only runs fnmatch on the patterns whose literal prefix is a prefix of the name —
 * the same candidates kmod's trie reaches — instead of on every pattern. A name that itself contains wildcard
 * characters takes kmod's full walk instead (see trieWalk). Results come back in kmod's order, with kmod's
 * repetitions, which is what `modprobe -R` prints.
 */
export class PatternIndex {
  private readonly nodes = new Map<string, PatternNode>();
  private readonly byPrefix = new Map<string, PatternNode[]>();
  /** Distinct literal-prefix lengths, so a look-up only slices the name where a group can exist. */
  private readonly prefixLengthSet = new Set<number>();
  /** The same, ascending; rebuilt on the first look-up after an insert. */
  private prefixLengths: number[] | null = null;
  /** Every key, sorted; built on the first look-up of a name that contains a wildcard character. */
  private sortedKeys: string[] | null = null;
  private entryCount = 0;

  get size(): number {
    return this.entryCount;
  }

  /** depmod's `index_insert`: a key may hold several values (duplicates included). */
  insert(key: string, value: PatternValue): void {
    let node = this.nodes.get(key);
    if (node !== undefined) {
      addByPriority(node.values, value);
    } else {
      const wild = wildcardIndex(key);
      // An array of one: a push into an empty one reserves 17 slots, and a modules directory has tens of thousands of
      // keys (their arrays made 5 of the 33 MB the replay keeps alive).
      node = { key, values: [value] };
      this.nodes.set(key, node);
      this.sortedKeys = null;
      if (wild >= 0) {
        const prefix = key.slice(0, wild);
        const group = this.byPrefix.get(prefix);
        if (group === undefined) {
          this.byPrefix.set(prefix, [node]);
          this.prefixLengthSet.add(wild);
          this.prefixLengths = null;
        } else {
          group.push(node);
        }
      }
    }
    this.entryCount++;
  }

  /** Every value whose pattern matches `name` (already normalised), in the order kmod returns them. */
  lookup(name: string): PatternValue[] {
    const out: PatternValue[] = [];
    const nodes = wildcardIndex(name) < 0 ? this.literalNameWalk(name) : this.trieWalk(name);
    for (const node of nodes) {
      for (const value of node.values) addByPriority(out, value);
    }
    return out;
  }

  /**
   * The matching patterns in kmod's visiting order, for a name without wildcard characters: kmod's walk only
   * leaves the name's own path for wildcard branches, so the candidates are the patterns whose literal prefix is a
   * prefix of the name, visited by depth, then as the trie orders them, with the exact key last.
   */
  private literalNameWalk(name: string): PatternNode[] {
    const hits: Array<{ node: PatternNode; depth: number }> = [];
    this.prefixLengths ??= [...this.prefixLengthSet].sort((a, b) => a - b);
    for (const depth of this.prefixLengths) {
      if (depth > name.length) break;
      const group = this.byPrefix.get(name.slice(0, depth));
      if (group === undefined) continue;
      const rest = name.slice(depth);
      for (const node of group) {
        if (fnmatch(node.key.slice(depth), rest)) hits.push({ node, depth });
      }
    }
    hits.sort((a, b) => a.depth - b.depth || trieOrder(a.node.key.slice(a.depth), b.node.key.slice(b.depth)));
    const found = hits.map((h) => h.node);
    const exact = this.nodes.get(name);
    if (exact !== undefined) found.push(exact);
    return found;
  }

  /**
   * kmod's walk itself (`index_searchwild`), for a name that contains `*`, `?` or `[`: at a branching node the walk
   * tries the wildcard branches and then also follows the name's next character, even into a wildcard branch, so a
   * pattern can match more than once. Branching nodes are where a key ends or keys diverge (depmod's trie is a
   * compressed trie), found here by binary search in the sorted keys.
   */
  private trieWalk(name: string): PatternNode[] {
    const keys = (this.sortedKeys ??= [...this.nodes.keys()].sort());
    const found: PatternNode[] = [];
    const subtree = (lo: number, hi: number, depth: number): void => {
      const rest = name.slice(depth);
      const hits = keys.slice(lo, hi).filter((k) => fnmatch(k.slice(depth), rest));
      hits.sort((a, b) => trieOrder(a.slice(depth), b.slice(depth)));
      for (const k of hits) found.push(this.nodes.get(k)!);
    };
    // keys[lo, hi) are the keys that start with name[0, i).
    let lo = 0;
    let hi = keys.length;
    for (let i = 0; lo < hi; i++) {
      const endsHere = keys[lo].length === i;
      const first = endsHere ? lo + 1 : lo;
      const branching = i === 0 || endsHere || keys[first][i] !== keys[hi - 1][i];
      if (!branching && WILDCARDS.includes(keys[lo][i])) {
        subtree(lo, hi, i);
        break;
      }
      if (branching) {
        for (const w of WILDCARDS) {
          const [a, b] = charRange(keys, first, hi, i, w);
          if (a < b) subtree(a, b, i);
        }
        if (i === name.length && endsHere) found.push(this.nodes.get(keys[lo])!);
      }
      if (i === name.length) break;
      [lo, hi] = charRange(keys, first, hi, i, name[i]);
    }
    return found;
  }
}

const WILDCARDS = ['*', '?', '['];

/** Within sorted keys[lo, hi) that all have length > i, the sub-range whose character at i is `c`. */
function charRange(keys: string[], lo: number, hi: number, i: number, c: string): [number, number] {
  const code = c.charCodeAt(0);
  const lowerBound = (target: number): number => {
    let a = lo;
    let b = hi;
    while (a < b) {
      const mid = (a + b) >> 1;
      if (keys[mid].charCodeAt(i) < target) a = mid + 1;
      else b = mid;
    }
    return a;
  };
  return [lowerBound(code), lowerBound(code + 1)];
}

/** kmod's `add_value`: insert before the first value of equal or higher priority. */
function addByPriority(values: PatternValue[], value: PatternValue): void {
  let i = 0;
  while (i < values.length && values[i].priority < value.priority) i++;
  if (i === values.length) values.push(value);
  else values.splice(i, 0, value);
}

/**
 * The order in which kmod's depth-first walk of a wildcard subtree reaches two patterns that branch at the same
 * node: children in ascending byte order, and a node's own values after its children (so a longer pattern comes
 * before its own prefix).
 */
function trieOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return a.charCodeAt(i) - b.charCodeAt(i);
  }
  return b.length - a.length;
}
