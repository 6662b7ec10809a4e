/**
 * A replay needs one boot's events in time order. The sample trace twice in a row (two boots' traces concatenated, or
 * `journalctl -k` over several boots) held every request after the first copy in its dups.c windows, since time never
 * moved past the first copy's end: the report said `crypto-cryptd(__xts-aes-aesni)-all` was requested 4,424 times
 * "within 0 µs", and memory grew with the trace (540 MB for 257 MB). Time that goes back by more than a second is
 * refused at its line; what merging the CPUs' buffers leaves (less) is replayed as before.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ReportCollector } from '../../../src/engine/reportStream/index';
import { replayText, streamReplay } from '../../../src/engine/replay/index';

const root = path.resolve(__dirname, '../../../..');
const trace = readFileSync(path.join(root, 'samples/boot-6.1-qemu/trace.txt'), 'utf8');
const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-time-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Read off the sample: 615 lines, its last event `131.504273: module_request: rtnl-link-nosuchkind` on line 615; its
// first event `14.627203: module_load: floppy` on line 13 (after 12 header lines), so line 628 in a second copy.
const TWICE_MESSAGE =
  "time goes back 116.877070 s here (to 14.627203 s, after 131.504273 s at line 615): a replay needs one boot's events in time order, and another boot's seem to follow";
const HINT =
  "replay each boot's trace on its own: split the file where the time starts again (of a kernel log, journalctl -k -b gives one boot)";

test('two traces one after the other are refused where the second begins, and reading stops there', async () => {
  const file = path.join(dir, 'twice.txt');
  // 40 copies: 2.4 MB, three chunks of the reader.
  writeFileSync(file, trace.repeat(40));
  let chunks = 0;
  const r = await streamReplay({ tracePath: file, onProgress: () => chunks++ }, new ReportCollector());
  assert.deepEqual(r.ok ? null : r.error, {
    code: 'time-goes-back',
    file,
    line: 628,
    message: TWICE_MESSAGE,
    hint: HINT,
  });
  // The first megabyte holds the second copy's start: the other two are not read.
  assert.equal(chunks, 1);
  const text = replayText(trace + trace, { file: 'buffer' });
  assert.deepEqual(text.ok ? null : text.error, {
    code: 'time-goes-back',
    file: 'buffer',
    line: 628,
    message: TWICE_MESSAGE,
    hint: HINT,
  });
});

/** The sample with the event line `line` (1-based) stamped `time` instead. */
function restamped(line: number, time: string): string {
  const lines = trace.split('\n');
  lines[line - 1] = lines[line - 1].replace(/\d+\.\d{6}:/, `${time}:`);
  return lines.join('\n');
}

test('time that goes back less than a second is replayed (merged CPU buffers); more is refused', () => {
  // Line 14 is `15.129430: module_load: usb_common`, after line 13 at 14.627203 and before line 15 at 15.161542.
  const original = replayText(trace, { file: 'sample' });
  if (!original.ok) assert.fail(original.error.message);
  // Line 15 stamped 14.261542: 0.867888 s before line 14's time.
  const slightly = replayText(restamped(15, '14.261542'), { file: 'sample' });
  if (!slightly.ok) assert.fail(slightly.error.message);
  assert.equal(slightly.value.summary.requests, original.value.summary.requests);
  assert.equal(slightly.value.summary.loads, original.value.summary.loads);
  const more = replayText(restamped(15, '14.129429'), { file: 'sample' });
  assert.deepEqual(more.ok ? null : [more.error.code, more.error.line, more.error.message], [
    'time-goes-back',
    15,
    "time goes back 1.000001 s here (to 14.129429 s, after 15.129430 s at line 14): a replay needs one boot's events in time order, and another boot's seem to follow",
  ]);
});

test('a kernel log line without its stamp (no time) is in no order: a log that mixes them is replayed', () => {
  const log = [
    '[   50.000000] module: module-autoload: duplicate request for module fs-foo',
    'module: module-autoload: duplicate request for module fs-bar',
    '[   50.100000] module: module-autoload: duplicate request for module fs-baz',
    '',
  ].join('\n');
  const r = replayText(log, { file: 'log' });
  if (!r.ok) assert.fail(r.error.message);
  assert.equal(r.value.trace?.events, 3);
});
