/**
 * Property: the command line fed mutated traces and arbitrary options (valid, invalid, hostile), in process and as
 * the real executable: exit codes only 0, 1 or 2, no stack trace, escaped stderr, and a report that parses in the
 * format asked for whenever one is written.
 */
import { test } from 'node:test';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { DIFF_FORMATS, FAIL_ON_CHOICES, REPLAY_FORMATS } from '../../../src/cli/args';
import { TRACE_FORMATS } from '../../../src/cli/replayCommand';
import { KERNEL_MODEL_CHOICES } from '../../../src/engine/kernel/model';
import { bounded, checkReport } from '../../fuzz/checks';
import { checkExit, ROOT, runExecutable, runInProcess, type CliRun } from '../../fuzz/cli';
import { params } from '../../fuzz/config';
import { applyMutations, mutatedArb } from '../../fuzz/mutate';
import { scratchDir } from '../../fuzz/scratch';

const sample = path.join(ROOT, 'samples/boot-6.1-qemu');
const TRACE = readFileSync(path.join(sample, 'trace.txt'));
const TRACE_TOKENS = [' module_request: ', ' module_load: ', ' wait=0', ' call_site=', ': ', '\n', ' [000] '];
const HOSTILE = ['', '-', '--', '\u001b[2J', '\u202e', 'x'.repeat(300), '%s', '../..', '*'];

const dir = scratchDir('prop-cli');
test.after(() => rmSync(dir, { recursive: true, force: true }));
const trace = path.join(dir, 'trace.txt');
const output = path.join(dir, 'report.out');
const stats = path.join(ROOT, 'test/fixtures/models/stats-table.txt');

/** An option of `replay` with a valid value: most runs get as far as the replay. */
const validOptionArb: fc.Arbitrary<readonly string[]> = fc.oneof(
  fc.constantFrom(...REPLAY_FORMATS).map((f) => ['--format', f]),
  fc.constantFrom(...FAIL_ON_CHOICES).map((f) => ['--fail-on', f]),
  fc.constantFrom(...KERNEL_MODEL_CHOICES).map((m) => ['--kernel-model', m]),
  fc.constantFrom(
    ['--kernel-version', '6.1.0-13-amd64'],
    ['--kernel-version', '2.6.32'],
    ['--compare-models'],
    ['--module-stats', stats],
  ),
  fc.constantFrom(
    ['--modules', path.join(sample, 'modules')],
    ['--loaded', path.join(sample, 'proc-modules.txt')],
    ['--dups-window', '5'],
    ['--color'],
  ),
);

/** An option of `replay`, its value valid or not. */
const optionArb: fc.Arbitrary<readonly string[]> = fc.oneof(
  fc.constantFrom(...REPLAY_FORMATS, 'xml', '').map((f) => ['--format', f]),
  fc.constantFrom(...FAIL_ON_CHOICES, 'sometimes').map((f) => ['--fail-on', f]),
  fc.constantFrom(...TRACE_FORMATS, 'etl').map((f) => ['--trace-format', f]),
  fc
    .oneof(fc.constantFrom('0', '60', '1e9', '-1', 'soon', 'NaN', ''), fc.double().map(String))
    .map((v) => ['--dups-window', v]),
  fc.constantFrom(
    ['--modules', path.join(sample, 'modules')],
    ['--modules', dir],
    ['--loaded', path.join(sample, 'proc-modules.txt')],
    ['--loaded', trace],
  ),
  fc.constantFrom(...KERNEL_MODEL_CHOICES, '3.0', '').map((m) => ['--kernel-model', m]),
  fc.constantFrom('6.1.0-13-amd64', '6.12', '2.6.32', '99', 'x', '').map((v) => ['--kernel-version', v]),
  fc.constantFrom(['--module-stats', stats], ['--module-stats', trace], ['--module-stats', dir], ['--compare-models']),
  fc.constantFrom(...HOSTILE.map((h) => ['--label', `host=${h}`]), ['--label', 'nokey'], ['--label', '=x']),
  fc.constantFrom(['--color'], ['--no-cache'], ['--wrapper', 'w'], ['--output', output], ['-h']),
  fc.constantFrom(...HOSTILE).map((h) => [`--${h}`]),
);

