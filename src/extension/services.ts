/** What every command and provider shares: the results, the log and the extension's context. */
import type * as vscode from 'vscode';
import { escapeControl } from '../engine/escape';
import type { Results } from './results';

/** The output channel as the extension writes to it. */
export interface Log {
  debug(text: string): void;
  info(text: string): void;
  warn(text: string): void;
  error(text: string): void;
  show(preserveFocus?: boolean): void;
}

/** Log lines quote names, paths and messages from traces and sources: each line is escaped on its way in. */
export function escapedLog(channel: vscode.LogOutputChannel): Log {
  return {
    debug: (text) => channel.debug(escapeControl(text)),
    info: (text) => channel.info(escapeControl(text)),
    warn: (text) => channel.warn(escapeControl(text)),
    error: (text) => channel.error(escapeControl(text)),
    show: (preserveFocus) => channel.show(preserveFocus),
  };
}

export interface Services {
  readonly context: vscode.ExtensionContext;
  readonly results: Results;
  readonly log: Log;
}
