/** The replay report as SARIF 2.1.0: results located on the trace lines, and on source lines when the sources were linked. */
import * as path from 'node:path';
import type { Finding, Report, RequestRecord } from '../report';
import { summaryJson } from './json';
import { mapped, stringify, stringifyChunks } from './jsonValue';
import { ruleIndex, sarifLevel, SarifLocator, sarifLog, type SarifLocation, type SarifResult } from './sarifCommon';

export interface SarifOptions {
  /** Root the source locations are relative to; defaults to the report's `sourceRoot`. */
  srcRoot?: string;
  /** The project directory paths are made relative to (default: the current directory). */
  baseDir?: string;
}

export function renderSarif(report: Report, opts: SarifOptions = {}): string {
  return stringify(sarifDocument(report, opts));
}

/** The same text as renderSarif, in pieces (one per result), for writing large reports to a stream. */
export function renderSarifChunks(report: Report, opts: SarifOptions = {}): Iterable<string> {
  return stringifyChunks(sarifDocument(report, opts));
}

function sarifDocument(report: Report, opts: SarifOptions): Record<string, unknown> {
  const locator = new SarifLocator(
    path.resolve(opts.baseDir ?? process.cwd()),
    opts.srcRoot ?? report.sourceRoot,
    report.trace?.file ?? null,
  );
  const byIndex = new Map(report.requests.map((r) => [r.index, r]));
  return sarifLog({
    originalUriBaseIds: locator.bases,
    results: mapped(report.findings, (f) => result(f, byIndex, locator)),
    properties: {
      summary: summaryJson(report.summary),
    },
  });
}

function describe(r: RequestRecord): string {
  const task = r.pid >= 0 ? `${r.task}-${r.pid}` : r.task;
  const site = r.callSite ? ` from ${r.callSite.symbol}${r.callSite.module ? ` [${r.callSite.module}]` : ''}` : '';
  return `request #${r.index} for ${JSON.stringify(r.name)} by ${task} at ${r.time.toFixed(6)} s${site}: ${r.outcome}`;
}

/**
 * The primary location is the source line when the finding has one, else the first trace line.
 * Every other trace line and every linked call site becomes a related location, so a viewer can walk the evidence.
 */
function result(f: Finding, byIndex: Map<number, RequestRecord>, locator: SarifLocator): SarifResult {
  const requests = f.requests.map((i) => byIndex.get(i)).filter((r): r is RequestRecord => r !== undefined);
  const requestAtLine = new Map(requests.map((r) => [r.line, r]));
  const traceLocs: SarifLocation[] = [];
  for (const line of f.traceLines) {
    const r = requestAtLine.get(line);
    const loc = locator.traceLine(line, r ? describe(r) : `trace line ${line}`);
    if (loc) traceLocs.push(loc);
  }
  const sourceLocs: SarifLocation[] = [];
  const seen = new Set<string>();
  if (f.location) seen.add(`${f.location.file}:${f.location.line}:${f.location.column}`);
  for (const r of requests) {
    for (const loc of r.callSite?.locations ?? []) {
      const key = `${loc.file}:${loc.line}:${loc.column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sourceLocs.push(locator.source(loc, `call site of ${r.callSite?.symbol} (${r.callSite?.link})`));
    }
  }
  const primary = f.location ? locator.source(f.location) : traceLocs.shift();
  const related = [...traceLocs, ...sourceLocs].map((l, i) => ({ id: i + 1, ...l }));
  return {
    ruleId: f.rule,
    ruleIndex: ruleIndex(f.rule),
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: primary ? [primary] : [],
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    properties: { name: f.name, requests: f.requests, traceLines: f.traceLines },
  };
}
