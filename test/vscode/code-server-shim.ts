// Stands in for the VS Code executable that @vscode/test-electron's runTests() launches: it accepts the same arguments,
// runs the extension tests in code-server's workbench (VS Code 1.139) inside headless Chromium, prints the suite's
// output and exits with the tests' exit code. Launched through code-server-shim.sh (runTests needs an executable).
// Exit codes: the tests' own, or 2 when the infrastructure failed (with a message saying what and where).
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { format } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import {
  artifactsDir,
  launchChromium,
  locateCodeServer,
  makeScratch,
  remoteUri,
  startCodeServer,
  workbenchUrl,
  type RunningCodeServer,
} from './codeServer';
import { TEST_OUTPUT_TAG } from './testOutput';

interface ShimArgs {
  extensionDevelopmentPaths: string[];
  extensionTestsPath: string | undefined;
  userDataDir: string | undefined;
  extensionsDir: string | undefined;
  disableExtensions: boolean;
  folder: string | undefined;
}

// VS Code CLI options that take a value (`--opt=value` or `--opt value`); every other `--opt` is a flag.
const VALUE_OPTIONS = new Set([
  'extensionDevelopmentPath',
  'extensionTestsPath',
  'user-data-dir',
  'extensions-dir',
  'locale',
  'log',
  'folder-uri',
  'file-uri',
  'enable-proposed-api',
  'inspect-extensions',
  'inspect-brk-extensions',
]);

function parseArgs(argv: string[]): ShimArgs {
  const out: ShimArgs = {
    extensionDevelopmentPaths: [],
    extensionTestsPath: undefined,
    userDataDir: undefined,
    extensionsDir: undefined,
    disableExtensions: false,
    folder: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      out.folder ??= resolve(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else if (VALUE_OPTIONS.has(name)) value = argv[++i];
    switch (name) {
      case 'extensionDevelopmentPath':
        if (value) out.extensionDevelopmentPaths.push(resolve(value));
        break;
      case 'extensionTestsPath':
        out.extensionTestsPath = value && resolve(value);
        break;
      case 'user-data-dir':
        out.userDataDir = value && resolve(value);
        break;
      case 'extensions-dir':
        out.extensionsDir = value && resolve(value);
        break;
      case 'disable-extensions':
        out.disableExtensions = true;
        break;
      default:
        break; // desktop-only switches (--no-sandbox, --disable-updates, --skip-welcome, ...) mean nothing here
    }
  }
  return out;
}

/** Environment the tests' extension host should see: runTests' extensionTestsEnv reaches us merged into process.env. */
function extensionEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && /^(AUTOLOAD_LENS_|MOCHA_)/.test(k)) env[k] = v;
  }
  return env;
}

interface ShimState {
  scratch?: ReturnType<typeof makeScratch>;
  server?: RunningCodeServer;
  browser?: Browser;
  page?: Page;
  output?: WorkbenchOutput;
}

function fail(message: string): never {
  throw new ShimError(message);
}

class ShimError extends Error {}

/**
 * The workbench's log and the suite's console output arrive mixed through codeAutomationLog. Lines carrying the suite's
 * tag are printed as they come; when a suite prints no tagged line (a plain test-electron suite), everything is printed
 * at the end. The whole log is kept for the failure artifacts.
 */
class WorkbenchOutput {
  readonly lines: string[] = [];
  private tagged = false;

  add(level: string, args: unknown): void {
    const text = Array.isArray(args) ? format(...(args as unknown[])) : String(args);
    this.lines.push(`[${level}] ${text}`);
    const at = text.indexOf(TEST_OUTPUT_TAG);
    if (at >= 0) {
      this.tagged = true;
      process.stdout.write(`${text.slice(0, at)}${text.slice(at + TEST_OUTPUT_TAG.length)}\n`);
    }
  }

  finish(): void {
    if (!this.tagged) process.stdout.write(`${this.lines.join('\n')}\n`);
  }
}

