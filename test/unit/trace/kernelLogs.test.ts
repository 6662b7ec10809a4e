/**
 * Kernel logs as people paste them (test/fixtures/kernel-logs): quoted in mails, with caller ids, host clocks and
 * levels from CI, journalctl's shapes, dups.c with and without its `module: ` prefix, an oops dump inside a mail, and
 * the 2.6-era runaway-loop line. Each file is read as found (format detected) with exact events, counts and findings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import * as path from 'node:path';
import type { KernelLogEvent, TraceWarning } from '../../../src/engine/events';
import { replayText, replayTrace } from '../../../src/engine/replay';
import type { Finding } from '../../../src/engine/report';
import type { Report } from '../../../src/engine/reportStream/index';
import { readKernelLogPrefix } from '../../../src/engine/trace/kernelLog';
import { detectTraceFormat } from '../../../src/engine/trace/index';
import { collectFile, collectText, ROOT, summaryOf } from './collect';

const FIXTURES = path.join(ROOT, 'test/fixtures/kernel-logs');
const DUP = 'module-autoload: duplicate request for module ';
const BUSY = ' cannot be processed, kmod busy with 50 threads for more than 5 seconds now';

type Expected = Pick<KernelLogEvent, 'kind' | 'line' | 'time' | 'name' | 'text'> &
  Partial<Pick<KernelLogEvent, 'pid' | 'cpu'>>;

/** Reads a fixture as a user would (no format given) and checks every count, then the events. */
async function readsAs(
  name: string,
  lines: number,
  expected: Expected[],
  warnings: TraceWarning[] = [],
): Promise<void> {
  const file = path.join(FIXTURES, name);
  const c = await collectFile(file);
  assert.deepEqual(summaryOf(c), {
    file,
    format: 'dmesg',
    bytes: statSync(file).size,
    lines,
    events: expected.length,
    skippedLines: lines - expected.length - warnings.length,
    warnings,
    warningCount: warnings.length,
  });
  assert.deepEqual(
    c.events,
    expected.map((e) => ({ task: '', pid: -1, cpu: -1, ...e })),
  );
}

const dup = (line: number, time: number, name: string, pid = -1): Expected => ({
  kind: 'log_duplicate',
  line,
  time,
  pid,
  name,
  text: DUP + name,
});

