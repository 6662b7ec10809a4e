/** Which text format a trace is in, and which inputs are refused outright (binary files, latency format). */
import type { TraceFormat } from '../events';
import type { AutoloadError } from '../result';
import { asciiCodes } from './asciiCodes';
import { parseFtraceLine, parsePerfLine } from './eventLine';
import { looksLikeKernelLogEvent, readKernelLogPrefix } from './kernelLog';

/** How many non-empty lines detection looks at before giving up. */
export const DETECT_LINES = 200;

const TRACE_CMD_PREAMBLE = /^(?:version = \d+|cpus=\d+|CPU \d+ is empty)\s*$/;
const LINUX_VERSION = /Linux version \d/y;

/**
 * Kernel log lines, quoted in a mail or not: `dmesg` (`[   12.345678]`, `-T`'s `[Mon Nov 23 01:00:00 2026]`, `-r`'s
 * `<4>`), `--notime`'s first line, `journalctl -k` (`Nov 23 01:00:00 host kernel: `), CI logs with a host clock.
 */
function isKernelLogLine(line: string): boolean {
  const p = readKernelLogPrefix(line);
  LINUX_VERSION.lastIndex = p.messageStart;
  return p.stamped || LINUX_VERSION.test(line);
}

/**
 * Decides the format from the first non-empty lines: headers and preambles first, then the shape of event lines
 * (any event, not only module ones, so a trace_pipe capture that starts with other events is still recognised).
 */
export function detectTraceFormat(firstLines: string[]): TraceFormat | null {
  let seen = 0;
  for (const line of firstLines) {
    if (line.trim() === '') continue;
    if (++seen > DETECT_LINES) break;
    if (line.startsWith('#')) {
      if (line.startsWith('# tracer:')) return 'ftrace';
      continue;
    }
    if (TRACE_CMD_PREAMBLE.test(line)) return 'trace-cmd';
    if (isKernelLogLine(line)) return 'dmesg';
    const codes = asciiCodes(line);
    const ftrace = parseFtraceLine(line, codes, 0, line.length, line.indexOf('['));
    if (ftrace !== null) return ftrace.hasFlags ? 'ftrace' : 'trace-cmd';
    if (parsePerfLine(line, codes, 0, line.length, line.indexOf('[')) !== null) return 'perf';
    if (looksLikeKernelLogEvent(line)) return 'dmesg';
  }
  return null;
}

/** How many leading bytes `refuseTraceHead` needs to see. */
export const HEAD_BYTES = 8192;

const LATENCY_HEADER = /^#.*(?:=> CPU#|latency trace v)/m;

/**
 * Refuses what is not a text trace we can read, from the first bytes of the input (a Buffer read as latin1 or
 * the start of a text buffer): trace-cmd's trace.dat, perf.data, compressed or other binary files, and ftrace's
 * latency format, whose lines have no timestamps in seconds.
 */
export function refuseTraceHead(head: string, file: string): AutoloadError | null {
  const binary = (message: string, hint: string): AutoloadError => ({ code: 'binary-trace', file, message, hint });
  if (head.startsWith('\x17\x08\x44tracing')) {
    return binary(
      'this is a binary trace-cmd trace.dat file; Autoload Lens reads text traces',
      `run: trace-cmd report ${file} > trace.txt`,
    );
  }
  if (head.startsWith('PERFILE2') || head.startsWith('PERFFILE')) {
    return binary(
      'this is a binary perf.data file; Autoload Lens reads text traces',
      `run: perf script -i ${file} > trace.txt`,
    );
  }
  if (head.startsWith('\x1f\x8b') || head.startsWith('\x28\xb5\x2f\xfd') || head.startsWith('\xfd7zXZ')) {
    return binary(
      'this is a compressed file; Autoload Lens reads text traces',
      'decompress it first (zcat, zstdcat or xzcat)',
    );
  }
  if (head.includes('\0')) {
    return binary(
      'this is a binary file (it contains NUL bytes), not a text trace',
      'give the text of /sys/kernel/tracing/trace, `trace-cmd report`, `perf script` or `dmesg`',
    );
  }
  if (LATENCY_HEADER.test(head)) {
    return {
      code: 'latency-format',
      file,
      message: 'this trace is in ftrace latency format, whose lines carry no timestamps in seconds',
      hint: 'turn the option off (echo 0 > /sys/kernel/tracing/options/latency-format) and read /sys/kernel/tracing/trace again',
    };
  }
  return null;
}
