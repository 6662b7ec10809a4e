/**
 * Links and Go to Definition between a trace and the sources: from `call_site=SYMBOL [module]` to the call sites
 * that can have made the line's name, as the engine's linker links them (the replay's own records for the replayed
 * trace; ambiguous symbols offer every candidate), and from a call site to its requests in the replayed trace.
 */
import * as vscode from 'vscode';
import { escapeControl } from '../engine/escape';
import type { CallSiteLinker } from '../engine/callSiteLinker';
import type { CallSiteLink } from '../engine/sourceIndex';
import { loadedLayers } from './engine';
import type { Results } from './results';
import { callSiteRange, traceLineRange } from './results';

/** Where the call-site symbol sits on a trace line (a position only: the engine reads the events). */
const CALL_SITE_TOKEN = /\bcall_site=([^\s+]+)/;

function symbolRange(document: vscode.TextDocument, line: number): vscode.Range | undefined {
  const m = CALL_SITE_TOKEN.exec(document.lineAt(line).text);
  if (m === null) return undefined;
  const start = m.index + 'call_site='.length;
  return new vscode.Range(line, start, line, start + m[1].length);
}

interface LinkedLine {
  range: vscode.Range;
  symbol: string;
  link: CallSiteLink;
}

export class TraceLinks implements vscode.DocumentLinkProvider, vscode.DefinitionProvider {
  /** Per trace document version: its request lines, linked. */
  private byDocument = new Map<string, { version: number; lines: Map<number, LinkedLine> }>();
  private linker: CallSiteLinker | undefined;

  constructor(private readonly results: Results) {
    results.onDidChange(() => {
      this.byDocument = new Map();
      this.linker = undefined;
    });
  }

  /** 0-based line → its linked request. The replayed trace's links are the replay's; another trace is read here. */
  private linkedLines(document: vscode.TextDocument): Map<number, LinkedLine> {
    const key = document.uri.toString();
    const known = this.byDocument.get(key);
    if (known?.version === document.version) return known.lines;
    const lines = new Map<number, LinkedLine>();
    const add = (line: number, symbol: string, link: CallSiteLink) => {
      const range = line <= document.lineCount ? symbolRange(document, line - 1) : undefined;
      if (range) lines.set(line - 1, { range, symbol, link });
    };
    const index = this.results.index;
    const layers = loadedLayers();
    if (index !== undefined && layers !== undefined) {
      if (this.results.traceUri?.toString() === key && !document.isDirty) {
        for (const r of this.results.report?.requests ?? []) {
          const cs = r.callSite;
          if (cs?.link !== undefined) add(r.line, cs.symbol, { link: cs.link, locations: cs.locations ?? [] });
        }
      } else {
        const linker = (this.linker ??= new layers.CallSiteLinker(index));
        layers.readTraceText(document.getText(), (e) => {
          if (e.kind === 'module_request' && e.callSite)
            add(e.line, e.callSite.symbol, linker.link(e.callSite.symbol, e.callSite.module, e.name));
        });
      }
    }
    this.byDocument.set(key, { version: document.version, lines });
    return lines;
  }

  provideDocumentLinks(document: vscode.TextDocument, token: vscode.CancellationToken): vscode.DocumentLink[] {
    if (this.results.index === undefined) return [];
    const links: vscode.DocumentLink[] = [];
    for (const { range, symbol, link: linked } of this.linkedLines(document).values()) {
      if (token.isCancellationRequested) break;
      const first = linked.locations[0];
      const uri = first && this.results.sourceUri(first.file);
      if (first === undefined || uri === undefined) continue;
      const link = new vscode.DocumentLink(range, uri.with({ fragment: `L${first.line},${first.column}` }));
      // The symbol comes from the trace, the path from the tree: escaped as every text the editor shows.
      link.tooltip = escapeControl(
        linked.locations.length > 1
          ? `${symbol}: ${linked.link}, ${linked.locations.length} call sites can make this name (Go to Definition lists them all)`
          : `${symbol}: ${linked.link} call site ${first.file}:${first.line}`,
      );
      links.push(link);
    }
    return links;
  }

  provideDefinition(document: vscode.TextDocument, position: vscode.Position): vscode.Location[] | undefined {
    if (document.languageId === 'autoload-trace') {
      const t = this.linkedLines(document).get(position.line);
      if (t === undefined || !t.range.contains(position)) return undefined;
      return t.link.locations.flatMap((l) => {
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
