/** Problems: the scan's findings on C call sites, the replay's findings on trace lines (and on source when linked). */
import * as vscode from 'vscode';
import type { Finding } from '../engine/report';
import type { RuleId, Severity } from '../engine/rules/catalog';
import type { SourceFinding } from '../engine/sourceIndex';
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

function diagnostic(range: vscode.Range, message: string, rule: RuleId, severity: Severity, extensionUri: vscode.Uri): vscode.Diagnostic {
  const d = new vscode.Diagnostic(range, message, SEVERITY[severity]);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = { value: rule, target: ruleHelpUri(extensionUri, rule) };
  return d;
}

export class Diagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('autoloadLens');

  constructor(private readonly results: Results, private readonly extensionUri: vscode.Uri) {}

  refresh(): void {
    this.collection.clear();
    const byUri = new Map<string, { uri: vscode.Uri; list: vscode.Diagnostic[] }>();
    const add = (uri: vscode.Uri, d: vscode.Diagnostic): void => {
      const key = uri.toString();
      const entry = byUri.get(key) ?? { uri, list: [] };
      entry.list.push(d);
      byUri.set(key, entry);
    };
    for (const finding of this.results.index?.findings ?? []) {
      const placed = this.sourceDiagnostic(finding);
      if (placed !== undefined) add(placed.uri, placed.diagnostic);
    }
    for (const finding of this.results.report?.findings ?? []) {
      for (const placed of this.reportDiagnostics(finding)) add(placed.uri, placed.diagnostic);
    }
    this.collection.set([...byUri.values()].map((e) => [e.uri, e.list]));
  }

  clear(): void {
    this.collection.clear();
  }

  private sourceDiagnostic(finding: SourceFinding): { uri: vscode.Uri; diagnostic: vscode.Diagnostic } | undefined {
    const where = this.results.sourceLocation(finding.location);
    if (where === undefined) return undefined;
    const d = diagnostic(where.range, finding.message, finding.rule, finding.severity, this.extensionUri);
    d.relatedInformation = finding.related.flatMap((r) => {
      const loc = this.results.sourceLocation(r);
      return loc === undefined ? [] : [new vscode.DiagnosticRelatedInformation(loc, r.message)];
    });
    return { uri: where.uri, diagnostic: d };
  }

  /** On the trace line of the finding's subject request, and on its source line when the engine linked one. */
  private reportDiagnostics(finding: Finding): Array<{ uri: vscode.Uri; diagnostic: vscode.Diagnostic }> {
    const placed: Array<{ uri: vscode.Uri; diagnostic: vscode.Diagnostic }> = [];
    const related = this.relatedOf(finding);
    const subjectLine = this.subjectLine(finding);
    const traceLoc = subjectLine === undefined ? undefined : this.results.traceLocation(subjectLine);
    if (traceLoc !== undefined) {
      const d = diagnostic(traceLoc.range, finding.message, finding.rule, finding.severity, this.extensionUri);
      d.relatedInformation = related.filter((r) => !sameLocation(r.location, traceLoc));
      placed.push({ uri: traceLoc.uri, diagnostic: d });
    }
    const sourceLoc = finding.location === null ? undefined : this.results.sourceLocation(finding.location);
    if (sourceLoc !== undefined) {
      const d = diagnostic(sourceLoc.range, finding.message, finding.rule, finding.severity, this.extensionUri);
      d.relatedInformation = related.filter((r) => !sameLocation(r.location, sourceLoc));
      placed.push({ uri: sourceLoc.uri, diagnostic: d });
    }
    return placed;
  }

  /** A duplicate group is reported on its first repeat (the anchor is related); other findings on their first request. */
  private subjectLine(finding: Finding): number | undefined {
    const requests = this.results.report?.requests ?? [];
    const subject = finding.rule === 'duplicate-request' ? finding.requests[1] ?? finding.requests[0] : finding.requests[0];
    return (subject !== undefined ? requests[subject]?.line : undefined) ?? finding.traceLines[0];
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
      out.push(new vscode.DiagnosticRelatedInformation(loc, message));
    };
    for (const i of finding.requests) {
      const r = requests[i];
      if (r === undefined) continue;
      push(this.results.traceLocation(r.line), `request ${r.name} (wait=${r.wait ? 1 : 0}) at ${r.time.toFixed(6)} s by ${r.task}-${r.pid}`);
      for (const loc of r.callSite?.locations ?? []) {
        push(this.results.sourceLocation(loc), `call site ${r.callSite?.symbol ?? ''} (${r.callSite?.link ?? 'linked'})`);
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
