/**
 * `unchecked-zero-return`, runtime half: requests that modprobe answers with 0 (the name resolves) while nothing
 * new loads — the module was already in, or is built in. Grouped by call site, which is where the static half
 * (call sites that take 0 as "loaded") joins: a static finding at the linked source line makes it a warning.
 */
import type { RequestRecord } from '../report';
import type { SourceFinding } from '../sourceIndex';
import { callSiteText, certainLocation, plural, RequestList, type RecordedFinding } from './findingText';

interface SiteStats {
  first: RequestRecord;
  list: RequestList;
  names: Map<string, string>;
}

export class UncheckedZeroReturnRule {
  private readonly sites = new Map<string, SiteStats>();
  /** The stats of each call-site object seen: the replay shares one object per call site, whose text is then built once. */
  private readonly statsOfSite = new Map<RequestRecord['callSite'], SiteStats>();
  private readonly staticByLocation: Map<string, SourceFinding>;

  constructor(staticFindings: SourceFinding[] | null) {
    this.staticByLocation = new Map(
      (staticFindings ?? [])
        .filter((f) => f.rule === 'unchecked-zero-return')
        .map((f) => [`${f.location.file}:${f.location.line}`, f]),
    );
  }

  add(r: RequestRecord, anchor: RequestRecord | null): void {
    if (r.outcome !== 'already-loaded' && r.outcome !== 'builtin') return;
    let s = this.statsOfSite.get(r.callSite);
    if (!s) {
      const key = callSiteText(r);
      s = this.sites.get(key);
      if (!s) this.sites.set(key, (s = { first: r, list: new RequestList(), names: new Map() }));
      this.statsOfSite.set(r.callSite, s);
    }
    s.list.add(r, anchor);
    if (!s.names.has(r.name)) s.names.set(r.name, r.outcome === 'builtin' ? 'built in' : `${r.resolution.modules.join(', ')} already loaded`);
  }

  findings(): RecordedFinding[] {
    const out: RecordedFinding[] = [];
    for (const [site, s] of this.sites) {
      const confirmed = (s.first.callSite?.locations ?? [])
        .map((l) => this.staticByLocation.get(`${l.file}:${l.line}`))
        .find((f) => f !== undefined);
      const names = [...s.names].map(([n, why]) => `${n} (${why})`).join(', ');
      const base = `${site}: ${plural(s.list.count, 'request')} that modprobe answers with 0 while loading nothing new: ${names}.`;
      out.push(s.list.finding({
        rule: 'unchecked-zero-return',
        severity: confirmed ? 'warning' : 'info',
        message: confirmed
          ? `${base} The source at ${confirmed.location.file}:${confirmed.location.line} takes 0 as "loaded": ${confirmed.message}`
          : `${base} A caller that takes 0 as "loaded" must look the service up again.`,
        name: s.names.size === 1 ? s.first.name : null,
        location: confirmed ? confirmed.location : certainLocation(s.first),
        evidence: { callSite: site, names: Object.fromEntries(s.names), requestCount: s.list.count, confirmedBySource: confirmed ?? null },
      }));
    }
    return out;
  }
}
