import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { renderSarif } from '../../../src/engine/render/index';
import { replayTrace } from '../../../src/engine/replay';
import { linkedReport, sampleReport } from './fixtures';
import { sarifViolations } from './sarifShape';

const base = path.resolve('/work/project');

test('the shape checker catches what the SARIF schema forbids', () => {
  assert.deepEqual(
    sarifViolations({ version: '2.0.0', runs: [{ tool: { driver: {} }, results: [{ level: 'bad', extra: 1 }] }] }),
    [
      '$.version: "2.0.0" not in 2.1.0',
      '$.runs[0].tool.driver: missing required "name"',
      '$.runs[0].results[0]: missing required "message"',
      '$.runs[0].results[0].level: "bad" not in none|note|warning|error',
      '$.runs[0].results[0]: property "extra" not allowed',
    ],
  );
});

test('replay SARIF is valid 2.1.0 with one run and the rules described', () => {
  const doc = JSON.parse(renderSarif(sampleReport(), { baseDir: base }));
  assert.deepEqual(sarifViolations(doc), []);
  assert.equal(doc.version, '2.1.0');
  assert.equal(doc.runs.length, 1);
  const driver = doc.runs[0].tool.driver;
  assert.equal(driver.name, 'autoload-lens');
  assert.equal(driver.version, '0.1.0');
  assert.deepEqual(
    driver.rules.map((r: { id: string; name: string; defaultConfiguration: { level: string } }) => [
      r.id,
      r.name,
      r.defaultConfiguration.level,
    ]),
    [
      ['duplicate-request', 'DuplicateRequest', 'warning'],
      ['undocumented-alias', 'UndocumentedAlias', 'warning'],
      ['unchecked-zero-return', 'UncheckedZeroReturn', 'warning'],
      ['name-too-long', 'NameTooLong', 'error'],
      ['throttled-request', 'ThrottledRequest', 'warning'],
      ['request-loop', 'RequestLoop', 'warning'],
    ],
  );
  assert.equal(driver.rules[3].shortDescription.text, 'Module name too long');
  assert.ok(driver.rules[3].help.text.startsWith('Bound the name: give %s a precision'));
});

test('replay SARIF locates results on the trace lines, relative to the base directory', () => {
  const r = sampleReport();
  r.trace = { ...(r.trace as NonNullable<typeof r.trace>), file: path.join(base, 'traces/boot trace.txt') };
  const run = JSON.parse(renderSarif(r, { baseDir: base })).runs[0];
  assert.deepEqual(run.originalUriBaseIds, { PROJECTROOT: { uri: 'file:///work/project/' } });
  const dup = run.results[0];
  assert.equal(dup.ruleId, 'duplicate-request');
  assert.equal(dup.ruleIndex, 0);
  assert.equal(dup.level, 'warning');
  assert.deepEqual(dup.locations, [
    {
      physicalLocation: {
        artifactLocation: { uri: 'traces/boot%20trace.txt', uriBaseId: 'PROJECTROOT' },
        region: { startLine: 582 },
      },
      message: { text: 'request #1 for "fs-hfs" by ktrig.py-981 at 128.477235 s from get_fs_type: loaded' },
    },
  ]);
  assert.deepEqual(
    dup.relatedLocations.map((l: { id: number; physicalLocation: { region: { startLine: number } } }) => [
      l.id,
      l.physicalLocation.region.startLine,
    ]),
    [
      [1, 583],
      [2, 584],
    ],
  );
  assert.deepEqual(dup.properties, { name: 'fs-hfs', requests: [1, 2, 3], traceLines: [582, 583, 584] });
  const info = run.results[2];
  assert.equal(info.level, 'note');
  assert.equal(info.relatedLocations[0].message.text, 'trace line 603');
});

