/**
 * `unchecked-zero-return`, runtime half: requests that modprobe answers with 0 (the name resolves) while nothing
 * new loads — the module was already in, or is built in. Grouped by call site, which is where the static half
 * (call sites that take 0 as "loaded") joins: a static finding at the linked source line makes it a warning.
 * Under the 2.1 kernel model, which returns 0 to every request, also the requests that get 0 with nothing loaded.
 */
import type { RequestRecord } from '../report';
import type { SourceFinding } from '../sourceIndex';
import { callSiteText, certainLocation, plural, RequestList, type RecordedFinding } from '../findings/findingText';

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
  /** 2.1: requests that return 0 while nothing answers their name. */
  private readonly zeroWithoutModule = new RequestList();

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
    if (!s.names.has(r.name))
      s.names.set(r.name, r.outcome === 'builtin' ? 'built in' : `${r.resolution.modules.join(', ')} already loaded`);
  }

  /** A request the 2.1 model answers with 0 while nothing answers its name (kernel/oneThread.ts). */
  addZeroWithoutModule(r: RequestRecord, anchor: RequestRecord | null): void {
    this.zeroWithoutModule.add(r, anchor);
  }

  findings(): RecordedFinding[] {
    const out: RecordedFinding[] = [];
    const n = this.zeroWithoutModule.count;
    if (n > 0) {
      out.push(
        this.zeroWithoutModule.finding({
          rule: 'unchecked-zero-return',
          severity: 'warning',
          message:
            `${plural(n, 'request')} would have returned 0 with nothing loaded for ${n === 1 ? 'its' : 'their'} name: the ` +
            '2.1 kmod returns 0 whatever happens (a caller woken by the next request returns before modprobe has finished; ' +
            'a name that never reached modprobe loads nothing).',
          name: null,
          location: null,
          evidence: { requestCount: n, kernelModel: '2.1' },
        }),
      );
    }
    for (const [site, s] of this.sites) {
      const confirmed = (s.first.callSite?.locations ?? [])
        .map((l) => this.staticByLocation.get(`${l.file}:${l.line}`))
        .find((f) => f !== undefined);
      const names = [...s.names].map(([n, why]) => `${n} (${why})`).join(', ');
      const base = `${site}: ${plural(s.list.count, 'request')} that modprobe answers with 0 while loading nothing new: ${names}.`;
      out.push(
        s.list.finding({
          rule: 'unchecked-zero-return',
          severity: confirmed ? 'warning' : 'info',
          message: confirmed
            ? `${base} The source at ${confirmed.location.file}:${confirmed.location.line} takes 0 as "loaded": ${confirmed.message}`
            : `${base} A caller that takes 0 as "loaded" must look the service up again.`,
          name: s.names.size === 1 ? s.first.name : null,
          location: confirmed ? confirmed.location : certainLocation(s.first),
          evidence: {
            callSite: site,
            names: Object.fromEntries(s.names),
            requestCount: s.list.count,
            confirmedBySource: confirmed ?? null,
          },
        }),
      );
    }
    return out;
  }
}
