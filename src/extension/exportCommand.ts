/** Export Report…: the replay report (or, before any replay, the scan) as JSON or SARIF, written atomically. */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { escapeControl } from '../engine/escape';
import { loadLayers } from './engine';
import type { Services } from './services';
import { uriArgument } from './commandArgs';

export type ExportFormat = 'json' | 'sarif';

function formatOf(arg: unknown, uri: vscode.Uri | undefined): ExportFormat | undefined {
  if (arg === 'json' || arg === 'sarif') return arg;
  if (uri !== undefined) return uri.path.endsWith('.sarif') || uri.path.endsWith('.sarif.json') ? 'sarif' : 'json';
  return undefined;
}

async function askFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    [
      { label: 'JSON', description: 'the report, schemaVersion 1', format: 'json' as const },
      { label: 'SARIF 2.1.0', description: 'for code scanning in CI', format: 'sarif' as const },
    ],
    { title: 'Autoload Lens: export format' },
  );
  return picked?.format;
}

/** Writes beside the target, then renames over it: a reader never sees half a report. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}

export async function exportReportCommand(
  s: Services,
  uriArg?: unknown,
  formatArg?: unknown,
): Promise<vscode.Uri | undefined> {
  const { report, index } = s.results;
  if (report === undefined && index === undefined) {
    void vscode.window.showWarningMessage(
      'Autoload Lens: nothing to export yet: scan the workspace or replay a trace first.',
    );
    return undefined;
  }
  const given = uriArgument(uriArg);
  const format = formatOf(formatArg, given) ?? (await askFormat());
  if (format === undefined) return undefined;
  const target =
    given ??
    (await vscode.window.showSaveDialog({
      title: 'Autoload Lens: export report',
      saveLabel: 'Export',
      defaultUri: vscode.Uri.joinPath(
        vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd()),
        format === 'sarif' ? 'autoload-lens.sarif' : 'autoload-lens.json',
      ),
      filters: format === 'sarif' ? { SARIF: ['sarif', 'json'] } : { JSON: ['json'] },
    }));
  if (target === undefined) return undefined;
  if (target.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Autoload Lens: cannot export to ${target.toString()}: choose a local file.`);
    return undefined;
  }
  const r = loadLayers();
  const srcRoot = s.results.sourceRoot?.fsPath;
  const baseDir = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(target.fsPath);
  const text =
    report !== undefined
      ? format === 'sarif'
        ? r.renderSarif(report, { baseDir, ...(srcRoot !== undefined && { srcRoot }) })
        : r.renderJson(report)
      : format === 'sarif'
        ? r.renderScanSarif(index!)
        : r.renderScanJson(index!);
  try {
    await writeAtomically(target.fsPath, text);
  } catch (e) {
    const message = `Autoload Lens: could not write ${target.fsPath}: ${(e as Error).message}`;
    s.log.error(message);
    void vscode.window.showErrorMessage(escapeControl(`${message} — choose a folder you can write to.`));
    return undefined;
  }
  s.log.info(
    `exported the ${report !== undefined ? 'replay report' : 'scan'} as ${format.toUpperCase()} to ${target.fsPath} (${Buffer.byteLength(text)} bytes)`,
  );
  void vscode.window
    .showInformationMessage(
      escapeControl(`Autoload Lens: exported to ${vscode.workspace.asRelativePath(target)}.`),
      'Open',
    )
    .then((choice) => choice && vscode.window.showTextDocument(target));
  return target;
}
