/**
 * Untidy and wrong inputs: each gives an exact error or warning, and nothing throws. Synthetic files are written
 * to a temporary directory, mostly as edits of the real trace.txt.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ModuleRequestEvent } from '../../../src/engine/events';
import { collectFile, collectText, countByKind, errorOf, ROOT, SAMPLE, summaryOf } from './collect';

const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-trace-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const traceText = readFileSync(path.join(SAMPLE, 'trace.txt'), 'utf8');
/** trace.txt's lines, without the empty string after the final newline. */
const traceLines = traceText.split('\n').slice(0, -1);

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

test('an empty file is refused with empty-trace', async () => {
  const file = write('empty.txt', '');
  assert.deepEqual(errorOf(await collectFile(file)), {
    code: 'empty-trace',
    file,
    message: 'the trace is empty',
    hint: 'capture it after the events happened, e.g. cat /sys/kernel/tracing/trace > trace.txt (as root)',
  });
  assert.equal(errorOf(await collectFile(write('blank.txt', '\n  \r\n\n'))).code, 'empty-trace');
  assert.equal(errorOf(collectText('')).code, 'empty-trace');
});

test("trace-cmd's binary trace.dat is refused with the command that converts it", async () => {
  const file = path.join(ROOT, 'test/fixtures/traces/trace-dat-head.bin');
  const c = await collectFile(file);
  assert.deepEqual(errorOf(c), {
    code: 'binary-trace',
    file,
    message: 'this is a binary trace-cmd trace.dat file; Autoload Lens reads text traces',
    hint: `run: trace-cmd report ${file} > trace.txt`,
  });
  assert.deepEqual(c.events, []);
  assert.equal(errorOf(collectText(readFileSync(file, 'latin1'))).code, 'binary-trace');
});

test('perf.data is refused with the perf script command', async () => {
  const file = write('perf.data', Buffer.concat([Buffer.from('PERFILE2'), Buffer.from([0x68, 0, 0, 0, 0, 0, 0, 0])]));
  assert.deepEqual(errorOf(await collectFile(file)), {
    code: 'binary-trace',
    file,
    message: 'this is a binary perf.data file; Autoload Lens reads text traces',
    hint: `run: perf script -i ${file} > trace.txt`,
  });
});

test('other binary files (NUL bytes) are refused clearly', async () => {
  const file = write('random.bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0x0a, 0x41]));
  assert.deepEqual(errorOf(await collectFile(file)), {
    code: 'binary-trace',
    file,
    message: 'this is a binary file (it contains NUL bytes), not a text trace',
    hint: 'give the text of /sys/kernel/tracing/trace, `trace-cmd report`, `perf script` or `dmesg`',
  });
  assert.equal(
    errorOf(await collectFile(write('trace.txt.gz', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2])))).hint,
    'decompress it first (zcat, zstdcat or xzcat)',
  );
});

test('ftrace latency-format output is refused with how to read the normal format', async () => {
  const file = write(
    'latency.txt',
    [
      '# tracer: nop',
      '#',
      '#                    _------=> CPU#            ',
      '#                   / _-----=> irqs-off/BH-disabled',
      '#  modprobe-1020    1.... 12345us : module_load: can_raw ',
      '',
    ].join('\n'),
  );
  assert.deepEqual(errorOf(await collectFile(file)), {
    code: 'latency-format',
    file,
    message: 'this trace is in ftrace latency format, whose lines carry no timestamps in seconds',
    hint: 'turn the option off (echo 0 > /sys/kernel/tracing/options/latency-format) and read /sys/kernel/tracing/trace again',
  });
});

test('a missing file or a directory is an unreadable-file error naming the path', async () => {
  const missing = path.join(dir, 'no-such-trace.txt');
  assert.deepEqual(errorOf(await collectFile(missing)), {
    code: 'unreadable-file',
    file: missing,
    message: `cannot read the trace: ENOENT: no such file or directory, open '${missing}'`,
    hint: 'check the path and its permissions',
  });
  const sub = path.join(dir, 'a-directory');
  mkdirSync(sub);
  assert.deepEqual(errorOf(await collectFile(sub)), {
    code: 'unreadable-file',
    file: sub,
    message: `${sub} is a directory, not a trace file`,
    hint: 'give the trace file itself',
  });
});

