/**
 * Runs a replay's requests through the chosen kernel model (whose verdict each record carries: `returnValue`,
 * `returnBasis`, `modprobeRan`) and, to compare them, through the others; counts what each would have done.
 */
import type { RequestRecord } from '../report';
import { FinitRaces, type FinitCost } from './finitRaces';
import { KERNEL_MODEL_IDS, type KernelModel, type KernelModelId, type ReturnListener, type Verdict } from './model';
import type { ModuleSizes } from './moduleSizes';
import { OneThreadKmod } from './oneThread';
import { SlotKmod } from './slotModels';

/** What one model would have done with the trace's requests. */
export interface ModelTally {
  model: KernelModelId;
  requests: number;
  modprobeRuns: number;
  /** Requests that return an error: a negative errno, or modprobe's exit status. */
  failed: number;
  /** Requests that return 0 while nothing answers their name (see ReturnListener). */
  zeroWithoutModule: number;
  /** Requests whose return the trace cannot tell. */
  unknownReturns: number;
  /** Requests that waited for a kmod slot (modern, dups). */
  waited: number;
  /** 2.1: requests whose name never reached modprobe. */
  namesLost: number;
  /** Duplicates that would reach finit_module(), and what they can cost (see finitRaces.ts). */
  finit: FinitCost;
}

function createKernelModel(id: KernelModelId, onReturn: ReturnListener): KernelModel {
  return id === '2.1' ? new OneThreadKmod(onReturn) : new SlotKmod(id, onReturn);
}

interface ModelRun {
  model: KernelModel;
  tally: ModelTally;
  races: FinitRaces;
}

export interface KernelModelsOptions {
  chosen: KernelModelId;
  /** Also run the other models, for the compare-models table. */
  compare: boolean;
  sizes: ModuleSizes;
  /** Keep the chosen model's finit_module() duplicates per module (for the kernel's module stats). */
  finitByModule: boolean;
  /** A caller of the chosen model resumed with 0 while nothing answered its name. */
  onZeroWithoutModule?: (r: RequestRecord, anchor: RequestRecord | null) => void;
}

export class KernelModels {
  readonly chosen: KernelModelId;
  /** The chosen model's run first. */
  private readonly runs: ModelRun[];

  constructor(opts: KernelModelsOptions) {
    this.chosen = opts.chosen;
    const ids = opts.compare ? [opts.chosen, ...KERNEL_MODEL_IDS.filter((id) => id !== opts.chosen)] : [opts.chosen];
    this.runs = ids.map((id, i) => {
      const tally: ModelTally = {
        model: id,
        requests: 0,
        modprobeRuns: 0,
        failed: 0,
        zeroWithoutModule: 0,
        unknownReturns: 0,
        waited: 0,
        namesLost: 0,
        finit: { duplicates: 0, vmallocBytes: 0, withoutSize: 0, compressedSizes: false },
      };
      const onZero = i === 0 ? opts.onZeroWithoutModule : undefined;
      const model = createKernelModel(id, (r, anchor, value, provided) => {
        if (value !== 0 || provided !== false) return;
        tally.zeroWithoutModule++;
        onZero?.(r, anchor);
      });
      const races = new FinitRaces(opts.sizes, i === 0 && opts.finitByModule);
      tally.finit = races.total;
      return { model, tally, races };
    });
  }

  /** Decides `r` under every model run; `r` gets the chosen one's verdict, which is returned. */
  decide(r: RequestRecord, anchor: RequestRecord | null): Verdict {
    let chosen: Verdict | null = null;
    for (const run of this.runs) {
      const v = run.model.decide(r, anchor);
      const t = run.tally;
      t.requests++;
      if (v.modprobeRan) t.modprobeRuns++;
      if (v.returnValue === null) t.unknownReturns++;
      else if (v.returnValue !== 0) t.failed++;
      if (v.waited > 0 && v.failure === null) t.waited++;
      if (v.nameLost) t.namesLost++;
      run.races.add(r, v);
      chosen ??= v;
    }
    r.returnValue = chosen!.returnValue;
    r.returnBasis = chosen!.returnBasis;
    r.modprobeRan = chosen!.modprobeRan;
    return chosen!;
  }

  finish(): void {
    for (const run of this.runs) run.model.finish();
  }

  /** The chosen model's tally first, then the others' (when compared). */
  tallies(): ModelTally[] {
    return this.runs.map((run) => run.tally);
  }

  /** The chosen model's finit_module() duplicates per module, when kept. */
  finitByModule(): ReadonlyMap<string, FinitCost> | null {
    return this.runs[0].races.byModule;
  }
}
