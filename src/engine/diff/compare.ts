/**
 * Two boots compared: requests matched by name (and call site), findings by rule, name and call site, request
 * chains by root name; never by trace line, message text or absolute time. What counts as a change:
 *
 * - a name is `added` (requested only in NEW), `removed` (only in BASE), `changed` (in both, and its request count,
 *   the outcome of its last request, or its request count at some call site differs) or `same`;
 * - a call site is its symbol and, when both traces print it, its `[module]` (trace-cmd report prints none: then
 *   call sites compare by symbol alone); a name's call sites are compared only when every request of it, in both
 *   traces, has one;
 * - a finding of NEW matches one of BASE with the same rule, name and call site (its first request's), each at most
 *   once, in trace order; one without a call site (a kernel log line's) matches on rule and name alone. Those left
 *   over are `added` (NEW) and `removed` (BASE);
 * - request chains are counted per root name: NEW's chains beyond BASE's count for that name are added, BASE's
 *   beyond NEW's removed.
 *
 * Times are seconds from each trace's first event, so that two boots (or two captures) line up.
 */
import type { TraceFormat } from '../events';
import type { Outcome, ToolIdentity } from '../report';
import { RULE_IDS, type RuleId } from '../ruleCatalog';
import { TOOL_NAME, TOOL_VERSION } from '../tool';
import type { BootDigest, CallSiteKey, ChainFacts, FindingFacts, NameFacts } from './bootDigest';

export type NameChange = 'added' | 'removed' | 'changed' | 'same';

/** A call site of a name, with its requests in each trace. */
export interface SiteDiff extends CallSiteKey {
  baseRequests: number;
  newRequests: number;
}

export interface NameDiff {
  name: string;
  baseRequests: number;
  newRequests: number;
  /** The outcome of the name's last request in each trace, null where it was not requested. */
  baseOutcome: Outcome | null;
  newOutcome: Outcome | null;
  change: NameChange;
  /** Seconds from each trace's first event to the name's first request, null where it was not requested. */
  baseTime: number | null;
  newTime: number | null;
  callSites: SiteDiff[];
}

/** The request chains of one root name, where one trace has more of them than the other. */
export interface ChainDiff {
  name: string;
  baseChains: number;
  newChains: number;
  /** The last of them, in the trace that has more. */
  requestCount: number;
  depth: number;
  seconds: number;
  modules: string[];
}

/** One of the two replays. */
export interface DiffSide {
  file: string | null;
  format: TraceFormat | null;
  modulesDir: string | null;
  kernelModel: string;
  /** The time of the trace's first event, the origin of its times here; null for a trace without events. */
  firstEventTime: number | null;
  requests: number;
  distinctNames: number;
  findings: number;
  chains: number;
}

export interface DiffSummary {
  /** Names per change. */
  added: number;
  removed: number;
  changed: number;
  same: number;
  /** Findings added and removed, per rule (every rule). */
  findings: Record<RuleId, { added: number; removed: number }>;
  chains: { added: number; removed: number };
}

export interface BootDiff {
  tool: ToolIdentity;
  base: DiffSide;
  new: DiffSide;
  /** The scanned source tree both were linked to, or null. */
  sourceRoot: string | null;
  /** Whether call sites compared by module too (both traces print modules). */
  callSiteModules: boolean;
  /** Every name requested in either trace, in code-point order. */
  names: NameDiff[];
  findings: { added: FindingFacts[]; removed: FindingFacts[] };
  chains: { added: ChainDiff[]; removed: ChainDiff[] };
  summary: DiffSummary;
}

/** Times in traces have microseconds: differences are rounded to them, not left with the float's noise. */
function seconds(time: number, origin: number | null): number | null {
  return origin === null ? null : Math.round((time - origin) * 1e6) / 1e6;
}

