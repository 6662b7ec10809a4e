/**
 * Turns the lines of a trace, one at a time, into events for a synchronous sink. Shared by the file reader and
 * the text reader; it never sees more than one event's lines at once.
 */
import type { TraceEvent, TraceFormat, TraceWarning } from '../events';
import { asciiCodes, type Codes } from './asciiCodes';
import { parseFtraceLine, parsePerfLine, type EventLineHead, type EventLineParser } from './eventLine';
import { looksLikeKernelLogEvent, parseKernelLogLine } from './kernelLog';
import { NameTable } from './nameTable';
import { parseFreePayload, parseLoadPayload, parseRefPayload, parseRequestPayload } from './payload';

/** Warnings kept in the summary; the rest are only counted. */
const MAX_WARNINGS = 100;

/** A requested name holds at most 55 bytes, so a request spans a few lines at most even if it is all newlines. */
const MAX_REQUEST_LINES = 8;

const LOOKS_LIKE_MODULE_EVENT = /module_(?:request|load|free|get|put):/;
const LOST_EVENTS = /^CPU:\s*(\d+) \[LOST (?:(\d+) )?EVENTS\]/;
const ENTRIES = /^# entries-in-buffer\/entries-written: (\d+)\/(\d+)/;

/** A module_request whose name contains a newline, waiting for the line that holds `wait=` and `call_site=`. */
interface PendingRequest {
  time: number;
  task: string;
  pid: number;
  cpu: number;
  /** The payload so far, its lines joined with `\n`. */
  payload: string;
  line: number;
  lines: number;
}

interface LineCounts {
  lines: number;
  events: number;
  skippedLines: number;
  warnings: TraceWarning[];
  warningCount: number;
}

export class TraceLineReader {
  readonly counts: LineCounts = { lines: 0, events: 0, skippedLines: 0, warnings: [], warningCount: 0 };
  private readonly parseHead: EventLineParser | null;
  private readonly names = new NameTable();
  private pending: PendingRequest | null = null;
  /** Number of the last line that completed an event. */
  private lastEventLine = 0;

  constructor(
    readonly format: TraceFormat,
    private readonly sink: (e: TraceEvent) => void,
  ) {
    this.parseHead = format === 'perf' ? parsePerfLine : format === 'dmesg' ? null : parseFtraceLine;
  }

  /**
   * One line, `text[start, end)`, without its `\n` (a trailing CR is tolerated), and the position of its first
   * `[` (`end` or beyond when it has none); `codes` are the codes of `text` (see asciiCodes). `text` may hold many
   * lines: the line is read in place and only the fields of its event are copied out.
   */
  line(text: string, codes: Codes, start: number, end: number, bracket: number): void {
    const number = ++this.counts.lines;
    if (end > start && codes[end - 1] === 0x0d /* CR */) end--;
    if (this.parseHead === null) {
      this.kernelLogLine(text.slice(start, end), number);
      return;
    }
    const head = this.parseHead(text, codes, start, end, bracket);
    if (this.pending !== null) {
      if (head === null) {
        this.continueRequest(text.slice(start, end));
        return;
      }
      this.abandonRequest();
    }
    if (head === null) {
      const line = text.slice(start, end);
      if (LOOKS_LIKE_MODULE_EVENT.test(line))
        this.warn(number, 'looks like a module event but the task, pid, CPU and timestamp columns cannot be read');
      else if (!this.lostEvents(line, number)) this.counts.skippedLines++;
      return;
    }
    this.eventLine(text, codes, end, head, number);
  }

  /** A line longer than `limit` characters, not held in full; `start` is its beginning. */
  overlongLine(start: string, limit: number): void {
    const number = ++this.counts.lines;
    if (this.pending !== null) this.abandonRequest();
    const looksLikeEvent =
      this.parseHead === null ? looksLikeKernelLogEvent(start) : LOOKS_LIKE_MODULE_EVENT.test(start);
    if (looksLikeEvent)
      this.warn(number, `line is longer than ${limit} characters, far too long for a module event; not read`);
    else this.counts.skippedLines++;
  }

  /**
   * End of input. `unterminated` says the last line had no newline: a trace written by the kernel always ends
   * with one, so an event on that line may have been cut short.
   */
  finish(unterminated: boolean): void {
    if (this.pending !== null && unterminated) {
      const { line } = this.pending;
      this.pending = null;
      this.warn(line, 'the trace ends inside this module_request event (no final newline): it was cut short; not read');
    } else if (this.pending !== null) {
      this.abandonRequest();
    } else if (unterminated && this.lastEventLine === this.counts.lines) {
      this.warn(this.lastEventLine, 'the trace ends inside this line (no final newline): the event may be cut short');
    }
  }

