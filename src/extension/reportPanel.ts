/**
 * The report webview: summary, a timeline of the boot's module requests drawn by media/report.js, the request chains
 * (a flame chart each), findings and requests; after Compare with Trace…, the diff with an earlier boot first. The
 * page holds no data: the report arrives as a JSON message and the script builds the DOM with textContent, so names
 * from a trace or a source are only ever text; the text the page shows is escaped here (bidi controls would reorder
 * it). Strict CSP: nonce'd local script only.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { BootDiff, DiffSide } from '../engine/diff/index';
import { escapeControl } from '../engine/escape';
import type { Report } from '../engine/reportStream/index';
import { RULES } from '../engine/ruleCatalog';
import type { SourceIndex, SourceLocation } from '../engine/sourceIndex';
import { revealSource } from './revealCommands';
import type { Services } from './services';
import type { Results } from './results';

/** What the page receives: only plain data, in the shape report.js draws; its strings are shown as they are. */
export interface ReportViewModel {
  trace: {
    file: string;
    format: string;
    lines: number;
    events: number;
    skippedLines: number;
    warningCount: number;
  } | null;
  modulesDir: string | null;
  sourceRoot: string | null;
  summary: Report['summary'] | null;
  rules: Record<string, string>;
  requests: Array<{
    index: number;
    line: number;
    time: number;
    completedAt: number;
    name: string;
    wait: boolean;
    duplicateOf: number | null;
    outcome: string;
    loadedModules: string[];
    task: string;
    pid: number;
    callSite: string | null;
    resolvesTo: string[];
    initOf: string | null;
    causedBy: number | null;
  }>;
  /** The request chains (the first MAX_DRAWN_CHAINS), and how many there are in all. */
  chains: Array<{
    root: number;
    name: string;
    requests: number[];
    requestCount: number;
    depth: number;
    seconds: number;
    modules: string[];
  }>;
  chainCount: number;
  /** `source` is set for findings that live in the sources; clicking them reveals that line. */
  findings: Array<{
    rule: string;
    severity: string;
    message: string;
    requests: number[];
    where: string | null;
    source: SourceLocation | null;
  }>;
  scan: {
    root: string;
    callSites: number;
    wrappers: number;
    aliases: number;
    findings: number;
    scanned: number;
    skipped: number;
  } | null;
  /** Requests left out of `requests` to keep the page responsive on huge traces. */
  omittedRequests: number;
  /** The report (NEW) compared with an earlier boot (BASE), when Compare with Trace… made a diff. */
  diff: DiffViewModel | null;
}

/**
 * A diff as the page draws it: two timelines of first requests per name, in seconds from each trace's first event,
 * and what was added and removed. `requests` are NEW's request indexes a click reveals (BASE's are not held).
 */
export interface DiffViewModel {
  base: DiffSideView;
  new: DiffSideView;
  summary: {
    added: number;
    removed: number;
    changed: number;
    same: number;
    findingsAdded: number;
    findingsRemoved: number;
    chainsAdded: number;
    chainsRemoved: number;
  };
  names: Array<{
    name: string;
    change: string;
    baseRequests: number;
    newRequests: number;
    baseOutcome: string | null;
    newOutcome: string | null;
    baseTime: number | null;
    newTime: number | null;
    request: number | null;
  }>;
  /** Names left out of `names` to keep the page responsive. */
  omittedNames: number;
  findingsAdded: Array<{ rule: string; severity: string; message: string; requests: number[]; where: string | null }>;
  findingsRemoved: Array<{ rule: string; severity: string; message: string; where: string | null }>;
  chainsAdded: Array<{ name: string; baseChains: number; newChains: number }>;
  chainsRemoved: Array<{ name: string; baseChains: number; newChains: number }>;
}

interface DiffSideView {
  file: string | null;
  requests: number;
  distinctNames: number;
  firstEventTime: number | null;
}

/** The page draws at most this many requests (a whole boot has a few hundred; a soak test may have millions). */
const MAX_DRAWN_REQUESTS = 20_000;
/** And this many request chains (a boot has a handful; a boot repeated in a soak test, one handful per boot). */
const MAX_DRAWN_CHAINS = 200;

const orNull = (text: string | null | undefined): string | null =>
  text === null || text === undefined ? null : escapeControl(text);

