/**
 * `undocumented-alias`, runtime half: requested names that nothing in the module metadata documents (warning),
 * names requested by plain module name (info), and, with a source index, names that no MODULE_ALIAS*
 * declaration in the sources documents (info when modules.alias still knows them).
 */
import type { Finding, RequestRecord } from '../report';
import { AliasCatalog } from '../modules/aliasDeclarations';
import type { CallSiteInfo, SourceIndex } from '../sourceIndex';
import { callSiteText, certainLocation, plural, RequestList, type RecordedFinding } from '../findings/findingText';

interface NameStats {
  first: RequestRecord;
  list: RequestList;
  /** Call-site objects are shared by the replay, so a set of them stays small. */
  callers: Set<RequestRecord['callSite']>;
}

export class UndocumentedAliasRule {
  private readonly names = new Map<string, NameStats>();
  /** Whether the sources document a name (a MODULE_ALIAS* declaration or a module's name), per name; null without them. */
  private readonly declared: Map<string, boolean> | null;
  private readonly catalog: AliasCatalog | null;
  /** Request call sites by place, to read how a linked call finds out whether the service came. */
  private readonly sites = new Map<string, CallSiteInfo>();

  constructor(index: SourceIndex | null) {
    this.catalog = index && AliasCatalog.of(index);
    this.declared = index && new Map();
    for (const site of index?.callSites ?? []) this.sites.set(`${site.file}:${site.line}:${site.column}`, site);
  }

  add(r: RequestRecord, anchor: RequestRecord | null): void {
    if (!this.concerns(r)) return;
    let stats = this.names.get(r.name);
    if (!stats) this.names.set(r.name, (stats = { first: r, list: new RequestList(), callers: new Set() }));
    stats.list.add(r, anchor);
    stats.callers.add(r.callSite);
  }

  findings(): RecordedFinding[] {
    const out: RecordedFinding[] = [];
    for (const [name, s] of this.names) {
      const base = this.classify(s.first);
      // A miss the calling code handles (it looks the service up again) is worth knowing, not a warning.
      const handled = base.severity === 'warning' ? this.handledBy(s.callers) : null;
      const severity = handled === null ? base.severity : 'info';
      const why =
        handled === null
          ? base.why
          : `${base.why} The caller finds out for itself: ${handled}; the miss is handled, so this is information, not a warning.`;
      out.push(
        s.list.finding({
          rule: 'undocumented-alias',
          severity,
          message: `\`${name}\` (${plural(s.list.count, 'request')} from ${[...new Set([...s.callers].map((callSite) => callSiteText({ callSite })))].join(', ')}): ${why}`,
          name,
          location: certainLocation(s.first),
          evidence: {
            resolution: s.first.resolution,
            requestCount: s.list.count,
            declaredInSource: this.isDeclared(name),
            handledBy: handled,
          },
        }),
      );
    }
    return out;
  }

  /**
   * For a name nothing provides: how the code that asked finds out, when every request was linked to call sites that
   * all look the service up again afterwards (crypto_larval_lookup's crypto_alg_lookup), else null.
   */
  private handledBy(callers: Set<RequestRecord['callSite']>): string | null {
    const ways: string[] = [];
    for (const cs of callers) {
      const locations = cs?.locations ?? [];
      if (locations.length === 0) return null;
      for (const l of locations) {
        const recheck = this.sites.get(`${l.file}:${l.line}:${l.column}`)?.recheck;
        if (!recheck) return null;
        ways.push(`${recheck.how} at ${l.file}:${recheck.line}`);
      }
    }
    return ways.length === 0 ? null : [...new Set(ways)].join(', ');
  }

  private concerns(r: RequestRecord): boolean {
    const kind = r.resolution.kind;
    if (kind === 'none' || kind === 'module') return true;
    if (this.declared === null) return false;
    return (kind === 'alias' || kind === 'unknown') && !this.isDeclared(r.name);
  }

  private isDeclared(name: string): boolean | null {
    if (this.declared === null || this.catalog === null) return null;
    let known = this.declared.get(name);
    if (known === undefined) this.declared.set(name, (known = this.catalog.documents(name)));
    return known;
  }

  private classify(r: RequestRecord): { severity: Finding['severity']; why: string } {
    switch (r.resolution.kind) {
      case 'none':
        return {
          severity: 'warning',
          why: 'no module name, modules.alias pattern, symbol or built-in documents this name; modprobe fails with "not found" and the caller gets a non-zero return.',
        };
      case 'module':
        return {
          severity: 'info',
          why: `requested by plain module name (${r.resolution.modules.join(', ')}), not by an alias a module declares.`,
        };
      case 'alias':
        return {
          severity: 'info',
          why: `no MODULE_ALIAS* declaration in the sources documents it; only modules.alias does (${r.resolution.patterns.join(', ')} → ${r.resolution.modules.join(', ')}), e.g. from a device table.`,
        };
      default:
        return {
          severity: 'info',
          why: 'no MODULE_ALIAS* declaration in the sources documents it (no module metadata given to check further: pass --modules).',
        };
    }
  }
}
