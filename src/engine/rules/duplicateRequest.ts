/** `duplicate-request`: a dups.c group (or a nowait-first repeat group) turned into a finding. */
import type { Finding, RequestRecord } from '../report';
import type { DupsGroup } from '../kernel/dupsModel';
import type { ModuleSize, ModuleSizes } from '../kernel/moduleSizes';
import {
  callSiteText,
  certainLocation,
  duration,
  MAX_RECORDS_PER_FINDING,
  MAX_REQUESTS_PER_FINDING,
  plural,
  RequestList,
  thousands,
  who,
  type RecordedFinding,
} from '../findings/findingText';

/** What the finding reads of a group's requests (the replay's request state carries more). */
export interface GroupMember {
  record: RequestRecord;
  /** The record of the dups.c anchor this request duplicates, or null. */
  anchor: RequestRecord | null;
  /** A duplicate whose anchor's providers were freed since. */
  staleAnchor: boolean;
  /** Not complete yet: its outcome, completion time and loaded modules may still change. */
  pending: boolean;
}

export type DuplicateGroup = DupsGroup<GroupMember, GroupRepeats>;

/** What a racing duplicate costs on the traced kernel: module sizes, and whether its loads are idempotent (6.5+). */
export interface DuplicateCosts {
  sizes: ModuleSizes;
  /** Null when the kernel version is unknown. */
  idempotentLoads: boolean | null;
}

/** Past this many groups for one name (a long trace repeating itself), further groups fold into one finding. */
export const MAX_DUPLICATE_GROUPS_PER_NAME = 20;

/** Repeats kept whole: with the first request, the records a finding keeps (MAX_RECORDS_PER_FINDING). */
const WHOLE_REPEATS = MAX_RECORDS_PER_FINDING - 1;
/** Repeats known by index: with the first request, the finding's cap on requests. */
const LISTED_REPEATS = MAX_REQUESTS_PER_FINDING - 1;

/**
 * What a duplicate-request finding needs of a group's repeats, in memory bounded whatever the group's size: where
 * trace time stands still, no window ends and one group takes every repeat of its name. Each repeat is read once, as
 * it joins: its index and trace line up to the finding's cap, its call site, whether its anchor was stale, whether it
 * raced the first request's load. Its loaded modules are read once it is complete (or when the group is reported),
 * and the first repeats are also kept whole, as the finding shows them.
 */
export class GroupRepeats {
  /** How many repeats joined. */
  count = 0;
  /** The first WHOLE_REPEATS repeats. */
  readonly whole: GroupMember[] = [];
  /** The first LISTED_REPEATS repeats' indexes and trace lines. */
  readonly indexes: number[] = [];
  readonly lines: number[] = [];
  /** When the last repeat came. */
  lastTime: number;
  /** The call sites of the first request and the repeats, in the order they first came. */
  private readonly callSites = new Set<RequestRecord['callSite']>();
  /** Each module the repeats loaded, with where it first came (repeat number × MAX_PROVIDERS + position). */
  private readonly loaded = new Map<string, number>();
  /** Repeats whose loaded modules are not read yet (pending when they joined), with their numbers. */
  private unread: Array<{ member: GroupMember; number: number }> = [];
  private unreadKept = 0;
  /** Repeats that came after their anchor's providers were freed: the first LISTED_REPEATS indexes, and a count. */
  readonly staleIndexes: number[] = [];
  staleCount = 0;
  /** Repeats that came while the first request was pending, as runs of equal times: racing is known once it loads. */
  private readonly runTimes: number[] = [];
  private readonly runCounts: number[] = [];
  /** Repeats known to have come before the first request's load completed. */
  private racing = 0;

  constructor(private readonly first: GroupMember) {
    this.lastTime = first.record.time;
    this.callSites.add(first.record.callSite);
  }

  push(m: GroupMember): void {
    const r = m.record;
    const number = this.count++;
    if (this.whole.length < WHOLE_REPEATS) this.whole.push(m);
    if (this.indexes.length < LISTED_REPEATS) {
      this.indexes.push(r.index);
      this.lines.push(r.line);
    }
    this.lastTime = r.time;
    this.callSites.add(r.callSite);
    if (m.staleAnchor) {
      this.staleCount++;
      if (this.staleIndexes.length < LISTED_REPEATS) this.staleIndexes.push(r.index);
    }
    this.countRace(r.time);
    if (!m.pending) {
      this.readLoaded(r.loadedModules, number);
      return;
    }
    this.unread.push({ member: m, number });
    if (this.unread.length > 2 * this.unreadKept + 64) this.readCompleted();
  }

