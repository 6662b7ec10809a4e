import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModuleLoadEvent, ModuleRequestEvent, TraceEvent } from '../../../src/engine/events';
import type { RequestRecord } from '../../../src/engine/report';
import { modnameNormalize } from '../../../src/engine/modules/names';
import type { ModuleResolver, Resolution } from '../../../src/engine/resolution';
import type { DuplicateGroup } from '../../../src/engine/rules/duplicateRequest';
import { Replayer } from '../../../src/engine/replay/replayer';
import { InTraceOrder } from '../../../src/engine/replay/inTraceOrder';
import { ThrottledRequestRule } from '../../../src/engine/rules/throttledRequest';
import { KernelModels } from '../../../src/engine/kernel/kernelModels';
import { ModuleSizes } from '../../../src/engine/kernel/moduleSizes';

/** A resolver over a fixed table: alias → providers, plus built-ins. */
function fakeResolver(aliases: Record<string, string[]>, builtins: string[] = []): ModuleResolver {
  return {
    resolve(name: string): Resolution {
      const n = modnameNormalize(name);
      if (builtins.includes(n)) return { kind: 'builtin', modules: [n], patterns: [] };
      const mods = aliases[name];
      return mods ? { kind: 'alias', modules: mods, patterns: [name] } : { kind: 'none', modules: [], patterns: [] };
    },
    isBuiltin: (n) => builtins.includes(modnameNormalize(n)),
    isModule: () => false,
  };
}

let line = 0;
function req(
  time: number,
  name: string,
  opts: { wait?: boolean; pid?: number; task?: string } = {},
): ModuleRequestEvent {
  return {
    kind: 'module_request',
    line: ++line,
    time,
    task: opts.task ?? 'task',
    pid: opts.pid ?? 100 + line,
    cpu: 0,
    name,
    wait: opts.wait ?? true,
    callSite: { symbol: 'get_fs_type', offset: null, length: null, module: null },
  };
}
function load(time: number, name: string): ModuleLoadEvent {
  return { kind: 'module_load', line: ++line, time, task: 'modprobe', pid: 9000 + line, cpu: 0, name, taints: '' };
}
function free(time: number, name: string): TraceEvent {
  return { kind: 'module_free', line: ++line, time, task: 'modprobe', pid: 9000 + line, cpu: 0, name };
}

function replay(
  events: TraceEvent[],
  resolver: ModuleResolver | null = fakeResolver({ 'fs-hfs': ['hfs'], 'fs-vfat': ['fat', 'vfat'] }),
) {
  line = 0;
  const records: RequestRecord[] = [];
  const groups: DuplicateGroup[] = [];
  const r = new Replayer({
    resolver,
    linker: null,
    dupsWindowSeconds: 60,
    settleSeconds: 10,
    onRecord: (rec) => records.push(rec),
    onDupsGroup: (g) => groups.push(g),
    onLogEvent: () => undefined,
  });
  for (const e of events) r.push(e);
  r.finish();
  records.sort((a, b) => a.index - b.index);
  return { records, groups, replayer: r };
}

test('concurrent requests for one name: the first wait=1 request anchors, the rest are converged duplicates', () => {
  const { records, groups } = replay([
    req(128.477, 'fs-hfs'),
    req(128.478, 'fs-hfs'),
    req(128.481, 'fs-hfs'),
    req(128.482, 'fs-hfs'),
    load(128.583, 'hfs'),
  ]);
  assert.deepEqual(
    records.map((r) => [r.outcome, r.duplicateOf, r.completedAt]),
    [
      ['loaded', null, 128.583],
      ['loaded', 0, 128.583],
      ['loaded', 0, 128.583],
      ['loaded', 0, 128.583],
    ],
  );
  assert.equal(groups.length, 1);
  assert.equal(groups[0].anchored, true);
  assert.deepEqual(groups[0].repeats.indexes, [1, 2, 3]);
});

test('a nowait first request cannot anchor: its repeats form an unconverged group, and a later wait=1 request anchors', () => {
  const { records, groups } = replay([
    req(1, 'fs-hfs', { wait: false }),
    req(2, 'fs-hfs', { wait: false }),
    req(3, 'fs-hfs'),
    req(4, 'fs-hfs'),
    load(5, 'hfs'),
  ]);
  assert.deepEqual(
    records.map((r) => r.duplicateOf),
    [null, null, null, 2],
  );
  // Reported in the order of their first requests.
  assert.deepEqual(
    groups.map((g) => [g.anchored, g.first.record.index, g.repeats.indexes]),
    [
      [false, 0, [1, 2]],
      [true, 2, [3]],
    ],
  );
});

test('the dups entry lives until 60 s after the anchor completes, not after it was made', () => {
  const { records } = replay([
    req(10, 'fs-hfs', { pid: 1 }),
    load(15, 'hfs'),
    req(74.9, 'fs-hfs', { pid: 2 }),
    req(75.1, 'fs-hfs', { pid: 3 }),
  ]);
  assert.deepEqual(
    records.map((r) => [r.outcome, r.duplicateOf]),
    [
      ['loaded', null],
      ['already-loaded', 0],
      ['already-loaded', null],
    ],
  );
});

test('a duplicate after the anchor module was freed would share a stale return value', () => {
  const { groups } = replay([
    req(85.3, 'fs-hfs'),
    load(85.4, 'hfs'),
    free(128.8, 'hfs'),
    req(129.9, 'fs-hfs'),
    load(130.0, 'hfs'),
  ]);
  assert.equal(groups.length, 1);
  assert.deepEqual(
    groups[0].repeats.whole.map((s) => s.staleAnchor),
    [true],
  );
});

