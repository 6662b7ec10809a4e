/**
 * A node's children by extent, read through one cursor: no node object per child. Error recovery can leave hundreds of
 * thousands of children under one node (a file of stray characters had 827,000 top-level items: an object each, with
 * its positions, took 250 MB at each of its parses). A child's node is made only when asked for.
 */
import type { CCursor, CNode } from './parser';

export class ChildExtents {
  readonly count: number;
  readonly startRow: Int32Array;
  readonly startColumn: Int32Array;
  readonly endRow: Int32Array;
  readonly endColumn: Int32Array;
  readonly endIndex: Int32Array;
  /** On the child last asked for: children asked in document order cost their count in all. */
  private readonly cursor: CCursor;
  private at: number;

  constructor(parent: CNode) {
    const capacity = parent.childCount;
    this.startRow = new Int32Array(capacity);
    this.startColumn = new Int32Array(capacity);
    this.endRow = new Int32Array(capacity);
    this.endColumn = new Int32Array(capacity);
    this.endIndex = new Int32Array(capacity);
    this.cursor = parent.walk();
    let n = 0;
    if (this.cursor.gotoFirstChild()) {
      do {
        const start = this.cursor.startPosition;
        const end = this.cursor.endPosition;
        this.startRow[n] = start.row;
        this.startColumn[n] = start.column;
        this.endRow[n] = end.row;
        this.endColumn[n] = end.column;
        this.endIndex[n] = this.cursor.endIndex;
        n++;
      } while (n < capacity && this.cursor.gotoNextSibling());
    }
    this.count = n;
    this.at = n - 1;
  }

  /** The `i`th child (0 ≤ i < count). */
  node(i: number): CNode {
    // Back to the first child rather than to the previous sibling: a cursor recomputes that one's position from the
    // first child on.
    if (i < this.at && this.cursor.gotoParent() && this.cursor.gotoFirstChild()) this.at = 0;
    while (this.at < i && this.cursor.gotoNextSibling()) this.at++;
    return this.cursor.currentNode;
  }

  /** Frees the cursor (a wasm cursor holds memory outside the JS heap). */
  free(): void {
    this.cursor.delete?.();
  }
}
