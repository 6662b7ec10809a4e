// The editor left on while editing: one Problems entry per rule and call site, a hover that leads with what the call
// site did, no empty Problems on an edit, progress across the scan's passes, one count in the status bar, and the
// results back after a window reload.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { SourceIndex } from '../../../src/engine/sourceIndex';
import {
  allDiagnostics,
  clearResults,
  diagnosticsOf,
  extensionApi,
  fixture,
  hoverText,
  positionOf,
  ruleLines,
  ruleOf,
  scanAndReplay,
  waitFor,
} from './helpers';

const TRACE = 'traces/trace.txt';
const rel = (uri: vscode.Uri) => vscode.workspace.asRelativePath(uri, false);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a busy call site in Problems and in its hover', () => {
  before(async () => {
    await scanAndReplay(TRACE);
  });

  it("shows one entry per rule on get_fs_type's request_module() line, counting the trace findings of every fs-* name", () => {
    const onLine = diagnosticsOf('fs/filesystems.c');
    assert.deepEqual(ruleLines(onLine), ['duplicate-request@15', 'undocumented-alias@15']);
    const [dups, undocumented] = onLine as [vscode.Diagnostic, vscode.Diagnostic];
    // The six fs-* duplicate groups of the boot (fs-nosuchfs2 and fs-hfs repeated 3 times each, fs-squashfs,
    // fs-iso9660, fs-minix, fs-nosuchfs once): 10 duplicates of 6 names.
    assert.equal(
      dups.message,
      '10 duplicate requests of 6 names from this call site in the trace: fs-nosuchfs2 ×3, fs-hfs ×3, fs-squashfs, fs-iso9660, fs-minix, fs-nosuchfs.',
    );
    assert.equal(dups.severity, vscode.DiagnosticSeverity.Warning);
    // A related line per name, at its first duplicate.
    assert.deepEqual(
      dups.relatedInformation?.map((r) => `${rel(r.location.uri)}:${r.location.range.start.line + 1}`),
      [579, 583, 604, 606, 602, 222].map((l) => `${TRACE}:${l}`),
    );
    assert.equal(
      dups.relatedInformation?.[1]?.message,
      'fs-hfs: 3 duplicates of line 582 (lines 583, 584, 585): loaded hfs',
    );
    // The fixture declares fs-ext4 (and fs-ext3) only: the other 15 names it requested are undocumented in its sources;
    // fs-cramfs, fs-ntfs3, fs-nosuchfs and fs-nosuchfs2 are not even in modules.alias.
    assert.equal(
      undocumented.message,
      '15 undocumented names requested from this call site in the trace (25 requests): nothing documents fs-nosuchfs2 ×4, fs-nosuchfs ×2, fs-cramfs, fs-ntfs3, so modprobe fails with "not found"; only modules.alias documents 11 other names.',
    );
    // get_fs_type looks the filesystem up again after the request (__get_fs_type, fs/filesystems.c:16): the misses
    // are handled by the caller, so the entry is information.
    assert.equal(undocumented.severity, vscode.DiagnosticSeverity.Information);
    // The first 8 of the 15 names, as the message lists them.
    assert.deepEqual(
      undocumented.relatedInformation?.slice(0, 5).map((r) => r.message),
      [
        'fs-nosuchfs2: 4 requests (lines 578, 579, 580, 581): nothing documents it',
        'fs-nosuchfs: 2 requests (lines 221, 222): nothing documents it',
        'fs-cramfs: 1 request (line 200): nothing documents it',
        'fs-ntfs3: 1 request (line 206): nothing documents it',
        'fs-hfs: 4 requests (lines 582, 583, 584, 585): only modules.alias documents it',
      ],
    );
    assert.equal(undocumented.relatedInformation?.length, 8);
  });

  it('keeps each trace finding on its own trace line', () => {
    // Each group on its first repeat: fs-nosuchfs 222, fs-nosuchfs2 579, fs-hfs 583, fs-minix 602, fs-squashfs 604, fs-iso9660 606.
    const onTrace = diagnosticsOf(TRACE).filter(
      (d) => ruleOf(d) === 'duplicate-request' && d.message.startsWith('`fs-'),
    );
    assert.deepEqual(
      onTrace.map((d) => d.range.start.line + 1),
      [222, 579, 583, 602, 604, 606],
    );
  });

  it('hovers the call site with what it did in the trace first: requests, names, duplicates, loads, links to the trace', async () => {
    const uri = fixture('fs/filesystems.c');
    const text = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        uri,
        await positionOf(uri, 15, 'request_module'),
      ),
    );
    const ours = text.slice(text.indexOf('**Autoload Lens**'));
    assert.ok(
      ours.startsWith(
        '**Autoload Lens** — in the trace: 26 requests of 16 names, 10 duplicates · loaded ` ext4 `, ` binfmt_misc `, ` squashfs `, ` isofs ` +8',
      ),
      ours,
    );
    assert.match(ours, /` fs-nosuchfs2 ` ×4 \(3 duplicates\) \[line 578\]\([^)]*trace\.txt#L578\)/);
    assert.match(ours, /` fs-hfs ` ×4 \(3 duplicates\) \[line 582\]\([^)]*trace\.txt#L582\)/);
    assert.ok(
      ours.indexOf('in the trace') < ours.indexOf('pattern: ` fs-* `'),
      'the trace comes before what the call site is',
    );
  });
});

