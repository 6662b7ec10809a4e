/**
 * The engine's report of a replay: what the CLI prints (text, JSON, JSON Lines, SARIF) and what the extension shows.
 * A replay produces it as a stream (ReportSink: the head, each request and finding once known, the tail), so that
 * no output needs the whole report in memory; `Report` is the same report collected, for the editor.
 */
import type { TraceFormat, TraceWarning } from './events';
import type { KernelFigures } from './kernel/figures';
import type { ReturnBasis } from './kernel/model';
import type { Resolution } from './resolution';
import type { RuleId, Severity } from './rules/catalog';
import type { CallSiteLinkKind, KernelDirectoryInfo, LinkedLocation, NameOrigin, SourceLocation } from './sourceIndex';

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

/** What is known before the first event: printed first. */
export interface ReportHead {
  tool: ToolIdentity;
  /** The trace file as given, or null (a report built without one). */
  traceFile: string | null;
  modulesDir: string | null;
  sourceRoot: string | null;
  /** The kernel directory the source scan read macros from (present with a source index). */
  kernelDirectory: KernelDirectoryInfo | null;
  /** The kernel model the replay runs the requests through (kernel/model.ts: 2.1 | 2.6 | modern | dups). */
  kernelModel: string;
}

/** What is known once the trace has been read to its end: printed last. */
export interface ReportTail {
  trace: TraceFacts | null;
  summary: ReportSummary;
  /** The kernel model, why, what each model compared would have done, what duplicates cost, the kernel's stats. */
  kernel: KernelFigures | null;
}

/**
 * A replay report in the order it is known: the head, each request once its outcome is known (in trace order),
 * each finding once it closes (with the records of its requests that are still at hand, and of their anchors), each
 * request chain once complete (with the records of its requests), then the tail. Findings come grouped by rule,
 * rules in catalog order; chains in the order they complete.
 */
export interface ReportSink {
  begin(head: ReportHead): void;
  request(record: RequestRecord): void;
  finding(finding: Finding, requests: ReadonlyMap<number, RequestRecord>): void;
  chain(chain: Chain, requests: ReadonlyMap<number, RequestRecord>): void;
  end(tail: ReportTail): void;
}

/** The whole report in memory (the editor's, and a replay of text already in memory). */
export interface Report {
  schemaVersion: 1;
  tool: ToolIdentity;
  trace: TraceFacts | null;
  modulesDir: string | null;
  sourceRoot: string | null;
  kernelDirectory: KernelDirectoryInfo | null;
  kernelModel: string;
  summary: ReportSummary;
  kernel: KernelFigures | null;
  requests: RequestRecord[];
  findings: Finding[];
  chains: Chain[];
}

/** Collects a streamed report into a Report. */
export class ReportCollector implements ReportSink {
  private head: ReportHead | null = null;
  private tail: ReportTail | null = null;
  private readonly requests: RequestRecord[] = [];
  private readonly findings: Finding[] = [];
  private readonly chains: Chain[] = [];

  begin(head: ReportHead): void {
    this.head = head;
  }

  request(record: RequestRecord): void {
    this.requests.push(record);
  }

  finding(finding: Finding): void {
    this.findings.push(finding);
  }

  chain(chain: Chain): void {
    this.chains.push(chain);
  }

  end(tail: ReportTail): void {
    this.tail = tail;
  }

  /** The report once `end` was called. */
  report(): Report {
    const { head, tail } = this;
    if (head === null || tail === null) throw new Error('ReportCollector.report() before the report ended');
    return {
      schemaVersion: 1,
      tool: head.tool,
      trace: tail.trace,
      modulesDir: head.modulesDir,
      sourceRoot: head.sourceRoot,
      kernelDirectory: head.kernelDirectory,
      kernelModel: head.kernelModel,
      summary: tail.summary,
      kernel: tail.kernel,
      requests: this.requests,
      findings: this.findings,
      chains: this.chains,
    };
  }
}

/** Streams a report held in memory into a sink (the editor's export goes through the same renderers as the CLI). */
export function playReport(report: Report, sink: ReportSink): void {
  sink.begin({
    tool: report.tool,
    traceFile: report.trace?.file ?? null,
    modulesDir: report.modulesDir,
    sourceRoot: report.sourceRoot,
    kernelDirectory: report.kernelDirectory,
    kernelModel: report.kernelModel,
  });
  const byIndex = new Map<number, RequestRecord>();
  for (const r of report.requests) {
    byIndex.set(r.index, r);
    sink.request(r);
  }
  for (const c of report.chains) sink.chain(c, byIndex);
  for (const f of report.findings) sink.finding(f, byIndex);
  sink.end({ trace: report.trace, summary: report.summary, kernel: report.kernel });
}
