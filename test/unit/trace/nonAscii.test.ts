/**
 * Characters beyond ASCII next to every column separator: the parsers read bytes and cut fields out of the
 * decoded text, so positions must agree whatever the text holds, in the file reader (piece by piece, ASCII
 * pieces and others) as in the text reader.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TraceEvent } from '../../../src/engine/events';
import { collectFile, collectText, summaryOf } from './collect';

const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-non-ascii-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const site = (symbol: string, module: string | null = null) => ({ symbol, offset: null, length: null, module });

type WithoutLine<T> = T extends unknown ? Omit<T, 'line'> : never;

/** Each line with the event it must give (its `line` filled in below). */
const cases: [string, WithoutLine<TraceEvent>][] = [
  [
    '  wörker-12     [000] .....     1.000001: module_request: fs-ñ wait=1 call_site=get_fs_type',
    {
      kind: 'module_request',
      time: 1.000001,
      task: 'wörker',
      pid: 12,
      cpu: 0,
      name: 'fs-ñ',
      wait: true,
      callSite: site('get_fs_type'),
    },
  ],
  [
    '  😀-7     [001] .....     1.000002: module_request: 😀 😀 wait=0 call_site=f😀+0x1/0x2 [m😀]',
    {
      kind: 'module_request',
      time: 1.000002,
      task: '😀',
      pid: 7,
      cpu: 1,
      name: '😀 😀',
      wait: false,
      callSite: { symbol: 'f😀', offset: 1, length: 2, module: 'm😀' },
    },
  ],
  // trimStart takes a no-break space as padding, so the reader does too.
  [
    '\u00a0 x y-5     [000] .....     1.000003: module_free: é',
    { kind: 'module_free', time: 1.000003, task: 'x y', pid: 5, cpu: 0, name: 'é' },
  ],
  [
    '  a\u00a0-6     [000] .....     1.000004: module_load: ça POE',
    { kind: 'module_load', time: 1.000004, task: 'a\u00a0', pid: 6, cpu: 0, name: 'ça', taints: 'POE' },
  ],
  [
    '  ü [1] v-8     [000] .....     1.000005: module_put: ß call_site=ö [ä] refcnt=2',
    {
      kind: 'module_put',
      time: 1.000005,
      task: 'ü [1] v',
      pid: 8,
      cpu: 0,
      name: 'ß',
      callSite: site('ö', 'ä'),
      refcnt: 2,
    },
  ],
];

/** The cases spread through a trace long enough for the file reader to decode it in many pieces. */
function trace(): { text: string; events: TraceEvent[] } {
  const filler = '          <idle>-0       [001] d.h1.     0.500000: sched_switch: prev_comm=swapper next_comm=x';
  const lines = ['# tracer: nop'];
  const events: TraceEvent[] = [];
  for (let round = 0; round < 40; round++) {
    for (let k = 0; k < 200; k++) lines.push(filler);
    // Most rounds are ASCII only and longer than a piece (16 KB): pieces of both kinds.
    for (const [line, event] of round % 4 === 0 ? cases : []) {
      lines.push(line);
      events.push({ ...event, line: lines.length });
    }
  }
  return { text: lines.join('\n') + '\n', events };
}

test('characters beyond ASCII in tasks, names, call sites and padding are read in place, from text and from file', async () => {
  const { text, events } = trace();
  const fromText = collectText(text);
  assert.deepEqual(summaryOf(fromText).warnings, []);
  assert.deepEqual(fromText.events, events);
  const file = path.join(dir, 'non-ascii.txt');
  writeFileSync(file, text);
  const fromFile = await collectFile(file);
  assert.deepEqual(summaryOf(fromFile).warnings, []);
  assert.deepEqual(fromFile.events, events);
  assert.equal(summaryOf(fromFile).lines, text.split('\n').length - 1);
});