export function compareBoots(base: BootDigest, next: BootDigest): BootDiff {
  const callSiteModules = base.modulesPrinted && next.modulesPrinted;
  const siteKey = (s: CallSiteKey): string => (callSiteModules ? `${s.symbol}\0${s.module ?? ''}` : s.symbol);
  const allNames = [...new Set([...base.names.keys(), ...next.names.keys()])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const names = allNames.map((name) => nameDiff(name, base, next, siteKey));
  const findings = matchFindings(base.findings, next.findings, siteKey);
  const chains = {
    added: moreChains(next.chains, base.chains, 'new'),
    removed: moreChains(base.chains, next.chains, 'base'),
  };
  const perRule = Object.fromEntries(
    RULE_IDS.map((rule) => [rule, { added: 0, removed: 0 }]),
  ) as DiffSummary['findings'];
  for (const f of findings.added) perRule[f.rule].added++;
  for (const f of findings.removed) perRule[f.rule].removed++;
  const count = (change: NameChange): number => names.filter((n) => n.change === change).length;
  const extra = (list: ChainDiff[]): number => list.reduce((n, c) => n + Math.abs(c.newChains - c.baseChains), 0);
  return {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    base: side(base),
    new: side(next),
    sourceRoot: next.head.sourceRoot ?? base.head.sourceRoot,
    callSiteModules,
    names,
    findings,
    chains,
    summary: {
      added: count('added'),
      removed: count('removed'),
      changed: count('changed'),
      same: count('same'),
      findings: perRule,
      chains: { added: extra(chains.added), removed: extra(chains.removed) },
    },
  };
}

function side(d: BootDigest): DiffSide {
  const { head, tail } = d;
  return {
    file: tail.trace?.file ?? head.traceFile,
    format: tail.trace?.format ?? null,
    modulesDir: head.modulesDir,
    kernelModel: head.kernelModel,
    firstEventTime: d.origin,
    requests: tail.summary.requests,
    distinctNames: tail.summary.distinctNames,
    findings: d.findings.length,
    chains: tail.summary.chains,
  };
}

function nameDiff(name: string, base: BootDigest, next: BootDigest, siteKey: (s: CallSiteKey) => string): NameDiff {
  const b = base.names.get(name);
  const n = next.names.get(name);
  const sites = new Map<string, SiteDiff>();
  const count = (facts: NameFacts | undefined, field: 'baseRequests' | 'newRequests'): void => {
    for (const s of facts?.sites ?? []) {
      const key = siteKey(s);
      let site = sites.get(key);
      if (site === undefined)
        sites.set(key, (site = { symbol: s.symbol, module: s.module, baseRequests: 0, newRequests: 0 }));
      // Compared by symbol alone, the site shows the module of the trace that printed one.
      site.module ??= s.module;
      site[field] += s.requests;
    }
  };
  count(b, 'baseRequests');
  count(n, 'newRequests');
  const callSites = [...sites.values()];
  let change: NameChange;
  if (b === undefined) change = 'added';
  else if (n === undefined) change = 'removed';
  else {
    const sitesCompared = b.withoutSite === 0 && n.withoutSite === 0;
    const differs =
      b.requests !== n.requests ||
      b.lastOutcome !== n.lastOutcome ||
      (sitesCompared && callSites.some((s) => s.baseRequests !== s.newRequests));
    change = differs ? 'changed' : 'same';
  }
  return {
    name,
    baseRequests: b?.requests ?? 0,
    newRequests: n?.requests ?? 0,
    baseOutcome: b?.lastOutcome ?? null,
    newOutcome: n?.lastOutcome ?? null,
    change,
    baseTime: b === undefined ? null : seconds(b.firstTime, base.origin),
    newTime: n === undefined ? null : seconds(n.firstTime, next.origin),
    callSites,
  };
}

/**
 * Pairs each finding of NEW with one of BASE: first with the same rule, severity, name and call site, then, for those
 * without a call site on either side, with the same rule, severity and name. What is left of NEW was added, of BASE
 * removed. Severity is part of the match: a finding that rose from info to warning is a warning NEW added, which
 * --fail-on must see.
 */
function matchFindings(
  base: readonly FindingFacts[],
  next: readonly FindingFacts[],
  siteKey: (s: CallSiteKey) => string,
): { added: FindingFacts[]; removed: FindingFacts[] } {
  const byName = (f: FindingFacts): string => `${f.rule}\0${f.severity}\0${f.name ?? ''}`;
  const bySite = (f: FindingFacts): string | null =>
    f.callSite === null ? null : `${byName(f)}\0${siteKey(f.callSite)}`;
  const matchedBase = new Set<number>();
  const matchedNew = new Set<number>();
  const pair = (
    key: (f: FindingFacts) => string | null,
    eligible: (f: FindingFacts) => boolean,
    eligibleNew: (f: FindingFacts) => boolean,
  ): void => {
    const waiting = new Map<string, number[]>();
    base.forEach((f, i) => {
      const k = key(f);
      if (k === null || matchedBase.has(i) || !eligible(f)) return;
      const list = waiting.get(k);
      if (list === undefined) waiting.set(k, [i]);
      else list.push(i);
    });
    next.forEach((f, i) => {
      const k = key(f);
      if (k === null || matchedNew.has(i) || !eligibleNew(f)) return;
      const match = waiting.get(k)?.shift();
      if (match === undefined) return;
      matchedBase.add(match);
      matchedNew.add(i);
    });
  };
  const always = (): boolean => true;
  pair(bySite, always, always);
  // A finding without a call site pairs with any of the same rule and name that is still unpaired.
  const siteless = (f: FindingFacts): boolean => f.callSite === null;
  pair(byName, siteless, always);
  pair(byName, always, siteless);
  return {
    added: next.filter((_f, i) => !matchedNew.has(i)),
    removed: base.filter((_f, i) => !matchedBase.has(i)),
  };
}

/** The root names of which `more` has more chains than `fewer`, with the last such chain of `more`. */
function moreChains(
  more: ReadonlyMap<string, ChainFacts>,
  fewer: ReadonlyMap<string, ChainFacts>,
  moreSide: 'base' | 'new',
): ChainDiff[] {
  const out: ChainDiff[] = [];
  for (const c of more.values()) {
    const other = fewer.get(c.name)?.count ?? 0;
    if (c.count <= other) continue;
    out.push({
      name: c.name,
      baseChains: moreSide === 'base' ? c.count : other,
      newChains: moreSide === 'new' ? c.count : other,
      requestCount: c.requestCount,
      depth: c.depth,
      seconds: c.seconds,
      modules: c.modules,
    });
  }
  return out;
}
