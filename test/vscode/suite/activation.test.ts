// The extension as VS Code sees it: activation on a kernel-shaped tree, contributed commands and views, the trace language.
import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { clearResults, EXTENSION_ID, extensionApi, fixture, waitFor } from './helpers';

const COMMANDS = [
  'scanWorkspace',
  'replayTrace',
  'compareWithTrace',
  'openReport',
  'showRequestChains',
  'exportReport',
  'resolveAlias',
  'selectModulesDirectory',
  'clearResults',
].map((c) => `autoloadLens.${c}`);

describe('activation', () => {
  it('activates by itself on a tree that contains include/linux/kmod.h', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await waitFor('the extension to activate on workspaceContains', () => (ext.isActive ? true : undefined));
  });

  it('registers every palette command', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      COMMANDS.filter((c) => !all.has(c)),
      [],
    );
  });

  it('exposes the test API, empty until a command runs', async () => {
    await clearResults();
    const api = await extensionApi();
    assert.equal(api.index, undefined);
    assert.equal(api.report, undefined);
  });

  it('contributes the Autoload Lens views', async () => {
    for (const view of ['callSites', 'findings', 'requests']) {
      await vscode.commands.executeCommand(`autoloadLens.${view}.focus`);
    }
  });
});

describe('trace-log language', () => {
  const languageOf = async (rel: string) => (await vscode.workspace.openTextDocument(fixture(rel))).languageId;

  it('is recognised by file name (trace.txt, *-trace.txt)', async () => {
    assert.equal(await languageOf('traces/trace.txt'), 'autoload-trace');
    assert.equal(await languageOf('traces/hostile-trace.txt'), 'autoload-trace');
  });

  it("is recognised by first line (# tracer:, and trace-cmd report's cpus=N)", async () => {
    assert.equal(await languageOf('traces/boot-capture'), 'autoload-trace');
    assert.equal(await languageOf('traces/report-capture'), 'autoload-trace');
  });

  it('leaves other text alone', async () => {
    assert.equal(await languageOf('traces/proc-modules.txt'), 'plaintext');
    assert.equal(await languageOf('fs/filesystems.c'), 'c');
  });

  it('gives a trace that was not replayed an outline per requested name', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      fixture('traces/boot-capture'),
    );
    assert.deepEqual(
      symbols.map((s) => [s.name, s.detail, s.range.start.line + 1]),
      [
        ['fs-ext4', '1 request', 23],
        ['bpf_preload', '1 request', 33],
      ],
    );
  });
});
