/** Scan Workspace: indexes a folder's C sources, then keeps the index current as files are edited. */
import * as vscode from 'vscode';
import { describeKernelDirectory } from '../../engine/report/kernelDirectory';
import type { SourceIndex } from '../../engine/sourceIndex';
import { loadLayers } from '../engine';
import { IncrementalUpdates } from '../incremental';
import type { Services } from '../services';
import { readSettings } from '../settings';
import { percentReporter } from '../progress';
import { uriArgument } from './args';
import { showEngineError } from './errors';
import { replay } from './replay';

/** How many unreadable files are listed one by one in the log. */
const LOGGED_UNREADABLE = 200;

async function pickFolder(arg: unknown): Promise<vscode.Uri | undefined> {
  const given = uriArgument(arg);
  if (given !== undefined) return given;
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0]?.uri;
  return (await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Folder to scan for request_module() call sites' }))?.uri;
}

export class Scanner implements vscode.Disposable {
  private readonly incremental: IncrementalUpdates;
  /** A scan in progress: running the command again waits for it instead of starting a second one. */
  private inFlight: Promise<SourceIndex | undefined> | undefined;

  constructor(private readonly s: Services) {
    this.incremental = new IncrementalUpdates(s);
  }

  scanCommand(arg?: unknown): Promise<SourceIndex | undefined> {
    this.inFlight ??= this.scan(arg).finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async scan(arg: unknown): Promise<SourceIndex | undefined> {
    const root = await pickFolder(arg);
    if (root === undefined) {
      void vscode.window.showWarningMessage('Autoload Lens: open a folder (a kernel tree or any C code base) to scan.');
      return undefined;
    }
    if (root.scheme !== 'file') {
      showEngineError(this.s, { code: 'unsupported-uri', message: `${root.toString()} is not on the local file system`, hint: 'open a local folder' });
      return undefined;
    }
    const settings = readSettings(this.s.context.workspaceState);
    const analysis = loadLayers();
    const parser = await analysis.loadParser();
    if (!parser.ok) {
      showEngineError(this.s, parser.error);
      return undefined;
    }
    this.s.log.info(`scanning ${root.fsPath} with the ${parser.value.backend} parser (max file size ${settings.maxFileSize} bytes, exclude [${settings.exclude.join(', ')}], extra wrappers [${settings.extraWrappers.join(', ')}], kernel directory ${settings.kernelDirectory ?? 'automatic'})`);
    const started = Date.now();
    const epoch = this.s.results.epoch;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Autoload Lens: scanning C sources', cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        return analysis.scanTree(root.fsPath, {
          exclude: settings.exclude,
          maxFileBytes: settings.maxFileSize,
          extraWrappers: settings.extraWrappers,
          kernelDirectory: settings.kernelDirectory,
          signal: abort.signal,
          onProgress: percentReporter(progress, (done, total) => `${done} / ${total} files`),
          onCache: (c) =>
            this.s.log.info(
              `scan cache ${c.file ?? '(none: no writable place outside the tree)'}: ${c.source === 'none' ? 'not used' : `from ${c.source}`}, ${c.hits} files reused, ${c.misses} analysed${c.saved ? ', saved' : ''}${c.problem ? ` (${c.problem})` : ''}`,
            ),
        });
      },
    );
    if (!result.ok) {
      if (result.error.code === 'cancelled') this.s.log.info(`scan of ${root.fsPath} cancelled`);
      else showEngineError(this.s, result.error);
      return undefined;
    }
    const index = result.value;
    this.logIndex(index, Date.now() - started);
    if (this.s.results.epoch !== epoch) {
      this.s.log.info('results were cleared while scanning: this scan is not shown');
      return undefined;
    }
    this.s.results.setIndex(index, root, parser.value.backend);
    this.incremental.start(root);
    const trace = this.s.results.traceUri;
    if (trace !== undefined) await replay(this.s, trace, true);
    return index;
  }

  stop(): void {
    this.incremental.stop();
  }

  private logIndex(index: SourceIndex, ms: number): void {
    const f = index.files;
    this.s.log.info(
      `scanned ${index.root} in ${ms} ms: ${f.scanned} files read, ${f.skipped} skipped (size, generated, binary, excluded), ` +
        `${f.unreadable.length} unreadable; ${index.callSites.length} call sites, ${index.wrappers.length} wrappers, ` +
        `${index.aliases.length} alias declarations, ${index.findings.length} findings; kernel directory ${describeKernelDirectory(index.kernelDirectory)}`,
    );
    for (const u of f.unreadable.slice(0, LOGGED_UNREADABLE)) this.s.log.warn(`${u.file}: ${u.reason}`);
    if (f.unreadable.length > LOGGED_UNREADABLE) this.s.log.warn(`… and ${f.unreadable.length - LOGGED_UNREADABLE} more unreadable files`);
  }

  dispose(): void {
    this.incremental.dispose();
  }
}
