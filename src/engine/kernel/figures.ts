/** What a replay's report says of the kernel model at its end: the model and why, the counts, the costs, the stats. */
import type { ModelTally } from './kernelModels';
import type { KernelModelId } from './model';
import type { ModuleStatsComparison } from './statsComparison';

export interface KernelFigures {
  /** The model whose verdicts the requests carry. */
  model: KernelModelId;
  /** Why that model: given, or how `auto` chose it. */
  basis: string;
  /** The traced kernel's version (`--kernel-version`, else the modules directory's path), or null. */
  version: string | null;
  /** 6.5+: concurrent loads of one module file share one load; null when the version is unknown. */
  idempotentLoads: boolean | null;
  /** The chosen model's counts, then, with --compare-models, the other models'. */
  models: ModelTally[];
  /** With --module-stats: the kernel's own counts of failed duplicate loads beside the trace's. */
  moduleStats: ModuleStatsComparison | null;
}
