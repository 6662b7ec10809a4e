/**
 * Links and Go to Definition between a trace and the sources: from `call_site=SYMBOL [module]` to the call site,
 * as the analysis layer links it (through inlining; ambiguous symbols offer every candidate), and from a call site
 * to its requests in the replayed trace.
 */
import * as vscode from 'vscode';
import type { CallSiteLink } from '../engine/sourceIndex';
import { loadedLayers } from './engine';
import type { Results } from './results';
import { callSiteRange, traceLineRange } from './results';

/** Where the call-site symbol and its optional `[module]` sit on a trace line (positions only; the engine reads events). */
const CALL_SITE_TOKEN = /\bcall_site=([^\s+]+)(?:\+0x[0-9a-fA-F]+\/0x[0-9a-fA-F]+)?(?: \[([^\]\s]+)\])?/;

interface CallSiteToken {
  range: vscode.Range;
  symbol: string;
  module: string | null;
}

function tokenAt(document: vscode.TextDocument, line: number): CallSiteToken | undefined {
  const text = document.lineAt(line).text;
  const m = CALL_SITE_TOKEN.exec(text);
  if (m === null) return undefined;
  const start = m.index + 'call_site='.length;
  return { range: new vscode.Range(line, start, line, start + m[1]!.length), symbol: m[1]!, module: m[2] ?? null };
}

export class TraceLinks implements vscode.DocumentLinkProvider, vscode.DefinitionProvider {
  /** Links are computed once per (symbol, module) and index. */
  private cache = new Map<string, CallSiteLink>();

  constructor(private readonly results: Results) {
    results.onDidChange(() => (this.cache = new Map()));
  }

  private link(symbol: string, module: string | null): CallSiteLink | undefined {
    const index = this.results.index;
    const analysis = loadedLayers();
    if (index === undefined || analysis === undefined) return undefined;
    const key = `${symbol} ${module ?? ''}`;
    let found: CallSiteLink | undefined = this.cache.get(key);
    if (found === undefined) {
      found = analysis.linkCallSite(index, symbol, module);
      this.cache.set(key, found);
    }
    return found;
  }

  provideDocumentLinks(document: vscode.TextDocument, token: vscode.CancellationToken): vscode.DocumentLink[] {
    if (this.results.index === undefined) return [];
    const links: vscode.DocumentLink[] = [];
    for (let line = 0; line < document.lineCount && !token.isCancellationRequested; line++) {
      const t = tokenAt(document, line);
      if (t === undefined) continue;
      const linked = this.link(t.symbol, t.module);
      const first = linked?.locations[0];
      const uri = first && this.results.sourceUri(first.file);
      if (linked === undefined || first === undefined || uri === undefined) continue;
      const link = new vscode.DocumentLink(t.range, uri.with({ fragment: `L${first.line},${first.column}` }));
      link.tooltip = linked.link === 'ambiguous'
        ? `${t.symbol}: ambiguous, ${linked.locations.length} candidates (Go to Definition lists them all)`
        : `${t.symbol}: ${linked.link} call site ${first.file}:${first.line}`;
      links.push(link);
    }
    return links;
  }

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location[] | undefined {
    if (document.languageId === 'autoload-trace') {
      const t = tokenAt(document, position.line);
      if (t === undefined || !t.range.contains(position)) return undefined;
      return this.link(t.symbol, t.module)?.locations.flatMap((l) => {
        const loc = this.results.sourceLocation(l);
        return loc === undefined ? [] : [loc];
      });
    }
    const rel = this.results.relativePath(document.uri);
    const trace = this.results.traceUri;
    if (rel === undefined || trace === undefined) return undefined;
    const site = this.results.callSitesIn(rel).find((s) => callSiteRange(s).contains(position));
    if (site === undefined) return undefined;
    return this.results.requestsFrom(site).map((r) => new vscode.Location(trace, traceLineRange(r.line)));
  }
}
