import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderJson, ReplayJson } from '../../../src/engine/render/index';
import { Spool } from '../../../src/engine/render/spool';
import { chainReport, linkedReport, sampleReport } from './fixtures';

test('replay JSON: schemaVersion 1, fixed top-level and summary fields, what is known at the end last, newline at the end', () => {
  const text = renderJson(sampleReport());
  assert.ok(text.endsWith('}\n'));
  const doc = JSON.parse(text);
  assert.deepEqual(Object.keys(doc), [
    'schemaVersion',
    'tool',
    'modulesDir',
    'sourceRoot',
    'kernelDirectory',
    'requests',
    'findings',
    'chains',
    'trace',
    'summary',
    'kernel',
  ]);
  assert.equal(doc.schemaVersion, 1);
  assert.equal(doc.kernel, null);
  assert.deepEqual(doc.summary, {
    requests: 6,
    loads: 2,
    frees: 0,
    distinctNames: 4,
    kernelModel: 'dups',
    chains: 0,
    findings: {
      'duplicate-request': 1,
      'undocumented-alias': 2,
      'unchecked-zero-return': 1,
      'name-too-long': 0,
      'throttled-request': 0,
      'request-loop': 0,
    },
  });
  assert.deepEqual(doc.trace, {
    file: 'samples/boot-6.1-qemu/trace.txt',
    format: 'ftrace',
    lines: 614,
    events: 602,
    skippedLines: 12,
    warningCount: 1,
    warnings: [{ line: 7, message: 'module_request line without a name' }],
  });
});

test('replay JSON: requests carry the fixed fields in a stable order', () => {
  const doc = JSON.parse(renderJson(sampleReport()));
  assert.equal(doc.requests.length, 6);
  assert.deepEqual(doc.requests[2], {
    index: 2,
    line: 583,
    time: 128.478863,
    task: 'ktrig.py',
    pid: 982,
    cpu: 0,
    name: 'fs-hfs',
    wait: true,
    callSite: { symbol: 'get_fs_type', module: null },
    resolution: { kind: 'alias', modules: ['hfs'], patterns: ['fs-hfs'] },
    outcome: 'loaded',
    duplicateOf: 1,
    initOf: null,
    causedBy: null,
    loadedModules: ['hfs'],
    completedAt: 128.5,
    returnValue: 0,
    returnBasis: 'anchor',
    modprobeRan: false,
  });
  assert.deepEqual(Object.keys(doc.requests[5]), [
    'index',
    'line',
    'time',
    'task',
    'pid',
    'cpu',
    'name',
    'wait',
    'callSite',
    'resolution',
    'outcome',
    'duplicateOf',
    'initOf',
    'causedBy',
    'loadedModules',
    'completedAt',
    'returnValue',
    'returnBasis',
    'modprobeRan',
  ]);
  assert.equal(doc.requests[5].name, 'hdaudio:v1AF4\n0022');
  assert.equal(doc.requests[5].wait, false);
});

test('replay JSON: findings with their requests, location and sorted evidence', () => {
  const doc = JSON.parse(renderJson(sampleReport()));
  assert.deepEqual(doc.findings[0], {
    rule: 'duplicate-request',
    severity: 'warning',
    message: 'fs-hfs was requested 3 times within 0.004 s; dups.c converges the 2 duplicates on the first request.',
    name: 'fs-hfs',
    requests: [1, 2, 3],
    location: null,
    traceLines: [582, 583, 584],
    evidence: { anchor: 1, converged: true, duplicates: [2, 3] },
  });
  assert.deepEqual(doc.findings[3].location, { file: 'net/appletalk/ddp.c', line: 1021, column: 9 });
  assert.equal(JSON.stringify(doc.findings[2].evidence), '{"a":[{"x":2,"y":1}],"z":{"a":1,"b":2}}');
});

test('replay JSON: call sites gain link and locations only when a source index was used', () => {
  const plain = JSON.parse(renderJson(sampleReport()));
  assert.deepEqual(Object.keys(plain.requests[0].callSite), ['symbol', 'module']);
  const linked = JSON.parse(renderJson(linkedReport()));
  assert.equal(linked.sourceRoot, '/src/linux');
  assert.deepEqual(linked.requests[0].callSite, {
    symbol: 'get_fs_type',
    module: null,
    link: 'direct',
    locations: [{ file: 'fs/filesystems.c', line: 274, column: 9, link: 'direct', via: ['get_fs_type'] }],
  });
  assert.deepEqual(linked.requests[4].callSite, {
    symbol: 'aarp_send_ddp',
    module: 'appletalk',
    link: 'stale',
    locations: [],
  });
});

