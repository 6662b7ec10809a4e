/** The current scan index and trace report, with the look-ups the editor features share. */
import * as vscode from 'vscode';
import type { BootDiff } from '../engine/diff/index';
import { countFindings, type FindingCounts } from '../engine/findings/findingCounts';
import type { Finding, RequestRecord } from '../engine/report';
import type { Report } from '../engine/reportStream/index';
import { siteFindings, type SiteFindings } from '../engine/findings/siteFindings';
import type { CallSiteInfo, SourceIndex, SourceLocation } from '../engine/sourceIndex';

export interface ResultsApi {
  readonly index: SourceIndex | undefined;
  readonly report: Report | undefined;
  /** The diff of the report against an earlier boot (Compare with Trace…), while it is shown. */
  readonly diff: BootDiff | undefined;
  readonly parserBackend: string | undefined;
  /** The status bar item's text, tooltip and command, undefined while it is hidden. */
  readonly status: { text: string; tooltip: string; command: string } | undefined;
  /** Forgets the results in memory (not those remembered for the workspace) and restores the remembered ones, as activation after a window reload does. */
  restore(): Promise<void>;
}

function siteKey(file: string, line: number): string {
  return `${file}:${line}`;
}

interface Comparison {
  base: vscode.Uri;
  /** The modules directory BASE's names were resolved with (undefined: none). */
  baseModules: string | undefined;
  diff: BootDiff;
  /** The report as Problems show it during the diff: the findings NEW added. */
  report: Report;
}

export class Results implements vscode.Disposable {
  private currentIndex: SourceIndex | undefined;
  private currentReport: Report | undefined;
  private backend: string | undefined;
  /** Folder the index's relative paths start from. */
  private root: vscode.Uri | undefined;
  /** The trace the report was replayed from. */
  private trace: vscode.Uri | undefined;
  /** The report compared with an earlier boot (Compare with Trace…): BASE's trace, its modules directory, the diff. */
  private comparison: Comparison | undefined;
  private lookups: Lookups | undefined;
  private clears = 0;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  get index(): SourceIndex | undefined {
    return this.currentIndex;
  }
  get report(): Report | undefined {
    return this.currentReport;
  }
  get parserBackend(): string | undefined {
    return this.backend;
  }
  get sourceRoot(): vscode.Uri | undefined {
    return this.root;
  }
  get traceUri(): vscode.Uri | undefined {
    return this.trace;
  }

  /** The diff of the current report against an earlier boot, while it is shown. */
  get diff(): Omit<Comparison, 'report'> | undefined {
    return this.comparison;
  }

  /**
   * The report as Problems, the Findings view and the status bar show it: during a diff, only the findings NEW added.
   */
  get problemReport(): Report | undefined {
    return this.comparison?.report ?? this.currentReport;
  }

  setIndex(index: SourceIndex, root: vscode.Uri, backend: string | undefined): void {
    this.currentIndex = index;
    this.root = root;
    if (backend !== undefined) this.backend = backend;
    this.invalidate();
  }

  /** A new report ends any diff: the diff was of the report it replaces. */
  setReport(report: Report, trace: vscode.Uri): void {
    this.currentReport = report;
    this.trace = trace;
    this.comparison = undefined;
    this.invalidate();
  }

  /** The current report (NEW) compared with `base`: `diff` was computed against this very report. */
  setDiff(diff: BootDiff, base: vscode.Uri, baseModules: string | undefined): void {
    const report = this.currentReport;
    if (report === undefined) throw new Error('Results.setDiff without a report');
    const added = diff.findings.added.map((f) => report.findings[f.index]).filter((f): f is Finding => f !== undefined);
    this.comparison = { base, baseModules, diff, report: { ...report, findings: added } };
    this.invalidate();
  }

  /** Changes whenever the results are cleared: a scan or replay that started before a clear must not publish. */
  get epoch(): number {
    return this.clears;
  }

  clear(): void {
    this.clears++;
    this.currentIndex = undefined;
    this.currentReport = undefined;
    this.root = undefined;
    this.trace = undefined;
    this.comparison = undefined;
    this.invalidate();
  }

  hasResults(): boolean {
    return this.currentIndex !== undefined || this.currentReport !== undefined;
  }

  /** The findings a source line shows: one per rule and call site. */
  siteFindings(): SiteFindings[] {
    const l = this.get();
    l.sites ??= siteFindings(this.currentIndex?.findings ?? [], this.problemReport);
    return l.sites;
  }

