/**
 * Which autoloader a kernel version has, and which of its module-loading features: the `auto` choice of model, and
 * what a duplicate costs on the traced kernel.
 */
import type { KernelModelChoice, KernelModelId } from './model';

export interface KernelVersion {
  /** As given (`6.1.0-50-amd64`). */
  text: string;
  major: number;
  minor: number;
}

/** `6.1.0-50-amd64` → 6.1; null when the text does not start with MAJOR.MINOR. */
export function parseKernelVersion(text: string): KernelVersion | null {
  const m = /^(\d+)\.(\d+)/.exec(text.trim());
  return m === null ? null : { text: text.trim(), major: Number(m[1]), minor: Number(m[2]) };
}

function atLeast(v: KernelVersion, [major, minor]: readonly [number, number]): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** 2.2 reorganised kmod.c "not to be a daemon": one thread per request instead of the single kmod thread. */
const PER_REQUEST_THREADS = [2, 2] as const;
/** 4.13, "kmod: throttle kmod thread limit": wait up to 5 s for one of 50 slots instead of failing with -ENOMEM. */
const THROTTLE = [4, 13] as const;
/** 6.4: kernel/module/dups.c (CONFIG_MODULE_DEBUG_AUTOLOAD_DUPS) and kernel/module/stats.c (CONFIG_MODULE_STATS). */
const DUPS_AND_STATS = [6, 4] as const;
/**
 * 6.5, "modules: catch concurrent module loads, treat them as idempotent" (`struct idempotent` in
 * kernel/module/main.c): a finit_module() of a file already being loaded waits for that load and shares its result.
 */
const IDEMPOTENT_LOADS = [6, 5] as const;

/** Whether concurrent loads of one module file share one load (null: version unknown). */
export function hasIdempotentLoads(v: KernelVersion | null): boolean | null {
  return v === null ? null : atLeast(v, IDEMPOTENT_LOADS);
}

/** Whether the kernel can have /sys/kernel/debug/modules/stats (CONFIG_MODULE_STATS, debugfs). */
export function canHaveModuleStats(v: KernelVersion | null): boolean | null {
  return v === null ? null : atLeast(v, DUPS_AND_STATS);
}

export interface ModelChoice {
  model: KernelModelId;
  /** Why, in words: the option given, or how `auto` decided. */
  basis: string;
}

/**
 * The model for `choice`. `auto` goes by the kernel version: the single kmod thread before 2.2, the runaway-loop
 * limit up to 4.12, the 5 s throttle from 4.13; dups.c is a debug option distribution kernels leave off, so `auto`
 * takes it only when the trace's kernel log shows its `module-autoload:` lines.
 */
export function chooseKernelModel(
  choice: KernelModelChoice,
  version: { version: KernelVersion; from: string } | null,
  dupsLines: boolean,
): ModelChoice {
  if (choice !== 'auto') return { model: choice, basis: `given (--kernel-model ${choice})` };
  if (version !== null) {
    const v = version.version;
    const which = `kernel ${v.text} (${version.from})`;
    if (!atLeast(v, PER_REQUEST_THREADS)) return { model: '2.1', basis: `auto: ${which} is older than 2.2` };
    if (!atLeast(v, THROTTLE)) return { model: '2.6', basis: `auto: ${which} is older than 4.13` };
    return dupsLines
      ? { model: 'dups', basis: `auto: ${which}, and the trace's kernel log shows module-autoload: lines` }
      : { model: 'modern', basis: `auto: ${which} is 4.13 or later, and the trace shows no module-autoload: lines` };
  }
  return dupsLines
    ? { model: 'dups', basis: "auto: the trace's kernel log shows module-autoload: lines (kernel version unknown)" }
    : { model: 'modern', basis: 'auto: kernel version unknown, and the trace shows no module-autoload: lines' };
}
