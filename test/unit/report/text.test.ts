import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderText } from '../../../src/engine/render/index';
import type { Report } from '../../../src/engine/reportStream/index';
import { chainReport, linkedReport, sampleReport } from './fixtures';

const EXPECTED = [
  'autoload-lens 0.1.0: replay of samples/boot-6.1-qemu/trace.txt',
  '  modules  samples/boot-6.1-qemu/modules',
  '  sources  (none)',
  '',
  'duplicate-request: Duplicate module request',
  '  warning  fs-hfs was requested 3 times within 0.004 s; dups.c converges the 2 duplicates on the',
  '           first request.',
  '      line        time  task-pid      name    call site    dup of  outcome',
  '       582  128.477235  ktrig.py-981  fs-hfs  get_fs_type          loaded hfs',
  '       583  128.478863  ktrig.py-982  fs-hfs  get_fs_type     582  loaded hfs',
  '       584  128.481547  ktrig.py-983  fs-hfs  get_fs_type     582  loaded hfs',
  '',
  'undocumented-alias: Undocumented alias',
  '  warning  fs-nosuch is documented by no module name, alias pattern, symbol or built-in.',
  '      line        time  task-pid           name       call site                  outcome',
  '       600  131.250000  (udev-worker)-121  fs-nosuch  aarp_send_ddp [appletalk]  nothing-loaded',
  '  info     hdaudio:v1AF4\\n0022 was requested by a name that holds a newline; nothing documents it.',
  '      line        time  task-pid        name                 call site',
  '       602  132.500000  kworker/1:2-77  hdaudio:v1AF4\\n0022  snd_hda_codec_configure [snd_hda_codec]',
  '                                        → nowait, already-loaded',
  '      trace lines: 603',
  '',
  'unchecked-zero-return: Zero return taken as "loaded"',
  '  error    The request resolved but loaded nothing and the caller uses the service without looking',
  '           it up again.',
  '           at net/appletalk/ddp.c:1021:9',
  '      line        time  task-pid           name       call site                  outcome',
  '       600  131.250000  (udev-worker)-121  fs-nosuch  aarp_send_ddp [appletalk]  nothing-loaded',
  '',
  'Requests that do not wait (1)',
  '  request_module_nowait() returns once modprobe is started: the caller cannot know whether the',
  '  module loaded, and dups.c cannot anchor these names for later requests.',
  '      line        time  task-pid        name                 call site',
  '       602  132.500000  kworker/1:2-77  hdaudio:v1AF4\\n0022  snd_hda_codec_configure [snd_hda_codec]',
  '                                        → nowait, already-loaded',
  '',
  'Trace warnings (1)',
  '  line 7: module_request line without a name',
  '',
  'Summary',
  '  trace    ftrace, 614 lines, 602 events, 12 other lines, 1 warning',
  '',
  '  events          count',
  '  requests            6',
  '  loads               2',
  '  frees               0',
  '  distinct names      4',
  '  request chains      0',
  '',
  '  rule                   error  warning  info  total',
  '  duplicate-request          0        1     0      1',
  '  undocumented-alias         0        1     1      2',
  '  unchecked-zero-return      1        0     0      1',
  '  name-too-long              0        0     0      0',
  '  throttled-request          0        0     0      0',
  '  request-loop               0        0     0      0',
  '  all rules                  1        2     1      4',
  '',
].join('\n');

test('text report: findings grouped by rule as they come, then the nowait requests, trace warnings and the summary', () => {
  assert.equal(renderText(sampleReport()), EXPECTED);
});

test('text report fits the width it is given, and never lets a newline in a name break a row', () => {
  for (const width of [100, 72]) {
    const lines = renderText(linkedReport(), { width }).split('\n');
    const tooWide = lines.filter((l) => l.length > width && !l.startsWith('autoload-lens '));
    assert.deepEqual(tooWide, [], `width ${width}`);
  }
  const lines = renderText(sampleReport()).split('\n');
  assert.equal(lines.filter((l) => l.includes('hdaudio')).length, 3);
});

test('text report names the source lines a source index linked', () => {
  const text = renderText(linkedReport());
  assert.ok(text.includes('\n  sources  /src/linux\n'));
  const links = text.split('\n').filter((l) => / (direct|stale|inlined|ambiguous|none)( → .*)?$/.test(l));
  assert.deepEqual(links, [
    '      get_fs_type: direct → fs/filesystems.c:274',
    '      aarp_send_ddp: stale',
    '      snd_hda_codec_configure: stale',
    '      aarp_send_ddp: stale',
  ]);
});

