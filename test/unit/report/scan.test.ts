import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { renderScanJson, renderScanSarif, renderScanText } from '../../../src/engine/render/index';
import { sampleIndex } from './fixtures';
import { sarifViolations } from './sarifShape';

test('scan text: totals, callees, return uses, rules, wrappers, findings with related lines', () => {
  assert.equal(
    renderScanText(sampleIndex()),
    [
      'autoload-lens 0.1.0: scan of /src/linux',
      '  files  3 scanned, 1 skipped, 1 unreadable',
      '  kernel /src/linux (the scanned tree itself)',
      '',
      'Summary',
      '  indexed                     count',
      '  call sites                      3',
      '    direct                        2',
      '    through wrappers              1',
      '  wrappers discovered             1',
      '  MODULE_ALIAS* declarations      2',
      '    not expandable                1',
      '  functions                       2',
      '',
      '  callee          count',
      '  request_module      2',
      '  get_fs_type         1',
      '',
      '  return use  count',
      '  assigned        1',
      '  condition       1',
      '  discarded       1',
      '',
      '  rule                   error  warning  info  total',
      '  undocumented-alias         0        1     0      1',
      '  unchecked-zero-return      0        1     0      1',
      '  name-too-long              0        0     0      0',
      '',
      'Wrappers (1)',
      '  name         kind      sites  pattern  defined at',
      '  get_fs_type  function      1  fs-*     fs/filesystems.c:265',
      '',
      'undocumented-alias: Undocumented alias (1)',
      '  warning  No MODULE_ALIAS* declaration in the tree provides the family foo-*.',
      '           at drivers/foo/foo.c:12:2',
      '',
      'unchecked-zero-return: Zero return taken as "loaded" (1)',
      '  warning  foo_init ignores the return of request_module("foo-%d") and never looks the service up',
      '           again.',
      '           at drivers/foo/foo.c:12:2',
      '           drivers/foo/foo.c:13:2: uses foo_ops on the zero path',
      '',
      'MODULE_ALIAS* declarations not expanded (1)',
      '  drivers/bar.c:3  MODULE_ALIAS: BAR_NAME is not defined in the tree',
      '',
      'Unreadable files (1)',
      '  drivers/secret.c: EACCES: permission denied',
      '',
    ].join('\n'),
  );
});

test('scan JSON: schemaVersion 1 with the fixed fields of call sites, wrappers, aliases, findings and summary', () => {
  const text = renderScanJson(sampleIndex());
  assert.ok(text.endsWith('}\n'));
  const doc = JSON.parse(text);
  assert.deepEqual(Object.keys(doc), [
    'schemaVersion',
    'tool',
    'root',
    'kernelDirectory',
    'summary',
    'callSites',
    'wrappers',
    'aliases',
    'functions',
    'findings',
    'files',
  ]);
  assert.equal(doc.schemaVersion, 1);
  assert.deepEqual(doc.summary, {
    files: 3,
    skippedFiles: 1,
    unreadableFiles: 1,
    callSites: 3,
    directCallSites: 2,
    wrapperCallSites: 1,
    wrappers: 1,
    aliases: 2,
    unexpandedAliases: 1,
    functions: 2,
    findings: {
      'duplicate-request': 0,
      'undocumented-alias': 1,
      'unchecked-zero-return': 1,
      'name-too-long': 0,
      'throttled-request': 0,
      'request-loop': 0,
    },
  });
  assert.deepEqual(doc.callSites[1], {
    file: 'fs/super.c',
    line: 80,
    column: 7,
    callee: 'get_fs_type',
    kind: 'wrapper',
    via: ['request_module'],
    function: 'mount_thing',
    format: null,
    pattern: 'fs-ext4',
    returnUse: 'assigned',
    name: 'fs-ext4',
    family: 'fs-',
    shapes: ['fs-ext4'],
    tail: false,
    queue: null,
    arguments: ['"ext4"'],
    assignedTested: true,
    wait: true,
    endLine: 80,
    endColumn: 26,
  });
  assert.deepEqual(Object.keys(doc.callSites[0]).slice(0, 10), [
    'file',
    'line',
    'column',
    'callee',
    'kind',
    'via',
    'function',
    'format',
    'pattern',
    'returnUse',
  ]);
  assert.deepEqual(doc.wrappers, [
    {
      name: 'get_fs_type',
      kind: 'function',
      file: 'fs/filesystems.c',
      line: 265,
      pattern: 'fs-*',
      calls: 'request_module',
      queue: null,
    },
  ]);
  assert.deepEqual(doc.aliases[1], {
    file: 'drivers/bar.c',
    line: 3,
    macro: 'MODULE_ALIAS',
    value: null,
    reason: 'BAR_NAME is not defined in the tree',
    column: 1,
    module: null,
  });
  assert.deepEqual(doc.kernelDirectory, { path: '/src/linux', source: 'tree', includeDirs: [], headers: 0 });
  assert.deepEqual(doc.functions[0], {
    name: 'get_fs_type',
    file: 'fs/filesystems.c',
    line: 265,
    endLine: 283,
    isStatic: false,
    calls: [],
  });
  assert.deepEqual(doc.findings[0], {
    rule: 'unchecked-zero-return',
    severity: 'warning',
    message: 'foo_init ignores the return of request_module("foo-%d") and never looks the service up again.',
    name: null,
    requests: [],
    location: { file: 'drivers/foo/foo.c', line: 12, column: 2 },
    related: [{ file: 'drivers/foo/foo.c', line: 13, column: 2, message: 'uses foo_ops on the zero path' }],
  });
  assert.deepEqual(doc.files, {
    scanned: 3,
    skipped: 1,
    unreadable: [{ file: 'drivers/secret.c', reason: 'EACCES: permission denied' }],
  });
});

