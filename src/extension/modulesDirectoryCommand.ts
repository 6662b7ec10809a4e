/** Select Modules Directory…: where modules.alias & co. live, remembered for this workspace. */
import * as vscode from 'vscode';
import { loadLayers } from './engine';
import type { Services } from './services';
import { rememberModulesDirectory } from './settings';
import { uriArgument } from './commandArgs';
import { showEngineError } from './engineErrors';
import { replay } from './replayCommand';

export async function selectModulesDirectoryCommand(s: Services, arg?: unknown): Promise<string | undefined> {
  const given = uriArgument(arg);
  const uri =
    given ??
    (
      await vscode.window.showOpenDialog({
        canSelectFiles: false,
        canSelectFolders: true,
        canSelectMany: false,
        openLabel: 'Use as Modules Directory',
        title: 'Autoload Lens: folder with modules.alias, modules.builtin and modules.dep (e.g. /lib/modules/VERSION)',
      })
    )?.[0];
  if (uri === undefined) return undefined;
  if (uri.scheme !== 'file') {
    void vscode.window.showErrorMessage(`Autoload Lens: ${uri.toString()} is not a local folder.`);
    return undefined;
  }
  const db = await loadLayers().openModuleDb(uri.fsPath);
  if (!db.ok) {
    showEngineError(s, db.error);
    return undefined;
  }
  await rememberModulesDirectory(s.context.workspaceState, uri.fsPath);
  s.log.info(`modules directory for this workspace: ${uri.fsPath}`);
  const trace = s.results.traceUri;
  if (trace !== undefined) await replay(s, trace, true);
  return uri.fsPath;
}
