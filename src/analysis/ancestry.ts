/**
 * Climbing and descending syntax trees in time linear in their size. Tree-sitter nodes keep no parent link: each
 * `parent` walks down from the root, as does each `descendantForIndex`, so climbing with `parent`, or looking up many
 * deep nodes, costs depth² (seconds for a call nested 10,000 deep). Here the chain of nodes down to the last node
 * asked is kept, each linked to the one above; the next node is reached from the deepest one of that chain that still
 * holds it, so nodes asked in document order cost the tree's size in all, however deep they are. What a step reads
 * (type, extent, and for a node with many children their ends, bisected instead of walked) is read once: every read
 * crosses into the parser. One chain is kept, of the tree last asked about (a map of chains per tree, even a weak
 * one, kept trees alive for longer: the scan of a kernel tree peaked 90 MB higher).
 */
import { ChildExtents } from './childExtents';
import type { CNode } from './parser';

/** A node with what climbing reads, linked to the node above it. */
export interface Ancestor {
  readonly node: CNode;
  readonly id: number;
  readonly type: string;
  readonly start: number;
  readonly end: number;
  /** Null for the root. */
  readonly parent: Ancestor | null;
  /** 0 for the root. */
  readonly depth: number;
}

/** Above this many children, a node's children and their ends are read once and bisected. */
const WIDE = 64;

interface Step extends Ancestor {
  /** nearest() answers, by the types asked. */
  near?: Map<string, Ancestor | null>;
}

/**
 * The chain to the last node asked, the root first, and its tree; and, by node id, the children of the nodes of that
 * tree found wide (null: not wide). Kept by id, not on a step: a step left and taken again (16,878 returns in one
 * block, each asked about) must not read all the children again.
 */
let last: { tree: CNode['tree']; chain: Step[]; kids: Map<number, ChildExtents | null> } | null = null;

function step(node: CNode, parent: Step | null): Step {
  return {
    node,
    id: node.id,
    type: node.type,
    start: node.startIndex,
    end: node.endIndex,
    parent,
    depth: parent === null ? 0 : parent.depth + 1,
  };
}

/**
 * The first child of `a` that ends after `start`, as firstChildForIndex. (childWithDescendant would find the child
 * directly, but the native binding reads past its one-node transfer buffer there and crashes.)
 */
function childAfter(a: Step, start: number, known: Map<number, ChildExtents | null>): CNode | null {
  let kids = known.get(a.id);
  if (kids === undefined) {
    kids = a.node.childCount > WIDE ? new ChildExtents(a.node) : null;
    known.set(a.id, kids);
  }
  if (kids === null) return a.node.firstChildForIndex(start);
  const ends = kids.endIndex;
  let lo = 0;
  let hi = kids.count;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid] > start) hi = mid;
    else lo = mid + 1;
  }
  return lo < kids.count ? kids.node(lo) : null;
}

/**
 * Moves the tree's chain down to the deepest node holding [start, end), or to the parent of the node `stop` (by id)
 * on the way, and returns that last step.
 */
function chainTo(tree: CNode['tree'], start: number, end: number, stop: number | null): Step {
  if (last === null || last.tree !== tree) {
    for (const kids of last?.kids.values() ?? []) kids?.free();
    last = { tree, chain: [step(tree.rootNode, null)], kids: new Map() };
  }
  const { chain, kids } = last;
  if (chain[0].id === stop) return chain[0];
  // Keep the part of the last chain that holds the range (from the bottom: what holds it is a prefix). Looking for a
  // node's parent, a kept step of the node's own extent may be the node or below it: the walk goes through such steps
  // again and stops at the node.
  while (chain.length > 1) {
    const a = chain[chain.length - 1];
    if (a.start <= start && a.end >= end && !(stop !== null && a.start === start && a.end === end)) break;
    chain.pop();
  }
  for (;;) {
    const above = chain[chain.length - 1];
    const child = childAfter(above, start, kids);
    if (child === null) return above;
    const a = step(child, above);
    if (a.start > start || a.end < end || a.id === stop) return above;
    chain.push(a);
  }
}

/** The parent of `node` (of non-zero width), linked up to the root; null for the root. */
export function parentOf(node: CNode): Ancestor | null {
  const above = chainTo(node.tree, node.startIndex, node.endIndex, node.id);
  return above.id === node.id ? null : above;
}

/**
 * The nearest of `a` and the nodes above it whose type is one of `types`, or null. The answers are kept on the
 * steps climbed, so asking again from any of them, or from below them, climbs no further than the last answer.
 */
export function nearest(a: Ancestor | null, types: readonly string[]): Ancestor | null {
  const key = types.join(' ');
  const climbed: Step[] = [];
  let found: Ancestor | null = null;
  for (let s: Step | null = a; s !== null; s = s.parent) {
    const known = s.near?.get(key);
    if (known !== undefined) {
      found = known;
      break;
    }
    if (types.includes(s.type)) {
      found = s;
      break;
    }
    climbed.push(s);
  }
  for (const s of climbed) (s.near ??= new Map()).set(key, found);
  return found;
}

/** The smallest node of `node`'s tree holding [start, end) (a non-empty range within `node`), as `descendantForIndex`. */
export function descendantFor(node: CNode, start: number, end: number): CNode {
  return chainTo(node.tree, start, end, null).node;
}
