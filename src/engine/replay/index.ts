/**
 * The engine's front door: replay a trace file (streaming) or an editor buffer against the module metadata and,
 * optionally, a source index. The report is streamed to a ReportSink as it becomes known (requests in trace order
 * once complete, findings once they close), so nothing of it is retained; or collected into a Report.
 */
import { ChainTracker } from '../chains/chainTracker';
import type { TraceEvent, TraceFormat, TraceReadSummary } from '../events';
import { chooseKernelModel, hasIdempotentLoads, parseKernelVersion, type KernelVersion } from '../kernel/eras';
import type { KernelFigures } from '../kernel/figures';
import { KernelModels } from '../kernel/kernelModels';
import type { KernelModelChoice } from '../kernel/model';
import { readModuleStats, type ModuleStats } from '../kernel/moduleStats';
import { ModuleSizes, type LoadedModuleSizes } from '../kernel/moduleSizes';
import { compareModuleStats, DuplicateGroupsByModule } from '../kernel/statsComparison';
import { openModuleDb, readLoadedModules, type ModuleDb } from '../modules';
import type { RequestRecord } from '../report';
import { ReportCollector, type Report, type ReportHead, type ReportSink, type ReportTail } from '../reportStream/index';
import { err, ok, type AutoloadError, type Result } from '../result';
import { RULE_IDS } from '../ruleCatalog';
import {
  duplicateRequestFinding,
  FoldedDuplicates,
  MAX_DUPLICATE_GROUPS_PER_NAME,
  type DuplicateCosts,
} from '../rules/duplicateRequest';
import type { RecordedFinding } from '../findings/findingText';
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
  /** The kernel model the requests run through (default `auto`: kernel/eras.ts). */
  kernelModel?: KernelModelChoice;
  /** The traced kernel's version (`uname -r`), for `auto` and the costs; else the modules directory's path says it. */
  kernelVersion?: string;
  /** Also run every other kernel model, for the compare-models table. */
  compareModels?: boolean;
  /** A copy of /sys/kernel/debug/modules/stats from the traced boot, to set beside the trace's duplicates. */
  moduleStatsPath?: string;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Awaited after each chunk of the trace: a sink that writes holds the replay there until its output caught up. */
  drain?: () => Promise<void>;
}

export interface ReplayInputs {
  modules: ModuleDb | null;
  loaded: LoadedModuleSizes | null;
  moduleStats: ModuleStats | null;
}

/**
 * How far an event's time may fall behind the latest before the replay refuses the trace. One boot's readers hand on
 * events in time order, give or take what merging the CPUs' buffers or log lines leaves (microseconds, which the
 * replay takes as the latest time); time that starts again means another boot's events follow, and the replay's
 * windows (dups.c's 60 s, the settling of requests) would join the two, with memory growing as the trace.
 */
export const MAX_TIME_BACK_SECONDS = 1;

/** Where the time of a trace went back: its line, the time there, and the latest time before it. */
interface TimeWentBack {
  line: number;
  time: number;
  latest: number;
  latestLine: number;
}

function timeGoesBack(file: string, at: TimeWentBack): AutoloadError {
  const seconds = (t: number) => t.toFixed(6);
  return {
    code: 'time-goes-back',
    file,
    line: at.line,
    message: `time goes back ${seconds(at.latest - at.time)} s here (to ${seconds(at.time)} s, after ${seconds(at.latest)} s at line ${at.latestLine}): a replay needs one boot's events in time order, and another boot's seem to follow`,
    hint: "replay each boot's trace on its own: split the file where the time starts again (of a kernel log, journalctl -k -b gives one boot)",
  };
}

/** Replays a trace file into `sink`; returns the tail it ended the report with. */
export async function streamReplay(opts: ReplayOptions, sink: ReportSink): Promise<Result<ReportTail>> {
  const inputs = await openInputs(opts);
  if (!inputs.ok) return inputs;
  const version = kernelVersionOf(opts.kernelVersion, inputs.value.modules);
  if (!version.ok) return version;
  const session = new ReplaySession(opts, inputs.value, version.value, sink);
  // Reading stops where the time goes back: nothing after it is replayed.
  const stop = new AbortController();
  const read = await readTraceFile(
    opts.tracePath,
    (e) => {
      if (!session.push(e)) stop.abort();
    },
    {
      ...(opts.traceFormat && { format: opts.traceFormat }),
      signal: opts.signal ? AbortSignal.any([opts.signal, stop.signal]) : stop.signal,
      ...(opts.onProgress && { onProgress: opts.onProgress }),
      ...(opts.drain && { drain: opts.drain }),
    },
  );
  if (session.timeWentBack) return err(timeGoesBack(opts.tracePath, session.timeWentBack));
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
  opts: Omit<
    ReplayOptions,
    'tracePath' | 'onProgress' | 'signal' | 'drain' | 'modulesDir' | 'moduleDb' | 'loadedPath' | 'moduleStatsPath'
  > & { file: string } & Partial<ReplayInputs>,
): Result<Report> {
  const collector = new ReportCollector();
  const inputs = { modules: opts.modules ?? null, loaded: opts.loaded ?? null, moduleStats: opts.moduleStats ?? null };
  const version = kernelVersionOf(opts.kernelVersion, inputs.modules);
  if (!version.ok) return version;
  const session = new ReplaySession({ ...opts, tracePath: opts.file }, inputs, version.value, collector);
  const read = readTraceText(text, (e) => void session.push(e), {
    file: opts.file,
    ...(opts.traceFormat && { format: opts.traceFormat }),
  });
  if (session.timeWentBack) return err(timeGoesBack(opts.file, session.timeWentBack));
  if (!read.ok) return read;
  session.end(read.value);
  return ok(collector.report());
}

