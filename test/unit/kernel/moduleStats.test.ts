/** /sys/kernel/debug/modules/stats as kernel/module/stats.c of 6.12 prints it, and beside the trace's duplicates. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { parseModuleStats, readModuleStats } from '../../../src/engine/kernel/moduleStats';
import { replayTrace } from '../../../src/engine/replay';

const fixtures = path.resolve(__dirname, '../../../..', 'test/fixtures/models');

test('the counters, the averages of the non-zero ones, and the duplicate table', async () => {
  const r = await readModuleStats(path.join(fixtures, 'stats-table.txt'));
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  assert.deepEqual(r.value.counters, {
    modsEverLoaded: 120,
    failedKreads: 0,
    failedDecompress: 0,
    failedBecoming: 3,
    failedLoads: 2,
    totalModuleSize: 8_921_088,
    totalTextSize: 3_145_728,
    failedKreadBytes: 0,
    failedDecompressBytes: 0,
    failedBecomingBytes: 2_003_000,
    failedLoadBytes: 2_131_072,
    wastedBytes: 4_134_072,
    averageModuleSize: 74_343,
    averageTextSize: 26_215,
    averageFailedKreadBytes: null,
    averageFailedBecomingBytes: 667_667,
    averageFailedDecompressBytes: null,
    averageFailedLoadBytes: 1_065_536,
  });
  assert.deepEqual(r.value.duplicates, [
    { name: 'btrfs', count: 3, reason: 'Becoming & Load' },
    { name: 'foo', count: 1, reason: 'Becoming' },
    { name: 'snd_hda_intel', count: 1, reason: 'Load' },
  ]);
  assert.equal(r.value.tableCut, false);
});

test('a boot where nothing failed: no failure averages, no table', async () => {
  const r = await readModuleStats(path.join(fixtures, 'stats-no-table.txt'));
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const c = r.value.counters;
  assert.deepEqual(
    [c.modsEverLoaded, c.failedBecoming, c.failedLoads, c.wastedBytes, c.averageModuleSize, c.averageTextSize],
    [64, 0, 0, 0, 65_536, 24_576],
  );
  assert.deepEqual(
    [c.averageFailedKreadBytes, c.averageFailedBecomingBytes, c.averageFailedDecompressBytes, c.averageFailedLoadBytes],
    [null, null, null, null],
  );
  assert.deepEqual(r.value.duplicates, []);
});

const COUNTERS = [
  'Mods ever loaded',
  'Mods failed on kread',
  'Mods failed on decompress',
  'Mods failed on becoming',
  'Mods failed on load',
  'Total module size',
  'Total mod text size',
  'Failed kread bytes',
  'Failed decompress bytes',
  'Failed becoming bytes',
  'Failed kmod bytes',
  'Virtual mem wasted bytes',
]
  .map((label) => `${label.padStart(25)}\t0\n`)
  .join('');

test('the kernel prints 111 rows at most: a full table may be cut', () => {
  const rows = Array.from(
    { length: 111 },
    (_, i) => `${`m${i}`.padStart(25)}\t${'1'.padStart(15)}\t${'Load'.padStart(25)}\n`,
  ).join('');
  const r = parseModuleStats(
    `${COUNTERS}Duplicate failed modules:\n${'Module-name'.padStart(25)}\t${'How-many-times'.padStart(15)}\t${'Reason'.padStart(25)}\n${rows}`,
    'stats',
  );
  assert.ok(r.ok);
  assert.deepEqual([r.value.duplicates.length, r.value.tableCut], [111, true]);
});

test('what is not the stats file is an error naming the line', () => {
  const bad = (text: string) => {
    const r = parseModuleStats(text, 'stats');
    return r.ok ? null : [r.error.code, r.error.line ?? null, r.error.message];
  };
  assert.deepEqual(bad('Module                  Size  Used by\n'), [
    'bad-module-stats',
    1,
    '`Module                  Size  Used by` is not a `LABEL<TAB>NUMBER` counter line',
  ]);
  assert.deepEqual(bad(`${COUNTERS}     Mods ever unloaded\t3\n`), [
    'bad-module-stats',
    13,
    "`     Mods ever unloaded\t3` is not one of kernel/module/stats.c's counters (Mods ever unloaded)",
  ]);
  assert.deepEqual(bad(COUNTERS.split('\n').slice(0, 5).join('\n')), [
    'bad-module-stats',
    null,
    'the counters Total module size, Total mod text size, Failed kread bytes, Failed decompress bytes, Failed becoming bytes, Failed kmod bytes, Virtual mem wasted bytes are missing: is the file cut short?',
  ]);
  assert.deepEqual(
    bad(
      `${COUNTERS}Duplicate failed modules:\n${'Module-name'.padStart(25)}\t${'How-many-times'.padStart(15)}\t${'Reason'.padStart(25)}\n  foo\tmany\tLoad\n`,
    ),
    [
      'bad-module-stats',
      15,
      '`  foo\tmany\tLoad` is not a row of the table: NAME<TAB>COUNT<TAB>REASON (Becoming & Load | Becoming | Load | Bug-on-stats)',
    ],
  );
  assert.deepEqual(bad(''), ['bad-module-stats', null, 'no counter of kernel/module/stats.c in this file']);
});

test('beside the race: foo agrees (one failed load, one duplicate reaching finit_module()), the others only in the stats', async () => {
  const r = await replayTrace({
    tracePath: path.join(fixtures, 'race.txt'),
    modulesDir: path.join(fixtures, 'modules'),
    kernelVersion: '6.12.117',
    moduleStatsPath: path.join(fixtures, 'stats-table.txt'),
  });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  const s = r.value.kernel!.moduleStats!;
  assert.deepEqual(s.trace, { duplicates: 1, vmallocBytes: 6000, withoutSize: 0, compressedSizes: false });
  assert.equal(s.versionNote, null);
  assert.deepEqual(s.modules, [
    {
      module: 'btrfs',
      size: null,
      stats: { count: 3, reason: 'Becoming & Load', vmallocBytes: null },
      trace: null,
      verdict: 'only-in-stats',
      why: 'finit_module() calls that are not requests: udev and modprobe run from userspace load modules themselves, or loads outside the trace',
    },
    {
      module: 'foo',
      size: { bytes: 3000, compressed: false, from: 'kernel/fs/foo/foo.ko' },
      // A "becoming" failure holds 1 × len; the race's groups: fs-foo, with B and C as its repeats.
      stats: { count: 1, reason: 'Becoming', vmallocBytes: 3000 },
      trace: { groups: 1, duplicates: 2, finitDuplicates: 1, vmallocBytes: 6000 },
      verdict: 'agree',
      why: null,
    },
    {
      module: 'snd_hda_intel',
      size: null,
      stats: { count: 1, reason: 'Load', vmallocBytes: null },
      trace: null,
      verdict: 'only-in-stats',
      why: 'finit_module() calls that are not requests: udev and modprobe run from userspace load modules themselves, or loads outside the trace',
    },
  ]);
});

test("stats without the table: the trace's duplicate is only in the trace, merged by the idempotent loads of 6.5+", async () => {
  const row = async (kernelVersion: string) => {
    const r = await replayTrace({
      tracePath: path.join(fixtures, 'race.txt'),
      modulesDir: path.join(fixtures, 'modules'),
      kernelVersion,
      moduleStatsPath: path.join(fixtures, 'stats-no-table.txt'),
    });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const [only, ...rest] = r.value.kernel!.moduleStats!.modules;
    assert.deepEqual(rest, []);
    return [only.module, only.verdict, only.why];
  };
  assert.deepEqual(await row('6.12.117'), [
    'foo',
    'only-in-trace',
    'on this kernel (6.5+) a finit_module() of a file already being loaded waits for that load and shares its result, which the stats never count',
  ]);
  assert.deepEqual(await row('6.4.16'), [
    'foo',
    'only-in-trace',
    'the racing modprobe found the module already coming and did not call finit_module()',
  ]);
});

test('stats set beside a trace of a kernel older than the stats file are said not to be of that boot', async () => {
  const r = await replayTrace({
    tracePath: path.join(fixtures, 'race.txt'),
    kernelVersion: '6.1.0-50-amd64',
    moduleStatsPath: path.join(fixtures, 'stats-no-table.txt'),
  });
  assert.ok(r.ok);
  assert.equal(
    r.value.kernel!.moduleStats!.versionNote,
    'kernel 6.1.0-50-amd64 predates /sys/kernel/debug/modules/stats (6.4): these stats are not of the traced boot',
  );
});

test('--module-stats naming a file that is not one stops the replay with the reason', async () => {
  const r = await replayTrace({
    tracePath: path.join(fixtures, 'race.txt'),
    moduleStatsPath: path.join(fixtures, 'race.txt'),
  });
  assert.ok(!r.ok);
  assert.deepEqual([r.error.code, r.error.line], ['bad-module-stats', 1]);
});
