/**
 * Duplicates that reach finit_module(): a request whose modprobe starts while another modprobe is loading one of
 * its name's modules (from that modprobe's start to the module's module_load). modprobe checks whether the module is
 * in the kernel first, and a module is "coming" from about its module_load on; before that, the second modprobe
 * reads the file and calls finit_module() too. Without the idempotent loads of 6.5 that call allocates before it
 * fails: kernel/module/stats.c counts 2 × len for a load that fails after layout_and_allocate(), 1 × len for one that
 * fails its "becoming" check; up to 2 × the size each is what is counted here. With them it waits for the first
 * load and shares its result: it costs its modprobe run, not memory.
 */
import type { RequestRecord } from '../report';
import { modnameNormalize } from '../modules/names';
import type { Verdict } from './model';
import type { ModuleSizes } from './moduleSizes';

export interface FinitCost {
  /** Requests whose modprobe would call finit_module() for a module another modprobe was still loading. */
  duplicates: number;
  /** Up to 2 × the module size each, for those whose size is known (kernels without idempotent loads). */
  vmallocBytes: number;
  /** Duplicates whose modules' sizes are unknown (not in vmallocBytes). */
  withoutSize: number;
  /** Some sizes are those of compressed `.ko` files: the kernel allocates more. */
  compressedSizes: boolean;
}

export class FinitRaces {
  readonly total: FinitCost = { duplicates: 0, vmallocBytes: 0, withoutSize: 0, compressedSizes: false };
  /** Per module (normalised name), when asked for: the module-by-module view beside the kernel's own stats. */
  readonly byModule: Map<string, FinitCost> | null;
  /** Modules being loaded, by normalised name: when their module_load came (the end of the race window). */
  private readonly loading = new Map<string, number>();
  private nextPrune = 0;

  constructor(
    private readonly sizes: ModuleSizes,
    byModule: boolean,
  ) {
    this.byModule = byModule ? new Map() : null;
  }

  /** Requests in trace order, with their model's verdict. */
  add(r: RequestRecord, v: Verdict): void {
    if (r.time >= this.nextPrune) this.prune(r.time);
    if (!v.modprobeRan) return;
    if (this.loading.size > 0) this.race(r, v.modprobeAt);
    if (r.outcome !== 'loaded') return;
    for (const m of r.loadedModules) {
      const key = modnameNormalize(m);
      const until = this.loading.get(key);
      if (until === undefined || until <= v.modprobeAt) this.loading.set(key, r.completedAt);
    }
  }

  private race(r: RequestRecord, at: number): void {
    const racing: string[] = [];
    for (const m of r.resolution.modules) {
      const key = modnameNormalize(m);
      const until = this.loading.get(key);
      if (until !== undefined && until > at && !racing.includes(key)) racing.push(key);
    }
    if (racing.length === 0) return;
    count(
      this.total,
      racing.map((m) => this.sizes.size(m)),
    );
    if (this.byModule !== null) {
      for (const m of racing) {
        let cost = this.byModule.get(m);
        if (!cost)
          this.byModule.set(m, (cost = { duplicates: 0, vmallocBytes: 0, withoutSize: 0, compressedSizes: false }));
        count(cost, [this.sizes.size(m)]);
      }
    }
  }

  private prune(time: number): void {
    this.nextPrune = time + 1;
    for (const [key, until] of this.loading) if (until <= time) this.loading.delete(key);
  }
}

function count(cost: FinitCost, sizes: ReturnType<ModuleSizes['size']>[]): void {
  cost.duplicates++;
  if (sizes.some((s) => s === null)) {
    cost.withoutSize++;
    return;
  }
  for (const s of sizes) {
    cost.vmallocBytes += 2 * s!.bytes;
    if (s!.compressed) cost.compressedSizes = true;
  }
}
