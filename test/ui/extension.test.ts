// The packaged extension in VS Code's workbench (code-server 1.139, headless Chromium), driven as a person would:
// F1 palette, Quick Open, Problems, the Autoload Lens views, the report webview. Screenshots go to .test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtureWorkspace, packagedVsix, waitFor, Workbench } from './workbench';

/** One workbench for a whole describe block: opening one costs about 10 s. A failing test leaves a screenshot. */
function sharedWorkbench(name: string): { wb: () => Workbench; step: (title: string, body: () => Promise<void>) => void } {
  let wb: Workbench | undefined;
  before(async () => {
    wb = await Workbench.open({ vsix: packagedVsix(), folder: fixtureWorkspace });
  });
  after(async () => {
    await wb?.close();
  });
  const step = (title: string, body: () => Promise<void>) => {
    it(title, async () => {
      try {
        await body();
      } catch (err) {
        const shot = await wb?.screenshot(`ui-failure-${name}-${title.replace(/\W+/g, '-').slice(0, 60)}.png`).catch(() => 'none');
        (err as Error).message += `\n(screenshot: ${shot})`;
        throw err;
      }
    });
  };
  return { wb: () => wb!, step };
}

describe('Autoload Lens in VS Code, as a person uses it', () => {
  const { wb, step } = sharedWorkbench('workflow');
  const exportDir = mkdtempSync(join(tmpdir(), 'autoload-lens-ui-export-'));
  after(() => rmSync(exportDir, { recursive: true, force: true }));

  step('Scan Workspace puts the deliberate mistakes in the Problems panel', async () => {
    await wb().runCommand('Autoload Lens: Scan Workspace');
    const rows = await wb().problemsRows(4);
    const demo = rows.filter((r) => r.includes('Autoload Lens'));
    assert.deepEqual(demo.map((r) => /Autoload Lens\(([\w-]+)\)/.exec(r)?.[1]), ['unchecked-zero-return', 'name-too-long', 'undocumented-alias']);
    assert.ok(rows[0]!.startsWith('autoload_demo.c'), rows[0]);
  });

  step('Replay Trace… replays the trace open in the editor, and Problems lists its findings', async () => {
    await wb().openFile('traces/trace.txt');
    await wb().runCommand('Autoload Lens: Replay Trace…');
    const status = wb().page.locator('.statusbar-item', { hasText: /Autoload \d+/ });
    await status.waitFor({ timeout: 30_000 });
    const rows = await wb().problemsRows(10);
    assert.ok(rows.some((r) => r.startsWith('trace.txt')), `no trace.txt group in Problems: ${rows.slice(0, 5).join(' | ')}`);
    assert.ok(rows.some((r) => r.includes('Autoload Lens(duplicate-request)')), 'no duplicate-request row');
    await wb().screenshot('problems.png');
  });

  step('the views list call sites by alias family, findings by rule and requests by name', async () => {
    await wb().page.locator('.activitybar .action-item a[aria-label^="Autoload Lens"]').click();
    const sites = await wb().viewRows('Call Sites', false, 8);
    assert.deepEqual(sites.map((r) => r.split(' ')[0]).sort(), ['(no', 'autoload-demo-variant-with-a-prefix-far-too-long-for-module-name-len-*', 'crypto-*', 'demo-backend*',
      'demo-helper-that-nobody-declares*', 'fs-*', 'net-pf-*', 'nfnetlink-subsys-*', 'nft-expr-*', 'nls_*'].sort());
    const findings = await wb().viewRows('Findings', false, 3);
    assert.ok(findings.some((r) => r.startsWith('Duplicate module request')), findings.join(' | '));
    const requests = await wb().viewRows('Trace Requests', false, 3);
    assert.ok(requests.some((r) => r.startsWith('fs-hfs 4×')), requests.slice(0, 10).join(' | '));
    await wb().screenshot('views.png');
  });

  step('Resolve Alias… answers like modprobe -R', async () => {
    await wb().runCommand('Autoload Lens: Resolve Alias…');
    const input = wb().page.locator('.quick-input-widget input');
    await input.fill('fs-ext4');
    await wb().page.keyboard.press('Enter');
    const toast = wb().page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'fs-ext4' }).first();
    assert.match(await toast.innerText({ timeout: 15_000 }), /fs-ext4 → ext4 \(alias via fs-ext4\); documented by 1 declaration/);
  });

  step('Open Report shows the summary and the timeline; a click on a mark reveals its trace line', async () => {
    await wb().runCommand('Autoload Lens: Open Report');
    const frame = await wb().webviewFrame('section.summary');
    const summary = await frame.locator('section.summary').innerText();
    assert.match(summary, /264/);
    assert.equal(await frame.locator('svg.timeline g.mark').count(), 264);
    await wb().screenshot('report.png');
    await frame.locator('svg.timeline g.mark[data-index="3"]').dispatchEvent('click');
    const cursor = wb().page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first();
    await waitFor('the editor to reveal trace line 70', async () => ((await cursor.innerText()).startsWith('Ln 70,') ? true : undefined));
  });

  step('Export Report… writes JSON where the save dialog says', async () => {
    const target = join(exportDir, 'boot-report.json');
    await wb().runCommand('Autoload Lens: Export Report…');
    const pick = wb().page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'JSON' }).first();
    await pick.click({ timeout: 10_000 });
    const input = wb().page.locator('.quick-input-widget input');
    await waitFor('the save dialog', async () => ((await input.inputValue()).endsWith('autoload-lens.json') ? true : undefined));
    await input.fill(target);
    await wb().page.keyboard.press('Enter');
    await waitFor(`${target} to be written`, async () => (existsSync(target) ? true : undefined));
    const report = JSON.parse(readFileSync(target, 'utf8')) as { schemaVersion: number; summary: { requests: number } };
    assert.deepEqual([report.schemaVersion, report.summary.requests], [1, 264]);
  });

  step('Clear Results empties the Problems panel', async () => {
    await wb().runCommand('Autoload Lens: Clear Results');
    await wb().page.keyboard.press('Control+Shift+M');
    await wb().page.locator('.markers-panel', { hasText: 'No problems have been detected in the workspace.' }).waitFor({ timeout: 15_000 });
  });
});

