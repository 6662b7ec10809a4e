/**
 * dups.c groups larger than a finding keeps (MAX_RECORDS_PER_FINDING requests whole, MAX_REQUESTS_PER_FINDING by
 * index). Where trace time stands still no window ends, so one group takes every repeat of its name: the finding then
 * lists the first requests and counts every one, and what it says of the rest (loaded modules, stale anchors, racing
 * duplicates) is exact. Every figure below is worked out from the trace written here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { replayTrace } from '../../../src/engine/replay/index';
import type { Finding } from '../../../src/engine/report';

const root = path.resolve(__dirname, '../../../..');
// modules.alias: fs-foo → foo.
const modulesDir = path.join(root, 'test/fixtures/models/modules');
const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-groups-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Each request from its own task, so that no task's next event ends another's request; each trace starts at 1001. */
let pid = 1000;
const request = (time: string) =>
  `           mount-${++pid}     [000] .....    ${time}: module_request: fs-foo wait=1 call_site=get_fs_type`;
const load = (time: string) => `        modprobe-300     [001] .....    ${time}: module_load: foo `;
const free = (time: string) => `        modprobe-300     [001] .....    ${time}: module_free: foo`;
const times = (n: number, line: () => string) => Array.from({ length: n }, line);
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** The duplicate-request findings of the trace of `lines` (a header line first). */
async function duplicateFindings(name: string, lines: () => string[]): Promise<Finding[]> {
  pid = 1000;
  const file = path.join(dir, name);
  writeFileSync(file, ['# tracer: nop', ...lines()].join('\n') + '\n');
  const r = await replayTrace({ tracePath: file, modulesDir, kernelModel: 'dups' });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value.findings.filter((f) => f.rule === 'duplicate-request');
}

test('1,500 duplicates at one time stamp: the first 1,000 requests listed, all counted, racing told by time', async () => {
  // The anchor and 1,200 duplicates at 20.000000, while foo loads (at 20.100000: they raced it); 300 more at
  // 20.100000, foo loaded (not before its load: they did not race it).
  const [f] = await duplicateFindings('one-stamp.txt', () => [
    request('20.000000'),
    ...times(1200, () => request('20.000000')),
    load('20.100000'),
    ...times(300, () => request('20.100000')),
  ]);
  assert.equal(
    f.message,
    '`fs-foo` requested 1501 times within 0.100 s by get_fs_type. The first request (line 2, mount-1001) anchors it: ' +
      'dups.c would have converged 1500 duplicates into one modprobe. Loaded: foo. ' +
      "1200 duplicates raced the anchor's load; each racing finit_module() can take up to twice the module size: " +
      'up to 7,200,000 bytes (2 × 1200 × 3,000, sizes of foo from kernel/fs/foo/foo.ko).',
  );
  assert.deepEqual(f.requests, range(0, 1000));
  // Line 1 is the header: request i is on line i + 2 up to the load.
  assert.deepEqual(f.traceLines, range(2, 1002));
  assert.equal(f.evidence.requestCount, 1501);
  assert.deepEqual(f.evidence.duplicates, range(1, 1000));
  assert.equal(f.evidence.racingDuplicates, 1200);
  assert.deepEqual(f.evidence.loadedModules, ['foo']);
  assert.deepEqual(f.evidence.staleAnchorDuplicates, []);
});

test('loaded modules and stale anchors of duplicates past the first 100 are read once they complete', async () => {
  // foo is loaded before the anchor (already loaded: it loads nothing), then freed twice: 100 duplicates wait for
  // foo and get it at 24, 200 wait in vain after the second free (the trace ends first).
  const [f] = await duplicateFindings('stale.txt', () => [
    load('10.000000'),
    request('20.000000'),
    ...times(150, () => request('21.000000')),
    free('22.000000'),
    ...times(100, () => request('23.000000')),
    load('24.000000'),
    free('25.000000'),
    ...times(200, () => request('26.000000')),
  ]);
  assert.equal(
    f.message,
    '`fs-foo` requested 451 times within 6.000 s by get_fs_type. The first request (line 3, mount-1001) anchors it: ' +
      'dups.c would have converged 450 duplicates into one modprobe. Loaded: foo. ' +
      "300 duplicates came after the anchor's module was freed: dups.c would still answer with the anchor's old " +
      'return value and load nothing.',
  );
  assert.deepEqual(f.requests, range(0, 451));
  assert.equal(f.evidence.requestCount, undefined);
  assert.deepEqual(f.evidence.staleAnchorDuplicates, range(151, 451));
  assert.deepEqual(f.evidence.loadedModules, ['foo']);
  assert.equal(f.evidence.racingDuplicates, 0);
});

test('groups past the 20th of a name fold into one finding that lists their requests and counts them', async () => {
  // 21 groups of 151 requests, each anchored 100 s after the last (past its 60 s window); foo is loaded throughout.
  const findings = await duplicateFindings('folded.txt', () => [
    load('1.000000'),
    ...range(1, 22).flatMap((g) => times(151, () => request(`${100 * g}.000000`))),
  ]);
  assert.equal(findings.length, 21);
  const folded = findings[20];
  assert.deepEqual(folded.evidence, { folded: true, groups: 1, convergedGroups: 1, requestCount: 151 });
  assert.deepEqual(folded.requests, range(3020, 3171));
});
