/**
 * `undocumented-alias`, runtime half: requested names that nothing in the module metadata documents (warning),
 * names requested by plain module name (info), and, with a source index, names that no MODULE_ALIAS*
 * declaration in the sources documents (info when modules.alias still knows them).
 */
import type { Finding, RequestRecord } from '../report';
import { declarationsDocumenting } from '../aliasDeclarations';
import type { AliasDeclaration } from '../sourceIndex';
import { callSiteText, certainLocation, plural, RequestList, type RecordedFinding } from './findingText';

interface NameStats {
  first: RequestRecord;
  list: RequestList;
  /** Call-site objects are shared by the replay, so a set of them stays small. */
  callers: Set<RequestRecord['callSite']>;
}

export class UndocumentedAliasRule {
  private readonly names = new Map<string, NameStats>();
  /** Whether a MODULE_ALIAS* declaration in the sources documents a name, per name; null without a source index. */
  private readonly declared: Map<string, boolean> | null;

  constructor(private readonly aliases: AliasDeclaration[] | null) {
    this.declared = aliases && new Map();
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
      const { severity, why } = this.classify(s.first);
      out.push(s.list.finding({
        rule: 'undocumented-alias',
        severity,
        message: `\`${name}\` (${plural(s.list.count, 'request')} from ${[...new Set([...s.callers].map((callSite) => callSiteText({ callSite })))].join(', ')}): ${why}`,
        name,
        location: certainLocation(s.first),
        evidence: { resolution: s.first.resolution, requestCount: s.list.count, declaredInSource: this.isDeclared(name) },
      }));
    }
    return out;
  }

  private concerns(r: RequestRecord): boolean {
    const kind = r.resolution.kind;
    if (kind === 'none' || kind === 'module') return true;
    if (this.declared === null) return false;
    return (kind === 'alias' || kind === 'unknown') && !this.isDeclared(r.name);
  }

  private isDeclared(name: string): boolean | null {
    if (this.declared === null || this.aliases === null) return null;
    let known = this.declared.get(name);
    if (known === undefined) this.declared.set(name, (known = declarationsDocumenting(this.aliases, name).length > 0));
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
