/** Small helpers the rules share to describe requests in messages. */
import type { RequestRecord } from '../report';
import type { SourceLocation } from '../sourceIndex';

/** At most this many request indexes are kept per finding; `evidence.requestCount` has the total. */
export const MAX_REQUESTS_PER_FINDING = 1000;

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

/** `466944` → `466,944` (toLocaleString goes through ICU, which is slow when a long trace has many findings). */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** The single source location a request links to, when the link is certain. */
export function certainLocation(r: Pick<RequestRecord, 'callSite'>): SourceLocation | null {
  const cs = r.callSite;
  if (!cs || !cs.locations || cs.locations.length !== 1) return null;
  return cs.link === 'direct' || cs.link === 'inlined' ? cs.locations[0]! : null;
}

/** Collects request indexes and trace lines up to the cap, counting the rest. */
export class RequestList {
  readonly indexes: number[] = [];
  readonly lines: number[] = [];
  count = 0;

  add(r: Pick<RequestRecord, 'index' | 'line'>): void {
    this.count++;
    if (this.indexes.length < MAX_REQUESTS_PER_FINDING) {
      this.indexes.push(r.index);
      this.lines.push(r.line);
    }
  }
}