test('replay JSON is byte-for-byte stable for the same report', () => {
  assert.equal(renderJson(sampleReport()), renderJson(sampleReport()));
});

test('the streamed JSON is exactly what JSON.stringify prints, empty arrays included', () => {
  const whole = renderJson(linkedReport());
  assert.equal(`${JSON.stringify(JSON.parse(whole), null, 2)}\n`, whole);
  const empty = { ...sampleReport(), requests: [], findings: [] };
  assert.ok(renderJson(empty).includes('\n  "requests": [],\n  "findings": [],\n  "chains": [],\n  "trace": {\n'));
  assert.equal(`${JSON.stringify(JSON.parse(renderJson(empty)), null, 2)}\n`, renderJson(empty));
});

test('streamed arrays longer than one stringify batch print exactly as JSON.stringify does', () => {
  const r = sampleReport();
  r.requests = Array.from({ length: 1300 }, (_, i) => ({ ...r.requests[i % 6], index: i }));
  const text = renderJson(r);
  assert.equal(`${JSON.stringify(JSON.parse(text), null, 2)}\n`, text);
  assert.equal(JSON.parse(text).requests.length, 1300);
});

test('a finding that closes while requests are still coming is written after the last request', () => {
  const r = sampleReport();
  const parts: string[] = [];
  const json = new ReplayJson((t) => parts.push(t));
  json.begin({
    tool: r.tool,
    traceFile: 't.txt',
    modulesDir: null,
    sourceRoot: null,
    kernelDirectory: null,
    kernelModel: r.kernelModel,
  });
  json.request(r.requests[0]);
  json.finding(r.findings[0]);
  // Nothing of the finding is out yet: `requests` is still open.
  assert.ok(!parts.join('').includes('duplicate-request'));
  json.request(r.requests[1]);
  json.end({ trace: r.trace, summary: r.summary, kernel: null });
  const doc = JSON.parse(parts.join(''));
  assert.deepEqual(
    doc.requests.map((q: { index: number }) => q.index),
    [0, 1],
  );
  assert.deepEqual(
    doc.findings.map((f: { rule: string }) => f.rule),
    ['duplicate-request'],
  );
});

test('a spool past its memory share goes to a file and gives everything back in order', () => {
  const spool = new Spool();
  const values = Array.from({ length: 5000 }, (_, i) => ({ i, text: `é${'x'.repeat(1000)}\n${i}` }));
  for (const v of values) spool.add(v);
  const back: unknown[] = [];
  spool.drain((v) => back.push(v));
  assert.deepEqual(back, values);
  const again: unknown[] = [];
  spool.drain((v) => again.push(v));
  assert.deepEqual(again, []);
});

test('a request record prints every field it has, so fields added to the model need no renderer change', () => {
  const r = sampleReport();
  const site = r.requests[0].callSite as Record<string, unknown>;
  site['origins'] = [{ file: 'net/netfilter/nft_compat.c', line: 10, column: 2 }];
  const doc = JSON.parse(renderJson(r));
  assert.deepEqual(doc.requests[0].callSite.origins, [{ file: 'net/netfilter/nft_compat.c', line: 10, column: 2 }]);
});

test("replay JSON: request chains after the findings, and each request's initOf and causedBy", () => {
  const doc = JSON.parse(renderJson(chainReport()));
  assert.deepEqual(doc.chains, [
    {
      root: 0,
      name: 'net-pf-33',
      requests: [0, 1, 2, 3, 4, 5],
      requestCount: 6,
      depth: 2,
      seconds: 0.484192,
      modules: ['rxrpc', 'pcbc', 'fcrypt'],
    },
  ]);
  assert.deepEqual(
    doc.requests.map((r: { initOf: string | null; causedBy: number | null }) => [r.initOf, r.causedBy]),
    [
      [null, null],
      ['rxrpc', 0],
      ['rxrpc', 0],
      [null, 1],
      [null, 1],
      [null, 1],
    ],
  );
  assert.equal(doc.summary.chains, 1);
});
