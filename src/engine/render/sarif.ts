/**
 * SARIF 2.1.0 of a replay, of a scan and of a boot-to-boot diff: one run, the rules with their help, and one result
 * per finding, written as the findings come (the run's properties, with the summary, after them). A replay's results
 * are located on the trace lines, and on source lines when the sources were linked; a scan's in the scanned tree; a
 * diff's are the findings it added, on the new trace's lines.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BootDiff } from '../diff/index';
import { escapeControl } from '../escape';
import type { Finding, RequestRecord } from '../report';
import type { ReportHead, ReportSink, ReportTail } from '../reportStream/index';
import { RULE_IDS, RULES, type RuleId, type Severity } from '../ruleCatalog';
import type { SourceIndex, SourceLocation } from '../sourceIndex';
import { TOOL_NAME, TOOL_VERSION } from '../tool';
import { kernelJson, summaryJson } from './json';
import { JsonWriter, type Emit } from './jsonWriter';
import { scanSummary } from './scanSummary';

const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** uriBaseId of locations in the scanned source tree. */
const SRCROOT = 'SRCROOT';
/** uriBaseId of the trace file, relative to the directory the tool ran in. */
const PROJECTROOT = 'PROJECTROOT';

type SarifLevel = 'error' | 'warning' | 'note';

interface SarifLocation {
  id?: number;
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: { startLine: number; startColumn?: number };
  };
  message?: { text: string };
}

interface SarifResult {
  ruleId: RuleId;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  properties?: Record<string, unknown>;
}

export interface SarifOptions {
  /** Root the source locations are relative to; defaults to the report's `sourceRoot`. */
  srcRoot?: string;
  /** The project directory paths are made relative to (default: the current directory). */
  baseDir?: string;
}

function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'info' ? 'note' : severity;
}

function driver(): unknown {
  return {
    name: TOOL_NAME,
    version: TOOL_VERSION,
    semanticVersion: TOOL_VERSION,
    rules: RULE_IDS.map((id) => ({
      id,
      name: id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
      shortDescription: { text: RULES[id].title },
      fullDescription: { text: RULES[id].description },
      help: { text: RULES[id].help },
      defaultConfiguration: { level: sarifLevel(RULES[id].defaultSeverity) },
    })),
  };
}

/** The log up to the run's results, which the caller then adds one at a time. */
function beginLog(json: JsonWriter, bases: Record<string, { uri: string }>): void {
  json.beginDocument();
  json.field('$schema', SARIF_SCHEMA);
  json.field('version', '2.1.0');
  json.begin('array', 'runs');
  json.begin('object');
  json.field('tool', { driver: driver() });
  json.field('originalUriBaseIds', bases);
  // A result can list a thousand locations: each is printed as it comes.
  json.begin('array', 'results', 1);
}

/** Closes the results, then the run with its properties, then the log. */
function endLog(json: JsonWriter, properties: Record<string, unknown>): void {
  json.end();
  json.field('properties', properties);
  json.end();
  json.end();
  json.end();
}

/** A result: the shared part of a finding of any kind; its locations are the caller's. */
function result(
  f: Pick<Finding, 'rule' | 'severity' | 'message'>,
  locations: SarifLocation[],
  related: SarifLocation[],
  properties: Record<string, unknown>,
): SarifResult {
  return {
    ruleId: f.rule,
    ruleIndex: RULE_IDS.indexOf(f.rule),
    level: sarifLevel(f.severity),
    message: { text: escapeControl(f.message) },
    locations,
    ...(related.length > 0 ? { relatedLocations: related.map((l, i) => ({ id: i + 1, ...l })) } : {}),
    properties,
  };
}

/** The replay report as SARIF, results written as findings close. */
export class ReplaySarif implements ReportSink {
  private readonly json: JsonWriter;
  private locator: SarifLocator | null = null;

  constructor(
    emit: Emit,
    private readonly opts: SarifOptions = {},
  ) {
    this.json = new JsonWriter(emit);
  }

  begin(head: ReportHead): void {
    this.locator = new SarifLocator(
      path.resolve(this.opts.baseDir ?? process.cwd()),
      this.opts.srcRoot ?? head.sourceRoot,
      head.traceFile,
    );
    beginLog(this.json, this.locator.bases);
  }

  request(): void {}

  /** Chains are not results; a loop on one is (request-loop). */
  chain(): void {}

  /**
   * The primary location is the source line when the finding has one, else the first trace line. Every other trace
   * line and every linked call site becomes a related location, so a viewer can walk the evidence.
   */
  finding(f: Finding, byIndex: ReadonlyMap<number, RequestRecord>): void {
    const locator = this.locator!;
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
    this.json.element(
      result(f, primary ? [primary] : [], [...traceLocs, ...sourceLocs], {
        name: f.name,
        requests: f.requests,
        traceLines: f.traceLines,
      }),
    );
  }

  end(tail: ReportTail): void {
    endLog(this.json, { summary: summaryJson(tail.summary), kernel: kernelJson(tail.kernel) });
  }
}

