/** Status bar item: how many findings the scan and the replay produced; clicking it shows them. */
import * as vscode from 'vscode';
import type { Results } from './results';
import { plural } from './text';

export function createStatusBar(results: Results): vscode.Disposable[] {
  const item = vscode.window.createStatusBarItem('autoloadLens.findings', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Autoload Lens findings';
  item.command = 'autoloadLens.findings.focus';
  const update = (): void => {
    if (!results.hasResults()) {
      item.hide();
      return;
    }
    const n = results.findingsCount();
    item.text = `$(${n > 0 ? 'warning' : 'check'}) Autoload ${n}`;
    const parts = [
      results.index && `${results.index.callSites.length} call sites, ${results.index.findings.length} source findings`,
      results.report && `${results.report.summary.requests} trace requests, ${results.report.findings.length} trace findings`,
    ].filter((p): p is string => typeof p === 'string');
    item.tooltip = `Autoload Lens: ${plural(n, 'finding')} (${parts.join('; ')})`;
    item.show();
  };
  return [item, results.onDidChange(update)];
}
