import type { RequestRecord } from '../report';

/**
 * Hands request records on in trace order (by index), although the replay finalises them out of it (a request that
 * waits for its module completes after later ones). Only records that came early are held: those of the settle
 * window at most.
 */
export class InTraceOrder {
  /** Records that came early, with their anchors. */
  private readonly early = new Map<number, [RequestRecord, RequestRecord | null]>();
  private next = 0;

  constructor(private readonly deliver: (record: RequestRecord, anchor: RequestRecord | null) => void) {}

  add(record: RequestRecord, anchor: RequestRecord | null): void {
    if (record.index === this.next && this.early.size === 0) {
      this.next++;
      this.deliver(record, anchor);
      return;
    }
    this.early.set(record.index, [record, anchor]);
    for (let e = this.early.get(this.next); e; e = this.early.get(this.next)) {
      this.early.delete(this.next++);
      this.deliver(e[0], e[1]);
    }
  }
}
