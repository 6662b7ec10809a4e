/**
 * After a window reload: the scan, the replay and its comparison with an earlier boot this workspace had, back without
 * reading the tree again. The scan
 * cache answers an unchanged tree with a walk and a stat per file; the trace and the modules directory are read again
 * (a boot trace replays in milliseconds).
 */
import * as fs from 'node:fs';
import type * as vscode from 'vscode';
import { compareWith } from './compareCommand';
import { replay } from './replayCommand';
import type { Scanner } from './scanCommand';
import type { Services } from './services';
import type { Session } from './session';
import { readSettings } from './settings';

const exists = (uri: vscode.Uri) => uri.scheme === 'file' && fs.existsSync(uri.fsPath);

/** `fresh`: drop the results in memory first (they are remembered still), as a new window starts without them. */
export async function restoreResults(s: Services, scanner: Scanner, session: Session, fresh = false): Promise<void> {
  const { scanned, trace, compared } = session.remembered();
  if (scanned === undefined && trace === undefined) return;
  const started = Date.now();
  await session.quietly(async () => {
    if (fresh) {
      scanner.stop();
      s.results.clear();
    }
    const epoch = s.results.epoch;
    if (scanned !== undefined) {
      if (exists(scanned)) await scanner.restore(scanned);
      else s.log.warn(`not restoring the scan of ${scanned.fsPath}: the folder is gone`);
    }
    // Clear Results while the scan was restored: the replay is not wanted either.
    if (s.results.epoch !== epoch) return;
    if (trace !== undefined) {
      if (exists(trace)) await replay(s, trace, true);
      else s.log.warn(`not restoring the replay of ${trace.fsPath}: the file is gone`);
    }
    if (compared !== undefined && s.results.report !== undefined) {
      const { base, modules } = compared;
      const baseModules = modules === undefined ? readSettings(s.context.workspaceState).modulesDirectory : modules;
      if (exists(base)) await compareWith(s, base, baseModules ?? undefined);
      else s.log.warn(`not restoring the comparison with ${base.fsPath}: the file is gone`);
    }
  });
  const what = [
    s.results.index && `the scan of ${s.results.index.root}`,
    s.results.report && `the replay of ${trace?.fsPath ?? ''}`,
    s.results.diff && `its comparison with ${s.results.diff.base.fsPath}`,
  ].filter((w): w is string => typeof w === 'string');
  s.log.info(`restored in ${Date.now() - started} ms: ${what.length > 0 ? what.join(' and ') : 'nothing'}`);
}
