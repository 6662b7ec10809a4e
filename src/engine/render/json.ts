/**
 * JSON (schemaVersion 1) of a replay, of a scan and of a boot-to-boot diff. Field names are a public contract: add
 * fields, never rename. Each is one document written as it is produced (see JsonWriter): what is known first, the
 * arrays element by element, and what is known only at the end last. A replay's findings and chains close while its
 * requests are still being written, so they wait in Spools until `requests` is closed.
 */
import type { BootDiff, DiffSide, FindingFacts, NameDiff } from '../diff/index';
import type { KernelFigures } from '../kernel/figures';
import type { FinitCost } from '../kernel/finitRaces';
import type { Chain, Finding, ReportSummary, RequestRecord } from '../report';
import type { ReportHead, ReportSink, ReportTail } from '../reportStream/index';
import { RULE_IDS, type RuleId } from '../ruleCatalog';
import { shapeText } from '../nameShape';
import type { KernelDirectoryInfo, SourceFinding, SourceIndex, SourceLocation } from '../sourceIndex';
import { TOOL_NAME, TOOL_VERSION } from '../tool';
import { JsonWriter, sortKeys, type Emit } from './jsonWriter';
import { scanSummary } from './scanSummary';
import { Spool } from './spool';

/**
 * The replay report as JSON: requests written as they complete, findings and chains after them, the trace facts and
 * summary last.
 */
export class ReplayJson implements ReportSink {
  private readonly json: JsonWriter;
  private readonly findings = new Spool();
  private readonly chains = new Spool();

  constructor(emit: Emit) {
    this.json = new JsonWriter(emit);
  }

  begin(head: ReportHead): void {
    this.json.beginDocument();
    this.json.field('schemaVersion', 1);
    this.json.field('tool', { name: head.tool.name, version: head.tool.version });
    this.json.field('modulesDir', head.modulesDir);
    this.json.field('sourceRoot', head.sourceRoot);
    this.json.field('kernelDirectory', head.kernelDirectory && kernelDirectoryJson(head.kernelDirectory));
    this.json.begin('array', 'requests');
  }

  /** Every field of the record, in the record's order: a field added to RequestRecord appears without a change here. */
  request(record: RequestRecord): void {
    this.json.element(record);
  }

  finding(finding: Finding): void {
    this.findings.add(findingJson(finding));
  }

  chain(chain: Chain): void {
    this.chains.add(chainJson(chain));
  }

  end(tail: ReportTail): void {
    this.json.end();
    this.json.begin('array', 'findings', 1);
    this.findings.drain((f) => this.json.element(f));
    this.json.end();
    this.json.begin('array', 'chains');
    this.chains.drain((c) => this.json.element(c));
    this.json.end();
    this.json.field('trace', traceJson(tail.trace));
    this.json.field('summary', summaryJson(tail.summary));
    this.json.field('kernel', kernelJson(tail.kernel));
    this.json.end();
  }
}

export function traceJson(t: ReportTail['trace']): unknown {
  return t
    ? {
        file: t.file,
        format: t.format,
        lines: t.lines,
        events: t.events,
        skippedLines: t.skippedLines,
        warningCount: t.warningCount,
        warnings: t.warnings.map((w) => ({ line: w.line, message: w.message })),
      }
    : null;
}

/** The replay summary as JSON, JSON Lines and SARIF print it, with a count for every rule. */
export function summaryJson(s: ReportSummary): Record<string, unknown> {
  return {
    requests: s.requests,
    loads: s.loads,
    frees: s.frees,
    distinctNames: s.distinctNames,
    kernelModel: s.kernelModel,
    chains: s.chains,
    findings: ruleCounts(s.findings),
  };
}

function finitJson(c: FinitCost): Record<string, unknown> {
  return {
    duplicates: c.duplicates,
    vmallocBytes: c.vmallocBytes,
    withoutSize: c.withoutSize,
    compressedSizes: c.compressedSizes,
  };
}

