/** Engine errors are values with a file, a line and a hint: show them whole, and log them. */
import * as vscode from 'vscode';
import { formatError, type AutoloadError } from '../engine/result';
import type { Services } from './services';

export function showEngineError(s: Services, error: AutoloadError): void {
  s.log.error(formatError(error));
  const where = error.file ? `${error.file}${error.line ? `:${error.line}` : ''}: ` : '';
  const text = `Autoload Lens: ${where}${error.message}${error.hint ? ` — ${error.hint}` : ''}`;
  void vscode.window.showErrorMessage(text, 'Show Log').then((choice) => choice && s.log.show(true));
}
