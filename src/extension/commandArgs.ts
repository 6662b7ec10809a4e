/** Commands take optional arguments so tests and menus can drive them without dialogs. */
import * as vscode from 'vscode';

/** A Uri, or a local path as a string; anything else means "ask". */
export function uriArgument(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg !== '') return vscode.Uri.file(arg);
  return undefined;
}
