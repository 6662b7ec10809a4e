/**
 * The autoloaders of the kernel's eras (the seed documents), as models a replay runs each request through: what its
 * caller would have received, and whether modprobe would have run for its name.
 */
import type { Outcome, RequestRecord, ReturnBasis } from '../report';

export const KERNEL_MODEL_IDS = ['2.1', '2.6', 'modern', 'dups'] as const;
export type KernelModelId = (typeof KERNEL_MODEL_IDS)[number];
export const KERNEL_MODEL_CHOICES = ['auto', ...KERNEL_MODEL_IDS] as const;
export type KernelModelChoice = (typeof KERNEL_MODEL_CHOICES)[number];

/** What each model is, in a line (the reports' words). */
export const KERNEL_MODEL_TITLES: Readonly<Record<KernelModelId, string>> = {
  '2.1': 'one kmod thread and one shared name buffer; every request returns 0 (2.1-era kmod.c)',
  '2.6': 'at most min(max_threads/2, 50) requests at once; the next fails at once with -ENOMEM (2.6-era kmod.c)',
  modern: '50 kmod slots; a request waits up to 5 s for one, then fails with -ETIME (kernel/module/kmod.c)',
  dups: 'modern, plus kernel/module/dups.c: a duplicate waits for the first request and shares its return value',
};

/** errno values as __request_module returns them (negated). */
export const ENOMEM = 12;
export const ETIME = 62;
/**
 * modprobe's exit status 1 as __request_module returns it: call_usermodehelper_exec() hands back the wait status,
 * the exit status shifted left by 8.
 */
const MODPROBE_EXIT_1 = 256;

/** What a model says of one request. */
export interface Verdict {
  /** What the caller gets, or null when the trace cannot tell. */
  returnValue: number | null;
  returnBasis: ReturnBasis | null;
  modprobeRan: boolean;
  /** When modprobe started for it: the request's time plus any wait for a kmod slot (meaningless when it did not run). */
  modprobeAt: number;
  /** Seconds it waited for a kmod slot. */
  waited: number;
  /** Requests holding a kmod slot (or, 2.1, the kmod thread) when it arrived. */
  inFlight: number;
  /** Failed before modprobe: no kmod slot within 5 s (modern), or too many running (2.6). */
  failure: 'ETIME' | 'ENOMEM' | null;
  /** 2.1: the request arrived while the kmod thread waited for modprobe; its name never reached modprobe. */
  nameLost: boolean;
}

/**
 * A caller has resumed with `returnValue`; `provided`: whether a module (or the built-in) answered its name by then
 * (for request_module_nowait(), whose caller never waits, whether one answered it at all), null when unknown.
 */
export type ReturnListener = (
  r: RequestRecord,
  anchor: RequestRecord | null,
  returnValue: number | null,
  provided: boolean | null,
) => void;

/**
 * One era's autoloader. Requests come in trace order with their completion known (the slots admit in arrival
 * order); `anchor` is the request's dups.c anchor when it duplicates one.
 */
export interface KernelModel {
  readonly id: KernelModelId;
  decide(r: RequestRecord, anchor: RequestRecord | null): Verdict;
  /** The end of the trace: callers still asleep resume. */
  finish(): void;
}

/**
 * The return of a wait=1 request whose modprobe ran, as far as the trace and the modules metadata tell: modprobe
 * exits 0 when the name is built in, already loaded, or its modules loaded, and 1 when nothing provides the name
 * (modprobe.d is not read). A provider that did not load leaves it unknown, and so does an unknown resolution.
 */
export function modprobeReturn(r: Pick<RequestRecord, 'outcome' | 'resolution'>): number | null {
  switch (r.outcome) {
    case 'loaded':
    case 'already-loaded':
    case 'builtin':
      return 0;
    case 'nothing-loaded':
      return r.resolution.kind === 'none' ? MODPROBE_EXIT_1 : null;
    case 'unknown':
      return null;
  }
}

/** Whether the request's name was answered once it completed. */
export function provides(outcome: Outcome): boolean | null {
  if (outcome === 'unknown') return null;
  return outcome !== 'nothing-loaded';
}

/** Whether the request's name was answered before it was made (already loaded, or built in). */
export function presentBefore(outcome: Outcome): boolean | null {
  if (outcome === 'unknown') return null;
  return outcome === 'already-loaded' || outcome === 'builtin';
}