/** The kernel model, what each model run would have done, and the kernel's module stats beside the trace. */
export function kernelJson(k: KernelFigures | null): Record<string, unknown> | null {
  if (k === null) return null;
  const stats = k.moduleStats;
  return {
    model: k.model,
    basis: k.basis,
    version: k.version,
    idempotentLoads: k.idempotentLoads,
    models: k.models.map((t) => ({
      model: t.model,
      requests: t.requests,
      modprobeRuns: t.modprobeRuns,
      failed: t.failed,
      zeroWithoutModule: t.zeroWithoutModule,
      unknownReturns: t.unknownReturns,
      waited: t.waited,
      namesLost: t.namesLost,
      finit: finitJson(t.finit),
    })),
    moduleStats: stats && {
      file: stats.file,
      counters: { ...stats.counters },
      tableCut: stats.tableCut,
      versionNote: stats.versionNote,
      trace: finitJson(stats.trace),
      modules: stats.modules.map((m) => ({
        module: m.module,
        size: m.size && { bytes: m.size.bytes, compressed: m.size.compressed, from: m.size.from },
        stats: m.stats && { count: m.stats.count, reason: m.stats.reason, vmallocBytes: m.stats.vmallocBytes },
        trace: m.trace && {
          groups: m.trace.groups,
          duplicates: m.trace.duplicates,
          finitDuplicates: m.trace.finitDuplicates,
          vmallocBytes: m.trace.vmallocBytes,
        },
        verdict: m.verdict,
        why: m.why,
      })),
    },
  };
}

/** A request chain as JSON and JSON Lines print it. */
export function chainJson(c: Chain): Record<string, unknown> {
  return {
    root: c.root,
    name: c.name,
    requests: c.requests,
    requestCount: c.requestCount,
    depth: c.depth,
    seconds: c.seconds,
    modules: c.modules,
  };
}

/** One entry per rule, in catalog order, zero when the rule found nothing. */
export function ruleCounts(counts: Partial<Record<RuleId, number>>): Record<RuleId, number> {
  const out = {} as Record<RuleId, number>;
  for (const rule of RULE_IDS) out[rule] = counts[rule] ?? 0;
  return out;
}

/** The kernel directory of a source scan, as both the scan and the replay report give it. */
export function kernelDirectoryJson(k: KernelDirectoryInfo): Record<string, unknown> {
  return { path: k.path, source: k.source, includeDirs: k.includeDirs, headers: k.headers };
}

function locationJson(l: SourceLocation | null): { file: string; line: number; column: number } | null {
  return l === null ? null : { file: l.file, line: l.line, column: l.column };
}

/** The fields every finding prints, of a replay, a scan or a diff. */
function findingCommonJson(f: Pick<Finding, 'rule' | 'severity' | 'message' | 'name'>): Record<string, unknown> {
  return { rule: f.rule, severity: f.severity, message: f.message, name: f.name };
}

/** A finding of a replay (with its trace requests and evidence) or of a scan (with its other source lines). */
export function findingJson(f: Finding | SourceFinding): Record<string, unknown> {
  const common = findingCommonJson(f);
  if ('related' in f) {
    return {
      ...common,
      requests: [],
      location: locationJson(f.location),
      related: f.related.map((r) => ({ file: r.file, line: r.line, column: r.column, message: r.message })),
    };
  }
  return {
    ...common,
    requests: f.requests,
    location: locationJson(f.location),
    traceLines: f.traceLines,
    evidence: sortKeys(f.evidence),
  };
}