test('text that is no trace at all is unknown-trace-format; --trace-format overrides detection', async () => {
  const file = write('prose.txt', 'Dear diary,\ntoday the kernel loaded a module.\n');
  assert.equal(errorOf(await collectFile(file)).code, 'unknown-trace-format');
  const forced = await collectFile(file, { format: 'ftrace' });
  assert.deepEqual(summaryOf(forced), {
    file,
    format: 'ftrace',
    bytes: 46,
    lines: 2,
    events: 0,
    skippedLines: 2,
    warnings: [],
    warningCount: 0,
  });
});

test('a truncated last line inside a request name: the event is not read, a located warning says so', async () => {
  const cut = traceText.slice(0, traceText.length - ' wait=1 call_site=__rtnl_newlink\n'.length - 'suchkind'.length);
  assert.ok(cut.endsWith('module_request: rtnl-link-no'));
  const c = await collectFile(write('truncated.txt', cut));
  assert.deepEqual(summaryOf(c), {
    file: path.join(dir, 'truncated.txt'),
    format: 'ftrace',
    bytes: Buffer.byteLength(cut),
    lines: 615,
    events: 601,
    skippedLines: 12,
    warnings: [
      {
        line: 615,
        message: 'the trace ends inside this module_request event (no final newline): it was cut short; not read',
      },
    ],
    warningCount: 1,
  });
  assert.deepEqual(countByKind(c.events), { module_load: 321, module_request: 263, module_free: 17 });
});

test('a last line without its newline is read, with a warning that it may be cut short', async () => {
  const cut = traceText.slice(0, -'newlink\n'.length);
  const c = await collectFile(write('no-final-newline.txt', cut));
  const s = summaryOf(c);
  assert.equal(s.events, 602);
  assert.deepEqual(s.warnings, [
    { line: 615, message: 'the trace ends inside this line (no final newline): the event may be cut short' },
  ]);
  assert.deepEqual((c.events.at(-1) as ModuleRequestEvent).callSite?.symbol, '__rtnl_');
});

test('a 1 MB line is skipped (or reported when it starts like a module event) and later lines keep their numbers', async () => {
  const garbage = 'x'.repeat(1 << 20);
  const fakeEvent = '          ktrig.py-618     [000] .....   107.799248: module_request: ' + 'A'.repeat(1 << 20);
  const lines = [...traceLines.slice(0, 20), garbage, fakeEvent, ...traceLines.slice(20)];
  const c = await collectFile(write('long-line.txt', lines.join('\n') + '\n'));
  assert.deepEqual(summaryOf(c), {
    file: path.join(dir, 'long-line.txt'),
    format: 'ftrace',
    bytes: traceText.length + garbage.length + fakeEvent.length + 2,
    lines: 617,
    events: 602,
    skippedLines: 13,
    warnings: [{ line: 22, message: 'line is longer than 8192 characters, far too long for a module event; not read' }],
    warningCount: 1,
  });
  assert.equal(c.events.at(-1)?.line, 617);
  // The same through the text reader, where the long lines are inside one string.
  assert.deepEqual(collectText(lines.join('\n') + '\n').events, c.events);
});

test('a 1 MB last line without a newline is skipped without holding it', async () => {
  const c = await collectFile(write('long-tail.txt', traceText + 'y'.repeat(3 << 20)));
  const s = summaryOf(c);
  assert.deepEqual([s.lines, s.events, s.skippedLines, s.warningCount], [616, 602, 13, 0]);
});

test('garbage lines and other events are counted as skipped; broken module lines are located warnings', async () => {
  const inserted = [
    'hello world',
    '\x01\x02\x03 binary-ish',
    '          <idle>-0       [001] d..2.    20.000000: sched_switch: prev_comm=swapper/1 prev_pid=0 ==> next_comm=bash',
    '',
    '   garbage-12 [000] ..... 21.000000: module_load:',
    'oops module_free: but no columns',
    '     modprobe-1 [000] .....    22.000000: module_get: foo refcnt=1',
  ];
  const lines = [...traceLines.slice(0, 100), ...inserted, ...traceLines.slice(100)];
  const c = await collectFile(write('garbage.txt', lines.join('\n') + '\n'));
  assert.deepEqual(summaryOf(c), {
    file: path.join(dir, 'garbage.txt'),
    format: 'ftrace',
    bytes: Buffer.byteLength(lines.join('\n') + '\n'),
    lines: 622,
    events: 602,
    skippedLines: 16,
    warnings: [
      { line: 105, message: 'module_load without a readable module name and taint letters; not read' },
      { line: 106, message: 'looks like a module event but the task, pid, CPU and timestamp columns cannot be read' },
      { line: 107, message: 'module_get without readable `call_site=` and `refcnt=` fields; not read' },
    ],
    warningCount: 3,
  });
});

