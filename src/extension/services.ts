/** What every command and provider shares: the results, the log and the extension's context. */
import type * as vscode from 'vscode';
import type { Results } from './results';

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly results: Results;
  readonly log: vscode.LogOutputChannel;
}
