/** `duplicate-request`: a dups.c group (or a nowait-first repeat group) turned into a finding. */
import type { Finding, RequestRecord } from '../report';
import { modnameNormalize } from '../modules/names';
import type { DupsGroup } from '../kernel/dupsModel';
import type { RequestState } from '../replay/requestState';
import { callSiteText, certainLocation, plural, RequestList, thousands, who, type RecordedFinding } from './findingText';

export interface ModuleSizes {
  sizes: Map<string, number>;
  /** Where the sizes came from, for the message (`proc-modules.txt`). */
  source: string;
}

/** Past this many groups for one name (a long trace repeating itself), further groups fold into one finding. */
export const MAX_DUPLICATE_GROUPS_PER_NAME = 20;

export function duplicateRequestFinding(group: DupsGroup<RequestState>, sizes: ModuleSizes | null): RecordedFinding {
  const first = group.first.record;
  const repeats = group.repeats.map((s) => s.record);
  const all = [first, ...repeats];
  const span = repeats[repeats.length - 1]!.time - first.time;
  const callers = [...new Set(all.map(callSiteText))];
  const loaded = [...new Set(all.flatMap((r) => r.loadedModules))];
  const stale = group.repeats.filter((s) => s.staleAnchor).map((s) => s.record.index);

  const parts = [
    `\`${group.name}\` requested ${all.length} times within ${span.toFixed(3)} s by ${callers.join(', ')}.`,
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
  const memory = sizes && racing > 0 ? duplicateMemory(first, racing, sizes) : null;
  if (memory) {
    parts.push(
      `${plural(racing, 'duplicate')} raced the anchor's load; each racing finit_module() can take up to twice the module size: up to ${thousands(memory.bytes)} bytes (2 × ${racing} × ${thousands(memory.moduleBytes)}, sizes of ${memory.modules.join(', ')} from ${sizes!.source}).`,
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
      memoryEstimate: memory && { ...memory, basis: 'finit_module() may take up to 2x the module size per duplicate (kernel/module/dups.c)', sizesFrom: sizes!.source },
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
      return modules === '' ? 'Nothing loaded: no module provides the name.' : `Nothing loaded: ${modules} did not load.`;
  }
}

function duplicateMemory(first: RequestRecord, duplicates: number, sizes: ModuleSizes) {
  const modules = first.resolution.modules.filter((m) => sizes.sizes.has(modnameNormalize(m)));
  if (modules.length === 0) return null;
  const moduleBytes = modules.reduce((sum, m) => sum + sizes.sizes.get(modnameNormalize(m))!, 0);
  return { modules, moduleBytes, bytes: 2 * duplicates * moduleBytes };
}

/** Duplicate groups beyond MAX_DUPLICATE_GROUPS_PER_NAME, counted per name. */
export class FoldedDuplicates {
  private readonly names = new Map<string, { groups: number; converged: number; list: RequestList }>();

  add(group: DupsGroup<RequestState>): void {
    let n = this.names.get(group.name);
    if (!n) this.names.set(group.name, (n = { groups: 0, converged: 0, list: new RequestList() }));
    n.groups++;
    if (group.anchored) n.converged++;
    n.list.add(group.first.record, group.first.anchor);
    for (const s of group.repeats) n.list.add(s.record, s.anchor);
  }

  findings(shownPerName: number): RecordedFinding[] {
    return [...this.names].map(([name, n]) => n.list.finding({
      rule: 'duplicate-request',
      severity: 'warning',
      message: `\`${name}\`: ${plural(n.groups, 'more duplicate group')} after the first ${shownPerName} (${plural(n.list.count, 'request')}; dups.c would have converged ${n.converged} of the groups).`,
      name,
      location: null,
      evidence: { folded: true, groups: n.groups, convergedGroups: n.converged, requestCount: n.list.count },
    }));
  }
}
