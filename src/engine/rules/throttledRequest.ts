/**
 * `throttled-request`: what the kernel model's limit on requests in flight did to them (kernel/): under `modern` and
 * `dups`, requests that would have waited for one of the 50 kmod slots or failed with -ETIME; under `2.6`, those
 * that fail at once with -ENOMEM; under `2.1`, those whose name never reaches modprobe (its one thread was busy).
 */
import type { RequestRecord } from '../report';
import { MAX_KMOD_ALL_BUSY_TIMEOUT, MAX_KMOD_CONCURRENT } from '../kernel/kmodSlots';
import type { KernelModelId, Verdict } from '../kernel/model';
import { RUNAWAY_LOOP_LINES_PRINTED } from '../kernel/slotModels';
import { duration, plural, RequestList, type RecordedFinding } from '../findings/findingText';

export class ThrottledRequestRule {
  private readonly waited = new RequestList();
  private readonly failed = new RequestList();
  private readonly lost = new RequestList();
  private maxWait = 0;
  private peak = 0;
  /** 2.6: the names of the failures the kernel would print a runaway-loop line for. */
  private readonly printed: string[] = [];

  constructor(private readonly model: KernelModelId) {}

  /** Requests in trace order, with the model's verdict. */
  add(r: RequestRecord, anchor: RequestRecord | null, v: Verdict): void {
    this.peak = Math.max(this.peak, v.inFlight);
    if (v.failure !== null) {
      this.failed.add(r, anchor);
      if (v.failure === 'ENOMEM' && this.printed.length < RUNAWAY_LOOP_LINES_PRINTED) this.printed.push(r.name);
    } else if (v.nameLost) {
      this.lost.add(r, anchor);
    } else if (v.waited > 0) {
      this.waited.add(r, anchor);
      this.maxWait = Math.max(this.maxWait, v.waited);
    }
  }

  findings(): RecordedFinding[] {
    const out: RecordedFinding[] = [];
    if (this.waited.count > 0) {
      out.push(
        this.waited.finding({
          rule: 'throttled-request',
          severity: 'warning',
          message: `${plural(this.waited.count, 'request')} found all ${MAX_KMOD_CONCURRENT} kmod slots busy and would have waited (up to ${duration(this.maxWait)}; peak ${this.peak} in flight).`,
          name: null,
          location: null,
          evidence: { requestCount: this.waited.count, maxWaitSeconds: this.maxWait, peakInFlight: this.peak },
        }),
      );
    }
    if (this.failed.count > 0 && this.model === '2.6') {
      out.push(
        this.failed.finding({
          rule: 'throttled-request',
          severity: 'error',
          message:
            `${plural(this.failed.count, 'request')} would have failed at once with -ENOMEM: ${MAX_KMOD_CONCURRENT} requests were ` +
            'already running (the 2.6-era limit, min(max_threads/2, 50)). The kernel prints ' +
            `"request_module: runaway loop modprobe NAME" for the first ${RUNAWAY_LOOP_LINES_PRINTED} such failures of a boot ` +
            `only: ${this.printed.join(', ')}.`,
          name: null,
          location: null,
          evidence: {
            requestCount: this.failed.count,
            peakInFlight: this.peak,
            errno: 'ENOMEM',
            runawayLinesFor: this.printed,
          },
        }),
      );
    } else if (this.failed.count > 0) {
      out.push(
        this.failed.finding({
          rule: 'throttled-request',
          severity: 'error',
          message: `${plural(this.failed.count, 'request')} would have failed with -ETIME: all ${MAX_KMOD_CONCURRENT} kmod slots stayed busy for more than ${MAX_KMOD_ALL_BUSY_TIMEOUT} s.`,
          name: null,
          location: null,
          evidence: { requestCount: this.failed.count, peakInFlight: this.peak },
        }),
      );
    }
    if (this.lost.count > 0) {
      out.push(
        this.lost.finding({
          rule: 'throttled-request',
          severity: 'error',
          message:
            `${plural(this.lost.count, 'request')} arrived while the one kmod thread waited for modprobe: ` +
            `${this.lost.count === 1 ? 'its name' : 'their names'} never reached modprobe (each request copies its name into ` +
            'the one module_name buffer, which the next request overwrites and the thread clears when modprobe exits), ' +
            'yet each returned 0.',
          name: null,
          location: null,
          evidence: { requestCount: this.lost.count },
        }),
      );
    }
    return out;
  }
}