/** Opens the modules directory, the loaded-modules file and the module stats named in the options. */
export async function openInputs(
  opts: Pick<ReplayOptions, 'modulesDir' | 'moduleDb' | 'loadedPath' | 'moduleStatsPath'>,
): Promise<Result<ReplayInputs>> {
  let modules: ModuleDb | null = opts.moduleDb ?? null;
  if (modules === null && opts.modulesDir !== undefined) {
    const db = await openModuleDb(opts.modulesDir);
    if (!db.ok) return db;
    modules = db.value;
  }
  let loaded: LoadedModuleSizes | null = null;
  if (opts.loadedPath !== undefined) {
    const sizes = await readLoadedModules(opts.loadedPath);
    if (!sizes.ok) return sizes;
    loaded = { sizes: sizes.value, source: opts.loadedPath };
  }
  let moduleStats: ModuleStats | null = null;
  if (opts.moduleStatsPath !== undefined) {
    const stats = await readModuleStats(opts.moduleStatsPath);
    if (!stats.ok) return stats;
    moduleStats = stats.value;
  }
  return ok({ modules, loaded, moduleStats });
}

interface GivenVersion {
  version: KernelVersion;
  /** Where it came from, for the report. */
  from: string;
}

/** The traced kernel's version: as given, else from the modules directory's path (`lib/modules/VERSION`), else null. */
function kernelVersionOf(given: string | undefined, modules: ModuleDb | null): Result<GivenVersion | null> {
  if (given !== undefined) {
    const version = parseKernelVersion(given);
    if (version === null) {
      return err({
        code: 'bad-kernel-version',
        message: `'${given}' is not a kernel version`,
        hint: 'give it as uname -r prints it, e.g. 6.1.0-50-amd64',
      });
    }
    return ok({ version, from: '--kernel-version' });
  }
  const version = modules?.version == null ? null : parseKernelVersion(modules.version);
  return ok(version && { version, from: 'modules directory' });
}

/**
 * One replay: the replayer wired to the rules, the kernel model and the sink. Requests go out in trace order as they
 * complete, each with the kernel model's verdict; duplicate groups as they close (in the order of their first
 * requests); what the other rules collect per name or call site goes out at the end, rule by rule.
 */
class ReplaySession {
  readonly replayer: Replayer;
  private readonly dupGroupsByName = new Map<string, number>();
  private readonly foldedDuplicates = new FoldedDuplicates();
  private readonly undocumented: UndocumentedAliasRule;
  private readonly zeroReturn: UncheckedZeroReturnRule;
  private readonly kernelLog = new KernelLogRule();
  private readonly requestLoop = new RequestLoopRule();
  private chains = 0;
  private readonly findingCounts = Object.fromEntries(
    RULE_IDS.map((id) => [id, 0]),
  ) as ReportTail['summary']['findings'];
  private readonly costs: DuplicateCosts;
  /** With module stats: the trace's duplicate groups per module, to set beside the kernel's rows. */
  private readonly groupsByModule: DuplicateGroupsByModule | null;
  /** Whether the trace's kernel log showed dups.c's `module-autoload:` lines before the first request (auto's cue). */
  private dupsLines = false;
  /** The first event's timestamp: the origin a boot-to-boot diff measures this trace's times from. */
  private firstEventTime: number | null = null;
  /** The latest event time so far, and its line. */
  private latest = { time: -Infinity, line: 0 };
  /** Where the time went back past MAX_TIME_BACK_SECONDS, if it did: the replay stopped there. */
  timeWentBack: TimeWentBack | null = null;
  /** The kernel model and the rule that reports its limits, from the first request on (see `push`). */
  private model: { models: KernelModels; throttled: ThrottledRequestRule; basis: string } | null = null;