test('lost and overwritten events are located warnings', () => {
  const text = [
    '# tracer: nop',
    '#',
    '# entries-in-buffer/entries-written: 602/750   #P:2',
    '    mount-9 [000] .....    1.000000: module_request: fs-ext4 wait=1 call_site=get_fs_type',
    'CPU:1 [LOST 12 EVENTS]',
    '    mount-9 [001] .....    1.000001: module_request: fs-ext4 wait=1 call_site=get_fs_type',
    'CPU:0 [LOST EVENTS]',
    '',
  ].join('\n');
  const c = collectText(text);
  assert.deepEqual(summaryOf(c), {
    file: '<text>',
    format: 'ftrace',
    bytes: text.length,
    lines: 7,
    events: 2,
    skippedLines: 2,
    warnings: [
      {
        line: 3,
        message:
          'the ring buffer overwrote its 148 oldest events (602 kept of 750 written): requests and loads before the first event are missing',
      },
      {
        line: 5,
        message: 'the kernel lost 12 events on CPU 1 here (ring buffer overrun): requests and loads may be missing',
      },
      {
        line: 7,
        message:
          'the kernel lost an unknown number of events on CPU 0 here (ring buffer overrun): requests and loads may be missing',
      },
    ],
    warningCount: 3,
  });
});

test('a request without wait= followed by another event is a warning, and the next event is still read', () => {
  const text = [
    '# tracer: nop',
    '    mount-9 [000] .....    1.000000: module_request: fs-broken',
    '    mount-9 [000] .....    1.000001: module_request: fs-ext4 wait=1 call_site=get_fs_type',
    '',
  ].join('\n');
  const c = collectText(text);
  assert.deepEqual(summaryOf(c).warnings, [
    { line: 2, message: 'module_request without `wait=` and `call_site=` in 1 line; not read' },
  ]);
  assert.deepEqual(
    c.events.map((e) => [e.line, (e as ModuleRequestEvent).name]),
    [[3, 'fs-ext4']],
  );
});

test('warnings are capped at 100 but all counted', () => {
  const text = '# tracer: nop\n' + '   x-1 [000] ..... 1.0: module_free: a b\n'.repeat(250);
  const s = summaryOf(collectText(text));
  assert.deepEqual([s.warnings.length, s.warningCount, s.warnings[99]?.line], [100, 250, 101]);
});

test('CRLF line ends are read exactly like LF', async () => {
  const crlf = traceText.replace(/\n/g, '\r\n');
  const c = await collectFile(write('crlf.txt', crlf));
  const lf = await collectFile(path.join(SAMPLE, 'trace.txt'));
  assert.deepEqual(c.events, lf.events);
  assert.deepEqual({ ...summaryOf(c), file: '', bytes: 0 }, { ...summaryOf(lf), file: '', bytes: 0 });
});

test('invalid UTF-8 is read as U+FFFD, not fatal', async () => {
  const bad = Buffer.concat([
    Buffer.from('# tracer: nop\n     ktrig.py-1 [000] .....    1.500000: module_request: fs-'),
    Buffer.from([0xff, 0xfe, 0xc3]),
    Buffer.from(' wait=1 call_site=get_fs_type\n\xe9t\xe9 \x80\x81 garbage\n', 'latin1'),
  ]);
  const c = await collectFile(write('invalid-utf8.txt', bad));
  assert.deepEqual(summaryOf(c), {
    file: path.join(dir, 'invalid-utf8.txt'),
    format: 'ftrace',
    bytes: bad.length,
    lines: 3,
    events: 1,
    skippedLines: 2,
    warnings: [],
    warningCount: 0,
  });
  assert.equal((c.events[0] as ModuleRequestEvent).name, 'fs-\ufffd\ufffd\ufffd');
});

