/** Replay Trace…: replays a trace against the index and the modules metadata and publishes the report. */
import * as vscode from 'vscode';
import { escapeControl } from '../engine/escape';
import type { Report } from '../engine/reportStream/index';
import { loadLayers } from './engine';
import type { Services } from './services';
import { readSettings } from './settings';
import { percentReporter } from './progress';
import { uriArgument } from './commandArgs';
import { showEngineError } from './engineErrors';

export const TRACE_LANGUAGE = 'autoload-trace';

async function pickTrace(arg: unknown): Promise<vscode.Uri | undefined> {
  const given = uriArgument(arg);
  if (given !== undefined) return given;
  const editor = vscode.window.activeTextEditor;
  if (editor !== undefined && editor.document.languageId === TRACE_LANGUAGE) return editor.document.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Replay Trace',
    title: 'Autoload Lens: trace to replay (ftrace, trace-cmd report, perf script or dmesg text)',
    filters: { 'Trace text': ['txt', 'trace', 'log'], 'All files': ['*'] },
  });
  return picked?.[0];
}

export async function replayTraceCommand(s: Services, arg?: unknown): Promise<Report | undefined> {
  const uri = await pickTrace(arg);
  if (uri === undefined) return undefined;
  return replay(s, uri, false);
}

/**
 * Replays `uri` and publishes the report. `quiet` re-runs (after a new scan, another modules directory, a window
 * reload) do not ask questions and show their progress in the status bar. An editor buffer with unsaved changes is replayed from its text, a file from disk, streaming.
 */
export async function replay(s: Services, uri: vscode.Uri, quiet: boolean): Promise<Report | undefined> {
  const settings = readSettings(s.context.workspaceState);
  const index = s.results.index;
  const layers = loadLayers();
  const source = index;
  const dirty = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString() && d.isDirty);
  if (uri.scheme !== 'file' && dirty === undefined) {
    showEngineError(s, {
      code: 'unsupported-uri',
      message: `${uri.toString()} is not a local file`,
      hint: "open a trace on this machine's file system",
    });
    return undefined;
  }
  const label = uri.scheme === 'file' ? uri.fsPath : uri.toString();
  s.log.info(
    `replaying ${label} (modules: ${settings.modulesDirectory ?? 'none'}, source index: ${index ? index.root : 'none'}, dups window ${settings.dupsWindowSeconds} s)`,
  );
  if (settings.modulesDirectory === undefined && !quiet) {
    void vscode.window
      .showInformationMessage(
        'Autoload Lens: no modules directory is set, so requested names are not resolved.',
        'Select Modules Directory…',
      )
      .then((choice) => choice && vscode.commands.executeCommand('autoloadLens.selectModulesDirectory'));
  }

  const started = Date.now();
  const epoch = s.results.epoch;
  const title = escapeControl(`Autoload Lens: replaying ${vscode.workspace.asRelativePath(uri)}`);
  const result = await vscode.window.withProgress(
    // A re-run nobody asked for (after a scan, a settings change, a window reload) shows in the status bar only.
    quiet
      ? { location: vscode.ProgressLocation.Window, title }
      : { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      const common = { source, dupsWindowSeconds: settings.dupsWindowSeconds };
      if (dirty !== undefined) {
        const inputs = await layers.openInputs(
          settings.modulesDirectory === undefined ? {} : { modulesDir: settings.modulesDirectory },
        );
        if (!inputs.ok) return inputs;
        return layers.replayText(dirty.getText(), {
          ...common,
          file: label,
          modules: inputs.value.modules ?? undefined,
        });
      }
      return layers.replayTrace({
        ...common,
        tracePath: uri.fsPath,
        ...(settings.modulesDirectory !== undefined && { modulesDir: settings.modulesDirectory }),
        signal: abort.signal,
        onProgress: percentReporter(progress, (_read, _total, percent) => `${percent} %`),
      });
    },
  );
  if (!result.ok) {
    if (result.error.code === 'cancelled') s.log.info(`replay of ${label} cancelled`);
    else showEngineError(s, result.error);
    return undefined;
  }
  logReport(s, result.value, Date.now() - started);
  if (s.results.epoch !== epoch) {
    s.log.info('results were cleared while replaying: this report is not shown');
    return undefined;
  }
  s.results.setReport(result.value, uri);
  // A trace opened as plain text gets the trace-log language, so its hovers, links and outline apply.
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.uri.toString() === uri.toString() && doc.languageId === 'plaintext')
      void vscode.languages.setTextDocumentLanguage(doc, TRACE_LANGUAGE);
  }
  return result.value;
}

function logReport(s: Services, report: Report, ms: number): void {
  const t = report.trace;
  if (t !== null) {
    s.log.info(
      `read ${t.file} as ${t.format}: ${t.lines} lines, ${t.events} events, ${t.skippedLines} lines skipped (headers, other events), ` +
        `${t.warningCount} warnings, in ${ms} ms`,
    );
    for (const w of t.warnings) s.log.warn(`${t.file}:${w.line}: ${w.message}`);
    if (t.warningCount > t.warnings.length) s.log.warn(`… and ${t.warningCount - t.warnings.length} more warnings`);
  }
  const counts = Object.entries(report.summary.findings)
    .filter(([, n]) => n > 0)
    .map(([rule, n]) => `${rule} ${n}`);
  s.log.info(
    `${report.summary.requests} requests for ${report.summary.distinctNames} names, ${report.summary.loads} loads, ` +
      `${report.summary.frees} frees; findings: ${counts.length > 0 ? counts.join(', ') : 'none'}`,
  );
}