  constructor(
    private readonly opts: ReplayOptions,
    private readonly inputs: ReplayInputs,
    private readonly version: GivenVersion | null,
    private readonly sink: ReportSink,
  ) {
    const index = opts.source ?? null;
    const modules = inputs.modules;
    this.undocumented = new UndocumentedAliasRule(index);
    this.zeroReturn = new UncheckedZeroReturnRule(index && index.findings);
    this.costs = {
      sizes: new ModuleSizes(inputs.loaded, modules),
      idempotentLoads: hasIdempotentLoads(version && version.version),
    };
    this.groupsByModule = inputs.moduleStats && new DuplicateGroupsByModule();
    const inOrder = new InTraceOrder((record, anchor) => {
      const { models, throttled } = this.model!;
      throttled.add(record, anchor, models.decide(record, anchor));
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
        const shown = this.dupGroupsByName.get(group.name) ?? 0;
        this.dupGroupsByName.set(group.name, shown + 1);
        if (shown < MAX_DUPLICATE_GROUPS_PER_NAME) this.emit(duplicateRequestFinding(group, this.costs));
        else this.foldedDuplicates.add(group);
        this.groupsByModule?.add(group.first.record.resolution.modules, group.repeats.count);
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
  }

  /**
   * The report begins at the first request, once `auto` has seen the kernel log lines before it (a kernel log holds
   * no requests, so its model is chosen at its end); nothing is reported before a request. False, and nothing more
   * is replayed, once the time has gone back (see MAX_TIME_BACK_SECONDS).
   */
  push(e: TraceEvent): boolean {
    if (this.timeWentBack) return false;
    const latest = this.latest;
    // A kernel log line without its `[ seconds]` stamp has no time (-1): it is in no order.
    if (e.time >= 0 && e.time < latest.time - MAX_TIME_BACK_SECONDS) {
      this.timeWentBack = { line: e.line, time: e.time, latest: latest.time, latestLine: latest.line };
      return false;
    }
    if (e.time > latest.time) this.latest = { time: e.time, line: e.line };
    this.firstEventTime ??= e.time;
    if (e.kind === 'module_request') {
      if (this.model === null) this.begin();
    } else if (e.kind === 'log_duplicate') {
      this.dupsLines = true;
    }
    this.replayer.push(e);
    return true;
  }

  private begin(): void {
    const { opts, inputs } = this;
    const choice = chooseKernelModel(opts.kernelModel ?? 'auto', this.version, this.dupsLines);
    const models = new KernelModels({
      chosen: choice.model,
      compare: opts.compareModels === true,
      sizes: this.costs.sizes,
      finitByModule: inputs.moduleStats !== null,
      // The 2.1 model returns 0 to every request: those that got it with nothing loaded are a finding.
      ...(choice.model === '2.1' && {
        onZeroWithoutModule: (r: RequestRecord, anchor: RequestRecord | null) =>
          this.zeroReturn.addZeroWithoutModule(r, anchor),
      }),
    });
    this.model = { models, throttled: new ThrottledRequestRule(choice.model), basis: choice.basis };
    const head: ReportHead = {
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      traceFile: opts.tracePath,
      modulesDir: inputs.modules?.dir ?? null,
      sourceRoot: opts.source?.root ?? null,
      kernelDirectory: opts.source?.kernelDirectory ?? null,
      kernelModel: choice.model,
    };
    this.sink.begin(head);
  }

  private emit({ finding, records }: RecordedFinding): void {
    this.findingCounts[finding.rule]++;
    const byIndex = new Map<number, RequestRecord>();
    for (const r of records) byIndex.set(r.index, r);
    this.sink.finding(finding, byIndex);
  }

  /** The trace has been read: the rest of the findings, in rule order (as the text report groups them), then the tail. */
  end(read: TraceReadSummary): ReportTail {
    if (this.model === null) this.begin();
    const { models, throttled, basis } = this.model!;
    this.replayer.finish();
    models.finish();
    const rest = [
      ...this.foldedDuplicates.findings(MAX_DUPLICATE_GROUPS_PER_NAME),
      ...this.undocumented.findings(),
      ...this.zeroReturn.findings(),
      ...throttled.findings(),
      ...this.kernelLog.findings(),
      ...this.requestLoop.findings(),
    ];
    const rank = (f: RecordedFinding) => RULE_IDS.indexOf(f.finding.rule);
    for (const f of rest.sort((a, b) => rank(a) - rank(b))) this.emit(f);
    const tallies = models.tallies();
    const stats = this.inputs.moduleStats;
    const kernel: KernelFigures = {
      model: models.chosen,
      basis,
      version: this.version && this.version.version.text,
      idempotentLoads: this.costs.idempotentLoads,
      models: tallies,
      moduleStats:
        stats &&
        compareModuleStats(
          stats,
          this.groupsByModule!,
          models.finitByModule()!,
          tallies[0].finit,
          this.costs.sizes,
          this.version && this.version.version,
        ),
    };
    const tail: ReportTail = {
      trace: {
        file: read.file,
        format: read.format,
        lines: read.lines,
        events: read.events,
        skippedLines: read.skippedLines,
        warnings: read.warnings,
        warningCount: read.warningCount,
        firstEventTime: this.firstEventTime,
      },
      summary: {
        requests: this.replayer.requests,
        loads: this.replayer.loads,
        frees: this.replayer.frees,
        distinctNames: this.replayer.distinctNames,
        kernelModel: models.chosen,
        chains: this.chains,
        findings: this.findingCounts,
      },
      kernel,
    };
    this.sink.end(tail);
    return tail;
  }
}