function sideView(d: DiffSide): DiffSideView {
  return {
    file: orNull(d.file),
    requests: d.requests,
    distinctNames: d.distinctNames,
    firstEventTime: d.firstEventTime,
  };
}

/** `report` is the diff's NEW: its requests and findings are what a click on the diff reveals. */
function diffViewModel(diff: BootDiff, report: Report | undefined): DiffViewModel {
  const firstRequest = new Map<string, number>();
  for (const r of report?.requests ?? []) if (!firstRequest.has(r.name)) firstRequest.set(r.name, r.index);
  const where = (f: BootDiff['findings']['added'][number], trace: string): string | null =>
    f.location !== null
      ? escapeControl(`${f.location.file}:${f.location.line}`)
      : f.line !== null
        ? `${trace} trace line ${f.line}`
        : null;
  const chains = (list: BootDiff['chains']['added']) =>
    list.map((c) => ({ name: escapeControl(c.name), baseChains: c.baseChains, newChains: c.newChains }));
  const s = diff.summary;
  return {
    base: sideView(diff.base),
    new: sideView(diff.new),
    summary: {
      added: s.added,
      removed: s.removed,
      changed: s.changed,
      same: s.same,
      findingsAdded: diff.findings.added.length,
      findingsRemoved: diff.findings.removed.length,
      chainsAdded: s.chains.added,
      chainsRemoved: s.chains.removed,
    },
    names: diff.names.slice(0, MAX_DRAWN_REQUESTS).map((n) => ({
      name: escapeControl(n.name),
      change: n.change,
      baseRequests: n.baseRequests,
      newRequests: n.newRequests,
      baseOutcome: n.baseOutcome,
      newOutcome: n.newOutcome,
      baseTime: n.baseTime,
      newTime: n.newTime,
      request: firstRequest.get(n.name) ?? null,
    })),
    omittedNames: Math.max(0, diff.names.length - MAX_DRAWN_REQUESTS),
    findingsAdded: diff.findings.added.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: escapeControl(f.message),
      requests: report?.findings[f.index]?.requests ?? [],
      where: where(f, 'new'),
    })),
    findingsRemoved: diff.findings.removed.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: escapeControl(f.message),
      where: where(f, 'base'),
    })),
    chainsAdded: chains(diff.chains.added),
    chainsRemoved: chains(diff.chains.removed),
  };
}

export function viewModel(
  report: Report | undefined,
  index: SourceIndex | undefined,
  diff?: BootDiff,
): ReportViewModel {
  return {
    trace: report?.trace
      ? {
          file: escapeControl(report.trace.file),
          format: report.trace.format,
          lines: report.trace.lines,
          events: report.trace.events,
          skippedLines: report.trace.skippedLines,
          warningCount: report.trace.warningCount,
        }
      : null,
    modulesDir: orNull(report?.modulesDir),
    sourceRoot: orNull(report?.sourceRoot ?? index?.root),
    summary: report?.summary ?? null,
    rules: Object.fromEntries(Object.entries(RULES).map(([id, r]) => [id, r.title])),
    requests: (report?.requests ?? []).slice(0, MAX_DRAWN_REQUESTS).map((r) => ({
      index: r.index,
      line: r.line,
      time: r.time,
      completedAt: r.completedAt,
      name: escapeControl(r.name),
      wait: r.wait,
      duplicateOf: r.duplicateOf,
      outcome: r.outcome,
      loadedModules: r.loadedModules.map(escapeControl),
      task: escapeControl(r.task),
      pid: r.pid,
      callSite:
        r.callSite === null
          ? null
          : escapeControl(`${r.callSite.symbol}${r.callSite.module !== null ? ` [${r.callSite.module}]` : ''}`),
      resolvesTo: r.resolution.modules.map(escapeControl),
      initOf: orNull(r.initOf),
      causedBy: r.causedBy,
    })),
    chains: (report?.chains ?? []).slice(0, MAX_DRAWN_CHAINS).map((c) => ({
      root: c.root,
      name: escapeControl(c.name),
      requests: c.requests,
      requestCount: c.requestCount,
      depth: c.depth,
      seconds: c.seconds,
      modules: c.modules.map(escapeControl),
    })),
    chainCount: report?.chains.length ?? 0,
    findings: [
      ...(index?.findings ?? []).map((f) => ({
        rule: f.rule,
        severity: f.severity,
        message: escapeControl(f.message),
        requests: [],
        where: escapeControl(`${f.location.file}:${f.location.line}`),
        source: f.location,
      })),
      ...(report?.findings ?? []).map((f) => ({
        rule: f.rule,
        severity: f.severity,
        message: escapeControl(f.message),
        requests: f.requests,
        where:
          f.location !== null
            ? escapeControl(`${f.location.file}:${f.location.line}`)
            : f.traceLines[0] !== undefined
              ? `trace line ${f.traceLines[0]}`
              : null,
        source: f.location,
      })),
    ],
    omittedRequests: Math.max(0, (report?.requests.length ?? 0) - MAX_DRAWN_REQUESTS),
    diff: diff === undefined ? null : diffViewModel(diff, report),
    scan:
      index === undefined
        ? null
        : {
            root: escapeControl(index.root),
            callSites: index.callSites.length,
            wrappers: index.wrappers.length,
            aliases: index.aliases.length,
            findings: index.findings.length,
            scanned: index.files.scanned,
            skipped: index.files.skipped,
          },
  };
}

