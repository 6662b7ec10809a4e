/** Moving the editor to a trace request and to the call site it came from (tree items, CodeLens, the webview). */
import * as vscode from 'vscode';
import { escapeControl } from '../engine/escape';
import type { RequestRecord } from '../engine/report';
import type { SourceLocation } from '../engine/sourceIndex';
import type { Services } from './services';

/**
 * Shows a place with the cursor at its start: an empty selection, so that a keystroke that lands in the editor
 * cannot replace the revealed code.
 */
export async function revealLocation(
  location: vscode.Location | undefined,
  column = vscode.ViewColumn.Active,
  preserveFocus = false,
): Promise<void> {
  if (location === undefined) return;
  const at = location.range.start;
  await vscode.window.showTextDocument(location.uri, {
    selection: new vscode.Range(at, at),
    viewColumn: column,
    preserveFocus,
  });
}

export function revealSource(
  s: Services,
  loc: SourceLocation,
  column?: vscode.ViewColumn,
  preserveFocus = false,
): Promise<void> {
  return revealLocation(s.results.sourceLocation(loc), column, preserveFocus);
}

export function revealTraceLine(s: Services, line: number, column?: vscode.ViewColumn): Promise<void> {
  return revealLocation(s.results.traceLocation(line), column);
}

/**
 * The request's trace line (focused), and beside it the call site when the engine linked one. `keepColumn` is the
 * column of the report webview that asked: both editors open in other columns so the report stays visible.
 */
export async function revealRequestCommand(s: Services, index: unknown, keepColumn?: unknown): Promise<void> {
  const request = typeof index === 'number' ? s.results.report?.requests[index] : undefined;
  if (request === undefined) return;
  const [traceColumn, sourceColumn] = [vscode.ViewColumn.One, vscode.ViewColumn.Two, vscode.ViewColumn.Three].filter(
    (c) => c !== keepColumn,
  );
  const site = request.callSite?.locations?.[0];
  if (site !== undefined) await revealSource(s, site, sourceColumn, true);
  await revealTraceLine(s, request.line, traceColumn);
}

function requestItem(r: RequestRecord): vscode.QuickPickItem & { request: RequestRecord } {
  return {
    label: escapeControl(r.name),
    description: `line ${r.line} · ${r.time.toFixed(6)} s · wait=${r.wait ? 1 : 0} · ${r.outcome}${r.duplicateOf !== null ? ' · duplicate' : ''}`,
    detail: r.loadedModules.length > 0 ? escapeControl(`loaded ${r.loadedModules.join(', ')}`) : undefined,
    request: r,
  };
}

/** From a call site (CodeLens) to the trace requests it made. */
export async function showCallSiteRequestsCommand(s: Services, file: unknown, line: unknown): Promise<void> {
  if (typeof file !== 'string' || typeof line !== 'number') return;
  const site = s.results.callSiteAt(file, line);
  const requests = site === undefined ? [] : s.results.requestsFrom(site);
  if (requests.length === 0) {
    void vscode.window.showInformationMessage('Autoload Lens: the replayed trace has no request from this call site.');
    return;
  }
  const picked =
    requests.length === 1
      ? requestItem(requests[0])
      : await vscode.window.showQuickPick(requests.map(requestItem), {
          title: escapeControl(`Trace requests from ${file}:${line}`),
          matchOnDescription: true,
        });
  if (picked !== undefined) await revealTraceLine(s, picked.request.line);
}