describe('a hostile trace', () => {
  const { wb, step } = sharedWorkbench('hostile');
  const SCRIPT = '<script>alert(1)</script>';
  const IMG = '<img src=x onerror=alert(1)>';

  step('is replayed and its names appear in Problems as text', async () => {
    await wb().openFile('traces/hostile-trace.txt');
    await wb().runCommand('Autoload Lens: Replay Trace…');
    const rows = await wb().problemsRows(5);
    assert.ok(rows.some((r) => r.includes(SCRIPT)), rows.join(' | '));
    assert.ok(rows.some((r) => r.includes(IMG)), rows.join(' | '));
  });

  step('the report webview shows the names as text, runs nothing from the trace and fires no dialog', async () => {
    await wb().runCommand('Autoload Lens: Open Report');
    const frame = await wb().webviewFrame('table.requests');
    const cells = await frame.locator('table.requests tbody tr td:nth-child(2)').allInnerTexts();
    assert.deepEqual(cells, [SCRIPT, `${SCRIPT} (duplicate)`, IMG, `${IMG} (duplicate)`, 'fs-ext4', 'fs-"quoted\'&amp;']);
    const callSites = await frame.locator('table.requests tbody tr td:nth-child(8)').allInnerTexts();
    assert.ok(callSites.includes('</script><script>alert(2)</script>'), callSites.join(' | '));
    const injected = await frame.evaluate(`(() => ({
      scripts: [...document.scripts].filter((s) => /alert/.test(s.textContent || '')).length,
      images: document.querySelectorAll('img').length,
      handlers: [...document.querySelectorAll('*')].filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).length,
      svgs: document.querySelectorAll('svg svg').length,
    }))()`);
    assert.deepEqual(injected, { scripts: 0, images: 0, handlers: 0, svgs: 0 });
    await wb().screenshot('report-hostile.png');
    assert.deepEqual(wb().dialogs, []);
  });

  step('the Trace Requests view lists the names as text', async () => {
    await wb().page.locator('.activitybar .action-item a[aria-label^="Autoload Lens"]').click();
    const rows = await wb().viewRows('Trace Requests', false, 4);
    assert.deepEqual(rows.map((r) => r.split(' 1× ')[0]!.split(' 2× ')[0]), [SCRIPT, IMG, 'fs-ext4', 'fs-"quoted\'&amp;']);
    assert.deepEqual(wb().dialogs, []);
  });
});