describe('Problems while editing', () => {
  let index: SourceIndex;

  before(async () => {
    await clearResults();
    index = (await vscode.commands.executeCommand<SourceIndex>('autoloadLens.scanWorkspace'))!;
  });

  /** Edits a file, waits for its re-analysis, and returns what each diagnostics change event showed meanwhile. */
  async function editAndWatch(
    file: string,
    text: string,
    watched: string,
  ): Promise<Array<{ uris: string[]; count: number }>> {
    const api = await extensionApi();
    const uri = fixture(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const seen: Array<{ uris: string[]; count: number }> = [];
    const listener = vscode.languages.onDidChangeDiagnostics((e) =>
      seen.push({ uris: e.uris.map(rel), count: diagnosticsOf(watched).length }),
    );
    let edited = index;
    try {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(uri, new vscode.Position(0, 0), text);
      assert.ok(await vscode.workspace.applyEdit(edit));
      edited = await waitFor('the edited file to be re-analysed', () => (api.index !== index ? api.index : undefined));
      await sleep(500);
    } finally {
      listener.dispose();
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
    index = await waitFor('the reverted file to be re-analysed', () => (api.index !== edited ? api.index : undefined));
    return seen;
  }

  it('updates only the edited file, and never shows it without the findings it has before and after', async () => {
    assert.equal(diagnosticsOf('drivers/misc/autoload_demo.c').length, 4);
    const seen = await editAndWatch(
      'drivers/misc/autoload_demo.c',
      '/* a line that moves every finding down */\n',
      'drivers/misc/autoload_demo.c',
    );
    assert.ok(seen.length > 0, 'the moved findings were published');
    assert.deepEqual([...new Set(seen.flatMap((e) => e.uris))], ['drivers/misc/autoload_demo.c']);
    assert.deepEqual(
      seen.map((e) => e.count),
      seen.map(() => 4),
    );
  });

  it('leaves Problems alone when a file without findings is edited', async () => {
    const seen = await editAndWatch('fs/ext4_super.c', '/* nothing to flag */\n', 'fs/ext4_super.c');
    assert.deepEqual(seen, []);
  });
});

describe('scan progress', () => {
  const config = () => vscode.workspace.getConfiguration('autoloadLens');
  after(() => config().update('exclude', undefined, vscode.ConfigurationTarget.Workspace));

  it('tells each pass as it comes, with what it looks for, up to building the index', async () => {
    // Another exclude list is another scan cache: this scan reads the tree and runs every pass.
    await config().update('exclude', ['**/*.never'], vscode.ConfigurationTarget.Workspace);
    const messages: string[] = [];
    let increments = 0;
    const original = vscode.window.withProgress;
    const spy: typeof vscode.window.withProgress = (options, task) =>
      original(options, (progress, token) =>
        task(
          {
            report: (value) => {
              if (value.message !== undefined) messages.push(value.message);
              increments += value.increment ?? 0;
              progress.report(value);
            },
          },
          token,
        ),
      );
    (vscode.window as { withProgress: typeof spy }).withProgress = spy;
    try {
      await clearResults();
      await vscode.commands.executeCommand('autoloadLens.scanWorkspace');
    } finally {
      (vscode.window as { withProgress: typeof spy }).withProgress = original;
    }
    // Before pass 1, only the walk that looks for a cached scan of the same files.
    const first = messages.findIndex((m) => !m.startsWith('listing the tree: '));
    assert.equal(messages[first], 'pass 1: looking for request_module() and MODULE_ALIAS in every file');
    assert.equal(messages[messages.length - 1], 'building the index');
    const passes = messages.flatMap((m) => /^pass (\d+):/.exec(m)?.[1] ?? []).map(Number);
    assert.deepEqual(
      passes,
      [...passes].sort((a, b) => a - b),
    );
    // The fixture's global wrappers (get_fs_type, __sock_create, nft_request_module, …) make a second pass.
    assert.ok(
      messages.some((m) => /^pass 2: looking for callers of \d+ new wrappers?\b.* in \d+ files?$/.test(m)),
      messages.join(' | '),
    );
    assert.ok(increments >= 95 && increments <= 100, `the bar moved ${increments} %`);
  });
});

describe('the status bar', () => {
  before(async () => {
    await scanAndReplay(TRACE);
  });

  it('counts the findings, splits them by rule and place, adds them up to the Problems entries, and opens the Findings view', async () => {
    const api = await extensionApi();
    const status = api.status!;
    const total = api.index!.findings.length + api.report!.findings.length;
    assert.equal(status.text, `$(warning) Autoload ${total}`);
    const lines = status.tooltip.split('\n');
    assert.equal(lines[0], `Autoload Lens: ${total} findings`);
    const ofScan = (rule: string) => api.index!.findings.filter((f) => f.rule === rule).length;
    const dupLine = lines.find((l) => l.startsWith('duplicate-request: '));
    assert.match(
      dupLine ?? '',
      new RegExp(
        `^duplicate-request: ${api.report!.summary.findings['duplicate-request']} in the trace \\(from \\d+ call sites?\\)$`,
      ),
    );
    const uzr = lines.find((l) => l.startsWith('unchecked-zero-return: '))!;
    assert.ok(uzr.endsWith(`, ${ofScan('unchecked-zero-return')} in the sources`), uzr);
    const entries = [...allDiagnostics().values()].reduce((n, list) => n + list.length, 0);
    const onTrace = diagnosticsOf(TRACE).length;
    assert.equal(
      lines[lines.length - 1],
      `Problems lists ${entries} entries: ${onTrace} on trace lines (one per trace finding), ${entries - onTrace} on source lines (one per rule and call site).`,
    );
    assert.equal(onTrace, api.report!.findings.length);
    assert.equal(status.command, 'autoloadLens.findings.focus');
  });
});

describe('after a window reload', () => {
  it('restores the scan and the replay, with the same Problems and status, from the scan cache', async () => {
    await scanAndReplay(TRACE);
    const api = await extensionApi();
    const shown = () => [...allDiagnostics()].map(([file, list]) => `${file} ${ruleLines(list).join(' ')}`).sort();
    const before = {
      problems: shown(),
      status: api.status,
      sites: api.index!.callSites.length,
      summary: api.report!.summary,
    };
    await api.restore();
    assert.equal(api.index?.callSites.length, before.sites);
    assert.deepEqual(api.report?.summary, before.summary);
    assert.deepEqual(api.report?.modulesDir, fixture('modules').fsPath);
    assert.deepEqual(shown(), before.problems);
    assert.deepEqual(api.status, before.status);
  });

  it('restores nothing once Clear Results has forgotten them', async () => {
    await scanAndReplay(TRACE);
    await clearResults();
    const api = await extensionApi();
    await api.restore();
    assert.equal(api.index, undefined);
    assert.equal(api.report, undefined);
    assert.deepEqual([...allDiagnostics().keys()], []);
  });

  it('is on by default and can be turned off', () => {
    const inspect = vscode.workspace.getConfiguration('autoloadLens').inspect<boolean>('restoreOnStartup');
    assert.equal(inspect?.defaultValue, true);
  });
});
