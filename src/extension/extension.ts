/**
 * Autoload Lens in VS Code: registers commands, Problems, CodeLens, hovers, links, the tree, the trace-log outline,
 * the report webview and the status bar. Registration only: the analysis layer and the engine are loaded by the
 * first command that needs them (see engine.ts), so activation stays well under 50 ms. What the workspace had before
 * a window reload is restored after activation, not during it.
 */
import * as vscode from 'vscode';
import { CallSiteCodeLens } from './codeLens';
import { compareWithTraceCommand } from './compareCommand';
import { exportReportCommand } from './exportCommand';
import { selectModulesDirectoryCommand } from './modulesDirectoryCommand';
import { replay, replayTraceCommand, TRACE_LANGUAGE } from './replayCommand';
import { resolveAliasCommand } from './resolveAliasCommand';
import { revealRequestCommand, showCallSiteRequestsCommand } from './revealCommands';
import { Scanner } from './scanCommand';
import { Diagnostics } from './diagnostics';
import { AutoloadHovers } from './hovers';
import { REPORT_VIEW_TYPE, ReportPanel } from './reportPanel';
import { restoreResults } from './restore';
import { Results, type ResultsApi } from './results';
import { escapedLog, type Services } from './services';
import { Session } from './session';
import { forgetModulesDirectory, readSettings, SECTION } from './settings';
import { FindingsStatus } from './statusBar';
import { TraceLinks } from './traceLinks';
import { TraceSymbols } from './traceSymbols';
import { registerTrees } from './tree';

const C_SOURCES: vscode.DocumentFilter = { scheme: 'file', pattern: '**/*.{c,h}' };
const TRACES: vscode.DocumentFilter = { language: TRACE_LANGUAGE };

export function activate(context: vscode.ExtensionContext): ResultsApi {
  const started = performance.now();
  const channel = vscode.window.createOutputChannel('Autoload Lens', { log: true });
  const log = escapedLog(channel);
  const results = new Results();
  const s: Services = { context, results, log };
  const diagnostics = new Diagnostics(results, context.extensionUri);
  const scanner = new Scanner(s);
  const panel = new ReportPanel(s);
  const links = new TraceLinks(results);
  const codeLens = new CallSiteCodeLens(results);
  const status = new FindingsStatus(results);
  const session = new Session(context.workspaceState, results);

  const command = (id: string, run: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(`autoloadLens.${id}`, run);

  context.subscriptions.push(
    channel,
    results,
    diagnostics,
    scanner,
    panel,
    codeLens,
    status,
    session,
    results.onDidChange(() => {
      diagnostics.refresh();
      void vscode.commands.executeCommand('setContext', 'autoloadLens.hasResults', results.hasResults());
    }),
    command('scanWorkspace', (uri) => scanner.scanCommand(uri)),
    command('replayTrace', (uri) => replayTraceCommand(s, uri)),
    command('compareWithTrace', (base, next, baseModules) =>
      compareWithTraceCommand(s, panel, base, next, baseModules),
    ),
    command('openReport', () => panel.show()),
    command('showRequestChains', () => panel.show('chains')),
    command('exportReport', (uri, format) => exportReportCommand(s, uri, format)),
    command('resolveAlias', (name) => resolveAliasCommand(s, name)),
    command('selectModulesDirectory', (uri) => selectModulesDirectoryCommand(s, uri)),
    command('clearResults', () => {
      scanner.stop();
      results.clear();
      log.info('results cleared');
    }),
    command('showCallSiteRequests', (file, line) => showCallSiteRequestsCommand(s, file, line)),
    command('revealRequest', (index, keepColumn) => revealRequestCommand(s, index, keepColumn)),
    vscode.languages.registerCodeLensProvider(C_SOURCES, codeLens),
    vscode.languages.registerHoverProvider([C_SOURCES, TRACES], new AutoloadHovers(results, context.extensionUri)),
    vscode.languages.registerDocumentLinkProvider(TRACES, links),
    vscode.languages.registerDefinitionProvider([C_SOURCES, TRACES], links),
    vscode.languages.registerDocumentSymbolProvider(TRACES, new TraceSymbols(results), { label: 'Autoload requests' }),
    ...registerTrees(results),
    vscode.window.registerWebviewPanelSerializer(REPORT_VIEW_TYPE, panel),
    vscode.workspace.onDidChangeConfiguration((e) => void onSettingsChanged(s, scanner, e)),
  );

  log.info(`activated in ${(performance.now() - started).toFixed(1)} ms`);
  if (readSettings(context.workspaceState).restoreOnStartup)
    setTimeout(() => void restoreResults(s, scanner, session), 0);
  return {
    get index() {
      return results.index;
    },
    get report() {
      return results.report;
    },
    get diff() {
      return results.diff?.diff;
    },
    get parserBackend() {
      return results.parserBackend;
    },
    get status() {
      return status.shown;
    },
    restore: () => restoreResults(s, scanner, session, true),
  };
}

/** Replay settings re-run the current replay; scan settings offer a new scan. */
async function onSettingsChanged(s: Services, scanner: Scanner, e: vscode.ConfigurationChangeEvent): Promise<void> {
  const affects = (name: string): boolean => e.affectsConfiguration(`${SECTION}.${name}`);
  if (affects('modulesDirectory')) await forgetModulesDirectory(s.context.workspaceState);
  const trace = s.results.traceUri;
  if (trace !== undefined && (affects('modulesDirectory') || affects('dupsWindowSeconds')))
    await replay(s, trace, true);
  if (
    s.results.index !== undefined &&
    (affects('extraWrappers') || affects('exclude') || affects('maxFileSize') || affects('kernelDirectory'))
  ) {
    const choice = await vscode.window.showInformationMessage(
      'Autoload Lens: the scan settings changed.',
      'Scan Again',
    );
    if (choice === 'Scan Again') await scanner.scanCommand(s.results.sourceRoot);
  }
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
