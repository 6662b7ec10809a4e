/**
 * What the boot-to-boot diff keeps of one replay, taken from the report as it streams by: per requested name its
 * request count, the outcome of its last request, the time of its first and its requests per call site; each finding
 * (rule, severity, name, call site, message, where); the request chains counted by root name. No request record is
 * kept: memory grows with the boot's distinct names, call sites, findings and chain roots, never with its trace.
 */
import { detached, KeptStrings } from '../trace/keptStrings';
import type { Chain, Finding, Outcome, RequestRecord } from '../report';
import type { ReportHead, ReportSink, ReportTail } from '../reportStream/index';
import type { RuleId, Severity } from '../ruleCatalog';
import type { SourceLocation } from '../sourceIndex';

/** A traced call site: the function that made the request and, when the trace printed it, its module. */
export interface CallSiteKey {
  symbol: string;
  module: string | null;
}

export interface SiteCount extends CallSiteKey {
  requests: number;
}

/** One requested name, over the whole replay. */
export interface NameFacts {
  requests: number;
  /** The outcome of the name's last request (the replay hands requests over in trace order). */
  lastOutcome: Outcome;
  /** Timestamp of its first request, seconds as the trace prints them. */
  firstTime: number;
  /** Its requests per call site, in the order the call sites first appear. */
  sites: SiteCount[];
  /** Its requests whose event had no call site. */
  withoutSite: number;
}

/** A finding as the diff compares and shows it. */
export interface FindingFacts {
  /** Its position among its report's findings: the editor takes the findings a diff added from the report it holds. */
  index: number;
  rule: RuleId;
  severity: Severity;
  name: string | null;
  message: string;
  /** The call site of its first request (a duplicate group's anchor), or null when it has none. */
  callSite: CallSiteKey | null;
  /** Its first trace line, in its own trace, or null. */
  line: number | null;
  /** Its source line, when the sources were linked. */
  location: SourceLocation | null;
}

/** The request chains with one root name. */
export interface ChainFacts {
  name: string;
  count: number;
  /** The last of them to complete. */
  requestCount: number;
  depth: number;
  seconds: number;
  modules: string[];
}

export class BootDigest implements ReportSink {
  readonly names = new Map<string, NameFacts>();
  readonly findings: FindingFacts[] = [];
  readonly chains = new Map<string, ChainFacts>();
  /** Whether any call site carried its `[module]` (raw ftrace and perf print it; trace-cmd report does not). */
  modulesPrinted = false;
  private begun: ReportHead | null = null;
  private ended: ReportTail | null = null;
  /** Symbols and modules are cut out of the trace: kept as copies, one per distinct string. */
  private readonly kept = new KeptStrings();

  get head(): ReportHead {
    if (this.begun === null) throw new Error('BootDigest: the report has not begun');
    return this.begun;
  }

  get tail(): ReportTail {
    if (this.ended === null) throw new Error('BootDigest: the report has not ended');
    return this.ended;
  }

  /** The time of the trace's first event, which the diff measures the boot's times from (null without a trace). */
  get origin(): number | null {
    return this.tail.trace?.firstEventTime ?? null;
  }

  begin(head: ReportHead): void {
    this.begun = head;
  }

  request(r: RequestRecord): void {
    let facts = this.names.get(r.name);
    if (facts === undefined) {
      facts = { requests: 0, lastOutcome: r.outcome, firstTime: r.time, sites: [], withoutSite: 0 };
      this.names.set(this.kept.keep(r.name), facts);
    }
    facts.requests++;
    facts.lastOutcome = r.outcome;
    const cs = r.callSite;
    if (cs === null) {
      facts.withoutSite++;
      return;
    }
    if (cs.module !== null) this.modulesPrinted = true;
    const site = facts.sites.find((s) => s.symbol === cs.symbol && s.module === cs.module);
    if (site !== undefined) site.requests++;
    else
      facts.sites.push({
        symbol: this.kept.keep(cs.symbol),
        module: cs.module === null ? null : this.kept.keep(cs.module),
        requests: 1,
      });
  }

  finding(f: Finding, records: ReadonlyMap<number, RequestRecord>): void {
    const first = f.requests[0] === undefined ? undefined : records.get(f.requests[0]);
    const cs = first?.callSite ?? null;
    this.findings.push({
      index: this.findings.length,
      rule: f.rule,
      severity: f.severity,
      name: f.name === null ? null : this.kept.keep(f.name),
      message: detached(f.message),
      callSite:
        cs === null
          ? null
          : { symbol: this.kept.keep(cs.symbol), module: cs.module === null ? null : this.kept.keep(cs.module) },
      line: f.traceLines[0] ?? null,
      location: f.location,
    });
  }

  chain(c: Chain): void {
    const facts = this.chains.get(c.name);
    const last = { requestCount: c.requestCount, depth: c.depth, seconds: c.seconds, modules: [...c.modules] };
    if (facts === undefined) this.chains.set(c.name, { name: c.name, count: 1, ...last });
    else Object.assign(facts, { count: facts.count + 1 }, last);
  }

  end(tail: ReportTail): void {
    this.ended = tail;
  }
}
