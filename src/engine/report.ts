/**
 * How a return value is known: `kernel`, the model's own code decides it (-ETIME, -ENOMEM, 2.1's 0, the 0 of a
 * nowait request once modprobe is exec'd, the 0 dups.c gives a nowait duplicate); `modprobe`, modprobe's exit status
 * inferred from the name's resolution and the loads; `anchor`, a dups.c duplicate shares its first request's.
 */
export type ReturnBasis = 'kernel' | 'modprobe' | 'anchor';

/**
 * The records of a replay's report: each request, finding and chain, the summary and the trace's facts. How a whole
 * report is streamed and collected (ReportSink, Report) is in reportStream/.
 */
import type { TraceFormat, TraceWarning } from './events';
import type { Resolution } from './resolution';
import type { RuleId, Severity } from './ruleCatalog';
import type { CallSiteLinkKind, LinkedLocation, NameOrigin, SourceLocation } from './sourceIndex';

export type Outcome = 'loaded' | 'already-loaded' | 'builtin' | 'nothing-loaded' | 'unknown';

/**
 * One module_request and what became of it. The reports print every field a record has, in the order the replayer
 * creates them (this order), so a field added here reaches JSON and JSON Lines without a renderer change.
 */
export interface RequestRecord {
  /** 0-based position among the trace's module_request events. */
  index: number;
  line: number;
  time: number;
  task: string;
  pid: number;
  cpu: number;
  name: string;
  wait: boolean;
  callSite: {
    symbol: string;
    module: string | null;
    /** Present when a source index was given: how the symbol and the requested name link to source (sourceIndex.ts). */
    link?: CallSiteLinkKind;
    /** The call sites that can have made this name, each with how it was reached. */
    locations?: LinkedLocation[];
    /** For a name queued by a deferred wrapper and requested later: the calls that made the name. */
    origins?: NameOrigin[];
    /** For a `stale` link: call sites elsewhere whose name shapes this name fits. */
    fits?: SourceLocation[];
  } | null;
  resolution: Resolution;
  outcome: Outcome;
  /** Index of the anchor request when this one is a duplicate under dups.c rules. */
  duplicateOf: number | null;
  /** The module whose init was running in the requesting task (or the task it made its crypto test for), or null. */
  initOf: string | null;
  /** Index of the request on whose behalf this one was made, or null when userspace asked (chains/). */
  causedBy: number | null;
  /** Modules whose module_load completed this request. */
  loadedModules: string[];
  /** Time the request completed (the provider's module_load, or the request itself). */
  completedAt: number;
  /**
   * What the caller would have received under the report's kernel model: 0, a negative errno (-62 -ETIME, -12
   * -ENOMEM), modprobe's exit status as the kernel returns it (256 for exit status 1), or null when the trace cannot
   * tell.
   */
  returnValue: number | null;
  /** How `returnValue` is known (kernel/model.ts), null with it. */
  returnBasis: ReturnBasis | null;
  /** Whether modprobe would have run for this request's name under the report's kernel model. */
  modprobeRan: boolean;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  name: string | null;
  /** Indexes into `requests`. */
  requests: number[];
  /** Where to show it: a source line when known, else null (the trace lines are in `traceLines`). */
  location: SourceLocation | null;
  /** 1-based trace lines involved: those of `requests`, in the same order, then any others (kernel log lines). */
  traceLines: number[];
  /** Rule-specific evidence (a person reads `message`; tools read this). */
  evidence: Record<string, unknown>;
}

/**
 * A request and every request made on its behalf, transitively (a module's init requesting more, crypto templates
 * instantiated for it): only chains of at least two requests are reported.
 */
export interface Chain {
  /** Index of the request that started it, made by userspace. */
  root: number;
  /** The root's name. */
  name: string;
  /** Indexes of its requests in trace order, the root first (at most 1,000; `requestCount` has the total). */
  requests: number[];
  requestCount: number;
  /** Levels of requests below the root: 1 when the root's requests made none. */
  depth: number;
  /** From the root request to the chain's last module load (to its last request when it loaded nothing). */
  seconds: number;
  /** Modules loaded on the chain's behalf, dependencies included, in load order. */
  modules: string[];
}

export interface ReportSummary {
  requests: number;
  loads: number;
  frees: number;
  distinctNames: number;
  /** The kernel model the requests' return values are under (kernel/model.ts). */
  kernelModel: string;
  /** Request chains reported (`Chain`). */
  chains: number;
  /** Count of findings per rule id. */
  findings: Record<RuleId, number>;
}

/** What the trace reader found, known once the whole trace is read. */
export interface TraceFacts {
  file: string;
  format: TraceFormat;
  lines: number;
  events: number;
  skippedLines: number;
  warnings: TraceWarning[];
  warningCount: number;
  /** Timestamp of the trace's first event of any kind (seconds as the trace prints them), or null without events. */
  firstEventTime: number | null;
}

export interface ToolIdentity {
  name: string;
  version: string;
}
