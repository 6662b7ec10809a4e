/**
 * The per-event prefix of the line-oriented trace formats (everything before the payload).
 *   ftrace / trace_pipe:  TASK-PID [(TGID)] [CPU] [FLAGS] TIMESTAMP: EVENT: PAYLOAD   (FLAGS: 0, 4 or 5 characters)
 *   trace-cmd report:     TASK-PID [CPU] TIMESTAMP: EVENT:   PAYLOAD                 (event name padded)
 *   perf script:          TASK PID[/TID] [CPU] TIMESTAMP: SYSTEM:EVENT: PAYLOAD
 * The task name is whatever precedes `-PID` (or ` PID` for perf) before the `[CPU]` column, so it may contain
 * spaces, brackets and dashes. Hand-written rather than a regular expression: this runs once per line of
 * traces with millions of lines, and the backtracking over the task name was the reader's main cost.
 */

import { codeWords, keywordAt, NOT_ASCII, type Codes } from './asciiCodes';
import type { ModuleEventName } from './payload';

export interface EventLineHead {
  /**
   * Where the task name is in the line, without its padding: the name is made only for module events (see
   * NameTable), not for every line of a trace that records other events too.
   */
  taskStart: number;
  taskEnd: number;
  pid: number;
  cpu: number;
  time: number;
  /** `true` when a flags column was printed (ftrace's irq-info). */
  hasFlags: boolean;
  /** The module event, or null for any other event (sched_switch, ...). */
  event: ModuleEventName | null;
  /** Where the payload starts in the line: after `EVENT:` and its padding. */
  payloadStart: number;
}

/**
 * Parses the line `s[start, end)` in place, reading its characters from `b`, the codes of `s` (see asciiCodes):
 * `s` may be a whole chunk of the trace, which saves cutting every line out of it. The character at `end` is the
 * line's `\n` or `\r` (or past the end), which stops every scan. `bracket` is the position of the line's first
 * `[`, or any position from `end` on when it has none. The head returned is one object that every parse fills
 * again (a trace has millions of lines): read it before parsing the next line.
 */
export type EventLineParser = (
  s: string,
  b: Codes,
  start: number,
  end: number,
  bracket: number,
) => EventLineHead | null;

/** ftrace and trace-cmd report share one layout; trace-cmd just omits the flags column by default. */
export function parseFtraceLine(
  s: string,
  b: Codes,
  start: number,
  end: number,
  bracket: number,
): EventLineHead | null {
  return parseHead(s, b, start, end, bracket, false);
}

export function parsePerfLine(s: string, b: Codes, start: number, end: number, bracket: number): EventLineHead | null {
  return parseHead(s, b, start, end, bracket, true);
}

const SPACE = 0x20;
const TAB = 0x09;
const COLON = 0x3a;
const ZERO = 0x30;
const NINE = 0x39;
const MAX_FLAGS = 6;
const MAX_TGID = 12;

/** `c` may be undefined (a position before or past the codes), which is neither. */
function isDigit(c: number | undefined): boolean {
  return c! >= ZERO && c! <= NINE;
}

function isBlank(c: number | undefined): boolean {
  return c === SPACE || c === TAB;
}

/** The head every parse fills (see EventLineParser). */
const lineHead: EventLineHead = {
  taskStart: 0,
  taskEnd: 0,
  pid: 0,
  cpu: 0,
  time: 0,
  hasFlags: false,
  event: null,
  payloadStart: 0,
};

function parseHead(
  s: string,
  b: Codes,
  start: number,
  end: number,
  bracket: number,
  perf: boolean,
): EventLineHead | null {
  // The CPU column is the first `[DIGITS]` that the pid column precedes; earlier brackets belong to the task.
  for (let open = bracket; open < end; open = s.indexOf('[', open + 1)) {
    if (open < 0) return null;
    const head = parseHeadAt(s, b, start, end, open, perf);
    if (head !== null) return head;
  }
  return null;
}

