// Shared by the suites that run inside VS Code: the fixture workspace, the extension's test API, and small waits.
import * as vscode from 'vscode';
import type { Report } from '../../../src/engine/reportStream/index';
import type { ResultsApi } from '../../../src/extension/results';

export const EXTENSION_ID = 'autoload-lens.autoload-lens';
export const DIAGNOSTIC_SOURCE = 'Autoload Lens';

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) throw new Error('the tests need the fixture workspace open (test/fixtures/workspace)');
  return folder.uri;
}

export function fixture(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...rel.split('/'));
}

export async function extensionApi(): Promise<ResultsApi> {
  const ext = vscode.extensions.getExtension<ResultsApi>(EXTENSION_ID);
  if (ext === undefined) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  return ext.activate();
}

/** Polls until `probe` returns something other than undefined (VS Code updates some state asynchronously). */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Autoload Lens diagnostics of one file, sorted by line, then rule id. */
export function diagnosticsOf(rel: string): vscode.Diagnostic[] {
  return vscode.languages
    .getDiagnostics(fixture(rel))
    .filter((d) => d.source === DIAGNOSTIC_SOURCE)
    .sort((a, b) => a.range.start.line - b.range.start.line || ruleOf(a).localeCompare(ruleOf(b)));
}

/** Every Autoload Lens diagnostic in the workspace, keyed by path relative to the workspace folder. */
export function allDiagnostics(): Map<string, vscode.Diagnostic[]> {
  const out = new Map<string, vscode.Diagnostic[]>();
  for (const [uri, list] of vscode.languages.getDiagnostics()) {
    const ours = list.filter((d) => d.source === DIAGNOSTIC_SOURCE);
    if (ours.length > 0) out.set(vscode.workspace.asRelativePath(uri, false), ours);
  }
  return out;
}

/** The rule id a diagnostic carries as its code. */
export function ruleOf(d: vscode.Diagnostic): string {
  const code = d.code;
  return typeof code === 'object' && code !== null ? String(code.value) : String(code);
}

/** "rule@line" (1-based) for compact exact comparisons. */
export function ruleLines(list: vscode.Diagnostic[]): string[] {
  return list.map((d) => `${ruleOf(d)}@${d.range.start.line + 1}`);
}

export function hoverText(hovers: vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : '')))
    .join('\n');
}

/** Position of the first occurrence of `needle` on a 1-based line of a document. */
export async function positionOf(uri: vscode.Uri, line: number, needle: string): Promise<vscode.Position> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const col = doc.lineAt(line - 1).text.indexOf(needle);
  if (col < 0) throw new Error(`${vscode.workspace.asRelativePath(uri)}:${line} has no "${needle}"`);
  return new vscode.Position(line - 1, col);
}

export async function clearResults(): Promise<void> {
  await vscode.commands.executeCommand('autoloadLens.clearResults');
}

/** From a clean slate: scans the fixture workspace, then replays one of its traces and returns the report. */
export async function scanAndReplay(trace: string): Promise<Report> {
  await clearResults();
  await vscode.commands.executeCommand('autoloadLens.scanWorkspace');
  const report = await vscode.commands.executeCommand<Report | undefined>('autoloadLens.replayTrace', fixture(trace));
  if (report === undefined) throw new Error(`replayTrace returned no report for ${trace}`);
  return report;
}

/** CodeLenses of a workspace file (the provider command needs the document open). */
export async function codeLenses(rel: string): Promise<vscode.CodeLens[]> {
  const uri = fixture(rel);
  await vscode.workspace.openTextDocument(uri);
  return vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
}
