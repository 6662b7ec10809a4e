// npm run test:vscode: runs the Mocha suites of test/vscode/suite/ inside a real VS Code on the fixture workspace.
// Desktop VS Code when it can be downloaded; otherwise VS Code 1.139 from code-server, through the shim that accepts
// runTests' arguments (AUTOLOAD_LENS_VSCODE=desktop|code-server forces one; scripts/setup-vscode-test.sh installs it).
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { downloadAndUnzipVSCode, runTests, SilentReporter } from '@vscode/test-electron';
import { copyWorkspace } from './codeServer';

const repo = resolve(__dirname, '../../..');
const shim = join(repo, 'test', 'vscode', 'code-server-shim.sh');
const cache = process.env.AUTOLOAD_LENS_CACHE ?? join(homedir(), '.cache', 'autoload-lens');

async function vscodeExecutable(): Promise<string> {
  const wanted = process.env.AUTOLOAD_LENS_VSCODE;
  if (wanted === 'code-server') return shim;
  try {
    return await downloadAndUnzipVSCode({
      cachePath: join(cache, 'vscode-desktop'),
      reporter: new SilentReporter(),
      timeout: 30_000,
    });
  } catch (err) {
    if (wanted === 'desktop') throw err;
    console.log(
      `[runTest] desktop VS Code cannot be downloaded here (${(err as Error).message}): using code-server (VS Code 1.139)`,
    );
    return shim;
  }
}

/** Remembers the suite's closing "vscode: N passed, N failed" line as it passes through stdout, to repeat it last. */
function watchSummary(): () => string | undefined {
  let summary: string | undefined;
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk: string | Uint8Array, ...rest: never[]) => {
    const m = /vscode: \d+ passed, \d+ failed/.exec(chunk.toString());
    if (m) summary = m[0];
    return write(chunk, ...rest);
  };
  return () => summary;
}

async function main(): Promise<void> {
  const started = Date.now();
  const summary = watchSummary();
  const profile = mkdtempSync(join(tmpdir(), 'autoload-lens-profile-'));
  try {
    await runTests({
      vscodeExecutablePath: await vscodeExecutable(),
      extensionDevelopmentPath: repo,
      extensionTestsPath: join(repo, 'out', 'test', 'vscode', 'suite', 'index.js'),
      launchArgs: [
        copyWorkspace(join(repo, 'test', 'fixtures', 'workspace'), profile),
        '--disable-extensions',
        `--user-data-dir=${join(profile, 'user-data')}`,
        `--extensions-dir=${join(profile, 'extensions')}`,
      ],
    });
    console.log(`[runTest] VS Code tests passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (err) {
    console.error(
      `[runTest] VS Code tests failed after ${((Date.now() - started) / 1000).toFixed(1)} s: ${(err as Error).message}`,
    );
    process.exitCode = 1;
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
  // CI reads a run's closing line: end with the suite's own count (or say that it never reported one).
  console.log(summary() ?? 'vscode: the suites reported no result');
}

void main();
