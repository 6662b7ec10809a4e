/** The extension's settings, and the modules directory remembered per workspace. */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const SECTION = 'autoloadLens';
const REMEMBERED_MODULES_DIR = 'autoloadLens.modulesDirectory';

export interface Settings {
  /** Absolute path, or undefined when neither the setting nor the workspace names one. */
  modulesDirectory: string | undefined;
  extraWrappers: string[];
  dupsWindowSeconds: number;
  exclude: string[];
  maxFileSize: number;
  /** Absolute path of the kernel tree the sources build against; undefined: the scan's default. */
  kernelDirectory: string | undefined;
  /** Whether activation restores the scan and the replay this workspace had before a window reload. */
  restoreOnStartup: boolean;
}

export function readSettings(workspaceState: vscode.Memento): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const remembered = workspaceState.get<string>(REMEMBERED_MODULES_DIR);
  return {
    modulesDirectory: remembered ?? optionalPath(config.get<string>('modulesDirectory', '')),
    extraWrappers: config.get<string[]>('extraWrappers', []),
    dupsWindowSeconds: config.get<number>('dupsWindowSeconds', 60),
    exclude: config.get<string[]>('exclude', []),
    maxFileSize: config.get<number>('maxFileSize', 2 * 1024 * 1024),
    kernelDirectory: optionalPath(config.get<string>('kernelDirectory', '')),
    restoreOnStartup: config.get<boolean>('restoreOnStartup', true),
  };
}

export function rememberModulesDirectory(workspaceState: vscode.Memento, dir: string): Thenable<void> {
  return workspaceState.update(REMEMBERED_MODULES_DIR, dir);
}

/** When the user edits the setting, the setting wins again over the folder picked earlier. */
export function forgetModulesDirectory(workspaceState: vscode.Memento): Thenable<void> {
  return workspaceState.update(REMEMBERED_MODULES_DIR, undefined);
}

const optionalPath = (value: string): string | undefined =>
  value.trim() === '' ? undefined : resolveUserPath(value.trim());

function resolveUserPath(value: string): string {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const expanded = value.replace(/\$\{workspaceFolder\}/g, folder ?? '').replace(/^~(?=$|[\\/])/, os.homedir());
  return path.isAbsolute(expanded) || folder === undefined ? expanded : path.resolve(folder, expanded);
}
