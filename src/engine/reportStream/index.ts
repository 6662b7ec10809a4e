/**
 * A replay report in the order it is known (ReportSink), and the same report collected in memory (Report, for the
 * editor): so that no output needs the whole report in memory.
 */
import type { KernelFigures } from '../kernel/figures';
import type { RequestRecord, Finding, Chain, ReportSummary, TraceFacts, ToolIdentity } from '../report';
import type { KernelDirectoryInfo } from '../sourceIndex';

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