test('colour only when asked, and the coloured text is the plain text plus escapes', () => {
  assert.ok(!renderText(sampleReport()).includes('\u001b'));
  const coloured = renderText(sampleReport(), { color: true });
  assert.ok(coloured.includes('  \u001b[31merror  \u001b[39m  The request resolved'));
  assert.ok(coloured.includes('  \u001b[33mwarning\u001b[39m  fs-hfs was requested'));
  assert.ok(coloured.includes('  \u001b[36minfo   \u001b[39m  hdaudio'));
  assert.ok(
    coloured.includes('\u001b[2m      line        time  task-pid      name    call site    dup of  outcome\u001b[22m'),
  );
  assert.ok(coloured.startsWith('\u001b[1mautoload-lens 0.1.0: replay of'));
  assert.equal(coloured.replace(/\u001b\[\d+m/g, ''), EXPECTED);
});

test('a report without findings or trace says so', () => {
  const r: Report = { ...sampleReport(), trace: null, modulesDir: null, requests: [], findings: [] };
  r.summary = {
    requests: 0,
    loads: 0,
    frees: 0,
    distinctNames: 0,
    kernelModel: 'dups',
    chains: 0,
    findings: { ...r.summary.findings, 'duplicate-request': 0, 'undocumented-alias': 0, 'unchecked-zero-return': 0 },
  };
  const lines = renderText(r).split('\n');
  assert.deepEqual(lines.slice(0, 7), [
    'autoload-lens 0.1.0: report',
    '  modules  (none: resolutions unknown)',
    '  sources  (none)',
    '',
    'No findings.',
    '',
    'Summary',
  ]);
  assert.equal(
    lines.find((l) => l.startsWith('  trace ')),
    undefined,
  );
  assert.equal(
    lines.find((l) => l.startsWith('  all rules')),
    '  all rules                  0        0     0      0',
  );
});

test('control bytes in task names and messages are escaped, not printed', () => {
  const r = sampleReport();
  (r.requests[1] as { task: string }).task = 'evil\u001b[2J';
  (r.findings[0] as { message: string }).message = 'bell\u0007 here';
  const text = renderText(r);
  assert.ok(!text.includes('\u001b'));
  assert.ok(!text.includes('\u0007'));
  assert.ok(text.includes('  warning  bell\\x07 here\n'));
  assert.ok(text.includes('evil\\x1b[2J-981'));
});

test('long request lists are cut at maxRows with a count of the rest', () => {
  const lines = renderText(sampleReport(), { maxRows: 2 }).split('\n');
  const start = lines.indexOf('duplicate-request: Duplicate module request');
  assert.deepEqual(lines.slice(start + 3, start + 7), [
    '      line        time  task-pid      name    call site    dup of  outcome',
    '       582  128.477235  ktrig.py-981  fs-hfs  get_fs_type          loaded hfs',
    '       583  128.478863  ktrig.py-982  fs-hfs  get_fs_type     582  loaded hfs',
    '      … and 1 more (every request is in --format json)',
  ]);
  // A finding cut at its cap lists fewer requests than it counts: the rest is counted from requestCount.
  const counted = sampleReport();
  counted.findings[0].evidence.requestCount = 2000;
  const more = renderText(counted, { maxRows: 2 }).split('\n');
  assert.equal(more[start + 6], '      … and 1998 more (every request is in --format json)');
  const r = sampleReport();
  (r.findings[2] as { traceLines: number[] }).traceLines = [602, 603, 604, 605, 606];
  const cut = renderText(r, { maxRows: 2 }).split('\n');
  assert.ok(cut.includes('      trace lines: 603, 604 … and 2 more'));
});

test('text report: a request chain as a tree, each request under the one it was made for', () => {
  const text = renderText(chainReport());
  const section = text.slice(text.indexOf('\nRequest chains'), text.indexOf('\nTrace warnings'));
  assert.equal(
    section,
    [
      '',
      'Request chains (1)',
      '  A request and those made on its behalf: by the init of a module its modprobe loaded, by the crypto',
      '  manager threads instantiating or testing an algorithm for it. Times after the first are from the',
      '  first request.',
      '  net-pf-33 (request #0): 6 requests, 2 levels deep, last load after 0.484192 s',
      '    loaded rxrpc, pcbc, fcrypt',
      '      346  110.914004  net-pf-33  ktrig.py-618  → loaded rxrpc',
      "      348   +0.224857    crypto-pcbc(fcrypt)  modprobe-679 (rxrpc's init)  → nothing-loaded",
      '      350   +0.332036      crypto-pcbc  cryptomgr_probe-682  → loaded pcbc',
      '      352   +0.405353      crypto-fcrypt  cryptomgr_probe-682  → loaded fcrypt',
      '      354   +0.504931      crypto-fcrypt-all  cryptomgr_probe-682  → nothing-loaded',
      "      349   +0.279983    crypto-pcbc(fcrypt)-all  modprobe-679 (rxrpc's init)  → nothing-loaded",
      '',
    ].join('\n'),
  );
  assert.ok(text.includes('\n  request chains      1\n'));
  // Too narrow for a whole row: the outcome goes under the name; past maxRows the rest is counted.
  const narrow = renderText(chainReport(), { width: 60, maxRows: 4 }).split('\n');
  const rows = narrow.slice(narrow.findIndex((l) => l.startsWith('  net-pf-33 (request #0)')));
  assert.deepEqual(rows.slice(0, 11), [
    '  net-pf-33 (request #0): 6 requests, 2 levels deep, last',
    '    load after 0.484192 s',
    '    loaded rxrpc, pcbc, fcrypt',
    '      346  110.914004  net-pf-33  ktrig.py-618',
    '                         → loaded rxrpc',
    '      348   +0.224857    crypto-pcbc(fcrypt)  modprobe-679 …',
    '                           → nothing-loaded',
    '      350   +0.332036      crypto-pcbc  cryptomgr_probe-682',
    '                             → loaded pcbc',
    '      352   +0.405353      crypto-fcrypt  cryptomgr_probe-6…',
    '                             → loaded fcrypt',
  ]);
  assert.equal(rows[11], '      … and 2 more requests (every request is in --format json)');
});
