/** The replay report as SARIF 2.1.0: results located on the trace lines, and on source lines when the sources were linked. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Report, RequestRecord } from '../report';
import { ruleCounts } from './json';
import { mapped, stringify, stringifyChunks } from './jsonValue';
import {
  directoryUri,
  PROJECTROOT,
  relativeUri,
  ruleIndex,
  sarifLevel,
  sarifLog,
  sourceLocation,
  SRCROOT,
  type SarifLocation,
  type SarifResult,
} from './sarifCommon';

export interface SarifOptions {
  /** Root the source locations are relative to; defaults to the report's `sourceRoot`. */
  srcRoot?: string;
  /** Directory the trace file's URI is made relative to (default: the current directory). */
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
  const baseDir = path.resolve(opts.baseDir ?? process.cwd());
  const srcRoot = opts.srcRoot ?? report.sourceRoot;
  const traceArtifact = report.trace ? traceArtifactLocation(report.trace.file, baseDir) : null;
  const byIndex = new Map(report.requests.map((r) => [r.index, r]));
  const bases: Record<string, { uri: string }> = {};
  if (traceArtifact?.uriBaseId !== undefined) bases[PROJECTROOT] = { uri: directoryUri(baseDir) };
  if (srcRoot !== null) bases[SRCROOT] = { uri: directoryUri(srcRoot) };
  return sarifLog({
    originalUriBaseIds: bases,
    results: mapped(report.findings, (f) => result(f, byIndex, traceArtifact)),
    properties: {
      summary: {
        requests: report.summary.requests,
        loads: report.summary.loads,
        frees: report.summary.frees,
        distinctNames: report.summary.distinctNames,
        findings: ruleCounts(report.summary.findings),
      },
    },
  });
}

type ArtifactLocation = SarifLocation['physicalLocation']['artifactLocation'];

/** Relative to `baseDir` when the trace lies under it (portable between machines), else an absolute file URI. */
function traceArtifactLocation(file: string, baseDir: string): ArtifactLocation {
  const rel = path.relative(baseDir, path.resolve(baseDir, file));
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(path.resolve(baseDir, file)).href };
  return { uri: relativeUri(rel), uriBaseId: PROJECTROOT };
}

function traceLocation(artifact: ArtifactLocation, line: number, message?: string): SarifLocation {
  return {
    physicalLocation: { artifactLocation: { ...artifact }, region: { startLine: line } },
    ...(message !== undefined ? { message: { text: message } } : {}),
  };
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
function result(f: Finding, byIndex: Map<number, RequestRecord>, trace: ArtifactLocation | null): SarifResult {
  const requests = f.requests.map((i) => byIndex.get(i)).filter((r): r is RequestRecord => r !== undefined);
  const requestAtLine = new Map(requests.map((r) => [r.line, r]));
  const traceLocs: SarifLocation[] = trace
    ? f.traceLines.map((line) => {
        const r = requestAtLine.get(line);
        return traceLocation(trace, line, r ? describe(r) : `trace line ${line}`);
      })
    : [];
  const sourceLocs: SarifLocation[] = [];
  const seen = new Set<string>();
  for (const r of requests) {
    for (const loc of r.callSite?.locations ?? []) {
      const key = `${loc.file}:${loc.line}:${loc.column}`;
      if (seen.has(key) || (f.location && key === `${f.location.file}:${f.location.line}:${f.location.column}`)) continue;
      seen.add(key);
      sourceLocs.push(sourceLocation(loc, `call site of ${r.callSite?.symbol} (${r.callSite?.link})`));
    }
  }
  const primary = f.location ? sourceLocation(f.location) : traceLocs.shift();
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
