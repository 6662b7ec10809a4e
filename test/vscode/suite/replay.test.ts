// Replay Trace on the real boot (samples/boot-6.1-qemu, copied into the fixture) after a scan: the report, Problems on
// trace lines, CodeLens, hovers, links and Go to Definition both ways, the outline.
import assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { Report } from '../../../src/engine/reportStream/index';
import {
  codeLenses,
  diagnosticsOf,
  extensionApi,
  fixture,
  hoverText,
  positionOf,
  ruleOf,
  scanAndReplay,
  waitFor,
} from './helpers';

const TRACE = 'traces/trace.txt';

describe('Replay Trace', () => {
  let report: Report;

  before(async () => {
    report = await scanAndReplay(TRACE);
  });

  it('reads the whole boot trace with the modules metadata from the workspace setting', async () => {
    assert.deepEqual(
      {
        format: report.trace?.format,
        lines: report.trace?.lines,
        events: report.trace?.events,
        warnings: report.trace?.warningCount,
      },
      { format: 'ftrace', lines: 615, events: 602, warnings: 0 },
    );
    // The counts the sample's README gives: 264 module_request, 321 module_load, 17 module_free, 228 distinct names.
    assert.deepEqual(
      {
        requests: report.summary.requests,
        loads: report.summary.loads,
        frees: report.summary.frees,
        names: report.summary.distinctNames,
      },
      { requests: 264, loads: 321, frees: 17, names: 228 },
    );
    assert.equal(report.modulesDir, fixture('modules').fsPath);
    assert.equal((await extensionApi()).report?.summary.requests, 264);
  });

  it('links the requests of scanned functions to their call sites', () => {
    const linked = (symbol: string) =>
      report.requests
        .filter((r) => r.callSite?.symbol === symbol)
        .map((r) => `${r.callSite?.link} ${r.callSite?.locations?.map((l) => `${l.file}:${l.line}`).join(',')}`);
    assert.deepEqual(new Set(linked('get_fs_type')), new Set(['direct fs/filesystems.c:15']));
    assert.equal(linked('get_fs_type').length, 26);
    assert.deepEqual(new Set(linked('__sock_create')), new Set(['direct net/socket.c:14']));
    assert.deepEqual(new Set(linked('nfnetlink_bind')), new Set(['direct net/netfilter/nfnetlink.c:15']));
    // The static crypto_larval_lookup is inlined into crypto_alg_mod_lookup, which the trace names: crypto-X is made by
    // crypto-%s alone, crypto-X-all by both calls. cryptomgr comes from crypto_probing_notify, which the fixture's
    // crypto/api.c lacks: nothing there can make it (stale), as the CLI says of the same sources.
    assert.deepEqual(
      new Set(linked('crypto_alg_mod_lookup')),
      new Set(['inlined crypto/api.c:14', 'inlined crypto/api.c:14,crypto/api.c:17', 'stale ']),
    );
    assert.equal(
      report.requests.filter(
        (r) => r.callSite?.symbol === 'crypto_alg_mod_lookup' && r.callSite.link === 'stale' && r.name !== 'cryptomgr',
      ).length,
      0,
    );
  });

  it('puts every trace finding in Problems on its trace line, with the rule id as code', () => {
    const onTrace = diagnosticsOf(TRACE);
    const count = (rule: string) => onTrace.filter((d) => ruleOf(d) === rule).length;
    assert.deepEqual(
      Object.fromEntries(
        [
          'duplicate-request',
          'undocumented-alias',
          'unchecked-zero-return',
          'name-too-long',
          'throttled-request',
          'request-loop',
        ].map((r) => [r, count(r)]),
      ),
      report.summary.findings,
    );
    assert.equal(onTrace.length, report.findings.length);
    assert.equal(report.summary.findings['duplicate-request'], 24);
  });

  it('reports the four concurrent fs-hfs requests as one anchor and three duplicates, with related information', () => {
    const hfs = diagnosticsOf(TRACE).filter(
      (d) => ruleOf(d) === 'duplicate-request' && d.range.start.line + 1 >= 582 && d.range.start.line + 1 <= 585,
    );
    assert.equal(hfs.length, 1, 'one duplicate group, shown on its first repeat');
    assert.equal(hfs[0].range.start.line + 1, 583);
    const related = hfs[0].relatedInformation!.map(
      (r) => `${vscode.workspace.asRelativePath(r.location.uri, false)}:${r.location.range.start.line + 1}`,
    );
    assert.deepEqual(related, [
      'traces/trace.txt:582',
      'fs/filesystems.c:15',
      'traces/trace.txt:584',
      'traces/trace.txt:585',
    ]);
  });

  it("updates each call site's CodeLens with its requests, duplicates and loads", async () => {
    const lenses = await codeLenses('fs/filesystems.c');
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line + 1, l.command?.title]),
      [[15, '26 requests in the trace · 10 duplicates · loaded ext4, binfmt_misc, squashfs, isofs +8']],
    );
    assert.equal(lenses[0].command?.command, 'autoloadLens.showCallSiteRequests');
  });

  it('hovers a trace line with its resolution, outcome and call site', async () => {
    const uri = fixture(TRACE);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      uri,
      await positionOf(uri, 70, 'fs-ext4'),
    );
    const text = hoverText(hovers);
    assert.match(text, /request ` fs-ext4 ` \(wait=1\) by ` mount-182 `/);
    assert.match(text, /resolves to: ` ext4 ` \(alias, via ` fs-ext4 `\)/);
    assert.match(text, /outcome: loaded, loaded ` ext4 `/);
    assert.match(text, /call site: ` get_fs_type ` — direct: \[fs\/filesystems\\\.c:15\]/);
  });

  it('turns call_site= symbols into links to the source', async () => {
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>(
      'vscode.executeLinkProvider',
      fixture(TRACE),
    );
    const byTarget = new Map<string, number>();
    for (const l of links) {
      const key = `${vscode.workspace.asRelativePath(l.target!.with({ fragment: '' }), false)}#${l.target!.fragment.split(',')[0]}`;
      byTarget.set(key, (byTarget.get(key) ?? 0) + 1);
    }
    assert.equal(byTarget.get('fs/filesystems.c#L15'), 26);
    assert.equal(byTarget.get('net/socket.c#L14'), 28);
    assert.equal(byTarget.get('net/netfilter/nfnetlink.c#L15'), 3);
    // 90 requests from crypto_alg_mod_lookup, less the 4 for cryptomgr that nothing in the fixture's crypto/api.c makes.
    assert.equal(byTarget.get('crypto/api.c#L14'), 86);
  });

  it('goes to the call site from a trace line, and to the trace requests from a call site', async () => {
    const trace = fixture(TRACE);
    const toSource = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>(
      'vscode.executeDefinitionProvider',
      trace,
      await positionOf(trace, 70, 'get_fs_type'),
    );
    assert.deepEqual(toSource.map(where), ['fs/filesystems.c:15']);
    const source = fixture('fs/filesystems.c');
    const toTrace = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>(
      'vscode.executeDefinitionProvider',
      source,
      await positionOf(source, 15, 'request_module'),
    );
    assert.equal(toTrace.length, 26);
    assert.deepEqual(toTrace.slice(0, 3).map(where), [
      'traces/trace.txt:70',
      'traces/trace.txt:86',
      'traces/trace.txt:185',
    ]);
  });

  it('reveals a request: its trace line, and beside it the call site it came from', async () => {
    const fsExt4 = report.requests.find((r) => r.line === 70)!;
    await vscode.commands.executeCommand('autoloadLens.revealRequest', fsExt4.index);
    const shown = await waitFor('both editors', () => {
      const editors = vscode.window.visibleTextEditors.map(
        (e) => `${vscode.workspace.asRelativePath(e.document.uri, false)}:${e.selection.start.line + 1}`,
      );
      return editors.includes('traces/trace.txt:70') && editors.includes('fs/filesystems.c:15') ? editors : undefined;
    });
    assert.ok(shown.length >= 2);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('outlines the trace by requested name, with the replay outcome of each request', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>(
      'vscode.executeDocumentSymbolProvider',
      fixture(TRACE),
    );
    assert.equal(symbols.length, 228);
    const hfs = symbols.find((s) => s.name === 'fs-hfs');
    assert.deepEqual(
      hfs?.children.map((c) => [c.selectionRange.start.line + 1, c.detail]),
      [
        [582, 'wait=1 loaded'],
        [583, 'wait=1 loaded'],
        [584, 'wait=1 loaded'],
        [585, 'wait=1 loaded'],
      ],
    );
  });
});

function where(l: vscode.Location | vscode.LocationLink): string {
  const uri = 'uri' in l ? l.uri : l.targetUri;
  const range = 'range' in l ? l.range : l.targetRange;
  return `${vscode.workspace.asRelativePath(uri, false)}:${range.start.line + 1}`;
}
