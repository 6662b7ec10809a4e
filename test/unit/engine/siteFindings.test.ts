import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { countFindings, countsText, traceLineOf } from '../../../src/engine/findings/findingCounts';
import { replayTrace } from '../../../src/engine/replay';
import type { Finding, RequestRecord } from '../../../src/engine/report';
import type { Report } from '../../../src/engine/reportStream/index';
import { siteActivity } from '../../../src/engine/siteActivity';
import { requestText, siteFindings } from '../../../src/engine/findings/siteFindings';
import type { AliasDeclaration, CallSiteInfo, SourceFinding, SourceIndex } from '../../../src/engine/sourceIndex';

const sample = path.resolve(__dirname, '../../../..', 'samples/boot-6.1-qemu');
const GET_FS_TYPE = { file: 'fs/filesystems.c', line: 284, column: 14 };

/** The fs-* names of the boot that a kernel tree declares with MODULE_ALIAS_FS (all but the four nothing provides). */
const DECLARED = [
  '9p',
  'binfmt_misc',
  'ext4',
  'f2fs',
  'hfs',
  'iso9660',
  'minix',
  'nfs4',
  'overlay',
  'squashfs',
  'vfat',
  'xfs',
];

/** Sources holding only get_fs_type and its request_module("fs-%.*s", len, name) line, as in linux 6.1. */
function getFsTypeIndex(aliases: AliasDeclaration[]): SourceIndex {
  const site: CallSiteInfo = {
    ...GET_FS_TYPE,
    callee: 'request_module',
    kind: 'direct',
    via: [],
    function: 'get_fs_type',
    format: 'fs-%.*s',
    pattern: 'fs-*',
    name: null,
    family: 'fs-',
    shapes: [['fs-', { conversion: 's', flags: '', width: null, precision: null }]],
    arguments: ['"fs-%.*s"', 'len', 'name'],
    returnUse: 'condition',
    assignedTested: null,
    wait: true,
    endLine: 284,
    endColumn: 50,
    tail: false,
    requestsHere: true,
    recheck: null,
    queue: null,
  };
  return {
    root: '/src',
    kernelDirectory: { path: '/src', source: 'tree', includeDirs: [], headers: 0 },
    callSites: [site],
    wrappers: [],
    aliases,
    moduleNames: [],
    findings: [],
    files: { scanned: 0, skipped: 0, unreadable: [] },
    functions: [{ name: 'get_fs_type', file: 'fs/filesystems.c', line: 272, endLine: 293, isStatic: false, calls: [] }],
  };
}

