/**
 * The engine's front door: replay a trace file (streaming) or an editor buffer against the module metadata and,
 * optionally, a source index. The report is streamed to a ReportSink as it becomes known (requests in trace order
 * once complete, findings once they close), so nothing of it is retained; or collected into a Report.
 */
import { ChainTracker } from '../chains/chainTracker';
import type { TraceFormat, TraceReadSummary } from '../events';
import { openModuleDb, readLoadedModules, type ModuleDb } from '../modules';
import { ReportCollector, type Report, type ReportHead, type ReportSink, type ReportTail, type RequestRecord } from '../report';
import { ok, type Result } from '../result';
import { RULE_IDS } from '../rules/catalog';
import { duplicateRequestFinding, FoldedDuplicates, MAX_DUPLICATE_GROUPS_PER_NAME, type ModuleSizes } from '../rules/duplicateRequest';
import type { RecordedFinding } from '../rules/findingText';
import { KernelLogRule } from '../rules/kernelLog';
import { RequestLoopRule } from '../rules/requestLoop';
import { ThrottledRequestRule } from '../rules/throttledRequest';
import { UncheckedZeroReturnRule } from '../rules/uncheckedZeroReturn';
import { UndocumentedAliasRule } from '../rules/undocumentedAlias';
import { TOOL_NAME, TOOL_VERSION } from '../tool';
import { readTraceFile, readTraceText } from '../trace';
import { CallSiteLinker } from '../callSiteLinker';
import type { SourceIndex } from '../sourceIndex';
import { InTraceOrder } from './inTraceOrder';
import { Replayer } from './replayer';

export const DEFAULT_DUPS_WINDOW_SECONDS = 60;
/** A request whose provider has not loaded this long after it is taken to have loaded nothing. */
export const DEFAULT_SETTLE_SECONDS = 10;
/**
 * The kernel behaviour the replay models, as the reports name it: today's __request_module (50 kmod slots, a 5 s
 * wait, then -ETIME) with the duplicate tracking of kernel/module/dups.c.
 */
export const KERNEL_MODEL = 'kmod+dups.c';

export interface ReplayOptions {
  tracePath: string;
  traceFormat?: TraceFormat;
  modulesDir?: string;
  /** The module database already opened from `modulesDir` (saves opening it twice when the caller needs it too). */
  moduleDb?: ModuleDb;
  loadedPath?: string;
  /** The scanned sources: each request is linked to the lines that can have made its name. */
  source?: SourceIndex;
  dupsWindowSeconds?: number;
  settleSeconds?: number;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Awaited after each chunk of the trace: a sink that writes holds the replay there until its output caught up. */
  drain?: () => Promise<void>;
}

export interface ReplayInputs {
  modules: ModuleDb | null;
  loaded: ModuleSizes | null;
}

/** Replays a trace file into `sink`; returns the tail it ended the report with. */
export async function streamReplay(opts: ReplayOptions, sink: ReportSink): Promise<Result<ReportTail>> {
  const inputs = await openInputs(opts);
  if (!inputs.ok) return inputs;
  const session = new ReplaySession(opts, inputs.value, sink);
  const read = await readTraceFile(opts.tracePath, (e) => session.replayer.push(e), {
    ...(opts.traceFormat && { format: opts.traceFormat }),
    ...(opts.signal && { signal: opts.signal }),
    ...(opts.onProgress && { onProgress: opts.onProgress }),
    ...(opts.drain && { drain: opts.drain }),
  });
  if (!read.ok) return read;
  return ok(session.end(read.value));
}

/** Replays a trace file and keeps the whole report (the editor's: it shows every request). */
export async function replayTrace(opts: ReplayOptions): Promise<Result<Report>> {
  const collector = new ReportCollector();
  const tail = await streamReplay(opts, collector);
  return tail.ok ? ok(collector.report()) : tail;
}

/** Replays text already in memory (an editor buffer), with metadata the caller has opened. */
export function replayText(
  text: string,
  opts: Omit<ReplayOptions, 'tracePath' | 'onProgress' | 'signal' | 'drain' | 'modulesDir' | 'moduleDb' | 'loadedPath'> & { file: string } & Partial<ReplayInputs>,
): Result<Report> {
  const collector = new ReportCollector();
  const session = new ReplaySession({ ...opts, tracePath: opts.file }, { modules: opts.modules ?? null, loaded: opts.loaded ?? null }, collector);
  const read = readTraceText(text, (e) => session.replayer.push(e), { file: opts.file, ...(opts.traceFormat && { format: opts.traceFormat }) });
  if (!read.ok) return read;
  session.end(read.value);
  return ok(collector.report());
}

/** Opens the modules directory and the loaded-modules file named in the options. */
export async function openInputs(opts: Pick<ReplayOptions, 'modulesDir' | 'moduleDb' | 'loadedPath'>): Promise<Result<ReplayInputs>> {
  let modules: ModuleDb | null = opts.moduleDb ?? null;
  if (modules === null && opts.modulesDir !== undefined) {
    const db = await openModuleDb(opts.modulesDir);
    if (!db.ok) return db;
    modules = db.value;
  }
  let loaded: ModuleSizes | null = null;
  if (opts.loadedPath !== undefined) {
    const sizes = await readLoadedModules(opts.loadedPath);
    if (!sizes.ok) return sizes;
    loaded = { sizes: sizes.value, source: opts.loadedPath };
  }
  return ok({ modules, loaded });
}

