// Entry point VS Code loads in the extension host (extensionTestsPath): runs every *.test.js beside it with Mocha.
// Mocha's reporter output is tagged (see testOutput.ts) and closes with a "vscode: N passed, N failed" line.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';
import { TEST_OUTPUT_TAG } from '../testOutput';

function say(...args: unknown[]): void {
  console.log(TEST_OUTPUT_TAG + format(...args));
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', reporter: 'spec', color: false, timeout: 60_000, slow: 5_000 });
  Mocha.reporters.Base.consoleLog = say;
  if (process.env.MOCHA_GREP) mocha.grep(process.env.MOCHA_GREP);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  if (files.length === 0) throw new Error(`no *.test.js in ${__dirname}: run npm run build first`);
  for (const f of files) mocha.addFile(join(__dirname, f));
  const stats = await new Promise<Mocha.Stats>((done, fail) => {
    try {
      const runner = mocha.run(() => done(runner.stats!));
    } catch (err) {
      say('could not load the suites: %s', (err as Error).stack);
      fail(err instanceof Error ? err : new Error(String(err)));
    }
  });
  say('vscode: %d passed, %d failed', stats.passes, stats.failures);
  if (stats.failures > 0) throw new Error(`${stats.failures} of ${stats.tests} tests failed inside VS Code`);
}