  /** The call sites' texts, in the order they first came. */
  callers(): string[] {
    return [...new Set([...this.callSites].map((callSite) => callSiteText({ callSite })))];
  }

  /** Modules loaded by the first request and the repeats, in the order they first came; read as they are now. */
  loadedModules(): string[] {
    for (const { member, number } of this.unread) this.readLoaded(member.record.loadedModules, number);
    this.unread = [];
    this.unreadKept = 0;
    const byRepeats = [...this.loaded].sort((a, b) => a[1] - b[1]).map(([module]) => module);
    return [...new Set([...this.first.record.loadedModules, ...byRepeats])];
  }

  /** Repeats made before the first request's load completed (none when it loaded nothing). */
  racingRepeats(): number {
    this.countRuns();
    return this.racing;
  }

  /** Reads the loaded modules of the repeats complete since they joined; the others stay, in their order. */
  private readCompleted(): void {
    let kept = 0;
    for (const u of this.unread) {
      if (u.member.pending) this.unread[kept++] = u;
      else this.readLoaded(u.member.record.loadedModules, u.number);
    }
    this.unread.length = kept;
    this.unreadKept = kept;
  }

  private readLoaded(modules: readonly string[], number: number): void {
    for (let i = 0; i < modules.length; i++) {
      const at = number * MAX_PROVIDERS + i;
      const seen = this.loaded.get(modules[i]);
      if (seen === undefined || at < seen) this.loaded.set(modules[i], at);
    }
  }

  private countRace(time: number): void {
    if (!this.first.pending) {
      this.countRuns();
      if (this.racesFirst(time)) this.racing++;
      return;
    }
    const last = this.runTimes.length - 1;
    if (last >= 0 && this.runTimes[last] === time) {
      this.runCounts[last]++;
    } else {
      this.runTimes.push(time);
      this.runCounts.push(1);
    }
  }

  /** Counts the runs once the first request is complete. */
  private countRuns(): void {
    if (this.first.pending || this.runTimes.length === 0) return;
    for (let i = 0; i < this.runTimes.length; i++)
      if (this.racesFirst(this.runTimes[i])) this.racing += this.runCounts[i];
    this.runTimes.length = 0;
    this.runCounts.length = 0;
  }

  /** Only duplicates made while the anchor's modprobe was still loading race it into finit_module(). */
  private racesFirst(time: number): boolean {
    const first = this.first.record;
    return first.outcome === 'loaded' && time < first.completedAt;
  }
}

/** More modules than a request's resolution can list: positions within one record's loaded modules stay below it. */
const MAX_PROVIDERS = 1 << 16;

export function duplicateRequestFinding(group: DuplicateGroup, costs: DuplicateCosts): RecordedFinding {
  const first = group.first.record;
  const repeats = group.repeats;
  const count = 1 + repeats.count;
  const span = repeats.lastTime - first.time;
  const callers = repeats.callers();
  const loaded = repeats.loadedModules();
  const stale = repeats.staleCount;

  const parts = [
    `\`${group.name}\` requested ${count} times within ${duration(span)} by ${callers.join(', ')}.`,
    group.anchored
      ? `The first request (line ${first.line}, ${who(first)}) anchors it: dups.c would have converged ${plural(repeats.count, 'duplicate')} into one modprobe.`
      : `The first request (line ${first.line}, ${who(first)}) used request_module_nowait(), which dups.c cannot use as an anchor: not converged.`,
    loaded.length > 0 ? `Loaded: ${loaded.join(', ')}.` : nothingLoaded(first),
  ];
  if (stale > 0) {
    parts.push(
      `${plural(stale, 'duplicate')} came after the anchor's module was freed: dups.c would still answer with the anchor's old return value and load nothing.`,
    );
  }
  const racing = repeats.racingRepeats();
  const memory = racing > 0 ? duplicateMemory(first, racing, costs.sizes) : null;
  const upTo =
    memory &&
    `up to ${thousands(memory.bytes)} bytes (2 × ${racing} × ${thousands(memory.moduleBytes)}, sizes of ${memory.from})`;
  if (racing > 0 && costs.idempotentLoads === true) {
    parts.push(
      `${plural(racing, 'duplicate')} raced the anchor's load; on this kernel (6.5 and later) a finit_module() of a file being loaded waits for that load and shares its result: they cost modprobe runs, not memory${upTo ? ` (before 6.5: ${upTo})` : ''}.`,
    );
  } else if (upTo) {
    parts.push(
      `${plural(racing, 'duplicate')} raced the anchor's load; each racing finit_module() can take up to twice the module size: ${upTo}.`,
    );
  }

  const finding: Finding = {
    rule: 'duplicate-request',
    severity: 'warning',
    message: parts.join(' '),
    name: group.name,
    requests: [first.index, ...repeats.indexes],
    location: certainLocation(first),
    traceLines: [first.line, ...repeats.lines],
    evidence: {
      anchor: first.index,
      duplicates: repeats.indexes,
      ...(repeats.count > repeats.indexes.length && { requestCount: count }),
      convergedByDups: group.anchored,
      firstWait: first.wait,
      callers,
      spanSeconds: span,
      racingDuplicates: racing,
      loadedModules: loaded,
      staleAnchorDuplicates: repeats.staleIndexes,
      ...(stale > repeats.staleIndexes.length && { staleAnchorDuplicateCount: stale }),
      memoryEstimate: memory && {
        modules: memory.modules,
        moduleBytes: memory.moduleBytes,
        bytes: memory.bytes,
        basis: 'finit_module() may take up to 2x the module size per duplicate (kernel/module/dups.c)',
        sizesFrom: memory.from,
        idempotentLoads: costs.idempotentLoads,
      },
    },
  };
  const kept = [group.first, ...repeats.whole];
  const anchors = kept.flatMap((s) => (s.anchor === null ? [] : [s.anchor]));
  return { finding, records: [...kept.map((s) => s.record), ...anchors] };
}

