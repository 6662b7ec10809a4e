/**
 * Compare with Trace…: the current replay (NEW) against an earlier boot's trace (BASE). BASE is replayed as it is
 * read into what the diff keeps, never into a second report; the diff opens in the report, and Problems keep only
 * the findings NEW added.
 */
import * as vscode from 'vscode';
import type { BootDiff } from '../engine/diff/index';
import { loadLayers } from './engine';
import { percentReporter } from './progress';
import type { ReportPanel } from './reportPanel';
import type { Services } from './services';
import { readSettings } from './settings';
import { uriArgument } from './commandArgs';
import { showEngineError } from './engineErrors';
import { replay, replayTraceCommand } from './replayCommand';

/** NEW: the trace given (replayed unless it is the current one), else the current replay, else one to replay now. */
async function newReport(s: Services, arg: unknown): Promise<boolean> {
  const given = uriArgument(arg);
  if (given !== undefined && !s.results.isReportTrace(given)) return (await replay(s, given, false)) !== undefined;
  if (s.results.report !== undefined) return true;
  return (await replayTraceCommand(s)) !== undefined;
}

async function pickBase(arg: unknown, next: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const given = uriArgument(arg);
  if (given !== undefined) return given;
  const picked = await vscode.window.showOpenDialog({
    canSelectMany: false,
    openLabel: 'Compare',
    title: `Autoload Lens: earlier trace to compare ${next === undefined ? 'the replay' : vscode.workspace.asRelativePath(next)} with (BASE)`,
    filters: { 'Trace text': ['txt', 'trace', 'log'], 'All files': ['*'] },
  });
  return picked?.[0];
}

export async function compareWithTraceCommand(
  s: Services,
  panel: ReportPanel,
  baseArg?: unknown,
  newArg?: unknown,
): Promise<BootDiff | undefined> {
  if (!(await newReport(s, newArg))) return undefined;
  const base = await pickBase(baseArg, s.results.traceUri);
  if (base === undefined) return undefined;
  const d = await compareWith(s, base);
  if (d !== undefined) panel.show('diff');
  return d;
}

/** The current replay (NEW) compared with `base`: the diff shown in the report page and Problems (also on restore). */
export async function compareWith(s: Services, base: vscode.Uri): Promise<BootDiff | undefined> {
  const report = s.results.report;
  const next = s.results.traceUri;
  if (report === undefined) return undefined;
  if (base.scheme !== 'file') {
    showEngineError(s, {
      code: 'unsupported-uri',
      message: `${base.toString()} is not a local file`,
      hint: "pick a trace on this machine's file system",
    });
    return undefined;
  }
  const settings = readSettings(s.context.workspaceState);
  const layers = loadLayers();
  const epoch = s.results.epoch;
  s.log.info(
    `comparing ${next?.fsPath ?? 'the replay'} (NEW) with ${base.fsPath} (BASE), modules: ${settings.modulesDirectory ?? 'none'}`,
  );
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Autoload Lens: replaying ${vscode.workspace.asRelativePath(base)} to compare`,
      cancellable: true,
    },
    async (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return layers.diffTraceWithReport(
        {
          tracePath: base.fsPath,
          ...(settings.modulesDirectory !== undefined && { modulesDir: settings.modulesDirectory }),
          ...(s.results.index !== undefined && { source: s.results.index }),
          dupsWindowSeconds: settings.dupsWindowSeconds,
          signal: abort.signal,
          onProgress: percentReporter(progress, (_read, _total, percent) => `${percent} %`),
        },
        report,
      );
    },
  );
  if (!result.ok) {
    if (result.error.code === 'cancelled') s.log.info(`comparison with ${base.fsPath} cancelled`);
    else showEngineError(s, result.error);
    return undefined;
  }
  // Cleared, or another trace replayed, meanwhile: this diff is of a report no longer shown.
  if (s.results.epoch !== epoch || s.results.report !== report) {
    s.log.info('the replay changed while comparing: this diff is not shown');
    return undefined;
  }
  const d = result.value;
  s.log.info(
    `diff: names ${d.summary.added} added, ${d.summary.removed} removed, ${d.summary.changed} changed, ${d.summary.same} the same; ` +
      `findings ${d.findings.added.length} added, ${d.findings.removed.length} removed; request chains ${d.summary.chains.added} added, ${d.summary.chains.removed} removed`,
  );
  s.results.setDiff(d, base);
  return d;
}
