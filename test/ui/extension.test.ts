// The packaged extension in VS Code's workbench (code-server 1.139, headless Chromium), driven as a person would:
// F1 palette, Quick Open, Problems, the Autoload Lens views, the report webview. Screenshots go to .test-artifacts/.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import { changedFiles, eventually, fixtureWorkspace, packagedVsix, sharedWorkbench, waitFor } from './workbench';

describe('Autoload Lens in VS Code, as a person uses it', () => {
  const { wb, step } = sharedWorkbench('workflow', () => ({ vsix: packagedVsix(), folder: fixtureWorkspace }));
  const exportDir = mkdtempSync(join(tmpdir(), 'autoload-lens-ui-export-'));
  after(() => rmSync(exportDir, { recursive: true, force: true }));

  step('Scan Workspace puts the deliberate mistakes in the Problems panel', async () => {
    await wb().runCommand('Autoload Lens: Scan Workspace');
    // The panel fills while the diagnostics arrive: check until the rows hold what the scan found.
    await eventually(async () => {
      const rows = await wb().problemsRows(5, 'autoload_demo.c');
      assert.ok(rows[0].startsWith('autoload_demo.c'), rows[0]);
      const markers = rows
        .filter((r) => r.includes('Autoload Lens'))
        .map((r) => `${/Autoload Lens\W*([a-z]+(?:-[a-z]+)+)/.exec(r)?.[1]}@${/\[Ln (\d+),/.exec(r)?.[1]}`);
      assert.deepEqual(markers.sort(), [
        'name-too-long@23',
        'unchecked-zero-return@15',
        'unchecked-zero-return@29',
        'undocumented-alias@23',
      ]);
    });
  });

  step('Replay Trace… replays the trace open in the editor, and Problems lists its findings', async () => {
    await wb().openFileAs('traces/trace.txt', 'Autoload Trace');
    await wb().runCommand('Autoload Lens: Replay Trace…');
    const status = wb().page.locator('.statusbar-item', { hasText: /Autoload \d+/ });
    await status.waitFor({ timeout: 30_000 });
    await eventually(async () => {
      // The trace entries of the two groups of four (fs-nosuchfs2, fs-hfs); the call site's entry lists every fs-* request.
      const rows = await wb().problemsRows(4, 'requested 4 times within 0.005 s');
      assert.ok(
        rows.some((r) => r.startsWith('trace.txt')),
        `no trace.txt group in Problems: ${rows.join(' | ')}`,
      );
      assert.ok(
        rows.some((r) => /Autoload Lens\W*duplicate-request\W*\[Ln 583,/.test(r)),
        rows.join(' | '),
      );
    });
    await wb().goToLine(583);
    await wb().screenshot('problems.png');
  });

  step('a hover on a trace line and the CodeLens above the call site say what happened', async () => {
    await wb().goToLine(70);
    await wb().page.keyboard.press('Control+K');
    await wb().page.keyboard.press('Control+I');
    const hover = wb().page.locator('.monaco-hover:visible', { hasText: 'fs-ext4' }).first();
    const text = (await hover.innerText({ timeout: 15_000 })).replace(/\s+/g, ' ');
    assert.match(text, /resolves to: ext4 \(alias, via fs-ext4\)/);
    assert.match(text, /outcome: loaded, loaded ext4/);
    await wb().screenshot('hover.png');
    await wb().page.keyboard.press('Escape');
    await wb().openFile('fs/filesystems.c');
    const lens = wb().page.locator('.codelens-decoration', { hasText: 'requests in the trace' }).first();
    assert.equal(
      await lens.innerText({ timeout: 15_000 }),
      '26 requests in the trace · 10 duplicates · loaded ext4, binfmt_misc, squashfs, isofs +8',
    );
    await wb().screenshot('codelens.png');
  });

  step(
    'on a busy call site, Problems has one entry per rule with the counts, and the hover starts with the trace',
    async () => {
      await wb().openFile('fs/filesystems.c');
      // Each entry lists a line per name below it: one filter per entry.
      await eventually(async () => {
        const rows = await wb().problemsRows(3, 'undocumented names requested from this call site');
        assert.ok(
          rows.some(
            (r) =>
              r.includes('15 undocumented names requested from this call site in the trace (25 requests)') &&
              r.includes('[Ln 15,'),
          ),
          rows.join(' | '),
        );
      });
      await eventually(async () => {
        const rows = await wb().problemsRows(3, 'duplicate requests of');
        assert.ok(
          rows.some(
            (r) =>
              r.includes('10 duplicate requests of 6 names from this call site in the trace') && r.includes('[Ln 15,'),
          ),
          rows.join(' | '),
        );
      });
      await wb().screenshot('problems-call-site.png');
      // The cursor inside request_module, then Ctrl+K Ctrl+I. Go to Line counts columns as shown: the tab is 4 wide, and
      // with "if (!fs && (" request_module starts at column 17.
      await wb().page.locator('.editor-group-container.active .monaco-editor textarea').first().focus();
      await wb().page.keyboard.press('Control+G');
      await wb().page.locator('.quick-input-widget input').fill(':15:20');
      await wb().page.keyboard.press('Enter');
      await wb().page.keyboard.press('Control+K');
      await wb().page.keyboard.press('Control+I');
      // The Problems entries of the line come first in VS Code's hover (one per rule now), then the extension's part.
      const hover = wb().page.locator('.monaco-hover:visible', { hasText: 'requests of 16 names' }).first();
      const text = (await hover.innerText({ timeout: 15_000 })).replace(/\s+/g, ' ');
      assert.match(
        text,
        /Autoload Lens — in the trace: 26 requests of 16 names, 10 duplicates · loaded ext4, binfmt_misc, squashfs, isofs \+8/,
      );
      assert.ok(text.length < 4000, `the hover holds ${text.length} characters`);
      await wb().screenshot('hover-call-site.png');
      await wb().page.keyboard.press('Escape');
    },
  );

  step('the views list call sites by alias family, findings by rule and requests by name', async () => {
    await wb().page.locator('.activitybar .action-item a[aria-label^="Autoload Lens"]').click();
    const sites = await wb().viewRows('Call Sites', 8);
    assert.deepEqual(
      sites.map((r) => r.label).sort(),
      [
        '(no literal prefix)',
        'autoload-demo-variant-*',
        'crypto-*',
        'demo-backend*',
        'demo-helper-that-nobody-declares*',
        'fs-*',
        'net-pf-*',
        'nfnetlink-subsys-*',
        'nft-expr-*',
        'nls_*',
      ].sort(),
    );
    const findings = await wb().viewRows('Findings', 3);
    assert.ok(
      findings.some((r) => r.label === 'Duplicate module request' && r.description === 'duplicate-request · 24'),
      JSON.stringify(findings),
    );
    const requests = await wb().viewRows('Trace Requests', 3);
    assert.deepEqual(requests.find((r) => r.label === 'fs-ext4')?.description, '1× · ext4');
    await wb().screenshot('views.png');
  });

  step('Resolve Alias… answers like modprobe -R', async () => {
    await wb().runCommand('Autoload Lens: Resolve Alias…');
    await wb().submitQuickInput('Autoload Lens: resolve a requested name', 'fs-ext4');
    const messages = await wb().notifications();
    assert.ok(
      messages.some((m) => m.includes('fs-ext4 → ext4 (alias via fs-ext4); documented by 1 declaration')),
      messages.join(' | '),
    );
  });

  step('Select Modules Directory… takes the folder picked in the dialog, and the log says so', async () => {
    const dir = join(wb().folder, 'modules');
    await wb().runCommand('Autoload Lens: Select Modules Directory…');
    await wb().submitQuickInput('Autoload Lens: folder with modules.alias', dir, 'Use as Modules Directory');
    const lines = await wb().outputLines('Autoload Lens', 'modules directory for this workspace');
    assert.ok(
      lines.some((l) => l.endsWith(`modules directory for this workspace: ${dir}`)),
      lines.join(' | '),
    );
  });

  step('Open Report shows the summary and the timeline; a click on a mark reveals its trace line', async () => {
    await wb().runCommand('Autoload Lens: Open Report');
    const frame = await wb().webviewFrame('section.summary');
    const summary = await frame.locator('section.summary').innerText();
    assert.match(summary, /264/);
    assert.equal(await frame.locator('svg.timeline g.mark').count(), 264);
    await wb().screenshot('report.png');
    await frame.locator('svg.timeline g.mark[data-index="3"]').dispatchEvent('click');
    const cursor = wb()
      .page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+/ })
      .first();
    await waitFor('the editor to reveal trace line 70', async () =>
      (await cursor.innerText()).startsWith('Ln 70,') ? true : undefined,
    );
  });

  step(
    'Show Request Chains draws each chain as a flame chart under the report; a click on a bar reveals its trace line',
    async () => {
      // The report is open on the same results: the command scrolls the page to the chains and draws nothing again
      // (the section marked here is still the one shown afterwards).
      const drawn = await wb().webviewFrame('section.chains-section svg.chain');
      await drawn.locator('section.chains-section').evaluate((e) => e.setAttribute('data-seen', 'before'));
      await wb().runCommand('Autoload Lens: Show Request Chains');
      const frame = await wb().webviewFrame('section.chains-section svg.chain');
      assert.deepEqual(await frame.locator('.chain-head .chain-name').allInnerTexts(), [
        'net-pf-31',
        'net-pf-33',
        'crypto-xts(serpent)',
        'crypto-cbc(twofish)',
        'crypto-rfc7539(chacha20,poly1305)',
        'crypto-ecb(camellia)',
        'crypto-essiv(cbc(serpent),sha256)',
      ]);
      // The page draws charts on the next animation frame after the report: read them until they are all there.
      // One bar per request of the seven chains: 9 + 6 + 17 + 7 + 2 + 11 + 2.
      await waitFor('54 bars in the seven chains', async () =>
        (await frame.locator('svg.chain g.bar').count()) === 54 ? true : undefined,
      );
      const rxrpc = frame.locator('.chain-block[data-root="100"]');
      const rxrpcBars = ['100', '101', '102', '103', '104', '105'];
      await waitFor(`the rxrpc chain's bars ${rxrpcBars.join(', ')}`, async () => {
        const got = await rxrpc.locator('g.bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-index')));
        return got.join() === rxrpcBars.join() ? true : undefined;
      });
      assert.match(
        await rxrpc.locator('.chain-head').innerText(),
        /net-pf-33 — 6 requests, 2 levels deep, last load after 0\.484192 s; loaded rxrpc, pcbc, fcrypt/,
      );
      // The command brought the section into view (on the frame after the report is drawn).
      await waitFor('the chains section at the top of the page', async () => {
        const top = await frame.locator('#chains').evaluate((e) => e.getBoundingClientRect().top);
        return top >= 0 && top < 50 ? true : undefined;
      });
      await wb().screenshot('chains.png');
      assert.equal(await frame.locator('section.chains-section').getAttribute('data-seen'), 'before');
      // crypto-pcbc(fcrypt), made by rxrpc's init in modprobe-679: trace line 348.
      await rxrpc.locator('g.bar[data-index="101"]').dispatchEvent('click');
      const cursor = wb()
        .page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+/ })
        .first();
      await waitFor('the editor to reveal trace line 348', async () =>
        (await cursor.innerText()).startsWith('Ln 348,') ? true : undefined,
      );
    },
  );

  step(
    'Compare with Trace… shows what the replayed boot changes against an earlier one, and Problems keeps only the findings it adds',
    async () => {
      // BASE: traces/trace-edited.txt, whose header lists its hand edits of trace.txt; NEW: trace.txt, replayed above.
      // Seen from trace.txt the edits are undone: bpf_preload and crypto-rfc7539 come back (added), fs-nosuchfs9 and
      // rtnl-link-geneve go (removed), and fs-ext4, cryptomgr, rtnl-link-dummy and can-proto-2 change.
      await wb().runCommand('Autoload Lens: Compare with Trace…');
      await wb().submitQuickInput(
        'Autoload Lens: earlier trace to compare',
        join(wb().folder, 'traces', 'trace-edited.txt'),
        'Compare',
      );
      // The replay has a modules directory (picked above): BASE is resolved with it, or another one, as chosen here.
      await wb().quickInput('Autoload Lens: modules directory to resolve BASE with');
      await wb()
        .page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: "The replay's modules" })
        .first()
        .click();
      const frame = await wb().webviewFrame('section.diff-section table.diff-names');
      const rows = await waitFor('the eight names that differ', async () => {
        const texts = await frame.locator('table.diff-names tbody tr').evaluateAll((trs) =>
          trs.map((tr) =>
            [...tr.children]
              .slice(0, 2)
              .map((td) => td.textContent)
              .join(' '),
          ),
        );
        return texts.length === 8 ? texts : undefined;
      });
      assert.deepEqual(rows.slice(0, 4).sort(), [
        'added bpf_preload',
        'added crypto-rfc7539',
        'removed fs-nosuchfs9',
        'removed rtnl-link-geneve',
      ]);
      assert.deepEqual(rows.slice(4).sort(), [
        'changed can-proto-2',
        'changed cryptomgr',
        'changed fs-ext4',
        'changed rtnl-link-dummy',
      ]);
      // The findings trace.txt adds: line 451's fourth cryptomgr request (deleted in the edit) duplicates line 405's;
      // bpf_preload (line 80), which nothing documents; and, with the workspace's sources scanned, the names only
      // modules.alias documents: crypto-rfc7539 (deleted in the edit) and can-proto-2 from its call site in trace.txt,
      // aarp_send_ddp (the edit corrected it to can_create).
      const added = await frame.locator('section.diff-section li.finding.diff-added .message').allInnerTexts();
      assert.deepEqual(
        added.map((m) => /`([^`]+)`/.exec(m)?.[1]).sort(),
        ['bpf_preload', 'can-proto-2', 'crypto-rfc7539', 'cryptomgr'],
        added.join(' | '),
      );
      assert.ok(
        added.some((m) => m.includes('`cryptomgr` requested 2 times')),
        added.join(' | '),
      );
      assert.ok(
        added.some((m) => m.includes('`can-proto-2` (1 request from aarp_send_ddp [appletalk])')),
        added.join(' | '),
      );
      // Both timelines are drawn, with a mark for each name added on NEW and each name removed on BASE.
      await waitFor('the two timelines', async () =>
        (await frame.locator('svg.diff-timelines g.diff-mark.added[data-side="new"]').count()) === 2 ? true : undefined,
      );
      assert.equal(await frame.locator('svg.diff-timelines g.diff-mark.removed[data-side="base"]').count(), 2);
      await wb().screenshot('diff.png');
      // The Findings view follows Problems: of the boot's 24 duplicate groups, the one trace.txt adds (cryptomgr's).
      await waitFor('the Findings view holding only the added duplicate group', async () => {
        const findings = await wb().viewRows('Findings', 3);
        return findings.some((r) => r.label === 'Duplicate module request' && r.description === 'duplicate-request · 1')
          ? true
          : undefined;
      });
      // The groups of four (fs-nosuchfs2, fs-hfs) were in Problems after the replay; trace-edited.txt has them too, so
      // they are not added and leave Problems, while the added cryptomgr duplicate is there.
      const cryptomgr = await wb().problemsRows(1, 'cryptomgr');
      assert.ok(
        cryptomgr.some((r) => r.includes('requested 2 times')),
        cryptomgr.join(' | '),
      );
      await waitFor('the duplicates both boots have to leave Problems', async () =>
        (await wb().problemsRows(0, 'requested 4 times within 0.005 s')).length === 0 ? true : undefined,
      );
    },
  );

  step('Export Report… writes JSON where the save dialog says', async () => {
    const target = join(exportDir, 'boot-report.json');
    await wb().runCommand('Autoload Lens: Export Report…');
    await wb().quickInput('Autoload Lens: export format');
    await wb()
      .page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'JSON' })
      .first()
      .click();
    const input = await wb().quickInput('Autoload Lens: export report');
    await waitFor('the save dialog', async () =>
      (await input.inputValue()).endsWith('autoload-lens.json') ? true : undefined,
    );
    await wb().submitQuickInput('Autoload Lens: export report', target, 'OK');
    await waitFor(`${target} to be written`, () => Promise.resolve(existsSync(target) ? true : undefined));
    const report = JSON.parse(readFileSync(target, 'utf8')) as { schemaVersion: number; summary: { requests: number } };
    assert.deepEqual([report.schemaVersion, report.summary.requests], [1, 264]);
  });

  step('Clear Results empties the Problems panel', async () => {
    await wb().runCommand('Autoload Lens: Clear Results');
    await wb().page.keyboard.press('Control+Shift+M');
    await wb()
      .page.locator('.markers-panel', { hasText: 'No problems have been detected in the workspace.' })
      .waitFor({ timeout: 15_000 });
  });

  step('leaves the workspace as it was: no editor with unsaved changes, no file written', async () => {
    assert.equal(await wb().page.locator('.tabs-container .tab.dirty').count(), 0);
    assert.deepEqual(changedFiles(wb().folder, fixtureWorkspace), []);
  });
});

describe('a hostile trace', () => {
  const { wb, step } = sharedWorkbench('hostile', () => ({ vsix: packagedVsix(), folder: fixtureWorkspace }));
  const SCRIPT = '<script>alert(1)</script>';
  const IMG = '<img src=x onerror=alert(1)>';

  step('is replayed and its names appear in Problems as text', async () => {
    await wb().openFileAs('traces/hostile-trace.txt', 'Autoload Trace');
    await wb().runCommand('Autoload Lens: Replay Trace…');
    const rows = await wb().problemsRows(5);
    assert.ok(
      rows.some((r) => r.includes(SCRIPT)),
      rows.join(' | '),
    );
    assert.ok(
      rows.some((r) => r.includes(IMG)),
      rows.join(' | '),
    );
  });

  step('the report webview shows the names as text, runs nothing from the trace and fires no dialog', async () => {
    await wb().runCommand('Autoload Lens: Open Report');
    const frame = await wb().webviewFrame('table.requests');
    const cells = await frame.locator('table.requests tbody tr td:nth-child(2)').allInnerTexts();
    assert.deepEqual(cells, [
      SCRIPT,
      `${SCRIPT} (duplicate)`,
      IMG,
      `${IMG} (duplicate)`,
      'fs-ext4',
      'fs-"quoted\'&amp;',
    ]);
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
    const rows = await wb().viewRows('Trace Requests', 4);
    assert.deepEqual(
      rows.map((r) => r.label),
      [SCRIPT, IMG, 'fs-ext4', 'fs-"quoted\'&amp;'],
    );
    assert.deepEqual(wb().dialogs, []);
  });
});

describe('a window reload', () => {
  const { wb, step } = sharedWorkbench('reload', () => ({ vsix: packagedVsix(), folder: fixtureWorkspace }));
  let before: { status: string; problems: string };

  /** The Autoload Lens item and the Problems counts of the status bar, once the results are in. */
  async function statusBar(): Promise<{ status: string; problems: string }> {
    const status = await wb()
      .page.locator('.statusbar-item', { hasText: /Autoload \d+/ })
      .first()
      .innerText({ timeout: 30_000 });
    const problems = await wb().page.locator('[id="status.problems"]').first().innerText({ timeout: 10_000 });
    return { status: status.trim(), problems: problems.replace(/\s+/g, ' ').trim() };
  }

  step('scan, replay and the report, as before a reload', async () => {
    await wb().runCommand('Autoload Lens: Scan Workspace');
    await wb().openFileAs('traces/trace.txt', 'Autoload Trace');
    await wb().runCommand('Autoload Lens: Replay Trace…');
    await wb().runCommand('Autoload Lens: Open Report');
    await wb().webviewFrame('section.summary');
    before = await statusBar();
    assert.match(before.status, /Autoload \d+/);
  });

  step(
    'Developer: Reload Window brings back Problems, the views and the report tab, without scanning the tree again',
    async () => {
      await wb().runCommand('Developer: Reload Window');
      await wb().page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await eventually(async () => assert.deepEqual(await statusBar(), before), 60_000);
      const tab = wb().page.locator('.tabs-container .tab', { hasText: 'Autoload Lens Report' });
      await tab.first().waitFor({ timeout: 30_000 });
      await tab.first().click();
      const frame = await wb().webviewFrame('section.summary');
      assert.match(await frame.locator('section.summary').innerText(), /264/);
      await wb().page.locator('.activitybar .action-item a[aria-label^="Autoload Lens"]').click();
      const sites = await wb().viewRows('Call Sites', 8);
      assert.ok(
        sites.some((r) => r.label === 'fs-*'),
        JSON.stringify(sites),
      );
      await wb().screenshot('reload.png');
      // The Output view wraps long lines: the start of the line says it all.
      const restored = await wb().outputLines('Autoload Lens', 'restored in');
      assert.match(restored[restored.length - 1], /restored in \d+ ms: the scan of \/\S+ and the replay of \//);
      const cache = await wb().outputLines('Autoload Lens', 'scan cache:');
      assert.match(cache[cache.length - 1], /scan cache: \d+ files unchanged, none read \(read from disk; /);
      // The figures the README quotes: activation, and the restore after it.
      const activated = await wb().outputLines('Autoload Lens', 'activated in');
      console.log(
        `[reload] ${activated[activated.length - 1]} | ${restored[restored.length - 1]} | ${cache[cache.length - 1]}`,
      );
    },
  );
});