async function replay(name: string): Promise<Report> {
  const r = await replayTrace({ tracePath: path.join(FIXTURES, name) });
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

test('a mail reply quoting a log at depth 1, with and without a space after the mark', async () => {
  await readsAs('quoted-depth-1.txt', 11, [
    dup(5, 14.627203, 'fs-hfs'),
    dup(6, 14.627251, 'fs-hfs'),
    dup(7, 14.62726, 'fs-hfs'),
  ]);
});

test('a log quoted at depth 3 (`> > > ` and `>>>`), with caller ids', async () => {
  await readsAs('quoted-depth-3.txt', 10, [
    dup(5, 31.052817, 'crypto-sha256', 214),
    dup(6, 31.052902, 'crypto-sha256', 215),
    {
      kind: 'log_no_fs',
      line: 7,
      time: 31.410376,
      pid: 301,
      name: 'fs-nfs4',
      text: 'request_module fs-nfs4 succeeded, but still no fs?',
    },
  ]);
});

test('CONFIG_PRINTK_CALLER: task ids `[  T412]` give the pid, CPU ids `[    C1]` the cpu', async () => {
  await readsAs('caller-id.txt', 7, [
    dup(3, 5.104376, 'fs-hfs', 412),
    {
      kind: 'log_throttled',
      line: 7,
      time: 19.203117,
      pid: 1187,
      name: 'net-pf-10',
      text: `request_module: modprobe net-pf-10${BUSY}`,
    },
  ]);
  // Interrupt context (the C ids) never requests modules: its lines are other messages, read up to the message.
  assert.deepEqual(readKernelLogPrefix('[   12.816002][    C1] sched: RT throttling activated'), {
    messageStart: 23,
    time: 12.816002,
    pid: -1,
    cpu: 1,
    stamped: true,
  });
});

test("CI logs: a host clock and a `<N>` level before the stamp, IGT's `<6> [seconds]`", async () => {
  await readsAs('ci-host-clock.txt', 5, [
    {
      kind: 'log_throttled',
      line: 3,
      time: 226.086518,
      name: 'net-pf-10',
      text: `request_module: modprobe net-pf-10${BUSY}`,
    },
    dup(4, 226.08654, 'fs-hfs', 1734),
  ]);
});

test('journalctl -k: short-iso-precise, short-iso, short-precise, short, syslog with a stamp, short-monotonic', async () => {
  // A host clock is wall time, not seconds since boot: those lines have no time unless the kernel's stamp follows.
  await readsAs('journalctl.txt', 8, [
    dup(2, -1, 'fs-hfs'),
    {
      kind: 'log_no_fs',
      line: 3,
      time: -1,
      name: 'fs-nosuchfs',
      text: 'request_module fs-nosuchfs succeeded, but still no fs?',
    },
    { kind: 'log_throttled', line: 4, time: -1, name: 'net-pf-10', text: `request_module: modprobe net-pf-10${BUSY}` },
    dup(5, -1, 'crypto-aes'),
    dup(7, 16.204511, 'fs-jfs'),
    dup(8, 17.309412, 'fs-udf'),
  ]);
});

test("dmesg -T: the host's clock in brackets is no time since boot", () => {
  const c = collectText('[Wed May  1 08:55:31 2024] module: module-autoload: duplicate request for module fs-hfs\n');
  assert.equal(summaryOf(c).format, 'dmesg');
  assert.deepEqual(c.events, [{ task: '', pid: -1, cpu: -1, ...dup(1, -1, 'fs-hfs') }]);
});

test("dups.c: pr_warn's `module: ` prefix, and WARN's line without it (enable_dups_trace turned on at run time)", async () => {
  await readsAs('dups-module-prefix.txt', 7, [
    dup(2, 12.345678, 'fs-hfs'),
    dup(3, 12.345702, 'fs-hfs'),
    dup(5, 301.100215, 'fs-hfs'),
  ]);
});

test('a bug report mail with oops dumps between the log lines: mail text and dumps skipped, a prose mention warned', async () => {
  await readsAs(
    'mail-oops.txt',
    33,
    [dup(10, 58.201736, 'fs-hfs'), dup(28, 58.202311, 'fs-hfs')],
    [
      {
        line: 7,
        message: 'an autoloader kernel message after text that is not a kernel log prefix; not read',
      },
    ],
  );
  const report = await replay('mail-oops.txt');
  assert.equal(report.trace!.skippedLines, 30);
  assert.deepEqual(report.findings, [
    {
      rule: 'duplicate-request',
      severity: 'warning',
      message:
        '`fs-hfs`: the kernel reported a duplicate request (dups.c) (2 log lines, first: "module-autoload: duplicate request for module fs-hfs").',
      name: 'fs-hfs',
      requests: [],
      location: null,
      traceLines: [10, 28],
      evidence: { kernelLog: 'log_duplicate' },
    },
  ]);
});

const RUNAWAY =
  'the request failed with -ENOMEM: more than min(max_threads/2, 50) requests were in flight (the 2.6-era kmod limit, "runaway loop")';
const UNPRINTED = (n: number): string =>
  ` The kernel prints this line only for the first 5 such failures of a boot, and the log holds ${n}: more requests may have failed with -ENOMEM than it shows.`;

function runawayFinding(name: string, lines: number[], first: string, total: number): Finding {
  return {
    rule: 'throttled-request',
    severity: 'error',
    message: `\`${name}\`: ${RUNAWAY} (${lines.length} log line${lines.length === 1 ? '' : 's'}, first: "${first}").${total >= 5 ? UNPRINTED(total) : ''}`,
    name,
    requests: [],
    location: null,
    traceLines: lines,
    evidence: { kernelLog: 'log_runaway', runawayLines: total, printLimitReached: total >= 5 },
  };
}

test('2.6: a modprobe that cannot exec loops on binfmt-464c; five runaway lines printed, the rest of the failures not', async () => {
  const line = 'request_module: runaway loop modprobe binfmt-464c';
  await readsAs(
    'runaway-2.6.txt',
    9,
    [4, 5, 6, 7, 8].map((n) => ({ kind: 'log_runaway', line: n, time: -1, name: 'binfmt-464c', text: line })),
  );
  const report = await replay('runaway-2.6.txt');
  assert.deepEqual(report.findings, [runawayFinding('binfmt-464c', [4, 5, 6, 7, 8], line, 5)]);
  assert.equal(report.summary.findings['throttled-request'], 1);
});

test('runaway lines: the five-line limit counts every name; below it no note', () => {
  const findings = (lines: string[]): Finding[] => {
    const r = replayText(`${lines.join('\n')}\n`, { file: 'log.txt' });
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    return r.value.findings;
  };
  const loop = (name: string, seconds: string): string => `[ ${seconds}] request_module: runaway loop modprobe ${name}`;
  // Four binfmt-464c failures and an innocent one in between ("We may be blaming an innocent here", kmod.c).
  assert.deepEqual(
    findings([
      loop('binfmt-464c', '4.212034'),
      loop('binfmt-464c', '4.212101'),
      loop('net-pf-1', '4.212150'),
      loop('binfmt-464c', '4.212166'),
      loop('binfmt-464c', '4.212230'),
    ]),
    [
      runawayFinding('binfmt-464c', [1, 2, 4, 5], 'request_module: runaway loop modprobe binfmt-464c', 5),
      runawayFinding('net-pf-1', [3], 'request_module: runaway loop modprobe net-pf-1', 5),
    ],
  );
  assert.deepEqual(findings([loop('binfmt-464c', '4.212034'), loop('binfmt-464c', '4.212101')]), [
    runawayFinding('binfmt-464c', [1, 2], 'request_module: runaway loop modprobe binfmt-464c', 2),
  ]);
});

test('detection: a pasted log is a kernel log even after lines of mail text, whatever its prefixes', () => {
  const mail = ['From: Jane Doe <jane@example.org>', 'Subject: [BUG] boot hangs', '', 'Hi, the bot says:'];
  const shapes = [
    '> > > [   31.052817][  T214] usb 1-1: new high-speed USB device number 2 using ehci-pci',
    '>>[   31.052817] usb 1-1: new high-speed USB device number 2 using ehci-pci',
    '08:55:31.066490  <4>[  226.086518] i915 0000:00:02.0: [drm] GT0: reset done',
    '<6> [225.771210] Console: switching to colour frame buffer device 240x67',
    '2024-05-01T08:55:31.066490+00:00 qemu kernel: usb 1-1: new high-speed USB device number 2 using ehci-pci',
    'May 01 08:55:31 qemu kernel: usb 1-1: new high-speed USB device number 2 using ehci-pci',
    '[   17.309412] qemu kernel: usb 1-1: new high-speed USB device number 2 using ehci-pci',
    '> Linux version 2.6.18-6-amd64 (Debian 2.6.18.dfsg.1-26etch2)',
  ];
  for (const line of shapes) assert.equal(detectTraceFormat([...mail, line]), 'dmesg', line);
  // Mail text alone, and a host clock alone (any text can start with one), are not a kernel log.
  assert.equal(detectTraceFormat(mail), null);
  assert.equal(detectTraceFormat(['08:55 lunch?', '12:30:00 meeting with the bot team']), null);
});
