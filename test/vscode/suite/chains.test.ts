// Request chains in the editor: the replay of the real boot (the fixture's copy of samples/boot-6.1-qemu), the data the
// report page draws its flame charts from, Show Request Chains, and a chain's request revealed as a click on its bar.
import assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { Report } from '../../../src/engine/reportStream/index';
import { viewModel } from '../../../src/extension/reportPanel';
import { scanAndReplay, waitFor } from './helpers';

describe('Request chains', () => {
  let report: Report;

  before(async () => {
    report = await scanAndReplay('traces/trace.txt');
  });

  it("follows the boot's chains, rxrpc's init asking for pcbc(fcrypt) among them", () => {
    assert.deepEqual(
      report.chains.map((c) => [c.root, c.name, c.requestCount, c.depth]),
      [
        [84, 'net-pf-31', 9, 2],
        [100, 'net-pf-33', 6, 2],
        [121, 'crypto-xts(serpent)', 17, 2],
        [139, 'crypto-cbc(twofish)', 7, 2],
        [151, 'crypto-rfc7539(chacha20,poly1305)', 2, 1],
        [156, 'crypto-ecb(camellia)', 11, 2],
        [191, 'crypto-essiv(cbc(serpent),sha256)', 2, 1],
      ],
    );
    assert.deepEqual(
      [100, 101, 102, 103, 104, 105].map((i) => [
        report.requests[i].name,
        report.requests[i].initOf,
        report.requests[i].causedBy,
      ]),
      [
        ['net-pf-33', null, null],
        ['crypto-pcbc(fcrypt)', 'rxrpc', 100],
        ['crypto-pcbc(fcrypt)-all', 'rxrpc', 100],
        ['crypto-pcbc', null, 101],
        ['crypto-fcrypt', null, 101],
        ['crypto-fcrypt-all', null, 101],
      ],
    );
    assert.equal(report.summary.chains, 7);
  });

  it('gives the report page every chain and, with each request, what it was made for', () => {
    const model = viewModel(report, undefined);
    assert.equal(model.chainCount, 7);
    assert.deepEqual(model.chains[1], {
      root: 100,
      name: 'net-pf-33',
      requests: [100, 101, 102, 103, 104, 105],
      requestCount: 6,
      depth: 2,
      seconds: 0.484192,
      modules: ['rxrpc', 'pcbc', 'fcrypt'],
    });
    const drawn = (i: number) => model.requests.find((r) => r.index === i)!;
    assert.deepEqual(
      [drawn(103).causedBy, drawn(103).initOf, drawn(101).initOf, drawn(100).causedBy],
      [101, null, 'rxrpc', null],
    );
    // The bars span from the request to its load: pcbc loaded at 111.298256 (trace line 351).
    assert.deepEqual(
      [drawn(103).time, drawn(103).completedAt, drawn(103).loadedModules],
      [111.24604, 111.298256, ['pcbc']],
    );
  });

  it('Show Request Chains opens the report', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('autoloadLens.showRequestChains');
    const tabs = await waitFor('the report tab', () => {
      const found = vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('autoloadLens.report'));
      return found.length > 0 ? found : undefined;
    });
    assert.deepEqual(
      tabs.map((t) => t.label),
      ['Autoload Lens Report'],
    );
    await vscode.window.tabGroups.close(tabs);
  });

  it("a bar of the chart reveals its request's trace line and, beside it, the call site", async () => {
    // What a click on crypto-pcbc(fcrypt)'s bar sends: crypto_larval_lookup's request_module, inlined in
    // crypto_alg_mod_lookup (crypto/api.c of the fixture).
    await vscode.commands.executeCommand('autoloadLens.revealRequest', 101);
    const shown = await waitFor('both editors', () => {
      const editors = vscode.window.visibleTextEditors.map(
        (e) => `${vscode.workspace.asRelativePath(e.document.uri, false)}:${e.selection.start.line + 1}`,
      );
      return editors.includes('traces/trace.txt:348') && editors.includes('crypto/api.c:14') ? editors : undefined;
    });
    assert.ok(shown.length >= 2);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