  private eventLine(text: string, codes: Codes, end: number, head: EventLineHead, number: number): void {
    const { event, payloadStart } = head;
    if (event === null) {
      this.counts.skippedLines++;
      return;
    }
    const { time, pid, cpu } = head;
    const task = this.names.name(text, codes, head.taskStart, head.taskEnd);
    switch (event) {
      case 'module_request': {
        const p = parseRequestPayload(text, codes, payloadStart, end, this.names);
        const payload = p === null ? text.slice(payloadStart, end) : '';
        if (p !== null)
          this.emit({
            kind: 'module_request',
            line: number,
            time,
            task,
            pid,
            cpu,
            name: p.name,
            wait: p.wait,
            callSite: p.callSite,
          });
        else if (payload.includes(' wait='))
          this.warn(number, 'module_request with an unreadable `wait=` or `call_site=` field; not read');
        // No `wait=` yet: the requested name contains a newline and the event goes on on the next line.
        else this.pending = { time, task, pid, cpu, payload, line: number, lines: 1 };
        return;
      }
      case 'module_load': {
        const p = parseLoadPayload(text, codes, payloadStart, end, this.names);
        if (p !== null)
          this.emit({ kind: 'module_load', line: number, time, task, pid, cpu, name: p.name, taints: p.taints });
        else this.warn(number, 'module_load without a readable module name and taint letters; not read');
        return;
      }
      case 'module_free': {
        const name = parseFreePayload(text, codes, payloadStart, end, this.names);
        if (name !== null) this.emit({ kind: 'module_free', line: number, time, task, pid, cpu, name });
        else this.warn(number, 'module_free without a readable module name; not read');
        return;
      }
      case 'module_get':
      case 'module_put': {
        const p = parseRefPayload(text, codes, payloadStart, end, this.names);
        if (p !== null)
          this.emit({
            kind: event,
            line: number,
            time,
            task,
            pid,
            cpu,
            name: p.name,
            callSite: p.callSite,
            refcnt: p.refcnt,
          });
        else this.warn(number, `${event} without readable \`call_site=\` and \`refcnt=\` fields; not read`);
        return;
      }
    }
  }

  private continueRequest(line: string): void {
    const pending = this.pending!;
    pending.payload += '\n' + line;
    pending.lines++;
    const p = parseRequestPayload(pending.payload, asciiCodes(pending.payload), 0, pending.payload.length, this.names);
    if (p !== null) {
      this.pending = null;
      this.emit({
        kind: 'module_request',
        line: pending.line,
        time: pending.time,
        task: pending.task,
        pid: pending.pid,
        cpu: pending.cpu,
        name: p.name,
        wait: p.wait,
        callSite: p.callSite,
      });
    } else if (pending.lines >= MAX_REQUEST_LINES) {
      this.abandonRequest();
    }
  }

  private abandonRequest(): void {
    const { line, lines } = this.pending!;
    this.pending = null;
    this.warn(
      line,
      `module_request without \`wait=\` and \`call_site=\` in ${lines} line${lines === 1 ? '' : 's'}; not read`,
    );
  }

  /**
   * Lines where the ring buffer says it dropped events: ftrace's and trace-cmd's `CPU:N [LOST M EVENTS]`, and the
   * `# entries-in-buffer/entries-written: KEPT/WRITTEN` header when older events were overwritten. Requests and
   * loads may be missing there, which the replay's findings should be read with.
   */
  private lostEvents(line: string, number: number): boolean {
    const lost = LOST_EVENTS.exec(line);
    if (lost !== null) {
      const count = lost[2] === undefined ? 'an unknown number of' : lost[2];
      this.warn(
        number,
        `the kernel lost ${count} events on CPU ${lost[1]} here (ring buffer overrun): requests and loads may be missing`,
      );
      return true;
    }
    const entries = ENTRIES.exec(line);
    if (entries === null || Number(entries[2]) <= Number(entries[1])) return false;
    const overwritten = Number(entries[2]) - Number(entries[1]);
    this.warn(
      number,
      `the ring buffer overwrote its ${overwritten} oldest events (${entries[1]} kept of ${entries[2]} written): requests and loads before the first event are missing`,
    );
    return true;
  }

  private kernelLogLine(line: string, number: number): void {
    const e = parseKernelLogLine(line, number);
    if (e === null) this.counts.skippedLines++;
    else if ('warning' in e) this.warn(number, e.warning);
    else this.emit(e);
  }

  private emit(e: TraceEvent): void {
    this.counts.events++;
    this.lastEventLine = this.counts.lines;
    this.sink(e);
  }

  private warn(line: number, message: string): void {
    const c = this.counts;
    c.warningCount++;
    if (c.warnings.length < MAX_WARNINGS) c.warnings.push({ line, message });
  }
}
