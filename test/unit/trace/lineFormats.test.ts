/** Line layouts the real sample does not contain but real traces do: checked line by line, with exact fields. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TraceEvent } from '../../../src/engine/events';
import { detectTraceFormat } from '../../../src/engine/trace/index';
import { collectText, SAMPLE, summaryOf } from './collect';

function only(text: string, format?: 'ftrace' | 'trace-cmd' | 'perf' | 'dmesg'): TraceEvent {
  const c = collectText(text, format ? { format } : {});
  assert.deepEqual(summaryOf(c).warnings, []);
  assert.equal(c.events.length, 1, text);
  return c.events[0];
}

const noCallSite = { offset: null, length: null, module: null };

test('ftrace task names with spaces, brackets, dashes, slashes and <...>', () => {
  const cases: [string, string, number][] = [
    ['   (udev-worker)-121     [001] .....    14.627203: module_free: floppy', '(udev-worker)', 121],
    ['           <...>-42      [001] .....    14.627203: module_free: floppy', '<...>', 42],
    ['  kworker/u4:1-50        [001] .....    14.627203: module_free: floppy', 'kworker/u4:1', 50],
    ['  Web Content-3141       [001] .....    14.627203: module_free: floppy', 'Web Content', 3141],
    ['  [x] -y-z-77            [001] .....    14.627203: module_free: floppy', '[x] -y-z', 77],
    ['  a-1 [2] b-8            [001] .....    14.627203: module_free: floppy', 'a-1 [2] b', 8],
  ];
  for (const [line, task, pid] of cases) {
    assert.deepEqual(
      only(`# tracer: nop\n${line}\n`),
      { kind: 'module_free', line: 2, time: 14.627203, task, pid, cpu: 1, name: 'floppy' },
      line,
    );
  }
});

test('flags columns of 0, 4 and 5 characters, and a TGID column', () => {
  const load = (line: number, cpu: number) => ({
    kind: 'module_load',
    line,
    time: 131.382138,
    task: 'modprobe',
    pid: 1020,
    cpu,
    name: 'can_raw',
    taints: '',
  });
  assert.deepEqual(
    only('# tracer: nop\n        modprobe-1020    [001]    131.382138: module_load: can_raw \n'),
    load(2, 1),
  );
  assert.deepEqual(only('        modprobe-1020    [001] d..1   131.382138: module_load: can_raw \n'), load(1, 1));
  assert.deepEqual(only('        modprobe-1020    [011] .N...   131.382138: module_load: can_raw \n'), load(1, 11));
  assert.deepEqual(
    only('        modprobe-1020    (   1020) [001] dNh2.   131.382138: module_load: can_raw \n'),
    load(1, 1),
  );
  assert.deepEqual(
    only('        modprobe-1020    (-------) [001] .....   131.382138: module_load: can_raw \n'),
    load(1, 1),
  );
});

test('timestamps equal Number() of the printed decimal, whatever their length or clock', () => {
  for (const stamp of [
    '0.000001',
    '14.627203',
    '131.504273',
    '98765.4321',
    '123456789.123456',
    '1234567890.123456789',
    '987654321987',
    '3.1',
  ]) {
    const e = only(`# tracer: nop\n  x-1 [000] .....  ${stamp}: module_free: m\n`);
    assert.equal(e.time, Number(stamp), stamp);
  }
  // Many 6-digit fractions through the text reader at once (a linear congruential sequence, fixed seed).
  const stamps: string[] = [];
  for (let i = 0, x = 12345; i < 20000; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    stamps.push(`${x % 100000}.${String(x % 1000000).padStart(6, '0')}`);
  }
  const { events } = collectText(
    '# tracer: nop\n' + stamps.map((t) => `  x-1 [000] ..... ${t}: module_free: m\n`).join(''),
  );
  assert.deepEqual(
    events.map((e) => e.time),
    stamps.map(Number),
  );
});

test('module_request call sites: +0xOFF/0xLEN, [module], both, neither; names with spaces', () => {
  const request = (payload: string) =>
    only(`# tracer: nop\n  mount-7 [000] .....     5.000001: module_request: ${payload}\n`);
  assert.deepEqual(request('fs-ext4 wait=1 call_site=get_fs_type+0x1a/0x30'), {
    kind: 'module_request',
    line: 2,
    time: 5.000001,
    task: 'mount',
    pid: 7,
    cpu: 0,
    name: 'fs-ext4',
    wait: true,
    callSite: { symbol: 'get_fs_type', offset: 0x1a, length: 0x30, module: null },
  });
  assert.deepEqual(
    (request('nf-nat wait=0 call_site=nf_nat_x+0x4f/0x1c0 [nf_nat]') as { callSite: unknown }).callSite,
    { symbol: 'nf_nat_x', offset: 0x4f, length: 0x1c0, module: 'nf_nat' },
  );
  assert.deepEqual((request('x wait=1 call_site=tty_ldisc_get.part.0 ') as { callSite: unknown }).callSite, {
    symbol: 'tty_ldisc_get.part.0',
    ...noCallSite,
  });
  assert.deepEqual((request('x wait=1 call_site=0xffffffffc0a8b123') as { callSite: unknown }).callSite, {
    symbol: '0xffffffffc0a8b123',
    ...noCallSite,
  });
  const spaced = request('a name wait=1 call_site=f wait=0 call_site=g [m]') as { name: string; wait: boolean };
  assert.deepEqual([spaced.name, spaced.wait], ['a name wait=1 call_site=f', false]);
});

test('module_load taint letters, and module_get/module_put with offsets', () => {
  assert.deepEqual(only('   insmod-5 [000] .....     2.000000: module_load: nvidia POE\n'), {
    kind: 'module_load',
    line: 1,
    time: 2,
    task: 'insmod',
    pid: 5,
    cpu: 0,
    name: 'nvidia',
    taints: 'POE',
  });
  assert.deepEqual(
    only('   bash-5 [001] .....     3.000000: module_put: ext4 call_site=do_exit+0x10/0x20 [foo] refcnt=0\n'),
    {
      kind: 'module_put',
      line: 1,
      time: 3,
      task: 'bash',
      pid: 5,
      cpu: 1,
      name: 'ext4',
      callSite: { symbol: 'do_exit', offset: 0x10, length: 0x20, module: 'foo' },
      refcnt: 0,
    },
  );
});

test('trace-cmd report padding, and perf script with PID/TID and spaces in the task', () => {
  assert.deepEqual(
    only(
      'version = 6\nCPU 0 is empty\ncpus=2\n   mount-9  [001]   154.272908: module_request:       fs-squashfs wait=1 call_site=get_fs_type\n',
    ),
    {
      kind: 'module_request',
      line: 4,
      time: 154.272908,
      task: 'mount',
      pid: 9,
      cpu: 1,
      name: 'fs-squashfs',
      wait: true,
      callSite: { symbol: 'get_fs_type', ...noCallSite },
    },
  );
  assert.deepEqual(
    only(' Web Content  100/1178 [000]   175.831144: module:module_request: nls_utf8 wait=1 call_site=load_nls\n'),
    {
      kind: 'module_request',
      line: 1,
      time: 175.831144,
      task: 'Web Content',
      pid: 1178,
      cpu: 0,
      name: 'nls_utf8',
      wait: true,
      callSite: { symbol: 'load_nls', ...noCallSite },
    },
  );
  assert.deepEqual(only('   modprobe 1179 [000]   175.799399:    module_load: hfsplus \n', 'perf'), {
    kind: 'module_load',
    line: 1,
    time: 175.799399,
    task: 'modprobe',
    pid: 1179,
    cpu: 0,
    name: 'hfsplus',
    taints: '',
  });
});

test('dmesg: the dups.c, kmod throttling and no-fs lines, with and without prefixes', () => {
  const text = [
    '[    0.000000] Linux version 6.12.0',
    '[   12.345678] module: module-autoload: duplicate request for module fs-hfs',
    '[   12.400000] module-autoload: duplicate request for module crypto-aes',
    '[   13.000000] request_module: modprobe net-pf-10 cannot be processed, kmod busy with 50 threads for more than 5 seconds now',
    '[   14.500000] request_module fs-nosuchfs succeeded, but still no fs?',
    '[   15.000000][ T1234] module: module-autoload: duplicate request for module fs-jfs',
    'module: module-autoload: duplicate request for module fs-udf',
    'Nov 23 01:00:00 host kernel: request_module fs-x succeeded, but still no fs?',
    '[   15.500000] [    C1] module-autoload: duplicate request for module fs-jfs',
    '[   16.000000] request_module: modprobe  cannot be processed, kmod busy with 50 threads for more than 5 seconds now',
    '',
  ].join('\n');
  const c = collectText(text);
  assert.deepEqual(summaryOf(c), {
    file: '<text>',
    format: 'dmesg',
    bytes: Buffer.byteLength(text),
    lines: 10,
    events: 8,
    skippedLines: 1,
    warnings: [{ line: 10, message: 'looks like an autoloader kernel message but its module name cannot be read' }],
    warningCount: 1,
  });
  const base = { task: '', pid: -1, cpu: -1 };
  assert.deepEqual(c.events, [
    {
      kind: 'log_duplicate',
      line: 2,
      time: 12.345678,
      ...base,
      name: 'fs-hfs',
      text: 'module-autoload: duplicate request for module fs-hfs',
    },
    {
      kind: 'log_duplicate',
      line: 3,
      time: 12.4,
      ...base,
      name: 'crypto-aes',
      text: 'module-autoload: duplicate request for module crypto-aes',
    },
    {
      kind: 'log_throttled',
      line: 4,
      time: 13,
      ...base,
      name: 'net-pf-10',
      text: 'request_module: modprobe net-pf-10 cannot be processed, kmod busy with 50 threads for more than 5 seconds now',
    },
    {
      kind: 'log_no_fs',
      line: 5,
      time: 14.5,
      ...base,
      name: 'fs-nosuchfs',
      text: 'request_module fs-nosuchfs succeeded, but still no fs?',
    },
    {
      kind: 'log_duplicate',
      line: 6,
      time: 15,
      task: '',
      pid: 1234,
      cpu: -1,
      name: 'fs-jfs',
      text: 'module-autoload: duplicate request for module fs-jfs',
    },
    {
      kind: 'log_duplicate',
      line: 7,
      time: -1,
      ...base,
      name: 'fs-udf',
      text: 'module-autoload: duplicate request for module fs-udf',
    },
    {
      kind: 'log_no_fs',
      line: 8,
      time: -1,
      ...base,
      name: 'fs-x',
      text: 'request_module fs-x succeeded, but still no fs?',
    },
    {
      kind: 'log_duplicate',
      line: 9,
      time: 15.5,
      task: '',
      pid: -1,
      cpu: 1,
      name: 'fs-jfs',
      text: 'module-autoload: duplicate request for module fs-jfs',
    },
  ]);
});

test('detectTraceFormat: headers, preambles, event shapes, and null for anything else', () => {
  const head = (name: string): string[] => readFileSync(path.join(SAMPLE, name), 'utf8').split('\n').slice(0, 40);
  assert.equal(detectTraceFormat(head('trace.txt')), 'ftrace');
  assert.equal(detectTraceFormat(head('trace-report.txt')), 'trace-cmd');
  assert.equal(detectTraceFormat(head('trace-cmd-record-report.txt')), 'trace-cmd');
  assert.equal(detectTraceFormat(head('perf-script.txt')), 'perf');
  assert.equal(detectTraceFormat(head('dmesg.txt')), 'dmesg');
  assert.equal(detectTraceFormat(['', 'version = 6']), 'trace-cmd');
  assert.equal(detectTraceFormat(['CPU 0 is empty']), 'trace-cmd');
  // trace_pipe: no header; the flags column tells it from trace-cmd; any event will do.
  assert.equal(detectTraceFormat(['   <idle>-0  [001] d..2.  20.000000: sched_switch: prev_comm=swapper/1']), 'ftrace');
  assert.equal(detectTraceFormat(['   bash-10  [001]  20.000000: sched_switch: prev_comm=bash']), 'trace-cmd');
  assert.equal(detectTraceFormat(['module: module-autoload: duplicate request for module fs-hfs']), 'dmesg');
  assert.equal(detectTraceFormat(['Linux version 6.1.0-50-amd64 (debian-kernel@lists.debian.org)']), 'dmesg');
  assert.equal(detectTraceFormat(['<6>[    0.000000] Linux version 6.1.0']), 'dmesg');
  assert.equal(detectTraceFormat(['[Mon Nov 23 01:00:00 2026] Linux version 6.1.0']), 'dmesg');
  assert.equal(detectTraceFormat(['Nov 23 01:00:00 qemu kernel: Linux version 6.1.0']), 'dmesg');
  assert.equal(detectTraceFormat(['hello', '', 'world']), null);
  assert.equal(detectTraceFormat([]), null);
});