type FromPage =
  | { type: 'ready' }
  | { type: 'reveal'; index: number }
  | { type: 'revealSource'; file: string; line: number; column: number };

/** Messages come from a page that shows untrusted text: accept only the shapes it is meant to send. */
function isFromPage(m: unknown): m is FromPage {
  if (typeof m !== 'object' || m === null) return false;
  const msg = m as { type?: unknown; index?: unknown; file?: unknown; line?: unknown; column?: unknown };
  if (msg.type === 'ready') return true;
  if (msg.type === 'reveal') return Number.isInteger(msg.index);
  return (
    msg.type === 'revealSource' &&
    typeof msg.file === 'string' &&
    Number.isInteger(msg.line) &&
    Number.isInteger(msg.column)
  );
}

/** The webview's type: VS Code restores a report tab after a window reload through the serializer registered for it. */
export const REPORT_VIEW_TYPE = 'autoloadLens.report';

/** A section of the page a command can bring into view. */
export type ReportSection = 'chains' | 'diff';

export class ReportPanel implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private panel: vscode.WebviewPanel | undefined;
  private readonly subscription: vscode.Disposable;
  /** The section to scroll to once the page has drawn the report. */
  private focus: ReportSection | null = null;

  private readonly results: Results;

  constructor(private readonly s: Services) {
    this.results = s.results;
    this.subscription = this.results.onDidChange(() => this.post());
  }

  show(focus: ReportSection | null = null): void {
    this.focus = focus;
    if (this.panel !== undefined) {
      this.panel.reveal();
      if (focus !== null) this.post();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      REPORT_VIEW_TYPE,
      'Autoload Lens Report',
      vscode.ViewColumn.Active,
      this.options(),
    );
    this.adopt(panel);
  }

  /** A report tab VS Code kept across a window reload: it shows the results as they are restored. */
  deserializeWebviewPanel(panel: vscode.WebviewPanel): Thenable<void> {
    if (this.panel !== undefined) panel.dispose();
    else {
      panel.webview.options = this.options();
      this.adopt(panel);
    }
    return Promise.resolve();
  }

  private options(): vscode.WebviewOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.s.context.extensionUri, 'media')] };
  }

  private adopt(panel: vscode.WebviewPanel): void {
    const media = vscode.Uri.joinPath(this.s.context.extensionUri, 'media');
    panel.iconPath = vscode.Uri.joinPath(media, 'icon.png');
    panel.webview.html = this.html(panel.webview, media);
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isFromPage(m)) return;
      if (m.type === 'ready') this.post();
      else if (m.type === 'reveal')
        void vscode.commands.executeCommand('autoloadLens.revealRequest', m.index, panel.viewColumn);
      else
        void revealSource(
          this.s,
          { file: m.file, line: m.line, column: m.column },
          panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One,
        );
    });
    panel.onDidDispose(() => (this.panel = undefined));
    this.panel = panel;
  }

  private post(): void {
    if (this.panel === undefined) return;
    void this.panel.webview.postMessage({
      type: 'report',
      data: viewModel(this.results.report, this.results.index, this.results.diff?.diff),
      focus: this.focus,
    });
    this.focus = null;
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'report.css'));
    const csp = [
      "default-src 'none'",
      `style-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style.toString()}">
<title>Autoload Lens Report</title>
</head>
<body>
<main id="app"><p class="empty">Loading the report…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.dispose();
  }
}
