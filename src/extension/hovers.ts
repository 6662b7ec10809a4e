/** Hovers: on a call site (pattern, documenting declarations, providing modules); on a trace line (resolution, outcome, call site). */
import * as vscode from 'vscode';
import { AliasCatalog } from '../engine/modules/aliasDeclarations';
import { escapeControl } from '../engine/escape';
import type { Finding, RequestRecord } from '../engine/report';
import { RULES } from '../engine/ruleCatalog';
import { listSome, siteActivity } from '../engine/siteActivity';
import type { CallSiteInfo, SourceLocation } from '../engine/sourceIndex';
import { ruleHelpUri } from './diagnostics';
import type { Results } from './results';
import { callSiteRange } from './results';
import { plural } from './text';

/** How many declarations or requests a hover lists before summarising. */
const LISTED = 8;

/**
 * Markdown code span of trace or source text, escaped (on one line, no terminal or bidi controls); it survives
 * backticks: its fence is longer than any run inside.
 */
function code(text: string): string {
  const clean = escapeControl(text);
  const longestRun = Math.max(0, ...(clean.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence} ${clean} ${fence}`;
}

function link(label: string, uri: vscode.Uri | undefined, line: number): string {
  const text = escapeMarkdown(escapeControl(label));
  if (uri === undefined) return text;
  return `[${text}](${uri.with({ fragment: `L${line}` }).toString()})`;
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!<>|~]/g, '\\$&');
}

export class AutoloadHovers implements vscode.HoverProvider {
  constructor(
    private readonly results: Results,
    private readonly extensionUri: vscode.Uri,
  ) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (this.results.isReportTrace(document.uri)) {
      const request = this.results.requestAtLine(position.line + 1);
      return request && new vscode.Hover(this.requestMarkdown(request));
    }
    const rel = this.results.relativePath(document.uri);
    if (rel === undefined) return undefined;
    const site = this.results.callSitesIn(rel).find((s) => callSiteRange(s).contains(position));
    return site && new vscode.Hover(this.siteMarkdown(site), callSiteRange(site));
  }

  /** What the call site did in the trace first (the reason to hover it while triaging), then what it is. */
  private siteMarkdown(site: CallSiteInfo): vscode.MarkdownString {
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**Autoload Lens** — ${this.traceSummary(site)}\n\n`);
    const kind = site.kind === 'wrapper' ? `wrapper call via ${site.via.map(code).join(' → ')}` : 'module request';
    const facts = [
      `${kind}${site.wait ? '' : ' (nowait)'}`,
      ...(site.name !== null ? [`name: ${code(site.name)}`] : []),
      `pattern: ${site.pattern !== null ? code(site.pattern) : 'unknown (not a literal format)'}`,
      ...(site.format !== null ? [`format: ${code(site.format)}`] : []),
      `return value: ${site.returnUse}${site.assignedTested === false ? ' (never tested)' : ''}`,
    ];
    md.appendMarkdown(`${facts.join(' · ')}\n\n`);
    const index = this.results.index;
    const documented =
      index !== undefined && (site.name !== null || site.pattern !== null)
        ? AliasCatalog.of(index).declarations(site.name ?? site.pattern!)
        : [];
    md.appendMarkdown(`**Declarations that document it** (${documented.length})\n\n`);
    for (const d of documented.slice(0, LISTED)) {
      md.appendMarkdown(
        `- ${code(d.value ?? '')} — ${code(d.macro)} at ${link(`${d.file}:${d.line}`, this.results.sourceUri(d.file), d.line)}\n`,
      );
    }
    if (documented.length > LISTED) md.appendMarkdown(`- … and ${documented.length - LISTED} more\n`);
    return md;
  }

  /**
   * `in the trace: 26 requests of 16 names, 10 duplicates · loaded ext4, isofs +8`, then the most requested names,
   * each linked to its first request.
   */
  private traceSummary(site: CallSiteInfo): string {
    if (this.results.report === undefined) return 'no trace replayed';
    const a = siteActivity(this.results.requestsFrom(site));
    if (a.requests === 0) return 'no request from this call site in the trace';
    const counts = `${plural(a.requests, 'request')} of ${plural(a.names.length, 'name')}, ${plural(a.duplicates, 'duplicate')}`;
    const loaded = a.loaded.length > 0 ? `loaded ${listSome(a.loaded.map(code), 4)}` : 'loaded nothing';
    const names = [...a.names]
      .sort((x, y) => y.requests.length - x.requests.length)
      .slice(0, LISTED)
      .map((n) => {
        const first = n.requests[0];
        const times = n.requests.length > 1 ? ` ×${n.requests.length}` : '';
        const dups = n.duplicates > 0 ? ` (${plural(n.duplicates, 'duplicate')})` : '';
        return `${code(n.name)}${times}${dups} ${link(`line ${first.line}`, this.results.traceUri, first.line)}`;
      });
    const more = a.names.length > LISTED ? ` · … and ${a.names.length - LISTED} more` : '';
    return `in the trace: ${counts} · ${loaded}\n\n${names.join(' · ')}${more}`;
  }

  private requestMarkdown(r: RequestRecord): vscode.MarkdownString {
    const md = new vscode.MarkdownString();
    const res = r.resolution;
    md.appendMarkdown(
      `**Autoload Lens** — request ${code(r.name)} (wait=${r.wait ? 1 : 0}) by ${code(`${r.task}-${r.pid}`)}\n\n`,
    );
    md.appendMarkdown(
      `- resolves to: ${res.modules.length > 0 ? res.modules.map(code).join(', ') : 'nothing'} (${res.kind}`,
    );
    md.appendMarkdown(`${res.patterns.length > 0 ? `, via ${res.patterns.map(code).join(', ')}` : ''})\n`);
    md.appendMarkdown(
      `- outcome: ${r.outcome}${r.loadedModules.length > 0 ? `, loaded ${r.loadedModules.map(code).join(', ')}` : ''}`,
    );
    md.appendMarkdown(` (completed at ${r.completedAt.toFixed(6)} s)\n`);
    if (r.duplicateOf !== null) {
      const anchor = this.results.report?.requests[r.duplicateOf];
      if (anchor !== undefined)
        md.appendMarkdown(`- duplicate of ${link(`line ${anchor.line}`, this.results.traceUri, anchor.line)}\n`);
    }
    const cs = r.callSite;
    if (cs !== null) {
      md.appendMarkdown(`- call site: ${code(cs.symbol)}${cs.module !== null ? ` [${code(cs.module)}]` : ''}`);
      md.appendMarkdown(
        cs.link !== undefined
          ? ` — ${cs.link}${this.locationsText(cs.locations ?? [])}\n`
          : ' (scan the workspace to link it to source)\n',
      );
    }
    const findings = this.results.findingsOfRequest(r);
    if (findings.length > 0)
      md.appendMarkdown(`\n**Findings**\n\n${findings.map((f) => this.findingText(f)).join('\n')}\n`);
    return md;
  }

  private locationsText(locations: SourceLocation[]): string {
    if (locations.length === 0) return '';
    return `: ${locations.map((l) => link(`${l.file}:${l.line}`, this.results.sourceUri(l.file), l.line)).join(', ')}`;
  }

  /** The rule only: the Problems hover on the same line already shows the message. */
  private findingText(f: Finding): string {
    return `- ${f.severity}: [${f.rule}](${ruleHelpUri(this.extensionUri, f.rule).toString()}) — ${escapeMarkdown(RULES[f.rule].title)}`;
  }
}
