/**
 * The boot-to-boot diff against the hand-edited boot (test/fixtures/workspace/traces/trace-edited.txt), whose header
 * lists each edit and the diff worked out by hand; every value below is from that header or read from the traces.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { diffTraces, diffTraceWithReport, type BootDiff } from '../../../src/engine/diff/index';
import { openModuleDb, type ModuleDb } from '../../../src/engine/modules/index';
import { replayTrace } from '../../../src/engine/replay/index';
import type { RuleId } from '../../../src/engine/ruleCatalog';

const root = path.resolve(__dirname, '../../../..');
const sample = path.join(root, 'samples/boot-6.1-qemu');
const BASE = path.join(sample, 'trace.txt');
const EDITED = path.join(root, 'test/fixtures/workspace/traces/trace-edited.txt');

let db: ModuleDb | undefined;
async function modules(): Promise<ModuleDb> {
  if (db === undefined) {
    const opened = await openModuleDb(path.join(sample, 'modules'));
    assert.ok(opened.ok);
    db = opened.value;
  }
  return db;
}

async function diff(base: string, next: string): Promise<BootDiff> {
  const moduleDb = await modules();
  const d = await diffTraces({ tracePath: base, moduleDb }, { tracePath: next, moduleDb });
  assert.ok(d.ok, d.ok ? '' : d.error.message);
  return d.value;
}

/** 1-based lines of a trace whose text matches, read from the file, not from the tool. */
function linesMatching(file: string, re: RegExp): number[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l, i) => (re.test(l) ? [i + 1] : []));
}

/** The names that differ, as [name, change, baseRequests, newRequests, baseOutcome, newOutcome]. */
function differing(d: BootDiff): Array<[string, string, number, number, string | null, string | null]> {
  return d.names
    .filter((n) => n.change !== 'same')
    .map((n) => [n.name, n.change, n.baseRequests, n.newRequests, n.baseOutcome, n.newOutcome]);
}

test('the hand-edited boot: names added, removed, changed and the same, as worked out by hand', async () => {
  const d = await diff(BASE, EDITED);
  // In code-point order, as the diff lists every name.
  assert.deepEqual(differing(d), [
    ['bpf_preload', 'removed', 1, 0, 'nothing-loaded', null],
    ['can-proto-2', 'changed', 1, 1, 'loaded', 'loaded'],
    ['crypto-rfc7539', 'removed', 1, 0, 'loaded', null],
    ['cryptomgr', 'changed', 4, 3, 'builtin', 'builtin'],
    ['fs-ext4', 'changed', 1, 2, 'loaded', 'loaded'],
    ['fs-nosuchfs9', 'added', 0, 1, null, 'nothing-loaded'],
    ['rtnl-link-dummy', 'changed', 1, 1, 'loaded', 'nothing-loaded'],
    ['rtnl-link-geneve', 'added', 0, 1, null, 'loaded'],
  ]);
  // 228 names in each trace, 2 only in NEW: 230 in all, 8 of them differ.
  assert.equal(d.names.length, 230);
  assert.deepEqual([d.summary.added, d.summary.removed, d.summary.changed, d.summary.same], [2, 2, 4, 222]);
  assert.deepEqual([d.base.requests, d.base.distinctNames, d.new.requests, d.new.distinctNames], [264, 228, 264, 228]);
  // can-proto-2 changed only by its call site (line 311's stale aarp_send_ddp [appletalk], edited to can_create [can]).
  assert.equal(d.callSiteModules, true);
  assert.deepEqual(d.names.find((n) => n.name === 'can-proto-2')!.callSites, [
    { symbol: 'aarp_send_ddp', module: 'appletalk', baseRequests: 1, newRequests: 0 },
    { symbol: 'can_create', module: 'can', baseRequests: 0, newRequests: 1 },
  ]);
  assert.deepEqual(d.names.find((n) => n.name === 'cryptomgr')!.callSites, [
    { symbol: 'crypto_alg_mod_lookup', module: null, baseRequests: 4, newRequests: 3 },
  ]);
});

test("the hand-edited boot: times are seconds from each trace's first event (floppy's load at 14.627203)", async () => {
  const d = await diff(BASE, EDITED);
  assert.deepEqual([d.base.firstEventTime, d.new.firstEventTime], [14.627203, 14.627203]);
  const at = (name: string) => {
    const n = d.names.find((x) => x.name === name)!;
    return [n.baseTime, n.newTime];
  };
  // fs-ext4: mount-182 at 30.446016 in both; fs-nosuchfs9 at 96.600000 in NEW only; bpf_preload at 33.403991 in BASE only.
  assert.deepEqual(at('fs-ext4'), [15.818813, 15.818813]);
  assert.deepEqual(at('fs-nosuchfs9'), [null, 81.972797]);
  assert.deepEqual(at('bpf_preload'), [18.776788, null]);
});

