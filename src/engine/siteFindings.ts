/**
 * Findings as a source line shows them: one entry per rule and call site. A busy call site (get_fs_type asks for every
 * fs-* name) takes part in many trace findings, one per name; on its source line they become one entry that counts
 * them, joined with the scan's own finding of the same rule there, with the requests from that call site listed.
 */
import type { Finding, Report, RequestRecord, RuleId, Severity } from './report';
import { RULE_IDS } from './report';
import { certainLocation, plural, who } from './rules/findingText';
import type { SourceFinding, SourceLocation } from './sourceIndex';

/** Rules whose trace findings concern the call sites of their requests (throttling concerns the whole boot). */
type SiteRule = Exclude<RuleId, 'throttled-request' | 'name-too-long'>;
const SITE_RULES: ReadonlySet<RuleId> = new Set<SiteRule>(['duplicate-request', 'undocumented-alias', 'unchecked-zero-return']);

/** How many names a message lists before saying how many more there are. */
const LISTED_NAMES = 8;

export interface SiteFindings {
  rule: RuleId;
  /** The most severe of the findings joined here. */
  severity: Severity;
  /** The call site (its line; the column of the first finding placed there). */
  location: SourceLocation;
  /** The scan's findings of this rule at this line. */
  source: SourceFinding[];
  /** The replay's findings of this rule that involve requests made from this call site. */
  trace: Finding[];
  /** Indexes (into the report's requests) of those findings' requests made from this call site, in trace order. */
  requests: number[];
  message: string;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

const lineKey = (l: SourceLocation) => `${l.file}:${l.line}`;

interface Group {
  rule: RuleId;
  location: SourceLocation;
  source: SourceFinding[];
  trace: Finding[];
  requests: Set<number>;
}

/** Every finding of the scan and of the replay that belongs on a source line, one entry per rule and line. */
export function siteFindings(sourceFindings: readonly SourceFinding[], report: Report | undefined): SiteFindings[] {
  const groups = new Map<string, Group>();
  const group = (rule: RuleId, location: SourceLocation): Group => {
    const key = `${rule}\0${lineKey(location)}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { rule, location, source: [], trace: [], requests: new Set() }));
    return g;
  };
  for (const f of sourceFindings) group(f.rule, f.location).source.push(f);
  const requests = report?.requests ?? [];
  for (const f of report?.findings ?? []) {
    if (!SITE_RULES.has(f.rule)) continue;
    for (const [location, from] of placesOf(f, requests)) {
      const g = group(f.rule, location);
      g.trace.push(f);
      for (const i of from) g.requests.add(i);
    }
  }
  const rank = (rule: RuleId) => RULE_IDS.indexOf(rule);
  return [...groups.values()]
    .map((g) => finish(g, requests))
    .sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line || rank(a.rule) - rank(b.rule));
}

/**
 * The call sites a trace finding belongs to, each with the finding's requests made there: the certain source location
 * of each request, and the finding's own location (where the engine placed it) with all its requests if none of
 * them links there.
 */
function placesOf(f: Finding, requests: readonly RequestRecord[]): Array<[SourceLocation, number[]]> {
  const places = new Map<string, [SourceLocation, number[]]>();
  for (const i of f.requests) {
    const r = requests[i];
    const at = r === undefined ? null : certainLocation(r);
    if (at === null) continue;
    const key = lineKey(at);
    const place = places.get(key);
    if (place === undefined) places.set(key, [at, [i]]);
    else place[1].push(i);
  }
  if (f.location !== null && !places.has(lineKey(f.location))) places.set(lineKey(f.location), [f.location, [...f.requests]]);
  return [...places.values()];
}

function finish(g: Group, requests: readonly RequestRecord[]): SiteFindings {
  const severities = [...g.source.map((f) => f.severity), ...g.trace.map((f) => f.severity)];
  const severity = severities.reduce((a, b) => (SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a));
  const indexes = [...g.requests].sort((a, b) => a - b);
  const fromSite = indexes.flatMap((i) => (requests[i] === undefined ? [] : [requests[i]!]));
  const sourceText = g.source.map((f) => f.message).join('. ');
  let message: string;
  if (g.trace.length === 0) message = sourceText;
  else if (g.trace.length === 1 && g.source.length === 0) message = g.trace[0]!.message;
  else {
    message = sourceText === ''
      ? describeTrace(g.rule as SiteRule, fromSite, ' in the trace')
      : `${sourceText}. In the trace: ${describeTrace(g.rule as SiteRule, fromSite, '')}`;
  }
  return { rule: g.rule, severity, location: g.location, source: g.source, trace: g.trace, requests: indexes, message };
}

/** Names with how often they were requested: `fs-hfs ×3, fs-ext4`, the most requested first, at most LISTED_NAMES. */
function namesText(requests: readonly RequestRecord[], detail?: (r: RequestRecord) => string): string {
  const counts = new Map<string, { n: number; first: RequestRecord }>();
  for (const r of requests) {
    const c = counts.get(r.name);
    if (c === undefined) counts.set(r.name, { n: 1, first: r });
    else c.n++;
  }
  const sorted = [...counts].sort((a, b) => b[1].n - a[1].n);
  const shown = sorted.slice(0, LISTED_NAMES).map(([name, c]) => `${name}${c.n > 1 ? ` ×${c.n}` : ''}${detail ? ` (${detail(c.first)})` : ''}`);
  const more = sorted.length - LISTED_NAMES;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

const distinctNames = (requests: readonly RequestRecord[]) => new Set(requests.map((r) => r.name)).size;

/** `where` follows "from this call site": ` in the trace`, or nothing when the message already says so. */
function describeTrace(rule: SiteRule, requests: readonly RequestRecord[], where: string): string {
  switch (rule) {
    case 'duplicate-request': {
      const duplicates = requests.filter((r) => r.duplicateOf !== null);
      if (duplicates.length === 0) {
        return `${plural(requests.length, 'request')} from this call site${where} (${namesText(requests)}) ${requests.length === 1 ? 'was' : 'were'} requested again by other call sites while dups.c still tracked ${requests.length === 1 ? 'it' : 'them'}.`;
      }
      return `${plural(duplicates.length, 'duplicate request')} of ${plural(distinctNames(duplicates), 'name')} from this call site${where}: ${namesText(duplicates)}.`;
    }
    case 'undocumented-alias': {
      const parts: string[] = [];
      const of = (kinds: string[]) => requests.filter((r) => kinds.includes(r.resolution.kind));
      const none = of(['none']);
      const module = of(['module']);
      const alias = of(['alias']);
      const undeclared = of(['unknown']);
      if (none.length > 0) parts.push(`nothing documents ${namesText(none)}, so modprobe fails with "not found"`);
      if (module.length > 0) parts.push(`${namesText(module)} ${distinctNames(module) === 1 ? 'is' : 'are'} requested by plain module name`);
      if (alias.length > 0) parts.push(`only modules.alias documents ${namesText(alias)}`);
      if (undeclared.length > 0) parts.push(`no MODULE_ALIAS* declaration in the sources documents ${namesText(undeclared)}`);
      const n = distinctNames(requests);
      return `${plural(n, 'undocumented name')} requested from this call site${where} (${plural(requests.length, 'request')}): ${parts.join('; ')}.`;
    }
    case 'unchecked-zero-return':
      return `${plural(requests.length, 'request')} from this call site${where} that modprobe answered with 0 while loading nothing new: ${namesText(requests, (r) => (r.outcome === 'builtin' ? 'built in' : `${r.resolution.modules.join(', ')} already loaded`))}.`;
  }
}

/** One request as related information lists it: `fs-hfs by ktrig.py-982 at 128.478863 s, duplicate of line 582: loaded hfs`. */
export function requestText(r: RequestRecord, requests: readonly RequestRecord[]): string {
  const anchor = r.duplicateOf === null ? undefined : requests[r.duplicateOf];
  const duplicate = anchor === undefined ? '' : `, duplicate of line ${anchor.line}`;
  const outcome = r.loadedModules.length > 0 ? `loaded ${r.loadedModules.join(', ')}` : r.outcome.replace(/-/g, ' ');
  return `${r.name}${r.wait ? '' : ' (nowait)'} by ${who(r)} at ${r.time.toFixed(6)} s${duplicate}: ${outcome}`;
}
