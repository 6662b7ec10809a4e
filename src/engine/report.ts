/** The engine's report: what the CLI prints (text, JSON, SARIF) and what the extension shows. */
import type { TraceFormat, TraceWarning } from './events';
import type { Resolution } from './resolution';
import type { RuleId, Severity } from './rules/catalog';
import type { CallSiteLinkKind, SourceLocation } from './sourceIndex';


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
    /** Present when a source index was given. */
    link?: CallSiteLinkKind;
    locations?: SourceLocation[];
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
  summary: ReportSummary;
  requests: RequestRecord[];
  findings: Finding[];
}