test('the hand-edited boot: findings added and removed, matched by rule, name and call site, never by message', async () => {
  const d = await diff(BASE, EDITED);
  const facts = (list: BootDiff['findings']['added']) =>
    list.map((f) => [f.rule, f.name, f.severity, f.callSite?.symbol ?? null, f.line]);
  // Each on its first request's line in its own trace: NEW's fs-ext4 group anchors on mount-182's request.
  const [ext4Anchor] = linesMatching(EDITED, /mount-182 .* module_request: fs-ext4 /);
  const [nosuchfs9] = linesMatching(EDITED, /module_request: fs-nosuchfs9 /);
  assert.deepEqual(facts(d.findings.added), [
    ['duplicate-request', 'fs-ext4', 'warning', 'get_fs_type', ext4Anchor],
    ['undocumented-alias', 'fs-nosuchfs9', 'warning', 'get_fs_type', nosuchfs9],
  ]);
  // mount-182 and mount-184 requested fs-ext4 at 30.446016 and 30.446100: 84 µs apart, in the trace's resolution.
  assert.match(d.findings.added[0].message, /^`fs-ext4` requested 2 times within 84 µs by get_fs_type\./);
  // BASE's second cryptomgr group (lines 405 and 451: 451 is gone from NEW); bpf_preload's only request, line 80.
  assert.deepEqual(facts(d.findings.removed), [
    ['duplicate-request', 'cryptomgr', 'warning', 'crypto_alg_mod_lookup', 405],
    ['undocumented-alias', 'bpf_preload', 'warning', 'bpf_fill_super', 80],
  ]);
  // cryptomgr's unchecked-zero-return counts 4 requests in BASE, 3 in NEW: matched all the same.
  assert.ok(!d.findings.added.some((f) => f.rule === 'unchecked-zero-return'));
  const perRule = Object.fromEntries(Object.entries(d.summary.findings).filter(([, c]) => c.added + c.removed > 0));
  assert.deepEqual(perRule, {
    'duplicate-request': { added: 1, removed: 1 },
    'undocumented-alias': { added: 1, removed: 1 },
  } satisfies Partial<Record<RuleId, unknown>>);
  assert.equal(Object.keys(d.summary.findings).length, 6);
});

test('the hand-edited boot: the request chain left with no request on its behalf is removed, by root name', async () => {
  const d = await diff(BASE, EDITED);
  assert.deepEqual(d.chains.added, []);
  assert.deepEqual(
    d.chains.removed.map((c) => [c.name, c.baseChains, c.newChains, c.requestCount, c.modules]),
    // The probe's request for crypto-rfc7539 (line 428) was the chain's second request; chacha20poly1305 loaded for it.
    [['crypto-rfc7539(chacha20,poly1305)', 1, 0, 2, ['chacha20poly1305']]],
  );
  assert.deepEqual(d.summary.chains, { added: 0, removed: 1 });
  assert.deepEqual([d.base.chains, d.new.chains], [7, 6]);
});

test('swapped, the same diff the other way round: added and removed trade places', async () => {
  const d = await diff(EDITED, BASE);
  assert.deepEqual(
    d.names.filter((n) => n.change === 'added' || n.change === 'removed').map((n) => [n.name, n.change]),
    [
      ['bpf_preload', 'added'],
      ['crypto-rfc7539', 'added'],
      ['fs-nosuchfs9', 'removed'],
      ['rtnl-link-geneve', 'removed'],
    ],
  );
  assert.deepEqual(
    d.findings.added.map((f) => [f.rule, f.name, f.line]),
    [
      ['duplicate-request', 'cryptomgr', 405],
      ['undocumented-alias', 'bpf_preload', 80],
    ],
  );
  assert.deepEqual(
    d.chains.added.map((c) => [c.name, c.baseChains, c.newChains]),
    [['crypto-rfc7539(chacha20,poly1305)', 0, 1]],
  );
});

test('one boot captured twice (raw ftrace and trace-cmd report, which prints no [module]): every name the same', async () => {
  const d = await diff(BASE, path.join(sample, 'trace-report.txt'));
  assert.equal(d.callSiteModules, false);
  assert.deepEqual([d.summary.added, d.summary.removed, d.summary.changed, d.summary.same], [0, 0, 0, 228]);
  assert.deepEqual([d.findings.added, d.findings.removed, d.chains.added, d.chains.removed], [[], [], [], []]);
});

test('a boot whose clock started 1000.5 s later lines up on its first event: nothing differs, not even a time', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-diff-'));
  const shifted = path.join(dir, 'later.txt');
  const text = readFileSync(BASE, 'utf8').replace(/ (\d+)\.(\d{6}): /g, (_m, s: string, us: string) => {
    const micros = Number(s) * 1e6 + Number(us) + 1_000_500_000;
    return ` ${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, '0')}: `;
  });
  writeFileSync(shifted, text);
  const d = await diff(BASE, shifted);
  assert.deepEqual([d.base.firstEventTime, d.new.firstEventTime], [14.627203, 1015.127203]);
  assert.equal(d.summary.same, 228);
  assert.deepEqual(
    d.names.filter((n) => n.baseTime !== n.newTime),
    [],
  );
  assert.deepEqual([d.findings.added, d.findings.removed], [[], []]);
});

test("the editor's diff (NEW a report in memory, BASE streamed) is the same as the command line's", async () => {
  const moduleDb = await modules();
  const report = await replayTrace({ tracePath: EDITED, moduleDb });
  assert.ok(report.ok);
  const d = await diffTraceWithReport({ tracePath: BASE, moduleDb }, report.value);
  assert.ok(d.ok);
  assert.deepEqual(d.value, await diff(BASE, EDITED));
});

test('a BASE that cannot be read is an error naming the file, not a diff', async () => {
  const missing = path.join(sample, 'no-such-trace.txt');
  const d = await diffTraces({ tracePath: missing }, { tracePath: EDITED });
  assert.equal(d.ok, false);
  assert.equal(d.ok ? null : d.error.file, missing);
});