test('outcomes: loaded needs every provider, already-loaded, builtin, nothing-loaded, unknown without metadata', () => {
  const resolver = fakeResolver({ 'fs-vfat': ['fat', 'vfat'], 'fs-gone': ['gone'] }, ['cryptomgr']);
  const { records } = replay(
    [
      req(1, 'fs-vfat', { pid: 1 }),
      load(1.1, 'fat'),
      load(1.2, 'vfat'),
      req(2, 'fs-vfat', { pid: 2 }),
      req(3, 'cryptomgr', { pid: 3 }),
      req(4, 'fs-nosuch', { pid: 4 }),
      req(5, 'fs-gone', { pid: 5 }),
      req(30, 'fs-x', { pid: 6 }),
    ],
    resolver,
  );
  assert.deepEqual(
    records.map((r) => [r.name, r.outcome, r.loadedModules, r.completedAt]),
    [
      ['fs-vfat', 'loaded', ['fat', 'vfat'], 1.2],
      ['fs-vfat', 'already-loaded', [], 2],
      ['cryptomgr', 'builtin', [], 3],
      ['fs-nosuch', 'nothing-loaded', [], 4],
      ['fs-gone', 'nothing-loaded', [], 5],
      ['fs-x', 'nothing-loaded', [], 30],
    ],
  );
  assert.deepEqual(
    replay([req(1, 'fs-hfs'), load(2, 'hfs')], null).records.map((r) => r.outcome),
    ['unknown'],
  );
});

test('a wait=1 request has returned when its task does something else: no later load is credited to it', () => {
  const { records } = replay([req(1, 'fs-hfs', { pid: 7 }), req(2, 'fs-vfat', { pid: 7 }), load(3, 'hfs')]);
  assert.deepEqual(
    records.map((r) => [r.name, r.outcome]),
    [
      ['fs-hfs', 'nothing-loaded'],
      ['fs-vfat', 'nothing-loaded'],
    ],
  );
});

function throttleEvidence(events: TraceEvent[], resolver: ModuleResolver) {
  const rule = new ThrottledRequestRule('modern');
  const models = new KernelModels({
    chosen: 'modern',
    compare: false,
    sizes: new ModuleSizes(null, null),
    finitByModule: false,
  });
  // The replay finalises records out of trace order; the slots take them in it, as the replay session hands them on.
  const inOrder = new InTraceOrder((r, anchor) => rule.add(r, anchor, models.decide(r, anchor)));
  for (const r of replay(events, resolver).records) inOrder.add(r, null);
  return rule.findings().map(({ finding: f }) => [f.severity, f.requests, f.evidence]);
}

test('kmod slots: the 51st concurrent wait=1 request waits for a slot; past 5 s it fails with -ETIME', () => {
  const names: Record<string, string[]> = {};
  for (let i = 0; i < 52; i++) names[`m${i}`] = [`m${i}`];
  const events: TraceEvent[] = [];
  for (let i = 0; i < 50; i++) events.push(req(1 + i / 1024, `m${i}`, { pid: i + 1 }));
  events.push(req(1.25, 'm50', { pid: 200 }), load(1.5, 'm0'));
  for (let i = 1; i <= 50; i++) events.push(load(1.5 + i / 1024, `m${i}`));
  assert.deepEqual(throttleEvidence(events, fakeResolver(names)), [
    ['warning', [50], { requestCount: 1, maxWaitSeconds: 0.25, peakInFlight: 50 }],
  ]);

  const late: TraceEvent[] = [];
  for (let i = 0; i < 50; i++) late.push(req(1, `m${i}`, { pid: i + 1 }));
  late.push(req(1.5, 'm50', { pid: 200 }));
  for (let i = 0; i < 50; i++) late.push(load(7 + i / 1024, `m${i}`));
  assert.deepEqual(throttleEvidence(late, fakeResolver(names)), [
    ['error', [50], { requestCount: 1, peakInFlight: 50 }],
  ]);
});

test('nowait requests hold a kmod slot only until the exec', () => {
  const events: TraceEvent[] = [];
  const names: Record<string, string[]> = {};
  for (let i = 0; i < 60; i++) {
    names[`n${i}`] = [`n${i}`];
    events.push(req(1 + i / 1024, `n${i}`, { wait: false, pid: 1 }));
  }
  assert.deepEqual(throttleEvidence(events, fakeResolver(names)), []);
});

test('where trace time stands still, a request pending behind thousands of complete ones is still settled at the end', () => {
  // No advance of the time takes complete requests off the pending queue: it drops them itself, keeping the rest.
  const { records } = replay([
    req(5, 'fs-hfs', { wait: false, pid: 600 }),
    ...Array.from({ length: 3000 }, () => req(5, 'fs-vfat', { pid: 700 })),
  ]);
  assert.equal(records.length, 3001);
  assert.deepEqual(
    [records[0].outcome, records[1].outcome, records[3000].outcome],
    ['nothing-loaded', 'nothing-loaded', 'nothing-loaded'],
  );
});

test('where trace time stands still, a group holds its first repeats whole and the others by index, up to the caps', () => {
  // One group takes every repeat: 99 are kept whole (with the anchor, the 100 records a finding shows) and 999 by
  // index (with the anchor, the 1,000 requests a finding lists); all 2,000 are counted.
  const { groups } = replay([
    req(5, 'fs-hfs'),
    ...Array.from({ length: 2000 }, () => req(5, 'fs-hfs')),
    load(5, 'hfs'),
  ]);
  assert.equal(groups.length, 1);
  const repeats = groups[0].repeats;
  assert.equal(repeats.count, 2000);
  assert.deepEqual(
    repeats.whole.map((s) => s.record.index),
    Array.from({ length: 99 }, (_, i) => i + 1),
  );
  assert.deepEqual(
    repeats.indexes,
    Array.from({ length: 999 }, (_, i) => i + 1),
  );
});
