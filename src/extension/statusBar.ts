/**
 * Status bar item: how many findings the scan and the replay produced; its tooltip splits them by rule and place and
 * says how they add up to the Problems panel's entries; clicking it shows the Findings view.
 */
import * as vscode from 'vscode';
import { countsText } from '../engine/findings/findingCounts';
import type { Results } from './results';

/** The command VS Code gives every view: shows the Findings view. */
const FOCUS_FINDINGS = 'autoloadLens.findings.focus';

export class FindingsStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem(
    'autoloadLens.findings',
    vscode.StatusBarAlignment.Left,
    50,
  );
  private readonly subscription: vscode.Disposable;

  constructor(private readonly results: Results) {
    this.item.name = 'Autoload Lens findings';
    this.item.command = FOCUS_FINDINGS;
    this.subscription = results.onDidChange(() => this.update());
  }

  /** What the item shows and runs, undefined while hidden. */
  get shown(): { text: string; tooltip: string; command: string } | undefined {
    return this.results.hasResults()
      ? {
          text: this.item.text,
          tooltip: typeof this.item.tooltip === 'string' ? this.item.tooltip : (this.item.tooltip?.value ?? ''),
          command: FOCUS_FINDINGS,
        }
      : undefined;
  }

  private update(): void {
    if (!this.results.hasResults()) {
      this.item.hide();
      return;
    }
    const counts = this.results.findingCounts();
    this.item.text = `$(${counts.total > 0 ? 'warning' : 'check'}) Autoload ${counts.total}`;
    this.item.tooltip = countsText(counts);
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