/** The SGR sequences --color asks for (bold, dim, and the severities' red, yellow and cyan; textFormat.ts). */
const OWN_COLOURS = /\u001b\[(?:1|2|22|31|33|36|39)m/g;

/** The report, when the run wrote one to stdout in the format asked for, parses as that format. */
function checkRun(argv: string[], r: CliRun): void {
  checkExit(r);
  const format = argv.includes('--format') ? argv[argv.lastIndexOf('--format') + 1] : 'text';
  const written = r.code !== 2 && r.out !== '' && !argv.includes('-h') && !argv.includes('--output');
  const formats: readonly string[] = argv[0] === 'diff' ? DIFF_FORMATS : REPLAY_FORMATS;
  if (written && formats.includes(format)) {
    const out = argv.includes('--color') && format === 'text' ? r.out.replace(OWN_COLOURS, '') : r.out;
    checkReport(format as (typeof REPLAY_FORMATS)[number] | (typeof DIFF_FORMATS)[number], out);
  }
}

const optionsArb = fc.oneof(
  { arbitrary: fc.array(validOptionArb, { maxLength: 4 }), weight: 3 },
  { arbitrary: fc.array(optionArb, { maxLength: 4 }), weight: 1 },
);
const targetArb = fc.oneof(
  { arbitrary: fc.constant(trace), weight: 6 },
  { arbitrary: fc.constantFrom(dir, path.join(dir, 'missing.txt'), '-'), weight: 1 },
);

test('replay with mutated traces and arbitrary options, in process', async () => {
  await fc.assert(
    fc.asyncProperty(mutatedArb(TRACE_TOKENS, 300, 2000), optionsArb, targetArb, async (m, options, target) => {
      writeFileSync(trace, applyMutations(TRACE, m));
      const argv = ['replay', target, ...options.flat()];
      await bounded('cli case', async () => checkRun(argv, await runInProcess(argv)));
    }),
    params(300),
  );
});

test('diff of a mutated trace against the real boot, either way round, in every format, in process', async () => {
  const real = path.join(sample, 'trace.txt');
  const diffOptionArb: fc.Arbitrary<readonly string[]> = fc.oneof(
    fc.constantFrom(...DIFF_FORMATS, 'xml').map((f) => ['--format', f]),
    fc.constantFrom(...FAIL_ON_CHOICES).map((f) => ['--fail-on', f]),
    fc.constantFrom(
      ['--modules', path.join(sample, 'modules')],
      ['--modules-new', path.join(sample, 'modules')],
      ['--modules', dir],
      ['--color'],
    ),
  );
  await fc.assert(
    fc.asyncProperty(
      mutatedArb(TRACE_TOKENS, 300, 2000),
      fc.boolean(),
      fc.array(diffOptionArb, { maxLength: 3 }),
      async (m, mutatedIsNew, options) => {
        writeFileSync(trace, applyMutations(TRACE, m));
        const argv = ['diff', ...(mutatedIsNew ? [real, trace] : [trace, real]), ...options.flat()];
        await bounded('cli case', async () => checkRun(argv, await runInProcess(argv)));
      },
    ),
    params(100),
  );
});

test('resolve, scan and no command with arbitrary arguments, in process', async () => {
  const argArb = fc.oneof(
    fc.constantFrom(...HOSTILE, 'fs-ext4', '-v', '--help', '--modules', '--version', '-V'),
    fc.string({ maxLength: 12 }),
  );
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom('resolve', 'scan', '', 'frobnicate'),
      fc.array(argArb, { maxLength: 5 }),
      async (command, args) => {
        // scan only on paths that are not trees (a tree scan starts worker threads: the sources property covers trees).
        const argv =
          command === ''
            ? args
            : command === 'scan'
              ? ['scan', path.join(dir, 'missing'), ...args]
              : [command, ...args];
        if (command === 'resolve') argv.push('--modules', path.join(sample, 'modules'));
        await bounded('cli case', async () => checkRun(argv, await runInProcess(argv)));
      },
    ),
    params(100),
  );
});

test('the executable: mutated traces in every format and a scan, exit codes and streams as a shell sees them', async () => {
  await fc.assert(
    fc.asyncProperty(
      mutatedArb(TRACE_TOKENS, 300, 2000),
      fc.constantFrom(...REPLAY_FORMATS),
      fc.constantFrom(...FAIL_ON_CHOICES),
      async (m, format, failOn) => {
        writeFileSync(trace, applyMutations(TRACE, m));
        const argv = ['replay', trace, '--format', format, '--fail-on', failOn];
        await bounded('executable case', () => Promise.resolve(checkRun(argv, runExecutable(argv))));
      },
    ),
    params(6),
  );
  const argv = ['scan', path.join(ROOT, 'test/unit/cli/fixtures/src'), '--no-cache', '--format', 'sarif'];
  checkRun(argv, runExecutable(argv));
});
