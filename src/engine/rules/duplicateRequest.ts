/** `duplicate-request`: a dups.c group (or a nowait-first repeat group) turned into a finding. */
import type { Finding, RequestRecord } from '../report';
import type { DupsGroup } from '../kernel/dupsModel';
import type { ModuleSize, ModuleSizes } from '../kernel/moduleSizes';
import {
  callSiteText,
  certainLocation,
  duration,
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
}

/** What a racing duplicate costs on the traced kernel: module sizes, and whether its loads are idempotent (6.5+). */
export interface DuplicateCosts {
  sizes: ModuleSizes;
  /** Null when the kernel version is unknown. */
  idempotentLoads: boolean | null;
}

/** Past this many groups for one name (a long trace repeating itself), further groups fold into one finding. */
export const MAX_DUPLICATE_GROUPS_PER_NAME = 20;

export function duplicateRequestFinding(group: DupsGroup<GroupMember>, costs: DuplicateCosts): RecordedFinding {
  const first = group.first.record;
  const repeats = group.repeats.map((s) => s.record);
  const all = [first, ...repeats];
  const span = repeats[repeats.length - 1].time - first.time;
  const callers = [...new Set(all.map(callSiteText))];
  const loaded = [...new Set(all.flatMap((r) => r.loadedModules))];
  const stale = group.repeats.filter((s) => s.staleAnchor).map((s) => s.record.index);

  const parts = [
    `\`${group.name}\` requested ${all.length} times within ${duration(span)} by ${callers.join(', ')}.`,
    group.anchored
      ? `The first request (line ${first.line}, ${who(first)}) anchors it: dups.c would have converged ${plural(repeats.length, 'duplicate')} into one modprobe.`
      : `The first request (line ${first.line}, ${who(first)}) used request_module_nowait(), which dups.c cannot use as an anchor: not converged.`,
    loaded.length > 0 ? `Loaded: ${loaded.join(', ')}.` : nothingLoaded(first),
  ];
  if (stale.length > 0) {
    parts.push(
      `${plural(stale.length, 'duplicate')} came after the anchor's module was freed: dups.c would still answer with the anchor's old return value and load nothing.`,
    );
  }
  // Only duplicates made while the anchor's modprobe was still loading race it into finit_module().
  const racing = first.outcome === 'loaded' ? repeats.filter((r) => r.time < first.completedAt).length : 0;
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
    requests: all.map((r) => r.index),
    location: certainLocation(first),
    traceLines: all.map((r) => r.line),
    evidence: {
      anchor: first.index,
      duplicates: repeats.map((r) => r.index),
      convergedByDups: group.anchored,
      firstWait: first.wait,
      callers,
      spanSeconds: span,
      racingDuplicates: racing,
      loadedModules: loaded,
      staleAnchorDuplicates: stale,
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
  const anchors = [group.first, ...group.repeats].flatMap((s) => (s.anchor === null ? [] : [s.anchor]));
  return { finding, records: [...all, ...anchors] };
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

  add(group: DupsGroup<GroupMember>): void {
    let n = this.names.get(group.name);
    if (!n) this.names.set(group.name, (n = { groups: 0, converged: 0, list: new RequestList() }));
    n.groups++;
    if (group.anchored) n.converged++;
    n.list.add(group.first.record, group.first.anchor);
    for (const s of group.repeats) n.list.add(s.record, s.anchor);
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
