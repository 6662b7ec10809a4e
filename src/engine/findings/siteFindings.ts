/**
 * Findings as a source line shows them: one entry per rule and call site. A busy call site (get_fs_type asks for every
 * fs-* name) takes part in many trace findings, one per name; on its source line they become one entry that counts
 * them, joined with the scan's own finding of the same rule there, with a line per name that points at its requests.
 */
import type { Finding, RequestRecord } from '../report';
import type { Report } from '../reportStream/index';
import { RULE_IDS, type RuleId, type Severity } from '../ruleCatalog';
import { certainLocation, plural, who } from './findingText';
import type { SourceFinding, SourceLocation } from '../sourceIndex';

/**
 * Rules whose trace findings concern the call sites of their requests (throttling concerns the whole boot; a request
 * loop, the chain of requests, which the trace shows).
 */
type SiteRule = Exclude<RuleId, 'throttled-request' | 'name-too-long' | 'request-loop'>;
const SITE_RULES: ReadonlySet<RuleId> = new Set<SiteRule>([
  'duplicate-request',
  'undocumented-alias',
  'unchecked-zero-return',
]);

/** How many names a message lists before saying how many more there are (and how many name lines an editor shows). */
export const LISTED_NAMES = 8;

/** One requested name of a call site's entry: where its requests are in the trace, in a line. */
export interface SiteName {
  name: string;
  /** The trace line to go to: its first duplicate for duplicate-request, else its first request. */
  line: number;
  /** `fs-hfs: 3 duplicates of line 582 (lines 583, 584, 585): loaded hfs`. */
  text: string;
}

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
  /** The names of those requests, in the order the message lists them. */
  names: SiteName[];
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
    .sort(
      (a, b) =>
        a.location.file.localeCompare(b.location.file) ||
        a.location.line - b.location.line ||
        rank(a.rule) - rank(b.rule),
    );
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
  if (f.location !== null && !places.has(lineKey(f.location)))
    places.set(lineKey(f.location), [f.location, [...f.requests]]);
  return [...places.values()];
}

function finish(g: Group, requests: readonly RequestRecord[]): SiteFindings {
  const severities = [...g.source.map((f) => f.severity), ...g.trace.map((f) => f.severity)];
  const severity = severities.reduce((a, b) => (SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a));
  const indexes = [...g.requests].sort((a, b) => a - b);
  const fromSite = indexes.flatMap((i) => (requests[i] === undefined ? [] : [requests[i]]));
  const sourceText = g.source.map((f) => f.message).join('. ');
  const rule = g.rule as SiteRule;
  const groups = g.trace.length === 0 ? [] : nameGroups(rule, fromSite);
  let message: string;
  if (g.trace.length === 0) message = sourceText;
  else if (g.trace.length === 1 && g.source.length === 0) message = g.trace[0].message;
  else {
    message =
      sourceText === ''
        ? describeTrace(rule, groups, fromSite, ' in the trace')
        : `${sourceText}. In the trace: ${describeTrace(rule, groups, fromSite, '')}`;
  }
  const names = groups.map((n) => ({ name: n.name, line: n.counted[0].line, text: nameText(rule, n, requests) }));
  return {
    rule: g.rule,
    severity,
    location: g.location,
    source: g.source,
    trace: g.trace,
    requests: indexes,
    names,
    message,
  };
}

/** A name's requests from the call site, and those of them the entry counts (for duplicate-request, the duplicates). */
interface NameGroup {
  name: string;
  all: RequestRecord[];
  counted: RequestRecord[];
}

/** How undocumented a name is, most serious first (the order the message gives them in). */
const UNDOCUMENTED_ORDER: Record<string, number> = { none: 0, module: 1, alias: 2, unknown: 3 };

/** The names in the order a message lists them: by how they are undocumented, then the most counted first, then trace order. */
function nameGroups(rule: SiteRule, requests: readonly RequestRecord[]): NameGroup[] {
  const anyDuplicate = requests.some((r) => r.duplicateOf !== null);
  const counts = (r: RequestRecord) => rule !== 'duplicate-request' || !anyDuplicate || r.duplicateOf !== null;
  const byName = new Map<string, NameGroup>();
  for (const r of requests) {
    let n = byName.get(r.name);
    if (n === undefined) byName.set(r.name, (n = { name: r.name, all: [], counted: [] }));
    n.all.push(r);
    if (counts(r)) n.counted.push(r);
  }
  const kind = (n: NameGroup) =>
    rule === 'undocumented-alias' ? (UNDOCUMENTED_ORDER[n.all[0].resolution.kind] ?? 4) : 0;
  return [...byName.values()]
    .filter((n) => n.counted.length > 0)
    .sort((a, b) => kind(a) - kind(b) || b.counted.length - a.counted.length);
}

