/**
 * `throttled-request`: requests that, replayed against the 50 kmod slots, would have waited or failed (-ETIME).
 * Records arrive as the replay finalises them (out of arrival order, but never later than the settle window);
 * each is admitted to the slots in arrival order once every earlier request is known.
 */
import type { Finding, RequestRecord } from '../report';
import { KmodSlots, MAX_KMOD_ALL_BUSY_TIMEOUT, MAX_KMOD_CONCURRENT } from '../replay/kmodSlots';
import { plural, RequestList } from './findingText';

export class ThrottledRequestRule {
  private readonly slots = new KmodSlots();
  private readonly buffered = new Map<number, RequestRecord>();
  private next = 0;
  private readonly waited = new RequestList();
  private readonly failed = new RequestList();
  private maxWait = 0;
  private peak = 0;

  add(r: RequestRecord): void {
    if (r.index === this.next && this.buffered.size === 0) {
      this.next++;
      this.admit(r);
      return;
    }
    this.buffered.set(r.index, r);
    this.drain();
  }

  /** Admits every buffered request that no unknown earlier request can precede. */
  private drain(): void {
    for (let r = this.buffered.get(this.next); r; r = this.buffered.get(this.next)) {
      this.buffered.delete(this.next++);
      this.admit(r);
    }
  }

  private admit(r: RequestRecord): void {
    const verdict = this.slots.acquire(r.time, r.wait ? r.completedAt - r.time : 0);
    this.peak = Math.max(this.peak, verdict.inFlight);
    if (verdict.failed) this.failed.add(r);
    else if (verdict.waited > 0) {
      this.waited.add(r);
      this.maxWait = Math.max(this.maxWait, verdict.waited);
    }
  }

  findings(): Finding[] {
    this.drain();
    const out: Finding[] = [];
    if (this.waited.count > 0) {
      out.push({
        rule: 'throttled-request',
        severity: 'warning',
        message: `${plural(this.waited.count, 'request')} found all ${MAX_KMOD_CONCURRENT} kmod slots busy and would have waited (up to ${this.maxWait.toFixed(3)} s; peak ${this.peak} in flight).`,
        name: null,
        requests: this.waited.indexes,
        location: null,
        traceLines: this.waited.lines,
        evidence: { requestCount: this.waited.count, maxWaitSeconds: this.maxWait, peakInFlight: this.peak },
      });
    }
    if (this.failed.count > 0) {
      out.push({
        rule: 'throttled-request',
        severity: 'error',
        message: `${plural(this.failed.count, 'request')} would have failed with -ETIME: all ${MAX_KMOD_CONCURRENT} kmod slots stayed busy for more than ${MAX_KMOD_ALL_BUSY_TIMEOUT} s.`,
        name: null,
        requests: this.failed.indexes,
        location: null,
        traceLines: this.failed.lines,
        evidence: { requestCount: this.failed.count, peakInFlight: this.peak },
      });
    }
    return out;
  }
}
