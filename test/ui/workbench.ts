// Drives VS Code's workbench (code-server 4.139 = VS Code 1.139) in headless Debian Chromium the way a person does:
// F1 palette, Quick Open, the Problems panel, views and webviews. Each Workbench has a fresh profile with the
// packaged .vsix installed, and stops its code-server process group on close.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, it } from 'node:test';
import type { Browser, Frame, Page } from 'playwright-core';
import {
  artifactsDir,
  copyWorkspace,
  installVsix,
  launchChromium,
  locateCodeServer,
  makeScratch,
  startCodeServer,
  workbenchUrl,
  type RunningCodeServer,
} from '../vscode/codeServer';

export const repoRoot = resolve(__dirname, '../../..');
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');

/** $AUTOLOAD_LENS_VSIX, else the newest autoload-lens-*.vsix in the repo root (npm run package writes it there). */
export function packagedVsix(): string {
  if (process.env.AUTOLOAD_LENS_VSIX) return resolve(process.env.AUTOLOAD_LENS_VSIX);
  const found = readdirSync(repoRoot)
    .filter((f) => /^autoload-lens-.*\.vsix$/.test(f))
    .map((f) => join(repoRoot, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (found.length === 0)
    throw new Error(`no autoload-lens-*.vsix in ${repoRoot}: run npm run package first (npm run test:ui does)`);
  return found[0];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a value that is not undefined, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    }
    await sleep(300);
  }
}

/** Files of `copy` that differ from (or are missing in, or are new to) `original`, relative paths. */
export function changedFiles(copy: string, original: string): string[] {
  const list = (root: string) =>
    new Set(
      readdirSync(root, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .map((d) => join(d.parentPath ?? d.path, d.name).slice(root.length + 1)),
    );
  const a = list(copy);
  const b = list(original);
  return [...new Set([...a, ...b])]
    .filter((f) => !a.has(f) || !b.has(f) || !readFileSync(join(copy, f)).equals(readFileSync(join(original, f))))
    .sort();
}

/** Lists re-render while they fill (and as a filter applies): the rows once two reads 300 ms apart agree. */
async function settledRows<T>(
  what: string,
  minRows: number,
  read: () => Promise<T[]>,
  timeoutMs = 30_000,
): Promise<T[]> {
  let previous: string | undefined;
  return waitFor(
    what,
    async () => {
      const rows = await read();
      const now = JSON.stringify(rows);
      const settled = now === previous;
      previous = now;
      return settled && rows.length >= minRows ? rows : undefined;
    },
    timeoutMs,
  );
}

/** Runs `check` (which asserts) until it passes; after `timeoutMs` its last failure is the test's failure. */
export async function eventually(check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await sleep(500);
  }
}

