/** The CLI's kernel-model options end to end: --kernel-model, --kernel-version, --compare-models, --module-stats. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../../..');
const cli = path.join(root, 'dist/cli.js');
const F = 'test/fixtures/models';
const race = [`${F}/race.txt`, '--modules', `${F}/modules`, '--fail-on', 'never'];

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, 'replay', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('bad --kernel-model and --kernel-version values are usage errors', () => {
  assert.deepEqual(run(...race, '--kernel-model', '3.0'), {
    code: 2,
    stdout: '',
    stderr:
      "autoload-lens: --kernel-model must be one of auto, 2.1, 2.6, modern, dups (got '3.0')\n  hint: run 'autoload-lens replay --help' for the usage\n",
  });
  assert.equal(
    run(...race, '--kernel-version', 'newest').stderr.split('\n')[0],
    "autoload-lens: --kernel-version takes a version as uname -r prints it, e.g. 6.1.0-50-amd64 (got 'newest')",
  );
});

test("JSON: summary.kernelModel, every request's returnValue and modprobeRan, the run record's kernelModel", () => {
  const doc = JSON.parse(run(...race, '--kernel-model', '2.1', '--format', 'json').stdout);
  assert.equal(doc.summary.kernelModel, '2.1');
  assert.deepEqual(
    doc.requests.map((r: { returnValue: number; modprobeRan: boolean }) => [r.returnValue, r.modprobeRan]),
    [
      [0, true],
      [0, false],
      [0, true],
    ],
  );
  assert.deepEqual([doc.kernel.model, doc.kernel.basis], ['2.1', 'given (--kernel-model 2.1)']);
  const first = JSON.parse(run(...race, '--format', 'jsonl').stdout.split('\n')[0]);
  assert.equal(first.kernelModel, 'modern');
});

test('--compare-models: the "Kernel models" table of the race', () => {
  const text = run(...race, '--compare-models', '--kernel-version', '6.1.0-50-amd64').stdout;
  const lines = text.split('\n');
  const at = lines.indexOf('Kernel models (this report: modern)');
  assert.ok(at > 0, text);
  const table = lines.slice(at).filter((l) => /^ {2}(model|modern|2\.1|2\.6|dups) /.test(l));
  assert.deepEqual(table, [
    '  model   modprobe runs  fail  0, none  unknown  lost/waited  to finit  vmalloc < 6.5',
    '  modern              3     0        0        0            0         1          6,000',
    '  2.1                 2     0        1        0            1         0              0',
    '  2.6                 3     0        0        0            0         1          6,000',
    '  dups                1     0        0        0            0         0              0',
  ]);
  assert.ok(
    text.includes('The traced kernel (6.1.0-50-amd64) is\n  older than 6.5: the vmalloc figure applies.'),
    text,
  );
});

test("--module-stats: the kernel's rows beside the trace's, in the text report", () => {
  const text = run(...race, '--module-stats', `${F}/stats-table.txt`, '--kernel-version', '6.12.117').stdout;
  const lines = text.split('\n');
  const at = lines.indexOf(`Module stats (${F}/stats-table.txt)`);
  assert.ok(at > 0, text);
  assert.deepEqual(lines.slice(at + 5, at + 9), [
    '  module         stats  reason           groups  to finit  bytes (stats)  verdict',
    '  btrfs              3  Becoming & Load       -         -              -  only-in-stats',
    '  foo                1  Becoming              1         1          3,000  agree',
    '  snd_hda_intel      1  Load                  -         -              -  only-in-stats',
  ]);
});
