/** After a scan, edited C files are re-analysed (debounced) by the scanned tree the scan opened. */
import * as vscode from 'vscode';
import type { OpenSourceTree } from '../analysis/index';
import type { Services } from './services';

const DEBOUNCE_MS = 300;
const C_FILE = /\.[ch]$/;

export class IncrementalUpdates implements vscode.Disposable {
  private listeners: vscode.Disposable[] = [];
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** The scanned tree that re-analyses the files: it owns the parser and the scan's facts. */
  private tree: OpenSourceTree | undefined;

  constructor(private readonly s: Services) {}

  start(root: vscode.Uri, tree: OpenSourceTree): void {
    this.stop();
    this.tree = tree;
    const schedule = (doc: vscode.TextDocument): void => {
      if (!C_FILE.test(doc.uri.path) || this.s.results.relativePath(doc.uri) === undefined) return;
      const key = doc.uri.toString();
      clearTimeout(this.pending.get(key));
      this.pending.set(
        key,
        setTimeout(() => void this.update(doc), DEBOUNCE_MS),
      );
    };
    this.listeners = [
      vscode.workspace.onDidChangeTextDocument((e) => e.contentChanges.length > 0 && schedule(e.document)),
      vscode.workspace.onDidSaveTextDocument(schedule),
    ];
    this.s.log.info(`watching C files under ${root.fsPath} for changes`);
    // After the scan has been shown: an index the scan took from its cache readies its update model now, not at
    // the first edit.
    setTimeout(() => tree.prepareUpdates(), 0);
  }

  private async update(doc: vscode.TextDocument): Promise<void> {
    this.pending.delete(doc.uri.toString());
    const tree = this.tree;
    const root = this.s.results.sourceRoot;
    const rel = this.s.results.relativePath(doc.uri);
    if (tree === undefined || root === undefined || rel === undefined) return;
    const started = performance.now();
    const updated = await tree.update(rel, doc.getText());
    // Another scan replaced the tree meanwhile: its index is the one shown.
    if (this.tree !== tree) return;
    if (!updated.ok) {
      this.s.log.warn(`${updated.error.message}; its call sites stay those of its last analysis`);
      return;
    }
    this.s.log.debug(`re-analysed ${rel} in ${(performance.now() - started).toFixed(1)} ms`);
    this.s.results.setIndex(updated.value, root, undefined);
  }

  stop(): void {
    for (const l of this.listeners) l.dispose();
    this.listeners = [];
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    this.tree?.dispose();
    this.tree = undefined;
  }

  dispose(): void {
    this.stop();
  }
}