function parseHeadAt(
  s: string,
  b: Codes,
  start: number,
  end: number,
  open: number,
  perf: boolean,
): EventLineHead | null {
  let i = open + 1;
  let cpu = 0;
  if (!isDigit(b[i])) return null;
  for (let c = b[i]; isDigit(c); c = b[++i]) cpu = cpu * 10 + (c - ZERO);
  if (b[i] !== 0x5d /* ] */) return null;
  const afterCpu = i + 1;

  // Leftwards from `[`: blanks, ftrace's optional `(TGID)`, blanks, the pid, and its separator from the task.
  let j = open - 1;
  if (!isBlank(b[j])) return null;
  while (isBlank(b[j])) j--;
  if (!perf && b[j] === 0x29 /* ) */) {
    // `(TGID)` is `(%7d)`: look back a few characters only, never into earlier lines.
    let tgidOpen = j - 1;
    while (tgidOpen > start && j - tgidOpen <= MAX_TGID && b[tgidOpen] !== 0x28 /* ( */) tgidOpen--;
    if (b[tgidOpen] !== 0x28 || !/^\(\s*(?:\d+|-+)\)$/.test(s.slice(tgidOpen, j + 1))) return null;
    j = tgidOpen - 1;
    if (!isBlank(b[j])) return null;
    while (isBlank(b[j])) j--;
  }
  let pidEnd = j + 1;
  let pid = 0;
  for (let scale = 1, c = b[j]; isDigit(c); c = b[--j], scale *= 10) pid += (c - ZERO) * scale;
  if (j + 1 === pidEnd) return null;
  // perf prints PID/TID with `-F pid,tid`; ftrace's pid is the thread's, so keep the TID.
  if (perf && b[j] === 0x2f /* / */) {
    pidEnd = j;
    j--;
    while (isDigit(b[j])) j--;
    if (j + 1 === pidEnd) return null;
  }
  let taskEnd: number;
  if (perf) {
    if (!isBlank(b[j])) return null;
    while (j >= start && isBlank(b[j])) j--;
    taskEnd = j + 1;
  } else {
    if (b[j] !== 0x2d /* - */) return null;
    taskEnd = j;
  }
  const taskStart = taskNameStart(s, b, start, taskEnd);
  if (taskStart === taskEnd) return null;

  // Rightwards from `]`: blanks, optional flags, blanks, TIMESTAMP:, blanks, EVENT:, blanks.
  i = afterCpu;
  if (!isBlank(b[i])) return null;
  while (isBlank(b[i])) i++;
  let hasFlags = false;
  let time = parseTimestamp(s, b, i);
  if (time < 0) {
    if (perf) return null;
    const flagsStart = i;
    while (i < end && i - flagsStart <= MAX_FLAGS && b[i] !== SPACE) i++;
    if (i >= end || i - flagsStart > MAX_FLAGS || b[i] !== SPACE) return null;
    while (isBlank(b[i])) i++;
    hasFlags = true;
    time = parseTimestamp(s, b, i);
    if (time < 0) return null;
  }
  i = timestampEnd + 1;
  if (!isBlank(b[i])) return null;
  while (isBlank(b[i])) i++;
  let eventStart = i;
  // A module event's name and colon are checked where they would be, with no search.
  let event = moduleEventAt(b, eventStart, end, perf);
  if (event !== null) {
    i = eventStart + event.length;
  } else {
    i = indexOfColon(b, i, end);
    // perf prefixes the event with its system (`module:module_request`).
    if (perf && i < end && !isBlank(b[i + 1])) {
      eventStart = i + 1;
      i = indexOfColon(b, eventStart, end);
    }
    if (i <= eventStart || i >= end) return null;
    event = moduleEvent(b, eventStart, i);
  }
  i++;
  while (isBlank(b[i])) i++;
  lineHead.taskStart = taskStart;
  lineHead.taskEnd = taskEnd;
  lineHead.pid = pid;
  lineHead.cpu = cpu;
  lineHead.time = time;
  lineHead.hasFlags = hasFlags;
  lineHead.event = event;
  lineHead.payloadStart = i;
  return lineHead;
}

