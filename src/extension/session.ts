/**
 * What this workspace last scanned, which trace it replayed and which it compared that with, remembered in the workspace's state so that a window
 * reload can restore them (restore.ts). The modules directory is remembered already (settings.ts), or is a setting.
 */
import * as vscode from 'vscode';
import type { Results } from './results';

const KEY = 'autoloadLens.session';

interface Stored {
  /** URI of the scanned folder. */
  scanned?: string;
  /** URI of the replayed trace file. */
  trace?: string;
  /** URI of the earlier boot's trace the replay was compared with (Compare with Trace…), while the diff is shown. */
  compared?: string;
  /** The modules directory BASE was resolved with, null for none (absent in sessions older than the choice). */
  comparedModules?: string | null;
}

export interface Remembered {
  scanned: vscode.Uri | undefined;
  trace: vscode.Uri | undefined;
  /** BASE's trace and modules directory (null: none; undefined: not recorded, the replay's). */
  compared: { base: vscode.Uri; modules: string | null | undefined } | undefined;
}

export class Session implements vscode.Disposable {
  private readonly subscription: vscode.Disposable;
  /** While restoring, results pass through states not worth remembering (the scan without its trace yet). */
  private paused = false;

  constructor(
    private readonly memento: vscode.Memento,
    private readonly results: Results,
  ) {
    this.subscription = results.onDidChange(() => {
      if (!this.paused) void this.record();
    });
  }

  remembered(): Remembered {
    const stored = this.memento.get<Stored>(KEY) ?? {};
    const parse = (uri: string | undefined) => (uri === undefined ? undefined : vscode.Uri.parse(uri));
    const base = parse(stored.compared);
    return {
      scanned: parse(stored.scanned),
      trace: parse(stored.trace),
      compared: base === undefined ? undefined : { base, modules: stored.comparedModules },
    };
  }

  /** Runs `work` without remembering the states it goes through, then remembers where it ended. */
  async quietly<T>(work: () => Promise<T>): Promise<T> {
    this.paused = true;
    try {
      return await work();
    } finally {
      this.paused = false;
      await this.record();
    }
  }

  /** The current results: a folder scanned, a trace file replayed (an unsaved buffer cannot be replayed again). */
  private record(): Thenable<void> {
    const trace = this.results.traceUri;
    const replayed = trace !== undefined && trace.scheme === 'file';
    const compared = this.results.diff;
    const next: Stored = {
      ...(this.results.sourceRoot !== undefined && { scanned: this.results.sourceRoot.toString() }),
      ...(replayed && { trace: trace.toString() }),
      ...(replayed &&
        compared !== undefined && {
          compared: compared.base.toString(),
          comparedModules: compared.baseModules ?? null,
        }),
    };
    const now = this.memento.get<Stored>(KEY) ?? {};
    if (
      now.scanned === next.scanned &&
      now.trace === next.trace &&
      now.compared === next.compared &&
      now.comparedModules === next.comparedModules
    ) {
      return Promise.resolve();
    }
    return this.memento.update(KEY, next.scanned === undefined && next.trace === undefined ? undefined : next);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