export class Workbench {
  /** Browser dialogs (alert, confirm, prompt) that fired in any frame: a hostile trace must fire none. */
  readonly dialogs: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: RunningCodeServer,
    private readonly removeScratch: () => void,
    /** The copy of the folder the workbench has open. */
    readonly folder: string,
  ) {}

  /** Fresh profile, .vsix installed, workbench open on a copy of `folder` and ready for input. */
  static async open(opts: { vsix: string; folder: string }): Promise<Workbench> {
    const install = locateCodeServer();
    const scratch = makeScratch('autoload-lens-ui-');
    const folder = copyWorkspace(opts.folder, scratch.root);
    const profile = {
      install,
      userDataDir: join(scratch.root, 'user-data'),
      extensionsDir: join(scratch.root, 'extensions'),
      scratchEnv: scratch.env,
    };
    let server: RunningCodeServer | undefined;
    let browser: Browser | undefined;
    try {
      await installVsix(opts.vsix, profile);
      server = await startCodeServer(profile);
      browser = await launchChromium(scratch.env);
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      const wb = new Workbench(page, browser, server, () => scratch.remove(), folder);
      page.on('dialog', (d) => {
        wb.dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss();
      });
      page.on('pageerror', (err) => wb.pageErrors.push(String(err)));
      await page.goto(workbenchUrl(server.port, folder), { timeout: 60_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.statusbar').waitFor({ timeout: 60_000 });
      // Commands run before the folder is resolved race the workbench's own start-up: wait for the Explorer's rows.
      await waitFor(
        'the Explorer to list the folder',
        async () => ((await page.locator('.explorer-folders-view .monaco-list-row').count()) > 1 ? true : undefined),
        60_000,
      );
      return wb;
    } catch (err) {
      await browser?.close().catch(() => undefined); // closing a browser that failed to start
      await server?.stop();
      scratch.remove();
      throw err;
    }
  }

  /** F1, `>Title`, Enter. The palette lists an extension's commands only once it has registered them, and an open
   * palette does not refresh: close and reopen it until the row shows up. */
  async runCommand(title: string, timeoutMs = 30_000): Promise<void> {
    const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: title }).first();
    await waitFor(
      `the command "${title}" in the F1 palette`,
      async () => {
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('F1');
        const input = this.page.locator('.quick-input-widget input');
        await input.waitFor({ timeout: 5_000 });
        await input.fill(`>${title}`);
        try {
          await row.waitFor({ timeout: 2_000 });
          return true;
        } catch {
          return undefined;
        }
      },
      timeoutMs,
    );
    await this.page.keyboard.press('Enter');
    await this.page
      .locator('.quick-input-widget')
      .waitFor({ state: 'hidden', timeout: 5_000 })
      .catch(() => undefined); // a command may open its own quick pick
  }

  /** Waits for the quick input titled `title` (an input box, a quick pick, the simple file dialog) and returns its text field. */
  async quickInput(title: string): Promise<ReturnType<Page['locator']>> {
    const widget = this.page.locator('.quick-input-widget', {
      has: this.page.locator('.quick-input-title', { hasText: title }),
    });
    await widget.waitFor({ timeout: 15_000 });
    return widget.locator('input').first();
  }

  /** Types `text` into the quick input titled `title` and accepts it, with Enter or with the dialog's `button`.
   * Quick inputs settle asynchronously: the simple file dialog writes its starting folder into the field after it
   * opens, and input boxes ignore an accept that arrives before the extension host has validated the text. So: type
   * again if the field was overwritten, accept, and repeat until the input closes. */
  async submitQuickInput(title: string, text: string, button?: string): Promise<void> {
    const input = await this.quickInput(title);
    const widget = this.page.locator('.quick-input-widget', {
      has: this.page.locator('.quick-input-title', { hasText: title }),
    });
    const accept =
      button === undefined
        ? () => input.press('Enter', { timeout: 1_000 })
        : () => widget.locator('.monaco-button', { hasText: button }).first().click({ timeout: 1_000 });
    await waitFor(
      `the quick input "${title}" to accept ${text}`,
      async () => {
        const typed = await input.inputValue({ timeout: 1_000 }).catch(() => undefined);
        if (typed === undefined) return true; // closed: accepted
        if (typed !== text) {
          await input.fill(text);
          await sleep(300);
          return undefined;
        }
        await accept().catch(() => undefined); // closed meanwhile: accepted
        return widget.waitFor({ state: 'hidden', timeout: 1_000 }).then(
          () => true,
          () => undefined,
        );
      },
      15_000,
    );
  }

  /** Ctrl+G in the active editor: moves the cursor to a 1-based line and waits for the status bar to say so. */
  async goToLine(line: number): Promise<void> {
    await this.page.locator('.editor-group-container.active .monaco-editor textarea').first().focus();
    await this.page.keyboard.press('Control+G');
    await this.page.locator('.quick-input-widget input').fill(`:${line}`); // the go-to-line prefix of Quick Open
    await this.page.keyboard.press('Enter');
    const cursor = this.page.locator('.statusbar-item', { hasText: /^Ln \d+, Col \d+/ }).first();
    await waitFor(`the cursor on line ${line}`, async () =>
      (await cursor.innerText()).startsWith(`Ln ${line},`) ? true : undefined,
    );
  }

  /** Opens a workspace file with Quick Open (Ctrl+P), as a person would, and waits for its editor tab. */
  async openFile(relPath: string): Promise<void> {
    const name = relPath.split('/').pop()!;
    await waitFor(`the Quick Open entry for ${relPath}`, async () => {
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press('Control+P');
      const input = this.page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: 5_000 });
      await input.fill(relPath);
      const row = this.page
        .locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name })
        .first();
      try {
        await row.waitFor({ timeout: 3_000 });
        return true;
      } catch {
        return undefined;
      }
    });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tabs-container .tab[aria-label^="${name}"]`).first().waitFor({ timeout: 15_000 });
  }

  /**
   * Opens a file and waits until the status bar shows its language mode: a workbench that has just started may show
   * a file as plain text before the extensions' languages are in, and a command run then sees plain text.
   */
  async openFileAs(relPath: string, languageLabel: string): Promise<void> {
    await this.openFile(relPath);
    await this.page.locator('[id="status.editor.mode"]', { hasText: languageLabel }).waitFor({ timeout: 30_000 });
  }

  /** The Problems panel's rows as the screen shows them (file rows and marker rows; the list only renders the rows in
   * view), after typing `filter` into the panel's filter box as a person would. */
  async problemsRows(minRows: number, filter = '', timeoutMs = 30_000): Promise<string[]> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+Shift+M');
    // A webview that has the focus keeps the shortcut: then click the panel's Problems tab, as a person would.
    const markers = this.page.locator('.part.panel .markers-panel');
    await waitFor('the Problems view', async () => {
      if (await markers.isVisible()) return true;
      await this.page
        .locator('.part.panel .composite-bar .action-label', { hasText: 'Problems' })
        .first()
        .click({ timeout: 2_000 })
        .catch(() => undefined);
      return undefined;
    });
    const texts = await this.panelRowsFiltered(
      `at least ${minRows} rows in the Problems panel${filter ? ` filtered by "${filter}"` : ''}`,
      filter,
      minRows,
      () => this.page.locator('.markers-panel .monaco-list-row').allInnerTexts(),
      timeoutMs,
    );
    return texts.map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /**
   * The lines of an Output channel that contain `filter`, as the Output view shows them with its filter box. The
   * channel is picked by typing its name into the picker and pressing Enter, as a person would, until the Output view
   * shows it (CI once saw the picker open with the channel's row in it, and a click on that row found none for 30 s).
   */
  async outputLines(channel: string, filter: string, minLines = 1): Promise<string[]> {
    const outputTab = this.page.locator('.part.panel .composite-bar .action-item.checked', { hasText: 'Output' });
    const channels = this.page.locator('.part.panel select:visible');
    await waitFor(
      `the Output view showing the ${channel} channel`,
      async () => {
        await this.runCommand('Output: Show Output Channels');
        const input = this.page.locator('.quick-input-widget input');
        await input.fill(channel, { timeout: 5_000 });
        await sleep(300); // the picker filters its list on input
        await input.press('Enter', { timeout: 1_000 });
        await outputTab.waitFor({ timeout: 5_000 });
        const shown = await channels.evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
        return shown.includes(channel) ? true : undefined;
      },
      60_000,
    );
    const lines = this.page.locator('.part.panel .monaco-editor .view-lines .view-line');
    return this.panelRowsFiltered(
      `${minLines} lines with "${filter}" in the ${channel} output`,
      filter,
      minLines,
      // Monaco renders spaces as non-breaking spaces.
      async () => (await lines.allInnerTexts()).map((l) => l.replace(/\u00a0/g, ' ')).filter((l) => l.includes(filter)),
    );
  }

  /** The rows `read` finds once the filter box of the panel's shown view holds `filter` and they settle. The panel
   * swaps the box in its title bar as the shown view changes, a moment after the view's tab does: text typed just
   * before the swap lands in the view left behind. So the box is typed into again whenever it does not hold `filter`,
   * as a person retypes a filter that did not take. */
  private async panelRowsFiltered<T>(
    what: string,
    filter: string,
    minRows: number,
    read: () => Promise<T[]>,
    timeoutMs = 30_000,
  ): Promise<T[]> {
    const filterBox = this.page.locator('.part.panel .viewpane-filter input:visible').first();
    return settledRows(
      what,
      minRows,
      async () => {
        if ((await filterBox.inputValue({ timeout: 2_000 })) !== filter)
          await filterBox.fill(filter, { timeout: 2_000 });
        return read();
      },
      timeoutMs,
    );
  }

  /** Messages of the notifications shown so far, read from the notification center (toasts hide by themselves). */
  async notifications(minCount = 1): Promise<string[]> {
    await this.runCommand('Notifications: Show Notifications');
    const items = this.page.locator('.notifications-center .notification-list-item-message');
    const texts = await waitFor(`${minCount} notifications`, async () => {
      const all = await items.allInnerTexts();
      return all.length >= minCount ? all : undefined;
    });
    await this.page.keyboard.press('Escape');
    return texts;
  }

  /** The visible rows of a view in the side bar, as label and description (expanding the view if collapsed). */
  async viewRows(viewName: string, minRows: number): Promise<Array<{ label: string; description: string }>> {
    const pane = this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: viewName }) }).first();
    await pane.waitFor({ timeout: 15_000 });
    const header = pane.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    const rows = pane.locator('.monaco-list-row');
    const read = () =>
      rows.evaluateAll((els) =>
        els.map((e) => ({
          label: (e.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
        })),
      );
    return settledRows(`${minRows} rows in the ${viewName} view`, minRows, read);
  }

  /** The frame holding a webview's own document (webviews nest: workbench > iframe.webview > iframe#active-frame). */
  async webviewFrame(marker: string, timeoutMs = 30_000): Promise<Frame> {
    return waitFor(
      `a webview frame containing ${marker}`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame()) continue;
          if (
            (await frame
              .locator(marker)
              .count()
              .catch(() => 0)) > 0
          )
            return frame;
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  async screenshot(name: string): Promise<string> {
    const file = join(artifactsDir(), name);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined); // already closed if the browser crashed
    await this.server.stop();
    this.removeScratch();
  }
}

/**
 * One workbench for a whole describe block (opening one costs about 10 s): opened before its first test, closed after
 * the last. `step` declares a test that saves a screenshot named after itself when it fails.
 */
export function sharedWorkbench(
  name: string,
  opts: () => { vsix: string; folder: string },
): {
  wb: () => Workbench;
  step: (title: string, body: () => Promise<void>) => void;
} {
  let wb: Workbench | undefined;
  before(async () => {
    wb = await Workbench.open(opts());
  });
  after(async () => {
    await wb?.close();
  });
  const step = (title: string, body: () => Promise<void>): void => {
    it(title, async () => {
      try {
        await body();
      } catch (err) {
        const shot = await wb
          ?.screenshot(`ui-failure-${name}-${title.replace(/\W+/g, '-').slice(0, 60)}.png`)
          .catch(() => 'none');
        (err as Error).message += `\n(screenshot: ${shot ?? 'none: the workbench did not open'})`;
        throw err;
      }
    });
  };
  return {
    wb: () => {
      if (wb === undefined) throw new Error('the workbench did not open');
      return wb;
    },
    step,
  };
}
