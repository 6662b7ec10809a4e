/** Small helpers the rules share to describe requests in messages. */
import type { Finding, RequestRecord } from '../report';
import type { SourceLocation } from '../sourceIndex';

/** At most this many request indexes are kept per finding; `evidence.requestCount` has the total. */
export const MAX_REQUESTS_PER_FINDING = 1000;
/**
 * Of those, at most this many whole records (with their anchors), which the reports show as request rows and
 * SARIF describes; the rest are known by index and trace line only. A finding held to the end of a long trace keeps
 * these, so they are what its memory grows with: 100 records, not 1000.
 */
export const MAX_RECORDS_PER_FINDING = 100;

export function who(r: Pick<RequestRecord, 'task' | 'pid'>): string {
  return r.pid >= 0 ? `${r.task}-${r.pid}` : r.task || 'kernel';
}

export function callSiteText(r: Pick<RequestRecord, 'callSite'>): string {
  const cs = r.callSite;
  if (!cs) return 'unknown call site';
  return `${cs.symbol}${cs.module ? ` [${cs.module}]` : ''}`;
}

export function plural(n: number, word: string, words = `${word}s`): string {
  return `${n} ${n === 1 ? word : words}`;
}

/**
 * A span of trace time: seconds to three places, or microseconds below a millisecond (the trace's resolution), so
 * that requests 84 µs apart do not read "within 0.000 s".
 */
export function duration(seconds: number): string {
  return seconds < 0.001 ? `${Math.round(seconds * 1e6)} µs` : `${seconds.toFixed(3)} s`;
}

/** `466944` → `466,944` (toLocaleString goes through ICU, which is slow when a long trace has many findings). */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The single source location a request links to, when the link is certain. */
export function certainLocation(r: Pick<RequestRecord, 'callSite'>): SourceLocation | null {
  const cs = r.callSite;
  if (!cs || !cs.locations || cs.locations.length !== 1) return null;
  return cs.link === 'direct' || cs.link === 'inlined' ? cs.locations[0] : null;
}

/**
 * A finding with the records its rule kept of its requests, and of the anchors of those that are duplicates: what
 * the reports show of each request (its row, the trace line of its anchor).
 */
export interface RecordedFinding {
  finding: Finding;
  records: readonly RequestRecord[];
}

/** Collects requests up to the caps (the first records whole, with their anchors), counting the rest. */
export class RequestList {
  private readonly indexes: number[] = [];
  private readonly lines: number[] = [];
  private readonly records: RequestRecord[] = [];
  count = 0;

  add(r: RequestRecord, anchor: RequestRecord | null): void {
    this.count++;
    if (this.indexes.length >= MAX_REQUESTS_PER_FINDING) return;
    this.indexes.push(r.index);
    this.lines.push(r.line);
    if (this.indexes.length <= MAX_RECORDS_PER_FINDING) {
      // Copies: were the replay's own records seen to outlive a collection this often, V8 would allocate every
      // record of the trace in the old generation (pretenuring), costing a fifth of the replay's time and memory.
      this.records.push({ ...r });
      if (anchor !== null) this.records.push({ ...anchor });
    }
  }

  /**
   * Requests known by index and trace line only, `count` of them, of which these are the first. They come after
   * requests added whole, so the records kept are still those of the first requests.
   */
  addUnrecorded(indexes: readonly number[], lines: readonly number[], count: number): void {
    this.count += count;
    for (let i = 0; i < indexes.length && this.indexes.length < MAX_REQUESTS_PER_FINDING; i++) {
      this.indexes.push(indexes[i]);
      this.lines.push(lines[i]);
    }
  }

  /** The finding over these requests: their indexes and trace lines filled in. */
  finding(f: Omit<Finding, 'requests' | 'traceLines'>): RecordedFinding {
    const { rule, severity, message, name, location, evidence } = f;
    return {
      finding: { rule, severity, message, name, requests: this.indexes, location, traceLines: this.lines, evidence },
      records: this.records,
    };
  }
}