test('a multi-chunk file: lines cut by chunk boundaries, CRLF and multi-byte characters are read exactly', async () => {
  // Each copy shifts the byte offsets so that chunk boundaries fall at many different places in lines.
  const body = traceLines.slice(12).join('\r\n') + '\r\n';
  const copies = 60;
  const text =
    traceLines.slice(0, 12).join('\n') +
    '\n' +
    Array.from({ length: copies }, (_, i) => '#' + 'é'.repeat(i) + '\n' + body).join('');
  const file = write('multi-chunk.txt', text);
  assert.ok(Buffer.byteLength(text) > 3 << 20);
  const progress: number[] = [];
  const c = await collectFile(file, { onProgress: (read, total) => progress.push(total - read) });
  const s = summaryOf(c);
  assert.deepEqual([s.events, s.skippedLines, s.warningCount], [602 * copies, 12 + copies, 0]);
  assert.deepEqual(countByKind(c.events), {
    module_load: 321 * copies,
    module_request: 264 * copies,
    module_free: 17 * copies,
  });
  const hdaudio = c.events.filter((e) => e.kind === 'module_request' && e.name.startsWith('hdaudio:'));
  assert.equal(hdaudio.length, copies);
  assert.ok(hdaudio.every((e) => (e as ModuleRequestEvent).name === 'hdaudio:v1AF40022r00100101a01\n'));
  assert.equal(progress.at(-1), 0);
  assert.ok(progress.length >= 3);
});

test('cancellation through an AbortSignal returns the cancelled error', async () => {
  const file = write('cancel.txt', traceText.repeat(40));
  const before = new AbortController();
  before.abort();
  assert.deepEqual(errorOf(await collectFile(file, { signal: before.signal })), {
    code: 'cancelled',
    file,
    message: 'reading the trace was cancelled',
  });
  const during = new AbortController();
  const c = await collectFile(file, { signal: during.signal, onProgress: () => during.abort() });
  assert.equal(errorOf(c).code, 'cancelled');
  assert.ok(c.events.length > 0 && c.events.length < 602 * 40);
});

test('a pipe (trace_pipe) delivering a perf script in small pieces is detected and read like the file', async () => {
  const fifo = path.join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const reading = collectFile(fifo);
  const writer = await open(fifo, 'w');
  const text = readFileSync(path.join(SAMPLE, 'perf-script.txt'));
  for (let i = 0; i < text.length; i += 50) {
    await writer.write(text.subarray(i, i + 50));
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await writer.close();
  const c = await reading;
  const fromFile = await collectFile(path.join(SAMPLE, 'perf-script.txt'));
  assert.deepEqual(c.events, fromFile.events);
  assert.deepEqual({ ...summaryOf(c), file: '' }, { ...summaryOf(fromFile), file: '' });
});

test('randomly damaged traces never throw, and every line is still counted', () => {
  // Deterministic damage (a linear congruential sequence): characters dropped, doubled or replaced, lines cut.
  let x = 4242;
  const next = (n: number): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % n;
  };
  const alphabet = ' -[]():.=+/\n\r\t0123456789abcxyz_\u00e9\ufffd';
  for (let round = 0; round < 20; round++) {
    const lines = [...traceLines];
    for (let k = 0; k < 400; k++) {
      const i = next(lines.length);
      const line = lines[i];
      const at = next(line.length + 1);
      const what = next(3);
      const keep = what === 1 ? line.slice(at, at + 1) : what === 2 ? alphabet[next(alphabet.length)] : '';
      lines[i] = line.slice(0, at) + keep + line.slice(what === 1 ? at : at + 1);
    }
    const joined = lines.join('\n') + '\n';
    const text = joined.slice(0, joined.length - next(200));
    for (const format of [undefined, 'ftrace', 'trace-cmd', 'perf', 'dmesg'] as const) {
      const c = collectText(text, format ? { format } : {});
      if (!c.result.ok) {
        assert.equal(c.result.error.code, 'unknown-trace-format');
        continue;
      }
      const s = c.result.value;
      assert.equal(s.lines, text.split('\n').length - (text.endsWith('\n') ? 1 : 0));
      assert.equal(s.events, c.events.length);
      assert.ok(s.skippedLines + s.events + s.warningCount <= s.lines);
      assert.ok(
        c.events.every((e, i) => e.line >= 1 && e.line <= s.lines && (i === 0 || e.line > c.events[i - 1].line)),
      );
    }
  }
});
