/**
 * The kernel models on the hand-written fixtures of test/fixtures/models: every request's return and whether its
 * modprobe runs, as each trace's header works them out from the seeds' code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { replayTrace, type ReplayOptions } from '../../../src/engine/replay';
import type { KernelModelChoice } from '../../../src/engine/kernel/model';
import type { Report } from '../../../src/engine/reportStream/index';

const fixtures = path.resolve(__dirname, '../../../..', 'test/fixtures/models');

async function replay(
  trace: string,
  kernelModel: KernelModelChoice,
  more: Partial<ReplayOptions> = {},
): Promise<Report> {
  const r = await replayTrace({
    tracePath: path.join(fixtures, trace),
    modulesDir: path.join(fixtures, 'modules'),
    kernelModel,
    ...more,
  });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

const verdicts = (report: Report) => report.requests.map((r) => [r.name, r.returnValue, r.modprobeRan]);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const m = (i: number) => `m${String(i).padStart(2, '0')}`;

test('a burst of 60: modern gives 50 requests their slot and fails the other 10 with -ETIME after 5 s', async () => {
  for (const model of ['modern', 'dups'] as const) {
    const report = await replay('burst-60.txt', model);
    assert.equal(report.kernelModel, model);
    assert.deepEqual(verdicts(report), [
      ...range(0, 50).map((i) => [m(i), 0, true]),
      ...range(50, 60).map((i) => [m(i), -62, false]),
    ]);
    assert.deepEqual(
      report.requests.slice(49, 51).map((r) => r.returnBasis),
      ['modprobe', 'kernel'],
    );
    const throttled = report.findings.filter((f) => f.rule === 'throttled-request');
    assert.deepEqual(
      throttled.map((f) => [f.severity, f.requests, f.evidence]),
      [['error', range(50, 60), { requestCount: 10, peakInFlight: 50 }]],
    );
  }
});

test('a burst of 60: 2.6 fails the 51st to 60th at once with -ENOMEM, and prints the runaway line for five', async () => {
  const report = await replay('burst-60.txt', '2.6');
  assert.deepEqual(verdicts(report), [
    ...range(0, 50).map((i) => [m(i), 0, true]),
    ...range(50, 60).map((i) => [m(i), -12, false]),
  ]);
  const [f, ...rest] = report.findings.filter((x) => x.rule === 'throttled-request');
  assert.deepEqual(rest, []);
  assert.deepEqual([f.severity, f.requests], ['error', range(50, 60)]);
  assert.deepEqual(f.evidence, {
    requestCount: 10,
    peakInFlight: 50,
    errno: 'ENOMEM',
    runawayLinesFor: ['m50', 'm51', 'm52', 'm53', 'm54'],
  });
});

test('a burst of 60: 2.1 runs modprobe for m00 only; the other 59 names are lost, and all 60 get 0 with nothing loaded', async () => {
  const report = await replay('burst-60.txt', '2.1');
  assert.deepEqual(
    verdicts(report),
    range(0, 60).map((i) => [m(i), 0, i === 0]),
  );
  const lost = report.findings.find((f) => f.rule === 'throttled-request')!;
  assert.deepEqual([lost.severity, lost.requests], ['error', range(1, 60)]);
  const zero = report.findings.filter((f) => f.rule === 'unchecked-zero-return');
  assert.deepEqual(
    zero.map((f) => [f.severity, f.requests, f.evidence]),
    [['warning', range(0, 60), { requestCount: 60, kernelModel: '2.1' }]],
  );
});

test('two requests racing for fs-foo, and a third after the load, under each model', async () => {
  const expected: Record<string, Array<[number | null, string | null, boolean]>> = {
    modern: [
      [0, 'modprobe', true],
      [0, 'modprobe', true],
      [0, 'modprobe', true],
    ],
    '2.6': [
      [0, 'modprobe', true],
      [0, 'modprobe', true],
      [0, 'modprobe', true],
    ],
    dups: [
      [0, 'modprobe', true],
      [0, 'anchor', false],
      [0, 'anchor', false],
    ],
    '2.1': [
      [0, 'kernel', true],
      [0, 'kernel', false],
      [0, 'kernel', true],
    ],
  };
  for (const [model, rows] of Object.entries(expected)) {
    const report = await replay('race.txt', model as KernelModelChoice);
    assert.deepEqual(
      report.requests.map((r) => [r.returnValue, r.returnBasis, r.modprobeRan]),
      rows,
      model,
    );
    assert.deepEqual(
      report.requests.map((r) => r.duplicateOf),
      [null, 0, 0],
      model,
    );
  }
  // 2.1: A is woken by B's wake_up at 20.010, before foo loads; B wakes when modprobe exits, foo loaded.
  const old = await replay('race.txt', '2.1');
  // (C's zero for a module already loaded is the call-site finding every model shares.)
  assert.deepEqual(
    old.findings
      .filter((f) => f.rule === 'unchecked-zero-return')
      .map((f) => [f.requests, f.evidence['kernelModel'] ?? null]),
    [
      [[0], '2.1'],
      [[2], null],
    ],
  );
  assert.deepEqual(
    old.findings.filter((f) => f.rule === 'throttled-request').map((f) => f.requests),
    [[1]],
  );
});

test("--compare-models: every model's counts on the race, the chosen one first", async () => {
  const report = await replay('race.txt', 'dups', { compareModels: true });
  const k = report.kernel!;
  assert.deepEqual(
    [k.model, k.basis, k.version, k.idempotentLoads],
    ['dups', 'given (--kernel-model dups)', null, null],
  );
  assert.deepEqual(
    k.models.map((t) => [
      t.model,
      t.requests,
      t.modprobeRuns,
      t.failed,
      t.zeroWithoutModule,
      t.unknownReturns,
      t.waited,
      t.namesLost,
    ]),
    [
      ['dups', 3, 1, 0, 0, 0, 0, 0],
      ['2.1', 3, 2, 0, 1, 0, 0, 1],
      ['2.6', 3, 3, 0, 0, 0, 0, 0],
      ['modern', 3, 3, 0, 0, 0, 0, 0],
    ],
  );
  // B's modprobe starts at 20.010, before foo's module_load at 20.100: it reads foo.ko (3,000 bytes) and calls
  // finit_module() too, up to 2 x 3,000 bytes; dups.c stops it before modprobe, 2.1 never runs two at once.
  assert.deepEqual(
    k.models.map((t) => [t.model, t.finit]),
    [
      ['dups', { duplicates: 0, vmallocBytes: 0, withoutSize: 0, compressedSizes: false }],
      ['2.1', { duplicates: 0, vmallocBytes: 0, withoutSize: 0, compressedSizes: false }],
      ['2.6', { duplicates: 1, vmallocBytes: 6000, withoutSize: 0, compressedSizes: false }],
      ['modern', { duplicates: 1, vmallocBytes: 6000, withoutSize: 0, compressedSizes: false }],
    ],
  );
  assert.equal(report.summary.kernelModel, 'dups');
});

test('the duplicate finding says what B costs: vmalloc before 6.5, a modprobe run from 6.5 on', async () => {
  const message = async (kernelVersion: string) =>
    (await replay('race.txt', 'auto', { kernelVersion })).findings.find((f) => f.rule === 'duplicate-request')!.message;
  assert.ok(
    (await message('6.1.0-50-amd64')).endsWith(
      "1 duplicate raced the anchor's load; each racing finit_module() can take up to twice the module size: up to 6,000 bytes (2 × 1 × 3,000, sizes of foo from kernel/fs/foo/foo.ko).",
    ),
  );
  assert.ok(
    (await message('6.12.117')).endsWith(
      "1 duplicate raced the anchor's load; on this kernel (6.5 and later) a finit_module() of a file being loaded waits for that load and shares its result: they cost modprobe runs, not memory (before 6.5: up to 6,000 bytes (2 × 1 × 3,000, sizes of foo from kernel/fs/foo/foo.ko)).",
    ),
  );
});

test('auto: by the kernel version, and dups only when the kernel log shows module-autoload: lines', async () => {
  const basis = async (kernelVersion?: string) => {
    const r = await replay('race.txt', 'auto', kernelVersion === undefined ? {} : { kernelVersion });
    return [r.kernelModel, r.kernel!.basis, r.kernel!.idempotentLoads];
  };
  assert.deepEqual(await basis(), [
    'modern',
    'auto: kernel version unknown, and the trace shows no module-autoload: lines',
    null,
  ]);
  assert.deepEqual(await basis('2.0.36'), ['2.1', 'auto: kernel 2.0.36 (--kernel-version) is older than 2.2', false]);
  assert.deepEqual(await basis('2.6.32-5-amd64'), [
    '2.6',
    'auto: kernel 2.6.32-5-amd64 (--kernel-version) is older than 4.13',
    false,
  ]);
  assert.deepEqual(await basis('4.12.14'), [
    '2.6',
    'auto: kernel 4.12.14 (--kernel-version) is older than 4.13',
    false,
  ]);
  assert.deepEqual(await basis('4.13.0'), [
    'modern',
    'auto: kernel 4.13.0 (--kernel-version) is 4.13 or later, and the trace shows no module-autoload: lines',
    false,
  ]);
  assert.deepEqual((await basis('6.4.0'))[2], false);
  assert.deepEqual((await basis('6.5.0'))[2], true);

  const log = await replayTrace({
    tracePath: path.resolve(fixtures, '../kernel-logs/dups-module-prefix.txt'),
    kernelVersion: '6.12.117',
  });
  assert.ok(log.ok);
  assert.deepEqual(
    [log.value.kernelModel, log.value.summary.kernelModel, log.value.kernel!.basis],
    [
      'dups',
      'dups',
      "auto: kernel 6.12.117 (--kernel-version), and the trace's kernel log shows module-autoload: lines",
    ],
  );
});

test('a --kernel-version that is not one is an error that says how to give it', async () => {
  const r = await replayTrace({ tracePath: path.join(fixtures, 'race.txt'), kernelVersion: 'latest' });
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.message], ['bad-kernel-version', "'latest' is not a kernel version"]);
});
