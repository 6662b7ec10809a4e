/**
 * Kernel log (dmesg) lines that the autoloader prints, with or without the `[ seconds]` prefix:
 *   kernel/module/dups.c:    `module: module-autoload: duplicate request for module NAME` (pr_warn, or WARN without `module: `)
 *   kernel/module/kmod.c:    `request_module: modprobe NAME cannot be processed, kmod busy with 50 threads for more than 5 seconds now`
 *   fs/filesystems.c:        `request_module fs-NAME succeeded, but still no fs?`
 * Other prefixes (`<4>`, journalctl's `host kernel:`, printk caller ids `[T123]`/`[C1]`) are tolerated.
 */
import type { KernelLogEvent } from '../events';

const PREFIX = /^\s*(?:<\d+>)?(?:\[\s*(\d+\.\d+)\])?\s?(?:\[\s*([TC])(\d+)\])?/;
const DUPLICATE = 'module-autoload: duplicate request for module ';
const THROTTLED = /request_module: modprobe (.+) cannot be processed, kmod busy with \d+ threads for more than \d+ seconds now/;
const NO_FS = /request_module (fs-.+) succeeded, but still no fs\?/;

/** Lines worth a warning when they cannot be read: they mention one of the three messages. */
const LOOKS_LIKE_AUTOLOAD_LOG = /duplicate request for module|kmod busy with|but still no fs\?/;

export function looksLikeKernelLogEvent(line: string): boolean {
  return LOOKS_LIKE_AUTOLOAD_LOG.test(line);
}

/** Returns the event, or null when the line is not one of the three messages. */
export function parseKernelLogLine(line: string, lineNumber: number): KernelLogEvent | null {
  let kind: KernelLogEvent['kind'];
  let name: string;
  let text: string;
  const dup = line.indexOf(DUPLICATE);
  if (dup >= 0) {
    kind = 'log_duplicate';
    name = line.slice(dup + DUPLICATE.length).trimEnd();
    text = line.slice(dup);
  } else {
    const throttled = THROTTLED.exec(line);
    // The fs line reports the requested name (`fs-NAME`), so it joins the request it is about.
    const noFs = throttled === null ? NO_FS.exec(line) : null;
    const m = throttled ?? noFs;
    if (m === null) return null;
    kind = throttled !== null ? 'log_throttled' : 'log_no_fs';
    name = m[1]!;
    text = m[0];
  }
  if (name === '') return null;
  const p = PREFIX.exec(line)!;
  return {
    kind,
    line: lineNumber,
    // -1 like pid and cpu: a log without `[ seconds]` prefixes has no time to give.
    time: p[1] === undefined ? -1 : Number(p[1]),
    task: '',
    pid: p[2] === 'T' ? Number(p[3]) : -1,
    cpu: p[2] === 'C' ? Number(p[3]) : -1,
    name,
    text,
  };
}
