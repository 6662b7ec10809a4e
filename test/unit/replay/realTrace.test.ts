import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { replayTrace } from '../../../src/engine/replay';
import type { Report } from '../../../src/engine/reportStream/index';
import { DUPLICATE_GROUPS } from '../../fixtures/traces/bootDuplicates';

const sample = path.resolve(__dirname, '../../../..', 'samples/boot-6.1-qemu');

async function replay(file: string, withSizes = false): Promise<Report> {
  const r = await replayTrace({
    tracePath: path.join(sample, file),
    modulesDir: path.join(sample, 'modules'),
    ...(withSizes && { loadedPath: path.join(sample, 'proc-modules.txt') }),
  });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

test('the real ftrace boot: counts, and the exact duplicate groups under dups.c rules', async () => {
  const report = await replay('trace.txt');
  assert.deepEqual(
    [report.summary.requests, report.summary.loads, report.summary.frees, report.summary.distinctNames],
    [264, 321, 17, 228],
  );
  const dups = report.findings.filter((f) => f.rule === 'duplicate-request');
  assert.deepEqual(
    dups.map((f) => [f.name, f.requests]),
    DUPLICATE_GROUPS,
  );
  assert.ok(dups.every((f) => f.evidence['convergedByDups'] === true));
  for (const [, [anchor, ...rest]] of DUPLICATE_GROUPS) {
    for (const i of rest) assert.equal(report.requests[i].duplicateOf, anchor);
  }
});

test('a duplicate group that loaded nothing says why: a built-in provider, or no provider at all', async () => {
  const report = await replay('trace.txt');
  const message = (name: string) =>
    report.findings.find((f) => f.rule === 'duplicate-request' && f.name === name)!.message;
  // cryptomgr is in modules.builtin; nothing in modules.alias provides fs-nosuchfs2.
  assert.ok(message('cryptomgr').endsWith('Nothing loaded: cryptomgr is built in.'), message('cryptomgr'));
  assert.ok(message('fs-nosuchfs2').endsWith('Nothing loaded: no module provides the name.'), message('fs-nosuchfs2'));
});

test('fs-hfs: four requests within 5 ms, one load, three racing duplicates costing up to 2 x 3 x 77,824 bytes', async () => {
  const report = await replay('trace.txt', true);
  const hfs = report.findings.find((f) => f.rule === 'duplicate-request' && f.name === 'fs-hfs')!;
  assert.deepEqual(hfs.traceLines, [582, 583, 584, 585]);
  assert.deepEqual(hfs.evidence['loadedModules'], ['hfs']);
  assert.equal(hfs.evidence['racingDuplicates'], 3);
  assert.deepEqual((hfs.evidence['memoryEstimate'] as { bytes: number }).bytes, 466_944);
  assert.deepEqual(
    [247, 248, 249, 250].map((i) => [report.requests[i].task, report.requests[i].pid, report.requests[i].outcome]),
    [
      ['ktrig.py', 981, 'loaded'],
      ['ktrig.py', 982, 'loaded'],
      ['ktrig.py', 983, 'loaded'],
      ['ktrig.py', 984, 'loaded'],
    ],
  );
});

test('re-requests after an unload would get a stale answer from dups.c', async () => {
  const report = await replay('trace.txt');
  const stale = report.findings
    .filter((f) => f.rule === 'duplicate-request' && (f.evidence['staleAnchorDuplicates'] as number[]).length > 0)
    .map((f) => f.name);
  assert.deepEqual(stale, ['fs-squashfs', 'fs-iso9660', 'fs-minix', 'net-pf-5', 'net-pf-29', 'can-proto-1']);
});

test('the nowait requests come only from nfnetlink_bind and dups.c cannot anchor them', async () => {
  const report = await replay('trace.txt');
  const nowait = report.requests.filter((r) => !r.wait);
  assert.deepEqual(
    nowait.map((r) => [r.index, r.line, r.name, r.callSite, r.outcome, r.loadedModules]),
    [
      [
        232,
        565,
        'nfnetlink-subsys-1',
        { symbol: 'nfnetlink_bind', module: 'nfnetlink' },
        'loaded',
        ['nf_conntrack_netlink'],
      ],
      [
        233,
        566,
        'nfnetlink-subsys-2',
        { symbol: 'nfnetlink_bind', module: 'nfnetlink' },
        'loaded',
        ['nf_conntrack_netlink'],
      ],
      [234, 567, 'nfnetlink-subsys-7', { symbol: 'nfnetlink_bind', module: 'nfnetlink' }, 'loaded', ['nfnetlink_acct']],
    ],
  );
});

test('trace-cmd report of the same ring buffer replays to the same groups', async () => {
  const report = await replay('trace-report.txt');
  assert.deepEqual(
    report.findings.filter((f) => f.rule === 'duplicate-request').map((f) => [f.name, f.requests]),
    DUPLICATE_GROUPS,
  );
});

test('outcomes of the real boot, and what nothing documents', async () => {
  const report = await replay('trace.txt');
  const count = (k: string) => report.requests.filter((r) => r.outcome === k).length;
  assert.deepEqual(['loaded', 'already-loaded', 'builtin', 'nothing-loaded'].map(count), [129, 2, 4, 129]);
  // 107 distinct names that `modprobe -R` cannot resolve (the resolver's differential test checks each one).
  const undocumented = report.findings.filter((f) => f.rule === 'undocumented-alias' && f.severity === 'warning');
  assert.equal(undocumented.length, 107);
  assert.ok(undocumented.some((f) => f.name === 'fs-nosuchfs'));
  assert.ok(!undocumented.some((f) => f.name === 'fs-hfs'));
});