test('scan SARIF: valid 2.1.0, results in the source tree with related lines', () => {
  const doc = JSON.parse(renderScanSarif(sampleIndex()));
  assert.deepEqual(sarifViolations(doc), []);
  const run = doc.runs[0];
  assert.deepEqual(run.originalUriBaseIds, { SRCROOT: { uri: 'file:///src/linux/' } });
  assert.deepEqual(run.results[0], {
    ruleId: 'unchecked-zero-return',
    ruleIndex: 2,
    level: 'warning',
    message: { text: 'foo_init ignores the return of request_module("foo-%d") and never looks the service up again.' },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: 'drivers/foo/foo.c', uriBaseId: 'SRCROOT' },
          region: { startLine: 12, startColumn: 2 },
        },
      },
    ],
    relatedLocations: [
      {
        id: 1,
        physicalLocation: {
          artifactLocation: { uri: 'drivers/foo/foo.c', uriBaseId: 'SRCROOT' },
          region: { startLine: 13, startColumn: 2 },
        },
        message: { text: 'uses foo_ops on the zero path' },
      },
    ],
    properties: { name: null },
  });
  assert.equal(run.results[1].relatedLocations, undefined);
  assert.equal(run.properties.summary.callSites, 3);
});

test('the streamed scan JSON and SARIF are exactly what JSON.stringify prints', () => {
  for (const whole of [renderScanJson(sampleIndex()), renderScanSarif(sampleIndex())]) {
    assert.equal(`${JSON.stringify(JSON.parse(whole), null, 2)}\n`, whole);
  }
});

test('scan SARIF paths are relative to the scanned root even when the tree lies under the working directory', () => {
  const index = sampleIndex();
  index.root = path.join(process.cwd(), 'linux');
  const run = JSON.parse(renderScanSarif(index)).runs[0];
  assert.deepEqual(run.originalUriBaseIds, { SRCROOT: { uri: `file://${process.cwd()}/linux/` } });
  assert.deepEqual(run.results[0].locations[0].physicalLocation.artifactLocation, {
    uri: 'drivers/foo/foo.c',
    uriBaseId: 'SRCROOT',
  });
});

test('scan text lists the most used wrappers first and cuts the list at maxWrappers', () => {
  const index = sampleIndex();
  index.wrappers.push({
    name: 'load_nls',
    kind: 'function',
    file: 'fs/nls/nls_base.c',
    line: 275,
    pattern: 'nls_*',
    calls: 'request_module',
    queue: null,
  });
  index.callSites.push({ ...index.callSites[1], callee: 'load_nls', line: 90 });
  index.callSites.push({ ...index.callSites[1], callee: 'load_nls', line: 91 });
  const lines = renderScanText(index, { maxWrappers: 1 }).split('\n');
  const start = lines.indexOf('Wrappers (2)');
  assert.deepEqual(lines.slice(start + 1, start + 4), [
    '  name      kind      sites  pattern  defined at',
    '  load_nls  function      2  nls_*    fs/nls/nls_base.c:275',
    '  … and 1 more (every wrapper is in --format json)',
  ]);
});