/** The first `:` in `b[start, end)`, or `end`. */
function indexOfColon(b: Codes, start: number, end: number): number {
  let i = start;
  while (i < end && b[i] !== COLON) i++;
  return i;
}

/**
 * Where the task column `s[start, end)` starts without its padding, as `trimStart` gives it. The column is
 * right-aligned with spaces; only a name that starts with another blank or a character beyond ASCII (which may be a
 * Unicode space) needs `trimStart` itself.
 */
function taskNameStart(s: string, b: Codes, start: number, end: number): number {
  let i = start;
  while (i < end && b[i] === SPACE) i++;
  const c = b[i];
  return c > SPACE && c < NOT_ASCII ? i : end - s.slice(i, end).trimStart().length;
}

const MODULE_EVENTS: ModuleEventName[] = ['module_request', 'module_load', 'module_free', 'module_get', 'module_put'];
const MODULE_EVENT_WORDS = MODULE_EVENTS.map(codeWords);

/**
 * The module event whose name and colon start at `start` (in perf output, a blank follows the colon, or the
 * name is a system's), or null. The letter after `module_` picks the one name to compare.
 */
function moduleEventAt(b: Codes, start: number, end: number, perf: boolean): ModuleEventName | null {
  let e: number;
  switch (b[start + 7]) {
    case 0x72 /* r */:
      e = 0;
      break;
    case 0x6c /* l */:
      e = 1;
      break;
    case 0x66 /* f */:
      e = 2;
      break;
    case 0x67 /* g */:
      e = 3;
      break;
    case 0x70 /* p */:
      e = 4;
      break;
    default:
      return null;
  }
  const name = MODULE_EVENT_WORDS[e];
  const colon = start + name.length;
  if (colon >= end || b[colon] !== COLON || (perf && !isBlank(b[colon + 1]))) return null;
  return keywordAt(b, start, end, name) ? MODULE_EVENTS[e] : null;
}

/** The module event named by `b[start, end)`, or null for any other event. */
function moduleEvent(b: Codes, start: number, end: number): ModuleEventName | null {
  const length = end - start;
  for (let e = 0; e < MODULE_EVENT_WORDS.length; e++) {
    // Lengths differ from most other events' names, so most comparisons stop there.
    const name = MODULE_EVENT_WORDS[e];
    if (name.length === length && keywordAt(b, start, end, name)) return MODULE_EVENTS[e];
  }
  return null;
}

/** Where the last timestamp parsed by `parseTimestamp` ends (its `:`); module state keeps the parser allocation-free. */
let timestampEnd = 0;

/**
 * Seconds from `DIGITS[.DIGITS]:` at `start`, or -1. Equal to `Number(text)`: seconds and fraction are small
 * integers, `seconds * scale + fraction` is exact, and one correctly rounded division by a power of ten gives the
 * nearest double, as parsing the decimal does. Longer numbers fall back to `Number`.
 */
function parseTimestamp(s: string, b: Codes, start: number): number {
  let i = start;
  let seconds = 0;
  for (let c = b[i]; isDigit(c); c = b[++i]) seconds = (seconds * 10 + (c - ZERO)) | 0;
  const secondsEnd = i;
  if (secondsEnd === start) return -1;
  let fraction = 0;
  let scale = 1;
  if (b[i] === 0x2e /* . */) {
    for (let c = b[++i]; isDigit(c); c = b[++i]) {
      fraction = (fraction * 10 + (c - ZERO)) | 0;
      scale *= 10;
    }
    if (scale === 1) return -1;
  }
  if (b[i] !== COLON) return -1;
  timestampEnd = i;
  // Up to 9 digits each the int32 arithmetic cannot have wrapped; up to 15 in all the sum below is exact.
  if (secondsEnd - start > 9 || scale > 1e9 || i - start > 16) return Number(s.slice(start, i));
  return (seconds * scale + fraction) / scale;
}
