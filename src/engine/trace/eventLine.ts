/**
 * The per-event prefix of the line-oriented trace formats (everything before the payload).
 *   ftrace / trace_pipe:  TASK-PID [(TGID)] [CPU] [FLAGS] TIMESTAMP: EVENT: PAYLOAD   (FLAGS: 0, 4 or 5 characters)
 *   trace-cmd report:     TASK-PID [CPU] TIMESTAMP: EVENT:   PAYLOAD                 (event name padded)
 *   perf script:          TASK PID[/TID] [CPU] TIMESTAMP: SYSTEM:EVENT: PAYLOAD
 * The task name is whatever precedes `-PID` (or ` PID` for perf); it may contain spaces, brackets and dashes.
 */

export interface EventLineHead {
  task: string;
  pid: number;
  cpu: number;
  time: number;
  /** `true` when a flags column was printed (ftrace's irq-info). */
  hasFlags: boolean;
  event: string;
  /** The text after `EVENT:` with the padding removed. */
  payload: string;
}

export type EventLineParser = (line: string) => EventLineHead | null;

const FTRACE_HEAD = /^\s*(.*?)-(\d+)\s+(?:\(\s*(?:\d+|-+)\)\s+)?\[(\d+)\]\s+(?:(\S{1,6})\s+)?(\d+(?:\.\d+)?):\s+(\w+):/;

/** ftrace and trace-cmd report share one layout; trace-cmd just omits the flags column by default. */
export function parseFtraceLine(line: string): EventLineHead | null {
  const m = FTRACE_HEAD.exec(line);
  if (m === null) return null;
  return {
    task: m[1]!,
    pid: Number(m[2]),
    cpu: Number(m[3]),
    time: Number(m[5]),
    hasFlags: m[4] !== undefined,
    event: m[6]!,
    payload: line.slice(m[0].length).trimStart(),
  };
}

const PERF_HEAD = /^\s*(.*?)\s+(\d+)(?:\/(\d+))?\s+\[(\d+)\]\s+(\d+(?:\.\d+)?):\s+(?:\w+:)?(\w+):/;

export function parsePerfLine(line: string): EventLineHead | null {
  const m = PERF_HEAD.exec(line);
  if (m === null) return null;
  return {
    task: m[1]!,
    // With `-F pid,tid` perf prints PID/TID; ftrace's pid is the thread's, so keep the TID.
    pid: Number(m[3] ?? m[2]),
    cpu: Number(m[4]),
    time: Number(m[5]),
    hasFlags: false,
    event: m[6]!,
    payload: line.slice(m[0].length).trimStart(),
  };
}