  /** The scan's and the replay's findings, counted by rule and place. */
  findingCounts(): FindingCounts {
    return countFindings(this.currentIndex?.findings ?? [], this.problemReport, this.siteFindings());
  }

  isReportTrace(uri: vscode.Uri): boolean {
    return this.trace !== undefined && this.trace.toString() === uri.toString();
  }

  sourceUri(file: string): vscode.Uri | undefined {
    return this.root === undefined ? undefined : vscode.Uri.joinPath(this.root, ...file.split('/'));
  }

  /** Path of a document relative to the scanned root, with `/` separators, or undefined when outside it. */
  relativePath(uri: vscode.Uri): string | undefined {
    if (this.root === undefined || uri.scheme !== this.root.scheme) return undefined;
    const base = this.root.path.endsWith('/') ? this.root.path : `${this.root.path}/`;
    return uri.path.startsWith(base) ? uri.path.slice(base.length) : undefined;
  }

  sourceLocation(loc: SourceLocation): vscode.Location | undefined {
    const uri = this.sourceUri(loc.file);
    if (uri === undefined) return undefined;
    const site = this.callSiteAt(loc.file, loc.line, loc.column);
    return new vscode.Location(uri, site !== undefined ? callSiteRange(site) : pointRange(loc.line, loc.column));
  }

  traceLocation(line: number): vscode.Location | undefined {
    return this.trace === undefined ? undefined : new vscode.Location(this.trace, traceLineRange(line));
  }

  callSitesIn(file: string): CallSiteInfo[] {
    return this.get().sitesByFile.get(file) ?? [];
  }

  callSiteAt(file: string, line: number, column?: number): CallSiteInfo | undefined {
    return this.callSitesIn(file).find((s) => s.line === line && (column === undefined || s.column === column));
  }

  /** The trace requests linked to a source call site (by the file and line of the request call). */
  requestsFrom(site: CallSiteInfo): RequestRecord[] {
    return this.get().requestsBySite.get(siteKey(site.file, site.line)) ?? [];
  }

  requestAtLine(line: number): RequestRecord | undefined {
    return this.get().requestsByLine.get(line);
  }

  findingsOfRequest(request: RequestRecord): Finding[] {
    return this.get().findingsByRequest.get(request.index) ?? [];
  }

  private invalidate(): void {
    this.lookups = undefined;
    this.changed.fire();
  }

  private get(): Lookups {
    this.lookups ??= buildLookups(this.currentIndex, this.currentReport);
    return this.lookups;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

interface Lookups {
  sitesByFile: Map<string, CallSiteInfo[]>;
  requestsBySite: Map<string, RequestRecord[]>;
  requestsByLine: Map<number, RequestRecord>;
  findingsByRequest: Map<number, Finding[]>;
  sites?: SiteFindings[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function buildLookups(index: SourceIndex | undefined, report: Report | undefined): Lookups {
  const l: Lookups = {
    sitesByFile: new Map(),
    requestsBySite: new Map(),
    requestsByLine: new Map(),
    findingsByRequest: new Map(),
  };
  for (const site of index?.callSites ?? []) push(l.sitesByFile, site.file, site);
  for (const request of report?.requests ?? []) {
    l.requestsByLine.set(request.line, request);
    for (const loc of request.callSite?.locations ?? []) push(l.requestsBySite, siteKey(loc.file, loc.line), request);
  }
  for (const finding of report?.findings ?? []) for (const i of finding.requests) push(l.findingsByRequest, i, finding);
  return l;
}

/** Editor range of a call site: the callee's call expression. */
export function callSiteRange(site: CallSiteInfo): vscode.Range {
  return new vscode.Range(site.line - 1, site.column - 1, site.endLine - 1, site.endColumn - 1);
}

/** A 1-based point; the editor widens an empty range to the word under it. */
export function pointRange(line: number, column: number): vscode.Range {
  return new vscode.Range(line - 1, Math.max(0, column - 1), line - 1, Math.max(0, column - 1));
}

/** A whole 1-based trace line (the editor clamps the end to the line's length). */
export function traceLineRange(line: number): vscode.Range {
  return new vscode.Range(line - 1, 0, line - 1, Number.MAX_SAFE_INTEGER);
}

export function siteLabel(site: CallSiteInfo): string {
  return `${site.callee}(${site.arguments.join(', ')})`;
}