async function run(args: ShimArgs, state: ShimState): Promise<number> {
  if (!args.extensionTestsPath) fail('no --extensionTestsPath given: this executable only runs extension tests');
  if (args.extensionDevelopmentPaths.length === 0) fail('no --extensionDevelopmentPath given');
  const timeoutMs = Number(process.env.AUTOLOAD_LENS_TEST_TIMEOUT_MS ?? 600_000);
  const install = locateCodeServer();
  const scratch = (state.scratch = makeScratch('autoload-lens-vscode-'));
  const started = Date.now();
  state.server = await startCodeServer({
    install,
    userDataDir: args.userDataDir ?? join(scratch.root, 'user-data'),
    extensionsDir: args.extensionsDir ?? join(scratch.root, 'extensions'),
    scratchEnv: scratch.env,
  });
  const port = state.server.port;
  const payload: Array<[string, string]> = [
    ...args.extensionDevelopmentPaths.map((p): [string, string] => ['extensionDevelopmentPath', remoteUri(port, p)]),
    ['extensionTestsPath', remoteUri(port, args.extensionTestsPath)],
    ['extensionEnvironment', JSON.stringify(extensionEnvironment())],
  ];
  if (args.disableExtensions) payload.push(['disableExtensions', 'true']);
  const folder = args.folder ?? scratch.env.TMPDIR!;

  state.browser = await launchChromium(scratch.env);
  const output = (state.output = new WorkbenchOutput());
  const page = (state.page = await state.browser.newPage({ viewport: { width: 1400, height: 900 } }));
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('crash', () => pageErrors.push('the workbench page crashed'));
  const exit = new Promise<number>((done) => {
    void page.exposeFunction('codeAutomationExit', (code: number) => done(code));
  });
  await page.exposeFunction('codeAutomationLog', (level: string, args: unknown) => output.add(level, args));
  await page.goto(workbenchUrl(port, folder, payload), { timeout: 60_000 });
  await page
    .locator('.monaco-workbench')
    .waitFor({ timeout: 60_000 })
    .catch(() => {
      fail(
        `the workbench did not appear within 60 s at ${page.url()}${pageErrors.length ? `:\n${pageErrors.join('\n')}` : ''}`,
      );
    });
  process.stderr.write(
    `[code-server-shim] VS Code 1.139 (code-server) on port ${port}, workbench up after ${Date.now() - started} ms\n`,
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new ShimError(
            `the extension tests did not finish within ${timeoutMs} ms (set AUTOLOAD_LENS_TEST_TIMEOUT_MS to change).` +
              (pageErrors.length ? `\nWorkbench errors:\n${pageErrors.join('\n')}` : ''),
          ),
        ),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([exit, timeout]);
  } finally {
    clearTimeout(timer);
    output.finish();
  }
}

async function saveFailureArtifacts(state: ShimState): Promise<void> {
  const dir = artifactsDir();
  if (state.server) writeFileSync(join(dir, 'vscode-tests-code-server.log'), state.server.output());
  if (state.output) writeFileSync(join(dir, 'vscode-tests-workbench.log'), `${state.output.lines.join('\n')}\n`);
  process.stderr.write(`[code-server-shim] code-server and workbench logs: ${dir}/vscode-tests-*.log\n`);
  if (state.page) {
    const file = join(dir, 'vscode-tests-failure.png');
    await state.page.screenshot({ path: file, timeout: 10_000 }).then(
      () => process.stderr.write(`[code-server-shim] screenshot of the workbench: ${file}\n`),
      (err: unknown) => process.stderr.write(`[code-server-shim] no screenshot: ${(err as Error).message}\n`),
    );
  }
}

async function main(): Promise<void> {
  const state: ShimState = {};
  const cleanup = async () => {
    await state.browser?.close().catch(() => undefined); // already closed or crashed: nothing left to close
    await state.server?.stop();
    state.scratch?.remove();
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      void cleanup().finally(() => process.exit(130));
    });
  }
  let code: number;
  try {
    code = await run(parseArgs(process.argv.slice(2)), state);
    if (code !== 0) await saveFailureArtifacts(state);
  } catch (err) {
    process.stderr.write(`[code-server-shim] ${err instanceof ShimError ? err.message : (err as Error).stack}\n`);
    await saveFailureArtifacts(state);
    code = 2;
  }
  await cleanup();
  process.exit(code);
}

void main();
