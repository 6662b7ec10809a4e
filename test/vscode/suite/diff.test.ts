// Compare with Trace… on the hand-edited boot (traces/trace-edited.txt, NEW, replayed after a scan) against the real
// boot it was edited from (traces/trace.txt, BASE); the edited trace's header lists the edits and the diff worked out
// by hand. The diff, Problems holding only the findings NEW added, the report page's data, and a new replay ending it.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { BootDiff } from '../../../src/engine/diff/index';
import type { Report } from '../../../src/engine/reportStream/index';
import { viewModel } from '../../../src/extension/reportPanel';
import {
  allDiagnostics,
  diagnosticsOf,
  extensionApi,
  fixture,
  ruleLines,
  ruleOf,
  scanAndReplay,
  waitFor,
} from './helpers';

const NEW = 'traces/trace-edited.txt';
const BASE = 'traces/trace.txt';

describe('Compare with Trace', () => {
  let report: Report;
  let diff: BootDiff;

  before(async () => {
    report = await scanAndReplay(NEW);
    const d = await vscode.commands.executeCommand<BootDiff | undefined>(
      'autoloadLens.compareWithTrace',
      fixture(BASE),
    );
    if (d === undefined) throw new Error('compareWithTrace returned no diff');
    diff = d;
  });

  it('replays BASE and compares it with the current replay (NEW), names as worked out by hand', async () => {
    assert.deepEqual(
      [diff.summary.added, diff.summary.removed, diff.summary.changed, diff.summary.same],
      [2, 2, 4, 222],
    );
    assert.deepEqual(
      diff.names.filter((n) => n.change !== 'same').map((n) => `${n.change} ${n.name}`),
      [
        'removed bpf_preload',
        'changed can-proto-2',
        'removed crypto-rfc7539',
        'changed cryptomgr',
        'changed fs-ext4',
        'added fs-nosuchfs9',
        'changed rtnl-link-dummy',
        'added rtnl-link-geneve',
      ],
    );
    assert.deepEqual(
      diff.chains.removed.map((c) => c.name),
      ['crypto-rfc7539(chacha20,poly1305)'],
    );
    assert.deepEqual((await extensionApi()).diff?.summary, diff.summary);
  });

  it('puts only the findings NEW added in Problems, on their lines of NEW, none on BASE', async () => {
    // fs-ext4's duplicate on its repeat (mount-184, line 93); the names nothing in the sources declares on their
    // requests: fs-nosuchfs9 (245), rtnl-link-geneve (294), can-proto-2 from its new call site can_create (335).
    const onNew = await waitFor('the added findings in Problems', () => {
      const list = ruleLines(diagnosticsOf(NEW));
      return list.length === 4 ? list : undefined;
    });
    assert.deepEqual(onNew, [
      'duplicate-request@93',
      'undocumented-alias@245',
      'undocumented-alias@294',
      'undocumented-alias@335',
    ]);
    assert.deepEqual(diagnosticsOf(BASE), []);
    // Of the 24 duplicate groups of the boot, only fs-ext4's: on its trace line and on get_fs_type's request_module().
    const duplicates = [...allDiagnostics()].flatMap(([file, list]) =>
      list.filter((d) => ruleOf(d) === 'duplicate-request').map((d) => `${file}@${d.range.start.line + 1}`),
    );
    assert.deepEqual(duplicates.sort(), ['fs/filesystems.c@15', `${NEW}@93`]);
  });

  it("gives the report page the two timelines: each name's first request from each trace's first event, NEW's clickable", async () => {
    const api = await extensionApi();
    const model = viewModel(api.report, api.index, api.diff).diff;
    assert.ok(model !== null);
    assert.deepEqual([model.base.firstEventTime, model.new.firstEventTime], [14.627203, 14.627203]);
    const name = (n: string) => model.names.find((x) => x.name === n)!;
    // fs-nosuchfs9 at 96.600000 in NEW only; bpf_preload at 33.403991 in BASE only, nothing of NEW to reveal.
    const nosuchfs9 = report.requests.find((r) => r.name === 'fs-nosuchfs9')!;
    assert.deepEqual(
      [name('fs-nosuchfs9').baseTime, name('fs-nosuchfs9').newTime, name('fs-nosuchfs9').request],
      [null, 81.972797, nosuchfs9.index],
    );
    assert.deepEqual(
      [name('bpf_preload').baseTime, name('bpf_preload').newTime, name('bpf_preload').request],
      [18.776788, null, null],
    );
    assert.deepEqual(
      model.findingsAdded.map((f) => [f.rule, f.where]),
      [
        ['duplicate-request', 'fs/filesystems.c:15'],
        ['undocumented-alias', 'fs/filesystems.c:15'],
        ['undocumented-alias', 'new trace line 294'],
        ['undocumented-alias', 'new trace line 335'],
      ],
    );
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

  it('comes back after a window reload: the same diff, and Problems still hold only the findings NEW added', async () => {
    const api = await extensionApi();
    await api.restore();
    assert.deepEqual(api.diff?.summary, diff.summary);
    assert.deepEqual(api.diff?.names, diff.names);
    const onNew = await waitFor('the added findings in Problems', () => {
      const list = ruleLines(diagnosticsOf(NEW));
      return list.length === 4 ? list : undefined;
    });
    assert.deepEqual(onNew, [
      'duplicate-request@93',
      'undocumented-alias@245',
      'undocumented-alias@294',
      'undocumented-alias@335',
    ]);
  });

  it('resolves BASE with the modules directory given for it, and a window reload compares with that one again', async () => {
    // BASE's modules: the workspace's without sch_netem (its line in modules.dep and modules.order). Both boots
    // request sch_netem once, from qdisc_create (trace.txt line 277, trace-edited.txt line 301): the replay's modules
    // know it by its plain module name (info), BASE's not at all (warning).
    const modules = fixture('modules').fsPath;
    const dir = mkdtempSync(path.join(tmpdir(), 'autoload-base-modules-'));
    try {
      for (const name of readdirSync(modules)) {
        const text = readFileSync(path.join(modules, name), 'latin1');
        const kept =
          name === 'modules.dep' || name === 'modules.order'
            ? text.replace(/^kernel\/net\/sched\/sch_netem\.ko:?\n/m, '')
            : text;
        writeFileSync(path.join(dir, name), kept, 'latin1');
      }
      const netem = (d: BootDiff | undefined) => {
        const pick = (list: BootDiff['findings']['added']) =>
          list.filter((f) => f.name === 'sch_netem').map((f) => [f.rule, f.severity, f.line]);
        return d === undefined ? undefined : [pick(d.findings.added), pick(d.findings.removed)];
      };
      const d = await vscode.commands.executeCommand<BootDiff | undefined>(
        'autoloadLens.compareWithTrace',
        fixture(BASE),
        undefined,
        dir,
      );
      const expected = [[['undocumented-alias', 'info', 301]], [['undocumented-alias', 'warning', 277]]];
      assert.deepEqual(netem(d), expected);
      const api = await extensionApi();
      await api.restore();
      assert.deepEqual(netem(api.diff), expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a new replay ends the diff: Problems show every finding of the trace again', async () => {
    const again = await vscode.commands.executeCommand<Report | undefined>('autoloadLens.replayTrace', fixture(NEW));
    assert.ok(again !== undefined);
    assert.equal((await extensionApi()).diff, undefined);
    const onNew = await waitFor('every finding in Problems', () => {
      const list = diagnosticsOf(NEW);
      return list.length === again.findings.length ? list : undefined;
    });
    assert.ok(onNew.length > 4);
  });
});
