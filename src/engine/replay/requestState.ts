import type { ModuleRequestEvent } from '../events';
import type { RequestRecord } from '../report';

/** A request being replayed: its record plus the replay's working state. */
export interface RequestState {
  record: RequestRecord;
  event: ModuleRequestEvent;
  /** Normalised provider names still expected to load (empty once complete). */
  awaiting: Set<string>;
  pending: boolean;
  /** A dups.c duplicate whose anchor's providers were freed since: the kernel would share a stale 0. */
  staleAnchor: boolean;
}

/** What a finding shows of each request involved; self-contained so findings outlive the records. */
export interface RequestSummary {
  index: number;
  line: number;
  time: number;
  task: string;
  pid: number;
  cpu: number;
  name: string;
  wait: boolean;
  callSite: string | null;
  outcome: string;
}

export function summarize(record: RequestRecord): RequestSummary {
  const cs = record.callSite;
  return {
    index: record.index,
    line: record.line,
    time: record.time,
    task: record.task,
    pid: record.pid,
    cpu: record.cpu,
    name: record.name,
    wait: record.wait,
    callSite: cs ? `${cs.symbol}${cs.module ? ` [${cs.module}]` : ''}` : null,
    outcome: record.outcome,
  };
}
