// Drives VS Code's workbench (code-server 4.139 = VS Code 1.139) in headless Debian Chromium the way a person does:
// F1 palette, Quick Open, the Problems panel, views and webviews. Each Workbench has a fresh profile with the
// packaged .vsix installed, and stops its code-server process group on close.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import {
  artifactsDir, installVsix, launchChromium, locateCodeServer, makeScratch, startCodeServer, workbenchUrl,
  type RunningCodeServer,
} from '../vscode/codeServer';

export const repoRoot = resolve(__dirname, '../../..');
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');

/** The newest autoload-lens-*.vsix in the repo root (npm run package writes it there). */
export function packagedVsix(): string {
  const found = readdirSync(repoRoot)
    .filter((f) => /^autoload-lens-.*\.vsix$/.test(f))
    .map((f) => join(repoRoot, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (found.length === 0) throw new Error(`no autoload-lens-*.vsix in ${repoRoot}: run npm run package first (npm run test:ui does)`);
  return found[0]!;
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
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    }
    await sleep(250);
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
  ) {}

  /** Fresh profile, .vsix installed, workbench open on `folder` and ready for input. */
  static async open(opts: { vsix: string; folder: string }): Promise<Workbench> {
    const install = locateCodeServer();
    const scratch = makeScratch('autoload-lens-ui-');
    const profile = { install, userDataDir: join(scratch.root, 'user-data'), extensionsDir: join(scratch.root, 'extensions'), scratchEnv: scratch.env };
    let server: RunningCodeServer | undefined;
    let browser: Browser | undefined;
    try {
      await installVsix(opts.vsix, profile);
      server = await startCodeServer(profile);
      browser = await launchChromium();
      const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      const wb = new Workbench(page, browser, server, scratch.remove);
      page.on('dialog', (d) => {
        wb.dialogs.push(`${d.type()}: ${d.message()}`);
        void d.dismiss();
      });
      page.on('pageerror', (err) => wb.pageErrors.push(String(err)));
      await page.goto(workbenchUrl(server.port, opts.folder), { timeout: 60_000 });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      await page.locator('.statusbar').waitFor({ timeout: 60_000 });
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
    await waitFor(`the command "${title}" in the F1 palette`, async () => {
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
    }, timeoutMs);
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined); // a command may open its own quick pick
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
      const row = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: name }).first();
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

  /** The Problems panel's rows as the screen shows them (file rows and marker rows). */
  async problemsRows(minRows: number, timeoutMs = 30_000): Promise<string[]> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Control+Shift+M');
    const rows = this.page.locator('.markers-panel .monaco-list-row');
    return waitFor(`at least ${minRows} rows in the Problems panel`, async () => {
      const texts = await rows.allInnerTexts();
      return texts.length >= minRows ? texts.map((t) => t.replace(/\s+/g, ' ').trim()) : undefined;
    }, timeoutMs);
  }

  /** The Problems panel's own count badge ("Problems 12"), summed over errors, warnings and infos. */
  async problemsCount(): Promise<number> {
    const badge = this.page.locator('.part.panel .composite.title .action-item .badge-content, .panel .badge .badge-content').first();
    const text = await badge.innerText({ timeout: 5_000 });
    return Number(text.replace(/\D/g, ''));
  }

  /** Opens the Autoload Lens view container and returns the visible rows of one of its views, expanding groups. */
  async viewRows(viewName: string, expandAll: boolean, minRows: number): Promise<string[]> {
    const pane = this.page.locator('.pane', { has: this.page.locator('.pane-header', { hasText: viewName }) }).first();
    await pane.waitFor({ timeout: 15_000 });
    const header = pane.locator('.pane-header');
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    const rows = pane.locator('.monaco-list-row');
    await waitFor(`rows in the ${viewName} view`, async () => ((await rows.count()) >= minRows ? true : undefined));
    if (expandAll) {
      for (let i = 0; i < (await rows.count()); i++) {
        const row = rows.nth(i);
        if ((await row.getAttribute('aria-expanded')) === 'false') {
          await row.click();
          await this.page.keyboard.press('ArrowRight');
        }
      }
    }
    return (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** The frame holding a webview's own document (webviews nest: workbench > iframe.webview > iframe#active-frame). */
  async webviewFrame(marker: string, timeoutMs = 30_000): Promise<Frame> {
    return waitFor(`a webview frame containing ${marker}`, async () => {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        if (await frame.locator(marker).count().catch(() => 0) > 0) return frame;
      }
      return undefined;
    }, timeoutMs);
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

/** Runs `body` against a fresh workbench; on failure saves a screenshot named after the test, and always cleans up. */
export async function withWorkbench(name: string, opts: { vsix: string; folder: string }, body: (wb: Workbench) => Promise<void>): Promise<void> {
  const wb = await Workbench.open(opts);
  try {
    await body(wb);
  } catch (err) {
    const shot = await wb.screenshot(`ui-failure-${name}.png`).catch(() => 'none');
    throw new Error(`${(err as Error).message}\n(screenshot: ${shot}; page errors: ${wb.pageErrors.length})`, { cause: err });
  } finally {
    await wb.close();
  }
}