/** The real boot, with get_fs_type linked to its request_module() line as a scan of linux 6.1 links it. */
async function bootReport(): Promise<Report> {
  const aliases: AliasDeclaration[] = DECLARED.map((fs, i) => ({
    file: `fs/${fs}/super.c`,
    line: 10 + i,
    column: 1,
    macro: 'MODULE_ALIAS_FS',
    value: `fs-${fs}`,
    reason: null,
    module: fs,
  }));
  const r = await replayTrace({
    tracePath: path.join(sample, 'trace.txt'),
    modulesDir: path.join(sample, 'modules'),
    source: getFsTypeIndex(aliases),
  });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

const fromGetFsType = (report: Report) => report.requests.filter((r) => r.callSite?.symbol === 'get_fs_type');

test('get_fs_type in the real boot: one entry per rule on its line, counting the duplicates and undocumented names', async () => {
  const report = await bootReport();
  const atSite = siteFindings([], report).filter((s) => s.location.file === 'fs/filesystems.c');
  assert.deepEqual(
    atSite.map((s) => [s.rule, s.location.line, s.severity]),
    [
      ['duplicate-request', 284, 'warning'],
      ['undocumented-alias', 284, 'warning'],
    ],
  );
  const [dups, undocumented] = atSite as [(typeof atSite)[0], (typeof atSite)[0]];
  // The six fs-* groups of the boot (see realTrace.test.ts): fs-nosuchfs2 and fs-hfs repeated 3 times, fs-squashfs,
  // fs-iso9660, fs-minix and fs-nosuchfs once: 10 duplicates of 6 names, listed by count, then by first request.
  assert.equal(dups.trace.length, 6);
  assert.equal(
    dups.message,
    '10 duplicate requests of 6 names from this call site in the trace: fs-nosuchfs2 ×3, fs-hfs ×3, fs-squashfs, fs-iso9660, fs-minix, fs-nosuchfs.',
  );
  // Every request of the six groups (anchors and duplicates).
  assert.deepEqual(dups.requests, [30, 31, 36, 44, 45, 243, 244, 245, 246, 247, 248, 249, 250, 257, 258, 259]);
  // A line per name, at its first duplicate (trace lines 579, 583, 604, 606, 602, 222).
  assert.deepEqual(
    dups.names.map((n) => [n.line, n.text]),
    [
      [579, 'fs-nosuchfs2: 3 duplicates of line 578 (lines 579, 580, 581): nothing loaded'],
      [583, 'fs-hfs: 3 duplicates of line 582 (lines 583, 584, 585): loaded hfs'],
      [604, 'fs-squashfs: 1 duplicate of line 185 (line 604): loaded squashfs'],
      [606, 'fs-iso9660: 1 duplicate of line 187 (line 606): loaded isofs'],
      [602, 'fs-minix: 1 duplicate of line 198 (line 602): loaded minix'],
      [222, 'fs-nosuchfs: 1 duplicate of line 221 (line 222): nothing loaded'],
    ],
  );
  // fs-cramfs (line 200), fs-ntfs3 (206), fs-nosuchfs (221, 222) and fs-nosuchfs2 (578-581): no module provides them.
  assert.equal(undocumented.trace.length, 4);
  assert.equal(
    undocumented.message,
    '4 undocumented names requested from this call site in the trace (8 requests): nothing documents fs-nosuchfs2 ×4, fs-nosuchfs ×2, fs-cramfs, fs-ntfs3, so modprobe fails with "not found".',
  );
  assert.deepEqual(
    undocumented.requests.map((i) => report.requests[i].line),
    [200, 206, 221, 222, 578, 579, 580, 581],
  );
  assert.deepEqual(
    undocumented.names.map((n) => n.text),
    [
      'fs-nosuchfs2: 4 requests (lines 578, 579, 580, 581): nothing documents it',
      'fs-nosuchfs: 2 requests (lines 221, 222): nothing documents it',
      'fs-cramfs: 1 request (line 200): nothing documents it',
      'fs-ntfs3: 1 request (line 206): nothing documents it',
    ],
  );
});

test('undocumented names a module provides are counted after the ones nothing provides, and named when they are all', async () => {
  const report = await bootReport();
  // Without declarations in the sources, the 12 fs-* names modules.alias documents are undocumented too.
  const undeclared = await (async () => {
    const r = await replayTrace({
      tracePath: path.join(sample, 'trace.txt'),
      modulesDir: path.join(sample, 'modules'),
      source: getFsTypeIndex([]),
    });
    assert.ok(r.ok);
    return r.value;
  })();
  const at = (r: Report) =>
    siteFindings([], r).find((s) => s.rule === 'undocumented-alias' && s.location.file === 'fs/filesystems.c')!;
  assert.equal(
    at(undeclared).message,
    '16 undocumented names requested from this call site in the trace (26 requests): nothing documents fs-nosuchfs2 ×4, fs-nosuchfs ×2, fs-cramfs, fs-ntfs3, so modprobe fails with "not found"; only modules.alias documents 12 other names.',
  );
  assert.deepEqual(
    at(undeclared)
      .names.slice(4, 6)
      .map((n) => n.text),
    [
      'fs-hfs: 4 requests (lines 582, 583, 584, 585): only modules.alias documents it',
      'fs-squashfs: 2 requests (lines 185, 604): only modules.alias documents it',
    ],
  );
  // Only names modules.alias documents: named.
  const onlyAlias = {
    ...undeclared,
    findings: undeclared.findings.filter((f) => f.name === 'fs-hfs' || f.name === 'fs-ext4'),
  };
  assert.equal(
    at(onlyAlias).message,
    '2 undocumented names requested from this call site in the trace (5 requests): only modules.alias documents fs-hfs ×4, fs-ext4.',
  );
  assert.equal(at(report).trace.length, 4);
});

test('what get_fs_type did in the boot: 26 requests of 16 names, 10 duplicates, what they loaded', async () => {
  const a = siteActivity(fromGetFsType(await bootReport()));
  assert.deepEqual([a.requests, a.names.length, a.duplicates], [26, 16, 10]);
  const hfs = a.names.find((n) => n.name === 'fs-hfs')!;
  assert.deepEqual([hfs.requests.map((r) => r.line), hfs.duplicates], [[582, 583, 584, 585], 3]);
  assert.deepEqual(
    a.names[0].requests.map((r) => [r.line, r.name]),
    [[70, 'fs-ext4']],
  );
  // fs-ext4 (line 70) loads ext4 first; fs-cramfs and fs-ntfs3 have no module to load.
  assert.equal(a.loaded[0], 'ext4');
  assert.ok(a.loaded.includes('hfs') && !a.loaded.includes('cramfs') && !a.loaded.includes('ntfs3'));
});

test('a request line in related information: name, task, time, whose duplicate it is, what it loaded', async () => {
  const report = await bootReport();
  // A duplicate waits for the anchor's provider: hfs's module_load (line 586) completes all four requests.
  assert.equal(
    requestText(report.requests[248], report.requests),
    'fs-hfs by ktrig.py-982 at 128.478863 s, duplicate of line 582: loaded hfs',
  );
  assert.equal(
    requestText(report.requests[247], report.requests),
    'fs-hfs by ktrig.py-981 at 128.477235 s: loaded hfs',
  );
  assert.equal(requestText(report.requests[31 - 1], report.requests).startsWith('fs-squashfs by mount-417'), true);
});

// Hand-built: two call sites, requests 0-4; request 3 is a nowait request from the second site.
function request(index: number, name: string, site: 'a' | 'b' | null, p: Partial<RequestRecord> = {}): RequestRecord {
  const location =
    site === 'a'
      ? { file: 'net/socket.c', line: 1531, column: 3, link: 'direct' as const, via: ['__sock_create'] }
      : { file: 'net/core/dev.c', line: 40, column: 2, link: 'direct' as const, via: ['dev_load'] };
  return {
    index,
    line: 100 + index,
    time: index,
    task: 'modprobe',
    pid: 10 + index,
    cpu: 0,
    name,
    wait: true,
    callSite:
      site === null
        ? null
        : { symbol: site === 'a' ? '__sock_create' : 'dev_load', module: null, link: 'direct', locations: [location] },
    resolution: { kind: 'alias', modules: ['m'], patterns: [name] },
    outcome: 'loaded',
    loadedModules: [],
    duplicateOf: null,
    initOf: null,
    causedBy: null,
    completedAt: index,
    returnValue: 0,
    returnBasis: 'modprobe',
    modprobeRan: true,
    ...p,
  };
}

function finding(rule: Finding['rule'], requests: number[], p: Partial<Finding> = {}): Finding {
  return {
    rule,
    severity: 'warning',
    message: `${rule} of ${requests.join(',')}`,
    name: null,
    requests,
    location: null,
    traceLines: [],
    evidence: {},
    ...p,
  };
}

function handReport(findings: Finding[]): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'autoload-lens', version: '0' },
    trace: null,
    modulesDir: null,
    sourceRoot: '/src',
    kernelDirectory: null,
    kernelModel: 'dups',
    summary: {
      requests: 5,
      loads: 0,
      frees: 0,
      distinctNames: 3,
      kernelModel: 'dups',
      chains: 0,
      findings: {
        'duplicate-request': 0,
        'undocumented-alias': 0,
        'unchecked-zero-return': 0,
        'name-too-long': 0,
        'throttled-request': 0,
        'request-loop': 0,
      },
    },
    kernel: null,
    requests: [
      request(0, 'net-pf-5', 'a'),
      request(1, 'net-pf-5', 'b', { duplicateOf: 0 }),
      request(2, 'net-pf-5', 'a', { duplicateOf: 0, outcome: 'already-loaded' }),
      request(3, 'netdev-x', 'b', {
        wait: false,
        outcome: 'builtin',
        resolution: { kind: 'builtin', modules: ['x'], patterns: [] },
      }),
      request(4, 'net-pf-9', null),
    ],
    findings,
    chains: [],
  };
}