/** The scan as JSON; the index is whole in memory, so the summary comes first. */
export function writeScanJson(index: SourceIndex, emit: Emit): void {
  const json = new JsonWriter(emit);
  json.beginDocument();
  json.field('schemaVersion', 1);
  json.field('tool', { name: TOOL_NAME, version: TOOL_VERSION });
  json.field('root', index.root);
  json.field('kernelDirectory', kernelDirectoryJson(index.kernelDirectory));
  json.field('summary', scanSummary(index));
  const array = <T>(key: string, items: readonly T[], map: (item: T) => unknown, batchSize?: number): void => {
    json.begin('array', key, batchSize);
    for (const item of items) json.element(map(item));
    json.end();
  };
  array('callSites', index.callSites, (c) => ({
    file: c.file,
    line: c.line,
    column: c.column,
    callee: c.callee,
    kind: c.kind,
    via: c.via,
    function: c.function,
    format: c.format,
    pattern: c.pattern,
    returnUse: c.returnUse,
    name: c.name,
    family: c.family,
    shapes: c.shapes && c.shapes.map(shapeText),
    tail: c.tail,
    queue: c.queue,
    arguments: c.arguments,
    assignedTested: c.assignedTested,
    wait: c.wait,
    endLine: c.endLine,
    endColumn: c.endColumn,
  }));
  array('wrappers', index.wrappers, (w) => ({
    name: w.name,
    kind: w.kind,
    file: w.file,
    line: w.line,
    pattern: w.pattern,
    calls: w.calls,
    queue: w.queue,
  }));
  array('aliases', index.aliases, (a) => ({
    file: a.file,
    line: a.line,
    macro: a.macro,
    value: a.value,
    reason: a.reason,
    column: a.column,
    module: a.module,
  }));
  array('functions', index.functions, (f) => ({
    name: f.name,
    file: f.file,
    line: f.line,
    endLine: f.endLine,
    isStatic: f.isStatic,
    calls: f.calls,
  }));
  array('findings', index.findings, findingJson, 1);
  json.field('files', {
    scanned: index.files.scanned,
    skipped: index.files.skipped,
    unreadable: index.files.unreadable.map((u) => ({ file: u.file, reason: u.reason })),
  });
  json.end();
}

/**
 * A boot-to-boot diff: both sides, every name requested in either trace with its change, the findings and request
 * chains added and removed, and the summary (names per change, findings per rule).
 */
export function writeDiffJson(diff: BootDiff, emit: Emit): void {
  const json = new JsonWriter(emit);
  json.beginDocument();
  json.field('schemaVersion', 1);
  json.field('tool', { name: diff.tool.name, version: diff.tool.version });
  json.field('base', diffSideJson(diff.base));
  json.field('new', diffSideJson(diff.new));
  json.field('sourceRoot', diff.sourceRoot);
  json.field('callSiteModules', diff.callSiteModules);
  json.begin('array', 'names');
  for (const n of diff.names) json.element(nameDiffJson(n));
  json.end();
  json.begin('object', 'findings');
  for (const [key, list] of [
    ['added', diff.findings.added],
    ['removed', diff.findings.removed],
  ] as const) {
    json.begin('array', key, 1);
    for (const f of list) json.element(findingFactsJson(f));
    json.end();
  }
  json.end();
  json.field('chains', {
    added: diff.chains.added.map((c) => ({ ...c })),
    removed: diff.chains.removed.map((c) => ({ ...c })),
  });
  const s = diff.summary;
  json.field('summary', {
    added: s.added,
    removed: s.removed,
    changed: s.changed,
    same: s.same,
    findings: Object.fromEntries(
      RULE_IDS.map((rule) => [rule, { added: s.findings[rule].added, removed: s.findings[rule].removed }]),
    ),
    chains: { added: s.chains.added, removed: s.chains.removed },
  });
  json.end();
}

function diffSideJson(d: DiffSide): Record<string, unknown> {
  return {
    file: d.file,
    format: d.format,
    modulesDir: d.modulesDir,
    kernelModel: d.kernelModel,
    firstEventTime: d.firstEventTime,
    requests: d.requests,
    distinctNames: d.distinctNames,
    findings: d.findings,
    chains: d.chains,
  };
}

function nameDiffJson(n: NameDiff): Record<string, unknown> {
  return {
    name: n.name,
    baseRequests: n.baseRequests,
    newRequests: n.newRequests,
    baseOutcome: n.baseOutcome,
    newOutcome: n.newOutcome,
    change: n.change,
    baseTime: n.baseTime,
    newTime: n.newTime,
    callSites: n.callSites.map((c) => ({
      symbol: c.symbol,
      module: c.module,
      baseRequests: c.baseRequests,
      newRequests: c.newRequests,
    })),
  };
}

/** A finding added or removed: `line` is in the trace it comes from (NEW for added, BASE for removed). */
function findingFactsJson(f: FindingFacts): Record<string, unknown> {
  return {
    ...findingCommonJson(f),
    callSite: f.callSite && { symbol: f.callSite.symbol, module: f.callSite.module },
    line: f.line,
    location: locationJson(f.location),
  };
}
