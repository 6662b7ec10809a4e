/** Engine errors are values with a file, a line and a hint: show them whole, and log them. */
import * as vscode from 'vscode';
import { escapeControl } from '../engine/escape';
import { formatError, type AutoloadError } from '../engine/result';
import type { Services } from './services';

export function showEngineError(s: Services, error: AutoloadError): void {
  for (const line of formatError(error).split('\n')) s.log.error(line);
  const where = error.file ? `${error.file}${error.line ? `:${error.line}` : ''}: ` : '';
  const text = escapeControl(`Autoload Lens: ${where}${error.message}${error.hint ? ` — ${error.hint}` : ''}`);
  void vscode.window.showErrorMessage(text, 'Show Log').then((choice) => choice && s.log.show(true));
}
