/** The readers on the real traces of samples/boot-6.1-qemu: exact counts and exact fields of checked events. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ModuleRequestEvent, TraceEvent } from '../../../src/engine/events';
import { collectFile, collectText, countByKind, SAMPLE, summaryOf } from './collect';

const sample = (name: string): string => path.join(SAMPLE, name);
const at = (events: TraceEvent[], line: number): TraceEvent | undefined => events.find((e) => e.line === line);
const requests = (events: TraceEvent[]): ModuleRequestEvent[] =>
  events.filter((e): e is ModuleRequestEvent => e.kind === 'module_request');

test('trace.txt (raw ftrace): 602 events, every line accounted for', async () => {
  const c = await collectFile(sample('trace.txt'));
  assert.deepEqual(summaryOf(c), {
    file: sample('trace.txt'),
    format: 'ftrace',
    bytes: 58098,
    lines: 615,
    events: 602,
    // 12 header lines; line 154 is the second line of the hdaudio request.
    skippedLines: 12,
    warnings: [],
    warningCount: 0,
  });
  assert.deepEqual(countByKind(c.events), { module_load: 321, module_request: 264, module_free: 17 });
  const names = requests(c.events).map((e) => e.name);
  assert.equal(new Set(names).size, 228);
  assert.equal([...new Set(names)].filter((n) => names.indexOf(n) !== names.lastIndexOf(n)).length, 23);
});

test('trace.txt: exact fields of checked events', async () => {
  const { events } = await collectFile(sample('trace.txt'));
  assert.deepEqual(events[0], {
    kind: 'module_load',
    line: 13,
    time: 14.627203,
    task: '(udev-worker)',
    pid: 121,
    cpu: 1,
    name: 'floppy',
    taints: '',
  });
  const reqs = requests(events);
  assert.deepEqual(reqs[0], {
    kind: 'module_request',
    line: 35,
    time: 16.550811,
    task: '(udev-worker)',
    pid: 118,
    cpu: 0,
    name: 'crypto-crc64-rocksoft',
    wait: true,
    callSite: { symbol: 'crypto_alg_mod_lookup', offset: null, length: null, module: null },
  });
  assert.deepEqual(reqs.at(-1), {
    kind: 'module_request',
    line: 615,
    time: 131.504273,
    task: 'ip',
    pid: 1021,
    cpu: 0,
    name: 'rtnl-link-nosuchkind',
    wait: true,
    callSite: { symbol: '__rtnl_newlink', offset: null, length: null, module: null },
  });
  // One event over lines 153-154: the requested name ends with a newline.
  assert.deepEqual(at(events, 153), {
    kind: 'module_request',
    line: 153,
    time: 72.758245,
    task: 'kworker/0:2',
    pid: 54,
    cpu: 0,
    name: 'hdaudio:v1AF40022r00100101a01\n',
    wait: true,
    callSite: { symbol: 'snd_hda_codec_configure', offset: null, length: null, module: 'snd_hda_codec' },
  });
  assert.equal(at(events, 154), undefined);
  assert.equal(at(events, 155)?.kind, 'module_request');
  // request_module_nowait() from nfnetlink_bind, call site in a module.
  assert.deepEqual(at(events, 565), {
    kind: 'module_request',
    line: 565,
    time: 127.156087,
    task: 'ktrig.py',
    pid: 954,
    cpu: 0,
    name: 'nfnetlink-subsys-1',
    wait: false,
    callSite: { symbol: 'nfnetlink_bind', offset: null, length: null, module: 'nfnetlink' },
  });
  // Symbolised when read: the request really came from can_create [can], since unloaded (sample README).
  assert.deepEqual((at(events, 309) as ModuleRequestEvent).callSite, {
    symbol: 'aarp_send_ddp',
    offset: null,
    length: null,
    module: 'appletalk',
  });
  assert.deepEqual(at(events, 107), {
    kind: 'module_free',
    line: 107,
    time: 66.237193,
    task: '(udev-worker)',
    pid: 250,
    cpu: 1,
    name: 'acpi_cpufreq',
  });
  assert.deepEqual(
    reqs.filter((e) => e.name === 'fs-hfs').map((e) => [e.line, e.pid, e.cpu]),
    [
      [582, 981, 1],
      [583, 982, 0],
      [584, 983, 0],
      [585, 984, 1],
    ],
  );
});

test('trace-report.txt (trace-cmd report): the same 602 events as trace.txt, without [module] suffixes', async () => {
  const c = await collectFile(sample('trace-report.txt'));
  assert.deepEqual(summaryOf(c), {
    file: sample('trace-report.txt'),
    format: 'trace-cmd',
    bytes: 56786,
    lines: 604,
    events: 602,
    skippedLines: 1,
    warnings: [],
    warningCount: 0,
  });
  assert.deepEqual(countByKind(c.events), { module_load: 321, module_request: 264, module_free: 17 });
  const ftrace = (await collectFile(sample('trace.txt'))).events;
  // Same ring buffer: every event equal but for its line and the call site's module, which trace-cmd omits.
  const strip = (e: TraceEvent): unknown => ({
    ...e,
    line: 0,
    ...('callSite' in e && e.callSite ? { callSite: { ...e.callSite, module: null } } : {}),
  });
  assert.deepEqual(c.events.map(strip), ftrace.map(strip));
  assert.deepEqual(at(c.events, 142), {
    kind: 'module_request',
    line: 142,
    time: 72.758245,
    task: 'kworker/0:2',
    pid: 54,
    cpu: 0,
    name: 'hdaudio:v1AF40022r00100101a01\n',
    wait: true,
    callSite: { symbol: 'snd_hda_codec_configure', offset: null, length: null, module: null },
  });
  assert.deepEqual(at(c.events, 2), {
    kind: 'module_load',
    line: 2,
    time: 14.627203,
    task: '(udev-worker)',
    pid: 121,
    cpu: 1,
    name: 'floppy',
    taints: '',
  });
});

test('trace-cmd-record-report.txt: module_get and module_put with call sites and refcounts', async () => {
  const c = await collectFile(sample('trace-cmd-record-report.txt'));
  assert.deepEqual(summaryOf(c), {
    file: sample('trace-cmd-record-report.txt'),
    format: 'trace-cmd',
    bytes: 58309,
    lines: 551,
    events: 550,
    skippedLines: 1,
    warnings: [],
    warningCount: 0,
  });
  assert.deepEqual(countByKind(c.events), {
    module_get: 231,
    module_put: 261,
    module_free: 24,
    module_request: 17,
    module_load: 17,
  });
  assert.deepEqual(c.events[0], {
    kind: 'module_get',
    line: 2,
    time: 149.653186,
    task: 'triggers.sh',
    pid: 1037,
    cpu: 0,
    name: 'binfmt_misc',
    callSite: { symbol: 'bprm_execve', offset: null, length: null, module: null },
    refcnt: 3,
  });
  assert.deepEqual(c.events.at(-1), {
    kind: 'module_put',
    line: 551,
    time: 162.149234,
    task: 'sync',
    pid: 1144,
    cpu: 0,
    name: 'binfmt_misc',
    callSite: { symbol: 'bprm_execve', offset: null, length: null, module: null },
    refcnt: 2,
  });
  const reqs = requests(c.events);
  assert.deepEqual(
    [reqs[0].line, reqs[0].name, reqs.at(-1)!.line, reqs.at(-1)!.name],
    [159, 'fs-squashfs', 547, 'fs-nosuchfs'],
  );
  assert.deepEqual(at(c.events, 169), {
    kind: 'module_load',
    line: 169,
    time: 154.379618,
    task: 'modprobe',
    pid: 1095,
    cpu: 0,
    name: 'squashfs',
    taints: '',
  });
});

test('perf-script.txt (perf script): 43 events, task and pid in separate columns', async () => {
  const c = await collectFile(sample('perf-script.txt'));
  assert.deepEqual(summaryOf(c), {
    file: sample('perf-script.txt'),
    format: 'perf',
    bytes: 4061,
    lines: 43,
    events: 43,
    skippedLines: 0,
    warnings: [],
    warningCount: 0,
  });
  assert.deepEqual(countByKind(c.events), { module_free: 9, module_request: 20, module_load: 14 });
  assert.deepEqual(c.events[0], {
    kind: 'module_free',
    line: 1,
    time: 170.930906,
    task: 'modprobe',
    pid: 1156,
    cpu: 0,
    name: 'vxlan',
  });
  const reqs = requests(c.events);
  assert.deepEqual(reqs[0], {
    kind: 'module_request',
    line: 10,
    time: 172.638273,
    task: 'ip',
    pid: 1165,
    cpu: 0,
    name: 'rtnl-link-dummy',
    wait: true,
    callSite: { symbol: '__rtnl_newlink', offset: null, length: null, module: null },
  });
  assert.deepEqual(reqs.at(-1), {
    kind: 'module_request',
    line: 43,
    time: 180.500484,
    task: 'ktrig.py',
    pid: 1221,
    cpu: 1,
    name: 'fs-nosuchfs',
    wait: true,
    callSite: { symbol: 'get_fs_type', offset: null, length: null, module: null },
  });
  // A symbol with a compiler suffix, and a task name that is right-aligned with a leading space.
  assert.deepEqual((at(c.events, 31) as ModuleRequestEvent).callSite?.symbol, 'tty_ldisc_get.part.0');
  assert.equal(at(c.events, 34)?.task, 'cryptomgr_probe');
  assert.equal((at(c.events, 34) as ModuleRequestEvent).name, 'crypto-cast5');
});

test('dmesg.txt: a kernel log without dups.c lines has no events, every line skipped', async () => {
  const c = await collectFile(sample('dmesg.txt'));
  assert.deepEqual(summaryOf(c), {
    file: sample('dmesg.txt'),
    format: 'dmesg',
    bytes: 57330,
    lines: 835,
    events: 0,
    skippedLines: 835,
    warnings: [],
    warningCount: 0,
  });
});

test('readTraceText reads the samples exactly as readTraceFile does', async () => {
  for (const name of ['trace.txt', 'trace-report.txt', 'trace-cmd-record-report.txt', 'perf-script.txt', 'dmesg.txt']) {
    const fromFile = await collectFile(sample(name));
    const fromText = collectText(readFileSync(sample(name), 'utf8'), { file: sample(name) });
    assert.deepEqual(fromText, fromFile, name);
  }
});
