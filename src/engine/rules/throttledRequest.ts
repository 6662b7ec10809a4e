/**
 * `throttled-request`: requests that, replayed against the 50 kmod slots, would have waited or failed (-ETIME).
 * Records must arrive in trace order (the slots admit requests in arrival order), with their completion known.
 */
import type { RequestRecord } from '../report';
import { KmodSlots, MAX_KMOD_ALL_BUSY_TIMEOUT, MAX_KMOD_CONCURRENT } from '../kernel/kmodSlots';
import { plural, RequestList, type RecordedFinding } from './findingText';

export class ThrottledRequestRule {
  private readonly slots = new KmodSlots();
  private readonly waited = new RequestList();
  private readonly failed = new RequestList();
  private maxWait = 0;
  private peak = 0;

  add(r: RequestRecord, anchor: RequestRecord | null): void {
    const verdict = this.slots.acquire(r.time, r.wait ? r.completedAt - r.time : 0);
    this.peak = Math.max(this.peak, verdict.inFlight);
    if (verdict.failed) this.failed.add(r, anchor);
    else if (verdict.waited > 0) {
      this.waited.add(r, anchor);
      this.maxWait = Math.max(this.maxWait, verdict.waited);
    }
  }

  findings(): RecordedFinding[] {
    const out: RecordedFinding[] = [];
    if (this.waited.count > 0) {
      out.push(this.waited.finding({
        rule: 'throttled-request',
        severity: 'warning',
        message: `${plural(this.waited.count, 'request')} found all ${MAX_KMOD_CONCURRENT} kmod slots busy and would have waited (up to ${this.maxWait.toFixed(3)} s; peak ${this.peak} in flight).`,
        name: null,
        location: null,
        evidence: { requestCount: this.waited.count, maxWaitSeconds: this.maxWait, peakInFlight: this.peak },
      }));
    }
    if (this.failed.count > 0) {
      out.push(this.failed.finding({
        rule: 'throttled-request',
        severity: 'error',
        message: `${plural(this.failed.count, 'request')} would have failed with -ETIME: all ${MAX_KMOD_CONCURRENT} kmod slots stayed busy for more than ${MAX_KMOD_ALL_BUSY_TIMEOUT} s.`,
        name: null,
        location: null,
        evidence: { requestCount: this.failed.count, peakInFlight: this.peak },
      }));
    }
    return out;
  }
}
