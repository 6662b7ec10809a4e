/**
 * The `kmod_concurrent_max` throttle of __request_module: 50 slots; a request that finds none waits up to
 * MAX_KMOD_ALL_BUSY_TIMEOUT (5 s) for one and then fails with -ETIME. A wait=1 request holds its slot until
 * modprobe exits (approximated by the request's completion); a nowait request only until the exec.
 * Requests must be admitted in arrival order, with their release times known.
 */
export const MAX_KMOD_CONCURRENT = 50;
export const MAX_KMOD_ALL_BUSY_TIMEOUT = 5;

export interface SlotVerdict {
  /** Requests holding a slot when this one arrived. */
  inFlight: number;
  /** Seconds it would have waited for a slot (0 when one was free). */
  waited: number;
  /** True when no slot would have freed within the timeout: -ETIME. */
  failed: boolean;
}

export class KmodSlots {
  /** Min-heap of the release times of the slots in use. */
  private readonly releases: number[] = [];

  constructor(
    private readonly slots = MAX_KMOD_CONCURRENT,
    private readonly timeout = MAX_KMOD_ALL_BUSY_TIMEOUT,
  ) {}

  /** Admits a request arriving at `time` whose slot would be held for `hold` seconds once taken. */
  acquire(time: number, hold: number): SlotVerdict {
    while (this.releases.length > 0 && this.releases[0] <= time) this.pop();
    const inFlight = this.releases.length;
    if (inFlight < this.slots) {
      this.push(time + hold);
      return { inFlight, waited: 0, failed: false };
    }
    const waited = this.releases[0] - time;
    if (waited > this.timeout) return { inFlight, waited: this.timeout, failed: true };
    this.pop();
    this.push(time + waited + hold);
    return { inFlight, waited, failed: false };
  }

  private push(v: number): void {
    const h = this.releases;
    h.push(v);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p] <= h[i]) return;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private pop(): void {
    const h = this.releases;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l] < h[m]) m = l;
      if (r < h.length && h[r] < h[m]) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