/**
 * One replay: the replayer wired to the rules and to the sink. Requests go out in trace order as they complete;
 * duplicate groups as they close (in the order of their first requests); what the other rules collect per name or
 * call site goes out at the end, rule by rule.
 */
class ReplaySession {
  readonly replayer: Replayer;
  private readonly dupGroupsByName = new Map<string, number>();
  private readonly foldedDuplicates = new FoldedDuplicates();
  private readonly undocumented: UndocumentedAliasRule;
  private readonly zeroReturn: UncheckedZeroReturnRule;
  private readonly throttled = new ThrottledRequestRule();
  private readonly kernelLog = new KernelLogRule();
  private readonly requestLoop = new RequestLoopRule();
  private chains = 0;
  private readonly findingCounts = Object.fromEntries(RULE_IDS.map((id) => [id, 0])) as ReportTail['summary']['findings'];

  constructor(opts: ReplayOptions, inputs: ReplayInputs, private readonly sink: ReportSink) {
    const index = opts.source ?? null;
    const modules = inputs.modules;
    this.undocumented = new UndocumentedAliasRule(index);
    this.zeroReturn = new UncheckedZeroReturnRule(index && index.findings);
    const inOrder = new InTraceOrder((record, anchor) => {
      this.throttled.add(record, anchor);
      sink.request(record);
    });
    const settleSeconds = opts.settleSeconds ?? DEFAULT_SETTLE_SECONDS;
    this.replayer = new Replayer({
      resolver: inputs.modules,
      // Module paths from modules.dep pick which of several same-named static functions a module's symbol is.
      linker: index && new CallSiteLinker(index, modules && ((m: string) => modules.modulePath(m))),
      dupsWindowSeconds: opts.dupsWindowSeconds ?? DEFAULT_DUPS_WINDOW_SECONDS,
      settleSeconds,
      onRecord: (record, anchor) => {
        this.undocumented.add(record, anchor);
        this.zeroReturn.add(record, anchor);
        inOrder.add(record, anchor);
      },
      onDupsGroup: (group) => {
        if (group.repeats.length === 0) return;
        const shown = this.dupGroupsByName.get(group.name) ?? 0;
        this.dupGroupsByName.set(group.name, shown + 1);
        if (shown < MAX_DUPLICATE_GROUPS_PER_NAME) this.emit(duplicateRequestFinding(group, inputs.loaded));
        else this.foldedDuplicates.add(group);
      },
      onLogEvent: (e) => this.kernelLog.add(e),
      chains: new ChainTracker({
        modules,
        quietSeconds: settleSeconds,
        onChain: (chain, records) => {
          this.chains++;
          sink.chain(chain, records);
        },
        onLoop: (ancestor, repeat, levels) => this.requestLoop.add(ancestor, repeat, levels),
      }),
    });
    const head: ReportHead = {
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      traceFile: opts.tracePath,
      modulesDir: inputs.modules?.dir ?? null,
      sourceRoot: opts.source?.root ?? null,
      kernelDirectory: opts.source?.kernelDirectory ?? null,
      kernelModel: KERNEL_MODEL,
    };
    sink.begin(head);
  }

  private emit({ finding, records }: RecordedFinding): void {
    this.findingCounts[finding.rule]++;
    const byIndex = new Map<number, RequestRecord>();
    for (const r of records) byIndex.set(r.index, r);
    this.sink.finding(finding, byIndex);
  }

  /** The trace has been read: the rest of the findings, in rule order (as the text report groups them), then the tail. */
  end(read: TraceReadSummary): ReportTail {
    this.replayer.finish();
    const rest = [
      ...this.foldedDuplicates.findings(MAX_DUPLICATE_GROUPS_PER_NAME),
      ...this.undocumented.findings(),
      ...this.zeroReturn.findings(),
      ...this.throttled.findings(),
      ...this.kernelLog.findings(),
      ...this.requestLoop.findings(),
    ];
    const rank = (f: RecordedFinding) => RULE_IDS.indexOf(f.finding.rule);
    for (const f of rest.sort((a, b) => rank(a) - rank(b))) this.emit(f);
    const tail: ReportTail = {
      trace: {
        file: read.file,
        format: read.format,
        lines: read.lines,
        events: read.events,
        skippedLines: read.skippedLines,
        warnings: read.warnings,
        warningCount: read.warningCount,
      },
      summary: {
        requests: this.replayer.requests,
        loads: this.replayer.loads,
        frees: this.replayer.frees,
        distinctNames: this.replayer.distinctNames,
        chains: this.chains,
        findings: this.findingCounts,
      },
    };
    this.sink.end(tail);
    return tail;
  }
}