/** Why the group loaded nothing, as the anchor's outcome says it. */
function nothingLoaded(anchor: RequestRecord): string {
  const modules = anchor.resolution.modules.join(', ');
  switch (anchor.outcome) {
    case 'builtin':
      return `Nothing loaded: ${modules} ${anchor.resolution.modules.length === 1 ? 'is' : 'are'} built in.`;
    case 'already-loaded':
      return `Nothing loaded: ${modules} ${anchor.resolution.modules.length === 1 ? 'was' : 'were'} already loaded.`;
    case 'unknown':
      return 'What loaded is unknown (no modules metadata given).';
    default:
      return modules === ''
        ? 'Nothing loaded: no module provides the name.'
        : `Nothing loaded: ${modules} did not load.`;
  }
}

function duplicateMemory(first: RequestRecord, duplicates: number, sizes: ModuleSizes) {
  const known = first.resolution.modules.flatMap((m) => {
    const size = sizes.size(m);
    return size === null ? [] : [{ module: m, size }];
  });
  if (known.length === 0) return null;
  const moduleBytes = known.reduce((sum, k) => sum + k.size.bytes, 0);
  return {
    modules: known.map((k) => k.module),
    moduleBytes,
    bytes: 2 * duplicates * moduleBytes,
    from: sizesText(known),
  };
}

/** `hfs from proc-modules.txt`, `a, b from kernel/x/a.ko.xz (compressed)`: the modules grouped by where their size came from. */
function sizesText(known: Array<{ module: string; size: ModuleSize }>): string {
  const bySource = new Map<string, string[]>();
  for (const { module, size } of known) {
    const source = size.compressed ? `${size.from} (compressed)` : size.from;
    bySource.set(source, [...(bySource.get(source) ?? []), module]);
  }
  return [...bySource].map(([source, modules]) => `${modules.join(', ')} from ${source}`).join('; ');
}

/** Duplicate groups beyond MAX_DUPLICATE_GROUPS_PER_NAME, counted per name. */
export class FoldedDuplicates {
  private readonly names = new Map<string, { groups: number; converged: number; list: RequestList }>();

  add(group: DuplicateGroup): void {
    let n = this.names.get(group.name);
    if (!n) this.names.set(group.name, (n = { groups: 0, converged: 0, list: new RequestList() }));
    n.groups++;
    if (group.anchored) n.converged++;
    const repeats = group.repeats;
    n.list.add(group.first.record, group.first.anchor);
    for (const s of repeats.whole) n.list.add(s.record, s.anchor);
    const whole = repeats.whole.length;
    n.list.addUnrecorded(repeats.indexes.slice(whole), repeats.lines.slice(whole), repeats.count - whole);
  }

  findings(shownPerName: number): RecordedFinding[] {
    return [...this.names].map(([name, n]) =>
      n.list.finding({
        rule: 'duplicate-request',
        severity: 'warning',
        message: `\`${name}\`: ${plural(n.groups, 'more duplicate group')} after the first ${shownPerName} (${plural(n.list.count, 'request')}; dups.c would have converged ${n.converged} of the groups).`,
        name,
        location: null,
        evidence: { folded: true, groups: n.groups, convergedGroups: n.converged, requestCount: n.list.count },
      }),
    );
  }
}
