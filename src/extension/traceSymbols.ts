/** The outline of a trace: one symbol per requested name, with each of its requests inside. */
import * as vscode from 'vscode';
import { escapeControl } from '../engine/escape';
import { loadLayers } from './engine';
import type { Results } from './results';
import { traceLineRange } from './results';
import { plural } from './text';

interface RequestAt {
  name: string;
  line: number;
  time: number;
  wait: boolean;
  detail: string;
}

export class TraceSymbols implements vscode.DocumentSymbolProvider {
  constructor(private readonly results: Results) {}

  provideDocumentSymbols(document: vscode.TextDocument): vscode.DocumentSymbol[] {
    return outline(document, this.requests(document));
  }

  /** The replayed report when this is its trace (it knows outcomes), else the engine's reader over the buffer. */
  private requests(document: vscode.TextDocument): RequestAt[] {
    const report = this.results.report;
    if (report !== undefined && this.results.isReportTrace(document.uri) && !document.isDirty) {
      return report.requests.map((r) => ({
        name: r.name,
        line: r.line,
        time: r.time,
        wait: r.wait,
        detail: r.outcome,
      }));
    }
    const found: RequestAt[] = [];
    const read = loadLayers().readTraceText(
      document.getText(),
      (e) => {
        if (e.kind === 'module_request')
          found.push({ name: e.name, line: e.line, time: e.time, wait: e.wait, detail: e.callSite?.symbol ?? '' });
      },
      { file: document.uri.fsPath },
    );
    return read.ok ? found : [];
  }
}

function outline(document: vscode.TextDocument, requests: RequestAt[]): vscode.DocumentSymbol[] {
  const byName = new Map<string, RequestAt[]>();
  for (const r of requests) {
    const list = byName.get(r.name);
    if (list === undefined) byName.set(r.name, [r]);
    else list.push(r);
  }
  const lineRange = (line: number): vscode.Range => document.validateRange(traceLineRange(line));
  return [...byName].map(([name, list]) => {
    const first = lineRange(list[0].line);
    const range = first.union(lineRange(list[list.length - 1].line));
    const label = escapeControl(name) || '(empty name)';
    const symbol = new vscode.DocumentSymbol(
      label,
      plural(list.length, 'request'),
      vscode.SymbolKind.Module,
      range,
      first,
    );
    symbol.children = list.map((r) => {
      const at = lineRange(r.line);
      return new vscode.DocumentSymbol(
        `${r.time.toFixed(6)} s`,
        escapeControl(`wait=${r.wait ? 1 : 0} ${r.detail}`),
        vscode.SymbolKind.Event,
        at,
        at,
      );
    });
    return symbol;
  });
}
