/**
 * The autoloaders that run one modprobe per request, limited by a count of requests in flight (KmodSlots):
 * - `2.6` (seed 001): `kmod_concurrent` is raised, and when it exceeds min(max_threads/2, 50) the request fails at
 *   once with -ENOMEM ("request_module: runaway loop modprobe NAME", printed five times at most). max_threads/2 is
 *   taken to be at least 50 (any machine with more than a few MB of memory): a 51st request in flight fails.
 * - `modern` (seed 000): 50 slots; a request that finds none waits up to 5 s for one, then fails with -ETIME.
 * - `dups` (seed 004): modern, then dups.c, after the slot is taken: a duplicate of a live wait=1 anchor runs no
 *   modprobe; a wait=1 duplicate keeps its slot until the anchor completes and returns the anchor's value, a nowait
 *   duplicate returns 0 at once.
 * A wait=1 request returns modprobe's exit status, a nowait one 0 once modprobe is exec'd.
 */
import type { RequestRecord } from '../report';
import { KmodSlots, MAX_KMOD_CONCURRENT } from './kmodSlots';
import {
  ENOMEM,
  ETIME,
  modprobeReturn,
  presentBefore,
  provides,
  type KernelModel,
  type ReturnListener,
  type Verdict,
} from './model';

/** 2.6-era kmod.c prints its runaway-loop line while `kmod_loop_msg++ < 5`: for the first five failures of a boot. */
export const RUNAWAY_LOOP_LINES_PRINTED = 5;

export class SlotKmod implements KernelModel {
  private readonly slots: KmodSlots;
  /** dups: wait=1 requests that failed for want of a slot, which therefore anchored nothing. */
  private readonly failedFirsts = new WeakSet<RequestRecord>();

  constructor(
    readonly id: '2.6' | 'modern' | 'dups',
    private readonly onReturn: ReturnListener,
  ) {
    // 2.6 does not wait: a request that finds every slot held fails there and then.
    this.slots = id === '2.6' ? new KmodSlots(MAX_KMOD_CONCURRENT, 0) : new KmodSlots();
  }

  decide(r: RequestRecord, anchor: RequestRecord | null): Verdict {
    // A request whose anchor failed before the dups.c check is not converged on it (an edge: 5 s of 50 busy slots).
    const converged = this.id === 'dups' && anchor !== null && r.duplicateOf !== null && !this.failedFirsts.has(anchor);
    const hold = !r.wait ? 0 : converged ? Math.max(0, anchor.completedAt - r.time) : r.completedAt - r.time;
    const slot = this.slots.acquire(r.time, hold);
    const verdict: Verdict = {
      returnValue: null,
      returnBasis: null,
      modprobeRan: false,
      modprobeAt: r.time + slot.waited,
      waited: slot.waited,
      inFlight: slot.inFlight,
      failure: null,
      nameLost: false,
    };
    if (slot.failed) {
      verdict.failure = this.id === '2.6' ? 'ENOMEM' : 'ETIME';
      verdict.returnValue = this.id === '2.6' ? -ENOMEM : -ETIME;
      verdict.returnBasis = 'kernel';
      if (r.wait) this.failedFirsts.add(r);
      this.onReturn(r, anchor, verdict.returnValue, null);
      return verdict;
    }
    if (converged) {
      const a = anchor;
      verdict.returnValue = r.wait ? modprobeReturn(a) : 0;
      verdict.returnBasis = r.wait ? (verdict.returnValue === null ? null : 'anchor') : 'kernel';
      // While the anchor's modprobe still ran, its result answers this caller; after it, only what was there.
      this.onReturn(r, a, verdict.returnValue, r.time < a.completedAt ? provides(a.outcome) : presentBefore(r.outcome));
      return verdict;
    }
    verdict.modprobeRan = true;
    verdict.returnValue = r.wait ? modprobeReturn(r) : 0;
    verdict.returnBasis = verdict.returnValue === null ? null : r.wait ? 'modprobe' : 'kernel';
    this.onReturn(r, anchor, verdict.returnValue, provides(r.outcome));
    return verdict;
  }

  finish(): void {}
}
