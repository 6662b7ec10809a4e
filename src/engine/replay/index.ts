/**
 * The engine's front door: replay a trace file (streaming) or an editor buffer against the module metadata and,
 * optionally, a source index, and build the Report.
 */
import type { TraceFormat, TraceReadSummary } from '../events';
import { openModuleDb, readLoadedModules, type ModuleDb } from '../modules';
import type { Finding, Report, RequestRecord } from '../report';
import { RULE_IDS } from '../rules/catalog';
import { ok, type Result } from '../result';
import { duplicateRequestFinding, FoldedDuplicates, MAX_DUPLICATE_GROUPS_PER_NAME, type ModuleSizes } from '../rules/duplicateRequest';
import { KernelLogRule } from '../rules/kernelLog';
import { ThrottledRequestRule } from '../rules/throttledRequest';
import { UncheckedZeroReturnRule } from '../rules/uncheckedZeroReturn';
import { UndocumentedAliasRule } from '../rules/undocumentedAlias';
import { readTraceFile, readTraceText } from '../trace';
import { version } from '../../../package.json';
import { Replayer, type SourceLinker } from './replayer';

export type { SourceLinker } from './replayer';

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
  source?: SourceLinker;
  dupsWindowSeconds?: number;
  settleSeconds?: number;
  /** Keep every request record in `report.requests` (default true; findings never need it). */
  retainRequests?: boolean;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface ReplayInputs {
  modules: ModuleDb | null;
  loaded: ModuleSizes | null;
}

export async function replayTrace(opts: ReplayOptions): Promise<Result<Report>> {
  const inputs = await openInputs(opts);
  if (!inputs.ok) return inputs;
  const session = new ReplaySession(opts, inputs.value);
  const read = await readTraceFile(opts.tracePath, (e) => session.replayer.push(e), {
    ...(opts.traceFormat && { format: opts.traceFormat }),
    ...(opts.signal && { signal: opts.signal }),
    ...(opts.onProgress && { onProgress: opts.onProgress }),
  });
  if (!read.ok) return read;
  return ok(session.report(read.value));
}

/** Replays text already in memory (an editor buffer), with metadata the caller has opened. */
export function replayText(
  text: string,
  opts: Omit<ReplayOptions, 'tracePath' | 'onProgress' | 'signal' | 'modulesDir' | 'moduleDb' | 'loadedPath'> & { file: string } & Partial<ReplayInputs>,
): Result<Report> {
  const session = new ReplaySession({ ...opts, tracePath: opts.file }, { modules: opts.modules ?? null, loaded: opts.loaded ?? null });
  const read = readTraceText(text, (e) => session.replayer.push(e), { file: opts.file, ...(opts.traceFormat && { format: opts.traceFormat }) });
  if (!read.ok) return read;
  return ok(session.report(read.value));
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

/** One replay: the replayer wired to the rules, and the report built from what they collected. */
class ReplaySession {
  readonly replayer: Replayer;
  private readonly requests: RequestRecord[] = [];
  private readonly duplicateFindings: Finding[] = [];
  private readonly dupGroupsByName = new Map<string, number>();
  private readonly foldedDuplicates = new FoldedDuplicates();
  private readonly undocumented: UndocumentedAliasRule;
  private readonly zeroReturn: UncheckedZeroReturnRule;
  private readonly throttled = new ThrottledRequestRule();
  private readonly kernelLog = new KernelLogRule();

  constructor(private readonly opts: ReplayOptions, private readonly inputs: ReplayInputs) {
    const index = opts.source?.index ?? null;
    this.undocumented = new UndocumentedAliasRule(index && index.aliases);
    this.zeroReturn = new UncheckedZeroReturnRule(index && index.findings);
    const retain = opts.retainRequests !== false;
    this.replayer = new Replayer({
      resolver: inputs.modules,
      source: opts.source ?? null,
      dupsWindowSeconds: opts.dupsWindowSeconds ?? DEFAULT_DUPS_WINDOW_SECONDS,
      settleSeconds: opts.settleSeconds ?? DEFAULT_SETTLE_SECONDS,
      onRecord: (record) => {
        if (retain) this.requests.push(record);
        this.undocumented.add(record);
        this.zeroReturn.add(record);
        this.throttled.add(record);
      },
      onDupsGroup: (group) => {
        if (group.repeats.length === 0) return;
        const shown = this.dupGroupsByName.get(group.name) ?? 0;
        this.dupGroupsByName.set(group.name, shown + 1);
        if (shown < MAX_DUPLICATE_GROUPS_PER_NAME) this.duplicateFindings.push(duplicateRequestFinding(group, inputs.loaded));
        else this.foldedDuplicates.add(group);
      },
      onLogEvent: (e) => this.kernelLog.add(e),
    });
  }

  report(read: TraceReadSummary): Report {
    this.replayer.finish();
    this.requests.sort((a, b) => a.index - b.index);
    const findings = [
      ...this.duplicateFindings.sort((a, b) => a.requests[0]! - b.requests[0]!),
      ...this.foldedDuplicates.findings(MAX_DUPLICATE_GROUPS_PER_NAME),
      ...this.undocumented.findings(),
      ...this.zeroReturn.findings(),
      ...this.throttled.findings(),
      ...this.kernelLog.findings(),
    ];
    const counts = Object.fromEntries(RULE_IDS.map((id) => [id, 0])) as Report['summary']['findings'];
    for (const f of findings) counts[f.rule]++;
    return {
      schemaVersion: 1,
      tool: { name: 'autoload-lens', version },
      trace: {
        file: read.file,
        format: read.format,
        lines: read.lines,
        events: read.events,
        skippedLines: read.skippedLines,
        warnings: read.warnings,
        warningCount: read.warningCount,
      },
      modulesDir: this.inputs.modules?.dir ?? null,
      sourceRoot: this.opts.source?.index.root ?? null,
      summary: {
        requests: this.replayer.requests,
        loads: this.replayer.loads,
        frees: this.replayer.frees,
        distinctNames: this.replayer.distinctNames,
        findings: counts,
      },
      requests: this.requests,
      findings,
    };
  }
}
