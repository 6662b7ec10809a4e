/**
 * Kernel log (dmesg) lines that the autoloader prints:
 *   kernel/module/dups.c:    `module: module-autoload: duplicate request for module NAME` (pr_warn, or WARN without `module: `)
 *   kernel/module/kmod.c:    `request_module: modprobe NAME cannot be processed, kmod busy with 50 threads for more than 5 seconds now`
 *   2.6-era kernel/kmod.c:   `request_module: runaway loop modprobe NAME`
 *   fs/filesystems.c:        `request_module fs-NAME succeeded, but still no fs?`
 * Logs come pasted from mails and CI systems, so the message may follow, in this order: mail quote marks at any depth
 * (`> > `, `>>`), a host clock (`08:55:31.066490`, ISO `2024-05-01T08:55:31.066490+00:00`, syslog's and journalctl's
 * `May 01 08:55:31` with `host kernel:`, `dmesg -T`'s `[Mon Nov 23 01:00:00 2026]`), a `<N>` level, the `[ seconds]`
 * stamp, printk's caller id (`[  T123]`, `[    C1]`), and `host kernel:` after a stamp (journalctl -o short-monotonic).
 */
import type { KernelLogEvent } from '../events';

/** What precedes the message on a kernel log line. */
export interface KernelLogPrefix {
  /** Where the message starts. */
  messageStart: number;
  /** The `[ seconds]` stamp, or -1 (a host clock is wall time, not time since boot). */
  time: number;
  pid: number;
  cpu: number;
  /**
   * The prefix holds something only kernel log lines have (a level, a `[ seconds]` stamp, `host kernel:`, dmesg -T's
   * clock): enough to tell a pasted log from the mail text around it.
   */
  stamped: boolean;
}

// Sticky: each is tried where the previous part ended.
const QUOTES = /(?:[ \t]*>)*[ \t]*/y;
const HOST_CLOCK = new RegExp(
  [
    /(?:\d{4}-\d\d-\d\d[T ])?\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?[ \t]+/.source,
    /[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?[ \t]+/.source,
  ].join('|'),
  'y',
);
const DMESG_T_CLOCK = /\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\][ \t]*/y;
const JOURNAL_HOST = /\S+ kernel:[ \t]*/y;
const LEVEL = /<\d{1,3}>[ \t]*/y;
const SECONDS = /\[ *(\d+\.\d+)\][ \t]*/y;
const CALLER = /\[ *([TC])(\d+)\][ \t]*/y;

/** The autoloader's messages, read where the prefix ends; each alternative captures its text and the name it is about. */
const MESSAGE = new RegExp(
  [
    /(?:module: )?(module-autoload: duplicate request for module (.*))/.source,
    /(request_module: modprobe (.+) cannot be processed, kmod busy with \d+ threads for more than \d+ seconds now)/
      .source,
    /(request_module: runaway loop modprobe (.*))/.source,
    // The fs line reports the requested name (`fs-NAME`), so it joins the request it is about.
    /(request_module (fs-.+) succeeded, but still no fs\?)/.source,
  ].join('|'),
  'y',
);
/** The kind of each alternative of MESSAGE: alternative i holds the text in group 2i+1 and the name in 2i+2. */
const KINDS: KernelLogEvent['kind'][] = ['log_duplicate', 'log_throttled', 'log_runaway', 'log_no_fs'];
/** The start of one of the messages, whose name could not be read. */
const MESSAGE_HEAD = /(?:module: )?module-autoload: |request_module[: ]/y;

/** Lines worth a warning when they cannot be read: they mention one of the messages. */
const LOOKS_LIKE_AUTOLOAD_LOG = /duplicate request for module|kmod busy with|runaway loop modprobe|but still no fs\?/;

export function looksLikeKernelLogEvent(line: string): boolean {
  return LOOKS_LIKE_AUTOLOAD_LOG.test(line);
}

function sticky(re: RegExp, line: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(line);
}

export function readKernelLogPrefix(line: string): KernelLogPrefix {
  const p: KernelLogPrefix = { messageStart: 0, time: -1, pid: -1, cpu: -1, stamped: false };
  let pos = sticky(QUOTES, line, 0)![0].length;
  const take = (re: RegExp): RegExpExecArray | null => {
    const m = sticky(re, line, pos);
    if (m !== null) pos += m[0].length;
    return m;
  };
  let host = false;
  if (take(DMESG_T_CLOCK) !== null) p.stamped = true;
  else if (take(HOST_CLOCK) !== null) host = take(JOURNAL_HOST) !== null;
  if (take(LEVEL) !== null) p.stamped = true;
  const seconds = take(SECONDS);
  if (seconds !== null) p.time = Number(seconds[1]);
  const caller = take(CALLER);
  if (caller !== null) {
    if (caller[1] === 'T') p.pid = Number(caller[2]);
    else p.cpu = Number(caller[2]);
  }
  if (!host && seconds !== null) host = take(JOURNAL_HOST) !== null;
  p.stamped ||= host || seconds !== null;
  p.messageStart = pos;
  return p;
}

/** A line that mentions an autoloader message but could not be read. */
export interface KernelLogWarning {
  warning: string;
}

/**
 * Returns the event, a warning when the line mentions one of the messages but cannot be read, or null for any other
 * line (other kernel messages, mail text).
 */
export function parseKernelLogLine(line: string, lineNumber: number): KernelLogEvent | KernelLogWarning | null {
  if (!looksLikeKernelLogEvent(line)) return null;
  const p = readKernelLogPrefix(line);
  const m = sticky(MESSAGE, line, p.messageStart);
  const i = m === null ? -1 : KINDS.findIndex((_, k) => m[2 * k + 1] !== undefined);
  const name = i < 0 ? '' : m![2 * i + 2].trimEnd();
  if (name === '') {
    return sticky(MESSAGE_HEAD, line, p.messageStart) !== null
      ? { warning: 'looks like an autoloader kernel message but its module name cannot be read' }
      : { warning: 'an autoloader kernel message after text that is not a kernel log prefix; not read' };
  }
  return {
    kind: KINDS[i],
    line: lineNumber,
    time: p.time,
    task: '',
    pid: p.pid,
    cpu: p.cpu,
    name,
    text: m![2 * i + 1].trimEnd(),
  };
}
