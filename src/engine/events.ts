/**
 * Events read from a trace, whatever its format. Times are seconds since boot. The names of module events (task,
 * module, requested name, call site) are copies that share nothing with the trace's text, one string per distinct
 * name (trace/nameTable.ts): whatever keeps them keeps no piece of the trace.
 */

export type TraceFormat = 'ftrace' | 'trace-cmd' | 'perf' | 'dmesg';

export interface EventBase {
  /** 1-based line of the trace where the event starts. */
  line: number;
  /** Seconds (as printed in the trace). */
  time: number;
  /** Task name as printed (`(udev-worker)`, `<...>`, `kworker/u4:1`), or '' when the format has none (dmesg). */
  task: string;
  /** PID, or -1 when the format has none. */
  pid: number;
  /** CPU number, or -1 when the format has none. */
  cpu: number;
}

export interface CallSite {
  /** Symbol as printed, without offset (`__request_module` callers: `get_fs_type`). */
  symbol: string;
  /** `+0xOFF/0xLEN` parts, when printed. */
  offset: number | null;
  length: number | null;
  /** The `[module]` suffix, or null for built-in code / formats that omit it. */
  module: string | null;
}

export interface ModuleRequestEvent extends EventBase {
  kind: 'module_request';
  name: string;
  wait: boolean;
  callSite: CallSite | null;
}

export interface ModuleLoadEvent extends EventBase {
  kind: 'module_load';
  name: string;
  /** Taint letters (`OE`), '' when none. */
  taints: string;
}

export interface ModuleFreeEvent extends EventBase {
  kind: 'module_free';
  name: string;
}

export interface ModuleRefEvent extends EventBase {
  kind: 'module_get' | 'module_put';
  name: string;
  callSite: CallSite | null;
  refcnt: number;
}

/**
 * Lines of the kernel log that the autoloader prints (dmesg input): a dups.c duplicate, kmod busy (-ETIME), the
 * 2.6-era runaway loop (-ENOMEM), a filesystem still missing after its request returned 0.
 */
export interface KernelLogEvent extends EventBase {
  kind: 'log_duplicate' | 'log_throttled' | 'log_runaway' | 'log_no_fs';
  /** The module / filesystem name the line is about. */
  name: string;
  text: string;
}

export type TraceEvent = ModuleRequestEvent | ModuleLoadEvent | ModuleFreeEvent | ModuleRefEvent | KernelLogEvent;

/** A line that looked like a module event but could not be read, or another located problem. */
export interface TraceWarning {
  line: number;
  message: string;
}

export interface TraceReadSummary {
  file: string;
  format: TraceFormat;
  bytes: number;
  lines: number;
  events: number;
  /** Lines that are not module events: headers, other tracers' events, blank lines. */
  skippedLines: number;
  /** Located problems; capped, see `warningCount`. */
  warnings: TraceWarning[];
  warningCount: number;
}
