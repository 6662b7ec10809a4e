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
  /** The pattern from its first wildcard on (what kmod hands to fnmatch), or null for a plain string. */
  wildTail: string | null;
  /** Values in the order depmod stores them (by priority; equal priorities newest first). */
  values: PatternValue[];
}

/**
 * The equivalent of kmod's index with wildcard branches (libkmod-index.c, `index_searchwild`): patterns without
 * wildcards are looked up in a map; wildcard patterns are grouped by their literal prefix (the part before the first
 * `*`, `?` or `[`), so a look-up only runs fnmatch on the patterns whose literal prefix is a prefix of the name —
 * the same candidates kmod's trie reaches — instead of on every pattern.
 * Results come back in kmod's order, which is what `modprobe -R` prints.
 */
export class PatternIndex {
  private readonly nodes = new Map<string, PatternNode>();
  private readonly byPrefix = new Map<string, PatternNode[]>();
  /** Distinct literal-prefix lengths, so a look-up only slices the name where a group can exist. */
  private readonly prefixLengthSet = new Set<number>();
  /** The same, ascending; rebuilt on the first look-up after an insert. */
  private prefixLengths: number[] | null = null;
  private entryCount = 0;

  get size(): number {
    return this.entryCount;
  }

  /** depmod's `index_insert`: a key may hold several values (duplicates included). */
  insert(key: string, value: PatternValue): void {
    let node = this.nodes.get(key);
    if (node === undefined) {
      const wild = wildcardIndex(key);
      node = { key, wildTail: wild < 0 ? null : key.slice(wild), values: [] };
      this.nodes.set(key, node);
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
    addByPriority(node.values, value);
    this.entryCount++;
  }

  /** Every value whose pattern matches `name` (already normalised), in the order kmod returns them. */
  lookup(name: string): PatternValue[] {
    const hits: Array<{ node: PatternNode; depth: number }> = [];
    this.prefixLengths ??= [...this.prefixLengthSet].sort((a, b) => a - b);
    for (const depth of this.prefixLengths) {
      if (depth > name.length) break;
      const group = this.byPrefix.get(name.slice(0, depth));
      if (group === undefined) continue;
      const rest = name.slice(depth);
      for (const node of group) {
        if (fnmatch(node.wildTail!, rest)) hits.push({ node, depth });
      }
    }
    // kmod visits a node's wildcard branches before going deeper, and the exact key last of all.
    hits.sort((a, b) => a.depth - b.depth || trieOrder(a.node.wildTail!, b.node.wildTail!));
    const exact = this.nodes.get(name);
    if (exact !== undefined && exact.wildTail === null) hits.push({ node: exact, depth: name.length });
    const out: PatternValue[] = [];
    for (const hit of hits) {
      for (const value of hit.node.values) addByPriority(out, value);
    }
    return out;
  }
}

/** kmod's `add_value`: insert before the first value of equal or higher priority. */
function addByPriority(values: PatternValue[], value: PatternValue): void {
  let i = 0;
  while (i < values.length && values[i].priority < value.priority) i++;
  values.splice(i, 0, value);
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