function describe(r: RequestRecord): string {
  const task = r.pid >= 0 ? `${r.task}-${r.pid}` : r.task;
  const site = r.callSite ? ` from ${r.callSite.symbol}${r.callSite.module ? ` [${r.callSite.module}]` : ''}` : '';
  return `request #${r.index} for ${JSON.stringify(r.name)} by ${task} at ${r.time.toFixed(6)} s${site}: ${r.outcome}`;
}

/** The scan's findings as SARIF, located relative to the scanned root whatever the directory the tool ran in. */
export function writeScanSarif(index: SourceIndex, emit: Emit): void {
  const json = new JsonWriter(emit);
  const locator = new SarifLocator(null, index.root, null);
  beginLog(json, locator.bases);
  for (const f of index.findings) {
    json.element(
      result(
        f,
        [locator.source(f.location)],
        f.related.map((r) => locator.source(r, r.message)),
        { name: f.name },
      ),
    );
  }
  endLog(json, { summary: scanSummary(index) });
}

/**
 * The findings a diff added, for a CI gate that looks only at what a change brought: each on its line of the NEW
 * trace (on its source line, with the trace line related, when the sources were linked). The diff's summary is the
 * run's property.
 */
export function writeDiffSarif(diff: BootDiff, emit: Emit, opts: SarifOptions = {}): void {
  const json = new JsonWriter(emit);
  const locator = new SarifLocator(
    path.resolve(opts.baseDir ?? process.cwd()),
    opts.srcRoot ?? diff.sourceRoot,
    diff.new.file,
  );
  beginLog(json, locator.bases);
  for (const f of diff.findings.added) {
    const traceLoc = f.line === null ? null : locator.traceLine(f.line, `trace line ${f.line}`);
    const primary = f.location !== null ? locator.source(f.location) : traceLoc;
    const related = f.location !== null && traceLoc !== null ? [traceLoc] : [];
    json.element(
      result(f, primary === null ? [] : [primary], related, {
        name: f.name,
        callSite: f.callSite,
        baseTrace: diff.base.file,
      }),
    );
  }
  endLog(json, { diff: { base: diff.base.file, new: diff.new.file, summary: diff.summary } });
}

/** A relative path as a URI reference: `/` separators, each segment percent-encoded. */
function relativeUri(relPath: string): string {
  return relPath.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/** A directory as the absolute `file:` URI (ending in `/`) that SARIF base ids require. */
function directoryUri(dir: string): string {
  const href = pathToFileURL(path.resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

type SarifArtifactLocation = SarifLocation['physicalLocation']['artifactLocation'];

/** `target` relative to `dir` when it lies inside it, else null. */
function inside(dir: string, target: string): string | null {
  const rel = path.relative(dir, path.resolve(dir, target));
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : rel;
}

/**
 * Turns trace and source paths into artifact locations. Given a project directory (where the tool ran), files
 * inside it are given relative to it, base id PROJECTROOT, which is what code-scanning services resolve against the
 * checkout; a source tree elsewhere (or any source tree, without a project directory) gets its own absolute base,
 * SRCROOT; a trace elsewhere an absolute URI.
 */
class SarifLocator {
  /** The run's originalUriBaseIds, known up front: results are printed after them, one at a time. */
  readonly bases: Record<string, { uri: string }> = {};
  private readonly srcPrefix: string | null;
  private readonly traceArtifact: SarifArtifactLocation | null;

  constructor(baseDir: string | null, srcRoot: string | null, traceFile: string | null) {
    this.srcPrefix = srcRoot === null || baseDir === null ? null : inside(baseDir, srcRoot);
    if (srcRoot !== null && this.srcPrefix === null) this.bases[SRCROOT] = { uri: directoryUri(srcRoot) };
    const traceRel = traceFile === null || baseDir === null ? null : inside(baseDir, traceFile);
    this.traceArtifact =
      traceFile === null
        ? null
        : traceRel === null || traceRel === ''
          ? { uri: pathToFileURL(path.resolve(baseDir ?? '', traceFile)).href }
          : { uri: relativeUri(traceRel), uriBaseId: PROJECTROOT };
    if (baseDir !== null && (this.srcPrefix !== null || this.traceArtifact?.uriBaseId !== undefined)) {
      this.bases[PROJECTROOT] = { uri: directoryUri(baseDir) };
    }
  }

  /** A line of the trace, or null when the report has no trace. */
  traceLine(line: number, message: string): SarifLocation | null {
    if (this.traceArtifact === null) return null;
    return {
      physicalLocation: { artifactLocation: { ...this.traceArtifact }, region: { startLine: line } },
      message: { text: escapeControl(message) },
    };
  }

  source(loc: SourceLocation, message?: string): SarifLocation {
    const artifactLocation =
      this.srcPrefix === null
        ? { uri: relativeUri(loc.file), uriBaseId: SRCROOT }
        : { uri: relativeUri(path.join(this.srcPrefix, loc.file)), uriBaseId: PROJECTROOT };
    return {
      physicalLocation: {
        artifactLocation,
        region: { startLine: loc.line, ...(loc.column >= 1 ? { startColumn: loc.column } : {}) },
      },
      ...(message !== undefined ? { message: { text: escapeControl(message) } } : {}),
    };
  }
}
