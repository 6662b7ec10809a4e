/** Scan Workspace: indexes a folder's C sources, then keeps the index current as files are edited. */
import * as vscode from 'vscode';
import { describeKernelDirectory } from '../engine/render/kernelDirectory';
import type { ScanCacheReport, ScanProgress } from '../analysis/index';
import { formatError, type AutoloadError } from '../engine/result';
import type { SourceIndex } from '../engine/sourceIndex';
import { loadLayers } from './engine';
import { IncrementalUpdates } from './incremental';
import type { Services } from './services';
import { readSettings } from './settings';
import { fractionReporter } from './progress';
import { uriArgument } from './commandArgs';
import { showEngineError } from './engineErrors';
import { replay } from './replayCommand';

/** How many unreadable files are listed one by one in the log. */
const LOGGED_UNREADABLE = 200;

const number = (n: number) => n.toLocaleString('en-US');

async function pickFolder(arg: unknown): Promise<vscode.Uri | undefined> {
  const given = uriArgument(arg);
  if (given !== undefined) return given;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0]?.uri;
  return (
    await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to scan for request_module() call sites' })
  )?.uri;
}

/** What the scan cache did, in files: `55,442 files unchanged, none read` or `12 of 55,442 files read (new or changed)…`. */
function cacheText(c: ScanCacheReport): string {
  const where = c.file ?? 'no cache file: no writable place outside the tree';
  const from = { disk: 'read from disk', memory: 'held in memory', none: 'empty' }[c.source];
  const files =
    c.filesRead === 0
      ? `${number(c.files)} files unchanged, none read`
      : c.filesRead === c.files
        ? `all ${number(c.files)} files read`
        : `${number(c.filesRead)} of ${number(c.files)} files read (new or changed), the others unchanged`;
  return `scan cache: ${files}${c.saved ? '; saved' : ''} (${from}; ${where})${c.problem ? `; ${c.problem}` : ''}`;
}

export class Scanner implements vscode.Disposable {
  private readonly incremental: IncrementalUpdates;
  /** A scan in progress: running the command again waits for it instead of starting a second one. */
  private inFlight: Promise<SourceIndex | undefined> | undefined;

  constructor(private readonly s: Services) {
    this.incremental = new IncrementalUpdates(s);
  }

  scanCommand(arg?: unknown): Promise<SourceIndex | undefined> {
    this.inFlight ??= this.scan(arg, false).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /**
   * Scans `root` again as a window reload restores it: progress in the status bar, problems in the log only. An
   * unchanged tree comes whole from the scan cache (a walk and a stat per file, no file read).
   */
  restore(root: vscode.Uri): Promise<SourceIndex | undefined> {
    this.inFlight ??= this.scan(root, true).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private fail(quiet: boolean, error: AutoloadError): undefined {
    if (quiet) this.s.log.warn(formatError(error));
    else showEngineError(this.s, error);
    return undefined;
  }

  private async scan(arg: unknown, quiet: boolean): Promise<SourceIndex | undefined> {
    const root = await pickFolder(arg);
    if (root === undefined) {
      void vscode.window.showWarningMessage('Autoload Lens: open a folder (a kernel tree or any C code base) to scan.');
      return undefined;
    }
    if (root.scheme !== 'file') {
      return this.fail(quiet, {
        code: 'unsupported-uri',
        message: `${root.toString()} is not on the local file system`,
        hint: 'open a local folder',
      });
    }
    const settings = readSettings(this.s.context.workspaceState);
    const analysis = loadLayers();
    this.s.log.info(
      `scanning ${root.fsPath} (max file size ${settings.maxFileSize} bytes, exclude [${settings.exclude.join(', ')}], extra wrappers [${settings.extraWrappers.join(', ')}], kernel directory ${settings.kernelDirectory ?? 'automatic'})`,
    );
    const started = Date.now();
    const epoch = this.s.results.epoch;
    const result = await vscode.window.withProgress(
      quiet
        ? { location: vscode.ProgressLocation.Window, title: 'Autoload Lens: restoring the scan' }
        : {
            location: vscode.ProgressLocation.Notification,
            title: 'Autoload Lens: scanning C sources',
            cancellable: true,
          },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        const report = fractionReporter(progress);
        let step = '';
        return analysis.openSourceTree(root.fsPath, {
          exclude: settings.exclude,
          maxFileBytes: settings.maxFileSize,
          extraWrappers: settings.extraWrappers,
          kernelDirectory: settings.kernelDirectory,
          signal: abort.signal,
          onProgress: (p: ScanProgress) => {
            const message = analysis.describeScanProgress(p);
            // Each pass once in the log, as it starts: what it looks for and how many files it reads.
            const now = p.phase === 'pass' ? `pass ${p.pass}` : p.phase;
            const isNew = now !== step;
            step = now;
            if (isNew && p.phase === 'pass') this.s.log.info(message);
            report(analysis.scanFraction(p), message, isNew);
          },
          onCache: (c) => this.s.log.info(cacheText(c)),
        });
      },
    );
    if (!result.ok) {
      if (result.error.code === 'cancelled') this.s.log.info(`scan of ${root.fsPath} cancelled`);
      else this.fail(quiet, result.error);
      return undefined;
    }
    const tree = result.value;
    const index = tree.index;
    this.logIndex(index, Date.now() - started);
    if (this.s.results.epoch !== epoch) {
      this.s.log.info('results were cleared while scanning: this scan is not shown');
      tree.dispose();
      return undefined;
    }
    this.s.results.setIndex(index, root, tree.backend);
    this.incremental.start(root, tree);
    const trace = this.s.results.traceUri;
    if (trace !== undefined) await replay(this.s, trace, true);
    return index;
  }

  stop(): void {
    this.incremental.stop();
  }

  private logIndex(index: SourceIndex, ms: number): void {
    const f = index.files;
    const files = f.scanned + f.skipped + f.unreadable.length;
    this.s.log.info(
      `scanned ${index.root} in ${ms} ms: ${number(files)} C files (${number(f.scanned)} indexed, ${number(f.skipped)} skipped for size, ` +
        `generated or binary content or an exclude pattern, ${number(f.unreadable.length)} unreadable); ${number(index.callSites.length)} call sites, ` +
        `${number(index.wrappers.length)} wrappers, ${number(index.aliases.length)} alias declarations, ${number(index.findings.length)} findings; kernel directory ${describeKernelDirectory(index.kernelDirectory)}`,
    );
    for (const u of f.unreadable.slice(0, LOGGED_UNREADABLE)) this.s.log.warn(`${u.file}: ${u.reason}`);
    if (f.unreadable.length > LOGGED_UNREADABLE)
      this.s.log.warn(`… and ${f.unreadable.length - LOGGED_UNREADABLE} more unreadable files`);
  }

  dispose(): void {
    this.incremental.dispose();
  }
}
