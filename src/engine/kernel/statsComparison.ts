/**
 * The kernel's own count of duplicate loads (/sys/kernel/debug/modules/stats) beside the trace's, module by module:
 * its "Duplicate failed modules" rows against the trace's duplicate groups and the requests of them that would reach
 * finit_module() under the report's model.
 */
import { modnameNormalize } from '../modules/names';
import { canHaveModuleStats, hasIdempotentLoads, type KernelVersion } from './eras';
import type { FinitCost } from './finitRaces';
import type { DuplicateFailReason, ModuleStats, ModuleStatsCounters } from './moduleStats';
import type { ModuleSize, ModuleSizes } from './moduleSizes';

export type StatsVerdict = 'agree' | 'differ' | 'only-in-stats' | 'only-in-trace';

export interface ModuleStatsRow {
  /** The module's name (normalised, as the kernel prints it). */
  module: string;
  /** The size the byte figures use, when known. */
  size: ModuleSize | null;
  /** The kernel's row: failed duplicate loads, which check they failed, and what they held, up to (size known). */
  stats: { count: number; reason: DuplicateFailReason; vmallocBytes: number | null } | null;
  /**
   * The trace's duplicate groups of the names this module provides, their repeated requests, and how many of those
   * would reach finit_module() while another load of the module ran, with what they can hold (size known).
   */
  trace: { groups: number; duplicates: number; finitDuplicates: number; vmallocBytes: number | null } | null;
  verdict: StatsVerdict;
  /** Why the two differ, when they do. */
  why: string | null;
}

export interface ModuleStatsComparison {
  file: string;
  counters: ModuleStatsCounters;
  /** The trace's duplicates reaching finit_module() under the report's model, in all. */
  trace: FinitCost;
  modules: ModuleStatsRow[];
  /** The kernel printed 111 rows, its limit: more modules may have failed. */
  tableCut: boolean;
  /** Set when the traced kernel's version predates the stats file (6.4): they cannot be of the traced boot. */
  versionNote: string | null;
}

/** The trace's duplicate groups per module, as they close. */
export class DuplicateGroupsByModule {
  readonly modules = new Map<string, { groups: number; duplicates: number }>();

  add(providers: readonly string[], repeats: number): void {
    for (const key of new Set(providers.map(modnameNormalize))) {
      const m = this.modules.get(key);
      if (m) {
        m.groups++;
        m.duplicates += repeats;
      } else {
        this.modules.set(key, { groups: 1, duplicates: repeats });
      }
    }
  }
}

/**
 * Rows for every module the stats list, or the trace has a duplicate group or a finit_module() duplicate for.
 * `version`: the traced kernel's, which says whether it merges concurrent loads of one file (6.5+).
 */
export function compareModuleStats(
  stats: ModuleStats,
  groups: DuplicateGroupsByModule,
  finit: ReadonlyMap<string, FinitCost>,
  total: FinitCost,
  sizes: ModuleSizes,
  version: KernelVersion | null,
): ModuleStatsComparison {
  const idempotentLoads = hasIdempotentLoads(version);
  const names = new Set([
    ...stats.duplicates.map((d) => modnameNormalize(d.name)),
    ...groups.modules.keys(),
    ...finit.keys(),
  ]);
  const kernelRows = new Map(stats.duplicates.map((d) => [modnameNormalize(d.name), d]));
  const rows: ModuleStatsRow[] = [...names].sort().map((module) => {
    const k = kernelRows.get(module);
    const size = sizes.size(module);
    const statsSide = k
      ? {
          count: k.count,
          reason: k.reason,
          vmallocBytes: size && k.count * size.bytes * (k.reason === 'Becoming' ? 1 : 2),
        }
      : null;
    const g = groups.modules.get(module);
    const f = finit.get(module);
    const traceSide =
      g || f
        ? {
            groups: g?.groups ?? 0,
            duplicates: g?.duplicates ?? 0,
            finitDuplicates: f?.duplicates ?? 0,
            vmallocBytes: size && 2 * (f?.duplicates ?? 0) * size.bytes,
          }
        : null;
    const [verdict, why] = judge(statsSide?.count ?? 0, traceSide?.finitDuplicates ?? 0, idempotentLoads);
    return { module, size, stats: statsSide, trace: traceSide, verdict, why };
  });
  const versionNote =
    canHaveModuleStats(version) === false
      ? `kernel ${version!.text} predates /sys/kernel/debug/modules/stats (6.4): these stats are not of the traced boot`
      : null;
  return {
    file: stats.file,
    counters: stats.counters,
    trace: total,
    modules: rows,
    tableCut: stats.tableCut,
    versionNote,
  };
}

const OTHER_LOADERS =
  'finit_module() calls that are not requests: udev and modprobe run from userspace load modules themselves';
const MERGED =
  'on this kernel (6.5+) a finit_module() of a file already being loaded waits for that load and shares its result, which the stats never count';
const SKIPPED = 'the racing modprobe found the module already coming and did not call finit_module()';

function judge(inStats: number, inTrace: number, idempotent: boolean | null): [StatsVerdict, string | null] {
  const traceOnly =
    idempotent === true ? MERGED : idempotent === false ? SKIPPED : `${SKIPPED}; or, on 6.5 and later, ${MERGED}`;
  if (inStats === inTrace) return ['agree', null];
  if (inStats === 0) return ['only-in-trace', traceOnly];
  if (inTrace === 0) return ['only-in-stats', `${OTHER_LOADERS}, or loads outside the trace`];
  return ['differ', inStats > inTrace ? OTHER_LOADERS : traceOnly];
}
