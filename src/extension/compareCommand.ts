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

/** The modules directory BASE is resolved with, as a choice: `dir` undefined is none. Undefined: cancelled. */
type BaseModules = { dir: string | undefined } | undefined;

/**
 * BASE's modules directory: the one given (null: none); when BASE was given too, the replay's; else, when the replay
 * has one, the replay's or another folder (BASE's kernel's), as the user picks. A replay without one resolves
 * nothing, and neither does BASE: one side resolved and the other not would make every outcome differ.
 */
async function pickBaseModules(replayModules: string | undefined, arg: unknown, asked: boolean): Promise<BaseModules> {
  if (arg === null) return { dir: undefined };
  const given = uriArgument(arg);
  if (given !== undefined) return { dir: given.fsPath };
  if (!asked || replayModules === undefined) return { dir: replayModules };
  const picked = await vscode.window.showQuickPick(
    [
      { label: "The replay's modules directory", description: replayModules, other: false },
      { label: 'Another modules directory…', description: "BASE's kernel's, when it ran another", other: true },
    ],
    { title: 'Autoload Lens: modules directory to resolve BASE with' },
  );
  if (picked === undefined) return undefined;
  if (!picked.other) return { dir: replayModules };
  const folder = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    canSelectMany: false,
    openLabel: 'Resolve BASE',
    title: "Autoload Lens: BASE's modules directory (its modules.dep and modules.alias)",
  });
  return folder?.[0] === undefined ? undefined : { dir: folder[0].fsPath };
}

export async function compareWithTraceCommand(
  s: Services,
  panel: ReportPanel,
  baseArg?: unknown,
  newArg?: unknown,
  baseModulesArg?: unknown,
): Promise<BootDiff | undefined> {
  if (!(await newReport(s, newArg))) return undefined;
  const base = await pickBase(baseArg, s.results.traceUri);
  if (base === undefined) return undefined;
  const replayModules = readSettings(s.context.workspaceState).modulesDirectory;
  const modules = await pickBaseModules(replayModules, baseModulesArg, uriArgument(baseArg) === undefined);
  if (modules === undefined) return undefined;
  const d = await compareWith(s, base, modules.dir);
  if (d !== undefined) panel.show('diff');
  return d;
}

/**
 * The current replay (NEW) compared with `base`, whose names resolve with `baseModules` (a modules directory, or
 * none): the diff shown in the report page and Problems (also on restore).
 */
export async function compareWith(
  s: Services,
  base: vscode.Uri,
  baseModules: string | undefined,
): Promise<BootDiff | undefined> {
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
    `comparing ${next?.fsPath ?? 'the replay'} (NEW, modules: ${settings.modulesDirectory ?? 'none'}) with ` +
      `${base.fsPath} (BASE, modules: ${baseModules ?? 'none'})`,
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
          ...(baseModules !== undefined && { modulesDir: baseModules }),
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
  s.results.setDiff(d, base, baseModules);
  return d;
}
