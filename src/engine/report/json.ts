/** The replay report as JSON (schemaVersion 1). Field names are a public contract: add fields, never rename. */
import type { Finding, Report, ReportSummary, RequestRecord } from '../report';
import { RULE_IDS, type RuleId } from '../rules/catalog';
import type { SourceLocation } from '../sourceIndex';
import { mapped, sortKeys, stringify, stringifyChunks } from './jsonValue';

export function renderJson(report: Report): string {
  return stringify(jsonDocument(report));
}

/** The same text as renderJson, in pieces (one per request), for writing large reports to a stream. */
export function renderJsonChunks(report: Report): Iterable<string> {
  return stringifyChunks(jsonDocument(report));
}

function jsonDocument(report: Report): Record<string, unknown> {
  const t = report.trace;
  return {
    schemaVersion: 1,
    tool: { name: report.tool.name, version: report.tool.version },
    trace: t
      ? {
          file: t.file,
          format: t.format,
          lines: t.lines,
          events: t.events,
          skippedLines: t.skippedLines,
          warningCount: t.warningCount,
          warnings: t.warnings.map((w) => ({ line: w.line, message: w.message })),
        }
      : null,
    modulesDir: report.modulesDir,
    sourceRoot: report.sourceRoot,
    summary: summaryJson(report.summary),
    requests: mapped(report.requests, requestJson),
    findings: mapped(report.findings, findingJson),
  };
}

/** One entry per rule, in RULES order, zero when the rule found nothing. */
/** The replay summary as JSON and SARIF print it, with a count for every rule. */
export function summaryJson(s: ReportSummary): Record<string, unknown> {
  return { requests: s.requests, loads: s.loads, frees: s.frees, distinctNames: s.distinctNames, findings: ruleCounts(s.findings) };
}

export function ruleCounts(counts: Partial<Record<RuleId, number>>): Record<RuleId, number> {
  const out = {} as Record<RuleId, number>;
  for (const rule of RULE_IDS) out[rule] = counts[rule] ?? 0;
  return out;
}

export function locationJson(l: SourceLocation | null): { file: string; line: number; column: number } | null {
  return l === null ? null : { file: l.file, line: l.line, column: l.column };
}

function requestJson(r: RequestRecord): unknown {
  const cs = r.callSite;
  return {
    index: r.index,
    line: r.line,
    time: r.time,
    task: r.task,
    pid: r.pid,
    cpu: r.cpu,
    name: r.name,
    wait: r.wait,
    callSite: cs
      ? {
          symbol: cs.symbol,
          module: cs.module,
          ...(cs.link !== undefined ? { link: cs.link, locations: (cs.locations ?? []).map(locationJson) } : {}),
        }
      : null,
    resolution: { kind: r.resolution.kind, modules: r.resolution.modules, patterns: r.resolution.patterns },
    outcome: r.outcome,
    duplicateOf: r.duplicateOf,
    loadedModules: r.loadedModules,
    completedAt: r.completedAt,
  };
}

function findingJson(f: Finding): unknown {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    name: f.name,
    requests: f.requests,
    location: locationJson(f.location),
    traceLines: f.traceLines,
    evidence: sortKeys(f.evidence),
  };
}
