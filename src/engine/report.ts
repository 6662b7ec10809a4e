/** The engine's report: what the CLI prints (text, JSON, SARIF) and what the extension shows. */
import type { TraceFormat, TraceWarning } from './events';
import type { Resolution } from './resolution';
import type { CallSiteLinkKind, KernelDirectoryInfo, LinkedLocation, NameOrigin, SourceLocation } from './sourceIndex';

export type RuleId = 'duplicate-request' | 'undocumented-alias' | 'unchecked-zero-return' | 'name-too-long' | 'throttled-request';
export type Severity = 'error' | 'warning' | 'info';

export type Outcome = 'loaded' | 'already-loaded' | 'builtin' | 'nothing-loaded' | 'unknown';

export interface RequestRecord {
  /** 0-based position among the trace's module_request events. */
  index: number;
  line: number;
  time: number;
  task: string;
  pid: number;
  cpu: number;
  name: string;
  wait: boolean;
  callSite: {
    symbol: string;
    module: string | null;
    /** Present when a source index was given: how the symbol and the requested name link to source (sourceIndex.ts). */
    link?: CallSiteLinkKind;
    /** The call sites that can have made this name, each with how it was reached. */
    locations?: LinkedLocation[];
    /** For a name queued by a deferred wrapper and requested later: the calls that made the name. */
    origins?: NameOrigin[];
    /** For a `stale` link: call sites elsewhere whose name shapes this name fits. */
    fits?: SourceLocation[];
  } | null;
  resolution: Resolution;
  outcome: Outcome;
  /** Modules whose module_load completed this request. */
  loadedModules: string[];
  /** Index of the anchor request when this one is a duplicate under dups.c rules. */
  duplicateOf: number | null;
  /** Time the request completed (the provider's module_load, or the request itself). */
  completedAt: number;
}

export interface Finding {
  rule: RuleId;
  severity: Severity;
  message: string;
  name: string | null;
  /** Indexes into `requests`. */
  requests: number[];
  /** Where to show it: a source line when known, else null (the trace lines are in `traceLines`). */
  location: SourceLocation | null;
  /** 1-based trace lines involved. */
  traceLines: number[];
  /** Rule-specific evidence (a person reads `message`; tools read this). */
  evidence: Record<string, unknown>;
}

export interface ReportSummary {
  requests: number;
  loads: number;
  frees: number;
  distinctNames: number;
  /** Count of findings per rule id. */
  findings: Record<RuleId, number>;
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'autoload-lens'; version: string };
  trace: {
    file: string;
    format: TraceFormat;
    lines: number;
    events: number;
    skippedLines: number;
    warnings: TraceWarning[];
    warningCount: number;
  } | null;
  modulesDir: string | null;
  sourceRoot: string | null;
  /** The kernel directory the source scan read macros from (present with a source index). */
  kernelDirectory: KernelDirectoryInfo | null;
  summary: ReportSummary;
  requests: RequestRecord[];
  findings: Finding[];
}

export const RULES: Record<RuleId, { title: string; description: string; defaultSeverity: Severity }> = {
  'duplicate-request': {
    title: 'Duplicate module request',
    description:
      'The same name was requested again while an earlier request for it was still tracked (kernel/module/dups.c rules: exact name, a wait=1 first request anchors, entries live 60 s after the anchor completes).',
    defaultSeverity: 'warning',
  },
  'undocumented-alias': {
    title: 'Undocumented alias',
    description:
      'A requested name that no MODULE_ALIAS* declaration, modules.alias pattern, module name, symbol or built-in documents.',
    defaultSeverity: 'warning',
  },
  'unchecked-zero-return': {
    title: 'Zero return taken as "loaded"',
    description:
      'request_module() returning 0 only means modprobe ran and exited 0; callers must look the service up again. Flags call sites that use the service on the zero path without looking again, and requests that resolved yet loaded nothing.',
    defaultSeverity: 'warning',
  },
  'name-too-long': {
    title: 'Module name too long',
    description:
      'The format can produce a name that does not fit MODULE_NAME_LEN (56 bytes with the NUL on 64-bit); the kernel rejects it with -ENAMETOOLONG before any trace event.',
    defaultSeverity: 'error',
  },
  'throttled-request': {
    title: 'Throttled module request',
    description:
      'Replayed against the 50 concurrent kmod slots, the request would have waited for a slot or failed with -ETIME after 5 s; in a kernel log, the kernel said so itself (kmod busy: -ETIME; on 2.6-era kernels, "runaway loop": -ENOMEM).',
    defaultSeverity: 'warning',
  },
};

export const RULE_IDS = Object.keys(RULES) as RuleId[];
