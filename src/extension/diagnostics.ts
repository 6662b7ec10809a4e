/**
 * Problems: on a source line, one entry per rule and call site (the engine's siteFindings: the scan's finding and the
 * trace's findings of that call site, counted, with a related line per name that goes to its requests); on a trace
 * line, each trace finding. While a diff is shown (Compare with Trace…), the trace findings are only those it added.
 * Updated per file, and only for files whose entries changed: an edit never empties the panel on the way.
 */
import * as vscode from 'vscode';
import { escapeControl } from '../engine/escape';
import { traceLineOf } from '../engine/findings/findingCounts';
import type { Finding } from '../engine/report';
import type { RuleId, Severity } from '../engine/ruleCatalog';
import { LISTED_NAMES, requestText, type SiteFindings } from '../engine/findings/siteFindings';
import type { Results } from './results';

const DIAGNOSTIC_SOURCE = 'Autoload Lens';

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Each rule is explained under a heading named after its id in the README the extension ships. */
export function ruleHelpUri(extensionUri: vscode.Uri, rule: RuleId): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'README.md').with({ fragment: rule });
}

/** Messages quote names, paths and source text: escaped in the entry and in each related line. */
function diagnostic(
  range: vscode.Range,
  message: string,
  rule: RuleId,
  severity: Severity,
  extensionUri: vscode.Uri,
): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, escapeControl(message), SEVERITY[severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: rule, target: ruleHelpUri(extensionUri, rule) };
  return d;
}

function related(loc: vscode.Location, message: string): vscode.DiagnosticRelatedInformation {
  return new vscode.DiagnosticRelatedInformation(loc, escapeControl(message));
}

/** What a file shows: equal keys mean equal entries, so the file is left alone. */
function keyOf(list: readonly vscode.Diagnostic[]): string {
  const where = (l: vscode.Location) => `${l.uri.toString()}#${l.range.start.line}:${l.range.start.character}`;
  return JSON.stringify(
    list.map((d) => [
      d.range.start.line,
      d.range.start.character,
      d.range.end.line,
      d.range.end.character,
      d.severity,
      d.message,
      typeof d.code === 'object' ? d.code.value : d.code,
      (d.relatedInformation ?? []).map((r) => [where(r.location), r.message]),
    ]),
  );
}

export class Diagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('autoloadLens');
  /** The files that show entries now, by URI, with the key of what they show. */
  private shown = new Map<string, { uri: vscode.Uri; key: string }>();

  constructor(
    private readonly results: Results,
    private readonly extensionUri: vscode.Uri,
  ) {}

  refresh(): void {
    const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    const add = (uri: vscode.Uri, d: vscode.Diagnostic): void => {
      const key = uri.toString();
      const entry = byUri.get(key) ?? { uri, list: [] };
      entry.list.push(d);
      byUri.set(key, entry);
    };
    for (const site of this.results.siteFindings()) {
      const placed = this.siteDiagnostic(site);
      if (placed !== undefined) add(placed.uri, placed.diagnostic);
    }
    for (const finding of this.results.problemReport?.findings ?? []) {
      const placed = this.traceDiagnostic(finding);
      if (placed !== undefined) add(placed.uri, placed.diagnostic);
    }
    const next = new Map<string, { uri: vscode.Uri; key: string }>();
    for (const [k, { uri, list }] of byUri) {
      const key = keyOf(list);
      if (this.shown.get(k)?.key !== key) this.collection.set(uri, list);
      next.set(k, { uri, key });
    }
    for (const [k, { uri }] of this.shown) if (!next.has(k)) this.collection.delete(uri);
    this.shown = next;
  }

  private siteDiagnostic(site: SiteFindings): { uri: vscode.Uri; diagnostic: vscode.Diagnostic } | undefined {
    const where = this.results.sourceLocation(site.location);
    if (where === undefined) return undefined;
    const d = diagnostic(where.range, site.message, site.rule, site.severity, this.extensionUri);
    // A line per name, as many as the message lists: VS Code shows related information in the hover of the line too.
    d.relatedInformation = [
      ...site.source.flatMap((f) =>
        f.related.flatMap((r) => {
          const loc = this.results.sourceLocation(r);
          return loc === undefined ? [] : [related(loc, r.message)];
        }),
      ),
      ...site.names.slice(0, LISTED_NAMES).flatMap((n) => {
        const loc = this.results.traceLocation(n.line);
        return loc === undefined ? [] : [related(loc, n.text)];
      }),
    ];
    return { uri: where.uri, diagnostic: d };
  }

  /** On the trace line of the finding's subject request, with the other requests and their call sites related. */
  private traceDiagnostic(finding: Finding): { uri: vscode.Uri; diagnostic: vscode.Diagnostic } | undefined {
    const line = traceLineOf(finding, this.results.report?.requests ?? []);
    const traceLoc = line === undefined ? undefined : this.results.traceLocation(line);
    if (traceLoc === undefined) return undefined;
    const d = diagnostic(traceLoc.range, finding.message, finding.rule, finding.severity, this.extensionUri);
    d.relatedInformation = this.relatedOf(finding).filter((r) => !sameLocation(r.location, traceLoc));
    return { uri: traceLoc.uri, diagnostic: d };
  }

  /** The other requests of the finding (a duplicate group) and the call sites they came from. */
  private relatedOf(finding: Finding): vscode.DiagnosticRelatedInformation[] {
    const requests = this.results.report?.requests ?? [];
    const out: vscode.DiagnosticRelatedInformation[] = [];
    const seen = new Set<string>();
    const push = (loc: vscode.Location | undefined, message: string): void => {
      if (loc === undefined) return;
      const key = `${loc.uri.toString()}#${loc.range.start.line}`;
      if (seen.has(key)) return;
      seen.add(key);
      out.push(related(loc, message));
    };
    for (const i of finding.requests) {
      const r = requests[i];
      if (r === undefined) continue;
      push(this.results.traceLocation(r.line), requestText(r, requests));
      for (const loc of r.callSite?.locations ?? []) {
        push(
          this.results.sourceLocation(loc),
          `call site ${r.callSite?.symbol ?? ''} (${r.callSite?.link ?? 'linked'})`,
        );
      }
    }
    for (const line of finding.traceLines) push(this.results.traceLocation(line), `trace line ${line}`);
    return out;
  }

  dispose(): void {
    this.collection.dispose();
  }
}

function sameLocation(a: vscode.Location, b: vscode.Location): boolean {
  return a.uri.toString() === b.uri.toString() && a.range.start.line === b.range.start.line;
}
