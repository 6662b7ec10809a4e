// The other palette commands, driven with the arguments they accept instead of dialogs.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { Report } from '../../../src/engine/reportStream/index';
import type { AliasDeclaration } from '../../../src/engine/sourceIndex';
import type { Resolution } from '../../../src/engine/resolution';
import { allDiagnostics, clearResults, codeLenses, extensionApi, fixture, scanAndReplay, waitFor } from './helpers';

interface AliasAnswer {
  name: string;
  resolution: Resolution | null;
  declarations: AliasDeclaration[];
}

const resolve = (name: string) =>
  vscode.commands.executeCommand<AliasAnswer | undefined>('autoloadLens.resolveAlias', name);
const declared = (a: AliasAnswer | undefined) => a?.declarations.map((d) => `${d.file}:${d.line} ${d.macro}`);

describe('Resolve Alias', () => {
  before(async () => {
    await clearResults();
    await vscode.commands.executeCommand('autoloadLens.scanWorkspace');
  });

  it('resolves fs-ext4 like modprobe -R, and names the declaration in source that documents it', async () => {
    const a = await resolve('fs-ext4');
    assert.deepEqual(a?.resolution, { kind: 'alias', modules: ['ext4'], patterns: ['fs-ext4'] });
    assert.deepEqual(declared(a), ['fs/ext4_super.c:5 MODULE_ALIAS_FS']);
  });

  it('resolves net-pf-10 to the built-in ipv6 (modules.builtin.modinfo), declared by MODULE_ALIAS_NETPROTO(PF_INET6)', async () => {
    const a = await resolve('net-pf-10');
    assert.deepEqual(a?.resolution, { kind: 'builtin', modules: ['ipv6'], patterns: ['net-pf-10'] });
    assert.deepEqual(declared(a), ['net/ipv6/af_inet6.c:6 MODULE_ALIAS_NETPROTO']);
  });

  it('says when the traced kernel has no module for a name the sources declare', async () => {
    const a = await resolve('demo-backend');
    assert.deepEqual(a?.resolution, { kind: 'none', modules: [], patterns: [] });
    assert.deepEqual(declared(a), ['drivers/misc/demo_backend.c:5 MODULE_ALIAS']);
  });
});

describe('Select Modules Directory', () => {
  before(clearResults);

  it("accepts a folder with depmod's files and uses it for the next replay", async () => {
    const dir = fixture('modules');
    assert.equal(await vscode.commands.executeCommand('autoloadLens.selectModulesDirectory', dir), dir.fsPath);
    const report = await vscode.commands.executeCommand<Report>(
      'autoloadLens.replayTrace',
      fixture('traces/trace.txt'),
    );
    assert.equal(report.modulesDir, dir.fsPath);
  });

  it('refuses a folder without modules.alias and keeps the previous one', async () => {
    assert.equal(await vscode.commands.executeCommand('autoloadLens.selectModulesDirectory', fixture('fs')), undefined);
    const report = await vscode.commands.executeCommand<Report>(
      'autoloadLens.replayTrace',
      fixture('traces/trace.txt'),
    );
    assert.equal(report.modulesDir, fixture('modules').fsPath);
  });
});

describe('Replay Trace refusals', () => {
  it('refuses a binary trace-cmd trace.dat and keeps the current report', async () => {
    await clearResults();
    const before = await vscode.commands.executeCommand<Report>(
      'autoloadLens.replayTrace',
      fixture('traces/trace.txt'),
    );
    assert.equal(
      await vscode.commands.executeCommand('autoloadLens.replayTrace', fixture('traces/trace.dat')),
      undefined,
    );
    assert.equal((await extensionApi()).report, before);
  });
});

describe('Export Report', () => {
  let dir: string;
  let report: Report;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'autoload-lens-export-'));
    report = await scanAndReplay('traces/trace.txt');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the report as JSON, atomically (no temp file left beside it)', async () => {
    const target = vscode.Uri.file(join(dir, 'report.json'));
    const written = await vscode.commands.executeCommand<vscode.Uri>('autoloadLens.exportReport', target, 'json');
    assert.equal(written?.fsPath, target.fsPath);
    const json = JSON.parse(readFileSync(target.fsPath, 'utf8')) as Report;
    assert.equal(json.schemaVersion, 1);
    assert.deepEqual(json.summary, report.summary);
    assert.equal(json.requests.length, 264);
    assert.deepEqual(readdirSync(dir), ['report.json']);
  });

  it('writes SARIF 2.1.0 when asked (format taken from the .sarif name), one result per finding', async () => {
    const target = vscode.Uri.file(join(dir, 'report.sarif'));
    await vscode.commands.executeCommand('autoloadLens.exportReport', target);
    const sarif = JSON.parse(readFileSync(target.fsPath, 'utf8')) as {
      version: string;
      runs: Array<{
        tool: { driver: { name: string; rules: Array<{ id: string }> } };
        results: Array<{ ruleId: string }>;
      }>;
    };
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs.length, 1);
    assert.equal(sarif.runs[0].tool.driver.name, 'autoload-lens');
    assert.equal(sarif.runs[0].results.length, report.findings.length);
    assert.deepEqual(
      sarif.runs[0].results.map((r) => r.ruleId),
      report.findings.map((f) => f.rule),
    );
  });
});

describe('Open Report and Clear Results', () => {
  before(async () => {
    await clearResults();
    await vscode.commands.executeCommand('autoloadLens.scanWorkspace');
    await vscode.commands.executeCommand('autoloadLens.replayTrace', fixture('traces/trace.txt'));
  });

  it('opens the report webview', async () => {
    await vscode.commands.executeCommand('autoloadLens.openReport');
    // The tab model reaches the extension host asynchronously.
    const report = await waitFor('the report tab', () => {
      const tabs = vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('autoloadLens.report'));
      return tabs.length > 0 ? tabs : undefined;
    });
    assert.deepEqual(
      report.map((t) => t.label),
      ['Autoload Lens Report'],
    );
    await vscode.window.tabGroups.close(report);
  });

  it('clears the index, the report, Problems and CodeLens', async () => {
    assert.notEqual(allDiagnostics().size, 0);
    await vscode.commands.executeCommand('autoloadLens.clearResults');
    const api = await extensionApi();
    assert.equal(api.index, undefined);
    assert.equal(api.report, undefined);
    assert.deepEqual([...allDiagnostics().keys()], []);
    const lenses = await codeLenses('fs/filesystems.c');
    assert.deepEqual(lenses, []);
  });
});