/** `fs-hfs ×3, fs-ext4`, at most LISTED_NAMES. */
function namesText(groups: readonly NameGroup[], detail?: (r: RequestRecord) => string): string {
  const shown = groups
    .slice(0, LISTED_NAMES)
    .map(
      (n) =>
        `${n.name}${n.counted.length > 1 ? ` ×${n.counted.length}` : ''}${detail ? ` (${detail(n.counted[0])})` : ''}`,
    );
  const more = groups.length - LISTED_NAMES;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

const zeroAnswer = (r: RequestRecord) =>
  r.outcome === 'builtin' ? 'built in' : `${r.resolution.modules.join(', ')} already loaded`;

/** `where` follows "from this call site": ` in the trace`, or nothing when the message already says so. */
function describeTrace(
  rule: SiteRule,
  groups: readonly NameGroup[],
  requests: readonly RequestRecord[],
  where: string,
): string {
  const counted = groups.reduce((n, g) => n + g.counted.length, 0);
  switch (rule) {
    case 'duplicate-request': {
      if (requests.every((r) => r.duplicateOf === null)) {
        return `${plural(counted, 'request')} from this call site${where} (${namesText(groups)}) ${counted === 1 ? 'was' : 'were'} requested again by other call sites while dups.c still tracked ${counted === 1 ? 'it' : 'them'}.`;
      }
      return `${plural(counted, 'duplicate request')} of ${plural(groups.length, 'name')} from this call site${where}: ${namesText(groups)}.`;
    }
    case 'undocumented-alias': {
      const of = (kind: string) => groups.filter((n) => n.all[0].resolution.kind === kind);
      // The names modprobe cannot load, or loads by module name, by name; the names that only lack a declaration in the
      // sources (information) by name only when they are all there is: the related lines name them.
      const serious = of('none').length + of('module').length > 0;
      const infos = (list: NameGroup[]) => (serious ? plural(list.length, 'other name') : namesText(list));
      const parts = [
        of('none').length > 0 && `nothing documents ${namesText(of('none'))}, so modprobe fails with "not found"`,
        of('module').length > 0 &&
          `${namesText(of('module'))} ${of('module').length === 1 ? 'is' : 'are'} requested by plain module name`,
        of('alias').length > 0 && `only modules.alias documents ${infos(of('alias'))}`,
        of('unknown').length > 0 && `no MODULE_ALIAS* declaration in the sources documents ${infos(of('unknown'))}`,
      ].filter((p): p is string => typeof p === 'string');
      return `${plural(groups.length, 'undocumented name')} requested from this call site${where} (${plural(counted, 'request')}): ${parts.join('; ')}.`;
    }
    case 'unchecked-zero-return':
      return `${plural(counted, 'request')} from this call site${where} that modprobe answered with 0 while loading nothing new: ${namesText(groups, zeroAnswer)}.`;
  }
}

/** `line 70`, `lines 583, 584, 585`, `lines 1, 2, 3, 4, 5 and 20 more`. */
function linesText(requests: readonly RequestRecord[]): string {
  if (requests.length === 1) return `line ${requests[0].line}`;
  const shown = requests
    .slice(0, 5)
    .map((r) => r.line)
    .join(', ');
  return `lines ${shown}${requests.length > 5 ? ` and ${requests.length - 5} more` : ''}`;
}

const outcomeText = (r: RequestRecord) =>
  r.loadedModules.length > 0 ? `loaded ${r.loadedModules.join(', ')}` : r.outcome.replace(/-/g, ' ');

const UNDOCUMENTED_WHY: Record<string, string> = {
  none: 'nothing documents it',
  module: 'a plain module name',
  alias: 'only modules.alias documents it',
  unknown: 'no MODULE_ALIAS* declaration documents it',
};

function nameText(rule: SiteRule, n: NameGroup, requests: readonly RequestRecord[]): string {
  const first = n.counted[0];
  switch (rule) {
    case 'duplicate-request': {
      if (first.duplicateOf === null) return `${n.name}: ${linesText(n.counted)}, requested again by other call sites`;
      const anchors = [...new Set(n.counted.map((r) => requests[r.duplicateOf!]?.line))].filter(
        (l): l is number => l !== undefined,
      );
      return `${n.name}: ${plural(n.counted.length, 'duplicate')} of ${anchors.length === 1 ? 'line' : 'lines'} ${anchors.join(', ')} (${linesText(n.counted)}): ${outcomeText(first)}`;
    }
    case 'undocumented-alias':
      return `${n.name}: ${plural(n.counted.length, 'request')} (${linesText(n.counted)}): ${UNDOCUMENTED_WHY[first.resolution.kind] ?? first.resolution.kind}`;
    case 'unchecked-zero-return':
      return `${n.name}: ${plural(n.counted.length, 'request')} (${linesText(n.counted)}): ${zeroAnswer(first)}`;
  }
}

/** One request as related information lists it: `fs-hfs by ktrig.py-982 at 128.478863 s, duplicate of line 582: loaded hfs`. */
export function requestText(r: RequestRecord, requests: readonly RequestRecord[]): string {
  const anchor = r.duplicateOf === null ? undefined : requests[r.duplicateOf];
  const duplicate = anchor === undefined ? '' : `, duplicate of line ${anchor.line}`;
  return `${r.name}${r.wait ? '' : ' (nowait)'} by ${who(r)} at ${r.time.toFixed(6)} s${duplicate}: ${outcomeText(r)}`;
}