test('a duplicate group spread over two call sites: each line counts the requests made there', () => {
  const report = handReport([
    finding('duplicate-request', [0, 1, 2], { location: { file: 'net/socket.c', line: 1531, column: 3 } }),
    finding('duplicate-request', [3, 4]),
  ]);
  const sites = siteFindings([], report);
  assert.deepEqual(
    sites.map((s) => [s.location.file, s.rule, s.requests, s.trace.length]),
    [
      ['net/core/dev.c', 'duplicate-request', [1, 3], 2],
      ['net/socket.c', 'duplicate-request', [0, 2], 1],
    ],
  );
  // Two findings at dev.c: counted; one at socket.c: its own message.
  assert.equal(sites[0].message, '1 duplicate request of 1 name from this call site in the trace: net-pf-5.');
  assert.deepEqual(sites[0].names, [
    { name: 'net-pf-5', line: 101, text: 'net-pf-5: 1 duplicate of line 100 (line 101): loaded' },
  ]);
  assert.equal(sites[1].message, 'duplicate-request of 0,1,2');
});

test('a call site whose requests only anchored groups says other call sites repeated them', () => {
  const report = handReport([finding('duplicate-request', [0, 1]), finding('duplicate-request', [0, 1, 4])]);
  const a = siteFindings([], report).find((s) => s.location.file === 'net/socket.c')!;
  assert.equal(
    a.message,
    '1 request from this call site in the trace (net-pf-5) was requested again by other call sites while dups.c still tracked it.',
  );
  assert.deepEqual(
    a.names.map((n) => n.text),
    ['net-pf-5: line 100, requested again by other call sites'],
  );
});

