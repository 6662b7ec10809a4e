/** CodeLens above each call site: what the replayed trace says about it (requests, duplicates, what loaded). */
import * as vscode from 'vscode';
import { escapeControl } from '../engine/escape';
import { listSome, siteActivity } from '../engine/siteActivity';
import type { CallSiteInfo } from '../engine/sourceIndex';
import type { Results } from './results';
import { callSiteRange } from './results';
import { plural } from './text';

export class CallSiteCodeLens implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly results: Results) {
    results.onDidChange(() => this.changed.fire());
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const rel = this.results.relativePath(document.uri);
    if (rel === undefined) return [];
    return this.results.callSitesIn(rel).map((site) => new vscode.CodeLens(callSiteRange(site), this.command(site)));
  }

  private command(site: CallSiteInfo): vscode.Command {
    const what = site.name ?? site.pattern ?? site.format ?? '?';
    if (this.results.report === undefined) {
      return {
        title: escapeControl(`requests ${what}${site.wait ? '' : ' (nowait)'} · no trace replayed`),
        command: 'autoloadLens.replayTrace',
      };
    }
    const a = siteActivity(this.results.requestsFrom(site));
    const title =
      a.requests === 0
        ? `no request in the trace · ${what}`
        : `${plural(a.requests, 'request')} in the trace · ${plural(a.duplicates, 'duplicate')} · ` +
          (a.loaded.length > 0 ? `loaded ${listSome(a.loaded, 4)}` : 'loaded nothing');
    return {
      title: escapeControl(title),
      command: 'autoloadLens.showCallSiteRequests',
      arguments: [site.file, site.line],
      tooltip: 'Show these requests in the trace',
    };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