test('replay SARIF puts a finding with a source location in the source tree, trace lines related', () => {
  const run = JSON.parse(renderSarif(linkedReport(), { baseDir: base })).runs[0];
  assert.deepEqual(sarifViolations({ version: '2.1.0', runs: [run] }), []);
  assert.deepEqual(run.originalUriBaseIds, {
    PROJECTROOT: { uri: 'file:///work/project/' },
    SRCROOT: { uri: 'file:///src/linux/' },
  });
  const uzr = run.results[3];
  assert.deepEqual(uzr.locations, [
    {
      physicalLocation: {
        artifactLocation: { uri: 'net/appletalk/ddp.c', uriBaseId: 'SRCROOT' },
        region: { startLine: 1021, startColumn: 9 },
      },
    },
  ]);
  assert.deepEqual(uzr.relatedLocations, [
    {
      id: 1,
      physicalLocation: {
        artifactLocation: { uri: 'samples/boot-6.1-qemu/trace.txt', uriBaseId: 'PROJECTROOT' },
        region: { startLine: 600 },
      },
      message: {
        text: 'request #4 for "fs-nosuch" by (udev-worker)-121 at 131.250000 s from aarp_send_ddp [appletalk]: nothing-loaded',
      },
    },
  ]);
  const dup = run.results[0];
  assert.deepEqual(dup.relatedLocations[2], {
    id: 3,
    physicalLocation: {
      artifactLocation: { uri: 'fs/filesystems.c', uriBaseId: 'SRCROOT' },
      region: { startLine: 274, startColumn: 9 },
    },
    message: { text: 'call site of get_fs_type (direct)' },
  });
});

test('a trace outside the base directory gets an absolute file URI', () => {
  const r = sampleReport();
  r.trace = { ...(r.trace as NonNullable<typeof r.trace>), file: '/elsewhere/trace.txt' };
  const run = JSON.parse(renderSarif(r, { baseDir: base })).runs[0];
  assert.deepEqual(run.originalUriBaseIds, {});
  assert.deepEqual(run.results[1].locations[0].physicalLocation.artifactLocation, {
    uri: 'file:///elsewhere/trace.txt',
  });
});

test('the streamed SARIF is exactly what JSON.stringify prints, results past one batch included', () => {
  const whole = renderSarif(linkedReport(), { baseDir: base });
  assert.equal(`${JSON.stringify(JSON.parse(whole), null, 2)}\n`, whole);
  const r = linkedReport();
  r.findings = Array.from({ length: 1100 }, (_, i) => r.findings[i % 4]);
  const many = renderSarif(r, { baseDir: base });
  assert.equal(`${JSON.stringify(JSON.parse(many), null, 2)}\n`, many);
  assert.equal(JSON.parse(many).runs[0].results.length, 1100);
});

test('a source tree inside the project directory is located relative to it, like the trace', () => {
  const r = linkedReport();
  r.sourceRoot = path.join(base, 'linux');
  const run = JSON.parse(renderSarif(r, { baseDir: base })).runs[0];
  assert.deepEqual(run.originalUriBaseIds, { PROJECTROOT: { uri: 'file:///work/project/' } });
  assert.deepEqual(run.results[3].locations[0].physicalLocation.artifactLocation, {
    uri: 'linux/net/appletalk/ddp.c',
    uriBaseId: 'PROJECTROOT',
  });
  assert.deepEqual(sarifViolations({ version: '2.1.0', runs: [run] }), []);
});

test("replay SARIF: a request loop is a warning on the trace line of its first request, the loop's other requests related", async () => {
  const fixtures = path.resolve(__dirname, '../../../../test/fixtures/chains');
  const replayed = await replayTrace({
    tracePath: path.join(fixtures, 'binfmt-loop.txt'),
    modulesDir: path.join(fixtures, 'modules'),
  });
  assert.ok(replayed.ok);
  const run = JSON.parse(renderSarif(replayed.value, { baseDir: fixtures })).runs[0];
  assert.deepEqual(sarifViolations({ version: '2.1.0', runs: [run] }), []);
  const loops = run.results.filter((r: { ruleId: string }) => r.ruleId === 'request-loop');
  assert.equal(loops.length, 1);
  assert.equal(loops[0].level, 'warning');
  assert.equal(loops[0].ruleIndex, 5);
  assert.deepEqual(loops[0].locations, [
    {
      physicalLocation: {
        artifactLocation: { uri: 'binfmt-loop.txt', uriBaseId: 'PROJECTROOT' },
        region: { startLine: 9 },
      },
      message: { text: 'request #0 for "binfmt-464c" by sh-250 at 12.400100 s from bprm_execve: nothing-loaded' },
    },
  ]);
  assert.deepEqual(
    loops[0].relatedLocations.map(
      (l: { physicalLocation: { region: { startLine: number } } }) => l.physicalLocation.region.startLine,
    ),
    [10, 11, 12, 13, 14],
  );
  assert.deepEqual(loops[0].properties, {
    name: 'binfmt-464c',
    requests: [0, 1, 2, 3, 4, 5],
    traceLines: [9, 10, 11, 12, 13, 14],
  });
});