test("the scan's finding and the trace's findings of one rule on one line are one entry, the most severe", () => {
  const staticFinding: SourceFinding = {
    rule: 'unchecked-zero-return',
    severity: 'warning',
    message: 'request_module("net-pf-%d", family) ignores the return value',
    name: null,
    location: { file: 'net/socket.c', line: 1531, column: 3 },
    related: [],
  };
  const report = handReport([
    finding('unchecked-zero-return', [2], { severity: 'info' }),
    finding('unchecked-zero-return', [3], { severity: 'error' }),
    finding('unchecked-zero-return', [0], { severity: 'info' }),
  ]);
  report.requests[3].callSite!.locations = [
    { file: 'net/socket.c', line: 1531, column: 3, link: 'direct', via: ['__sock_create'] },
  ];
  const sites = siteFindings([staticFinding], report);
  assert.equal(sites.length, 1);
  assert.equal(sites[0].severity, 'error');
  assert.deepEqual(sites[0].source, [staticFinding]);
  assert.equal(
    sites[0].message,
    'request_module("net-pf-%d", family) ignores the return value. In the trace: 3 requests from this call site that modprobe answered with 0 while loading nothing new: net-pf-5 ×2 (m already loaded), netdev-x (built in).',
  );
  assert.deepEqual(
    sites[0].names.map((n) => n.text),
    ['net-pf-5: 2 requests (lines 100, 102): m already loaded', 'netdev-x: 1 request (line 103): built in'],
  );
});

test('throttling concerns the whole boot, not a call site; requests without a certain link stay on the trace', () => {
  const report = handReport([finding('throttled-request', [0, 1, 2]), finding('undocumented-alias', [4])]);
  report.requests[1].callSite!.link = 'ambiguous';
  report.requests[1].callSite!.locations = [
    { file: 'a.c', line: 1, column: 1, link: 'direct', via: ['f'] },
    { file: 'b.c', line: 1, column: 1, link: 'direct', via: ['f'] },
  ];
  assert.deepEqual(siteFindings([], report), []);
});

test('the status bar count: findings of the scan and the replay; the tooltip splits them by rule and place', () => {
  const source: SourceFinding[] = [
    {
      rule: 'unchecked-zero-return',
      severity: 'warning',
      message: 's1',
      name: null,
      location: { file: 'net/socket.c', line: 1531, column: 3 },
      related: [],
    },
    {
      rule: 'name-too-long',
      severity: 'error',
      message: 's2',
      name: null,
      location: { file: 'x.c', line: 2, column: 1 },
      related: [],
    },
  ];
  const report = handReport([
    finding('duplicate-request', [0, 1, 2], { traceLines: [100, 101, 102] }),
    finding('unchecked-zero-return', [2]),
    finding('throttled-request', [3, 4]),
  ]);
  const sites = siteFindings(source, report);
  // Source lines: duplicate-request at socket.c and at dev.c, unchecked-zero-return (scan + trace) at socket.c, name-too-long at x.c.
  assert.equal(sites.length, 4);
  const counts = countFindings(source, report, sites);
  assert.equal(counts.total, 5);
  assert.deepEqual(
    counts.byRule.map((r) => [r.rule, r.sources, r.trace, r.callSites]),
    [
      ['duplicate-request', 0, 1, 2],
      ['unchecked-zero-return', 1, 1, 1],
      ['name-too-long', 1, 0, 0],
      ['throttled-request', 0, 1, 0],
    ],
  );
  assert.deepEqual([counts.traceEntries, counts.sourceEntries], [3, 4]);
  assert.equal(
    countsText(counts),
    [
      'Autoload Lens: 5 findings',
      'duplicate-request: 1 in the trace (from 2 call sites)',
      'unchecked-zero-return: 1 in the trace (from 1 call site), 1 in the sources',
      'name-too-long: 1 in the sources',
      'throttled-request: 1 in the trace',
      'Problems lists 7 entries: 3 on trace lines (one per trace finding), 4 on source lines (one per rule and call site).',
    ].join('\n'),
  );
});

test("a trace finding sits on its first request's line; a duplicate group on its first repeat", () => {
  const report = handReport([]);
  assert.equal(traceLineOf(finding('duplicate-request', [0, 1, 2]), report.requests), 101);
  assert.equal(traceLineOf(finding('undocumented-alias', [4]), report.requests), 104);
  assert.equal(traceLineOf(finding('throttled-request', [], { traceLines: [7, 9] }), report.requests), 7);
  assert.equal(traceLineOf(finding('throttled-request', []), report.requests), undefined);
});
