/**
 * How many findings there are, by rule and by place, and how many entries the Problems panel lists for them: the
 * editor's status bar says one number and its tooltip explains how it adds up.
 */
import type { Finding, RequestRecord } from '../report';
import type { Report } from '../reportStream/index';
import { RULE_IDS, type RuleId } from '../ruleCatalog';
import { plural } from './findingText';
import type { SiteFindings } from './siteFindings';
import type { SourceFinding } from '../sourceIndex';

export interface RuleCount {
  rule: RuleId;
  /** Findings of the scan (in the sources). */
  sources: number;
  /** Findings of the replay (in the trace). */
  trace: number;
  /** Call sites whose source line shows this rule's entry. */
  callSites: number;
}

export interface FindingCounts {
  /** Findings of the scan and of the replay. */
  total: number;
  /** Rules with at least one finding, in rule order. */
  byRule: RuleCount[];
  /** Entries on trace lines: one per replay finding. */
  traceEntries: number;
  /** Entries on source lines: one per rule and call site. */
  sourceEntries: number;
}

/**
 * The trace line a replay finding is shown on: a duplicate group on its first repeat (the anchor is related
 * information), any other finding on its first request, else its first trace line.
 */
export function traceLineOf(finding: Finding, requests: readonly RequestRecord[]): number | undefined {
  const subject =
    finding.rule === 'duplicate-request' ? (finding.requests[1] ?? finding.requests[0]) : finding.requests[0];
  return (subject !== undefined ? requests[subject]?.line : undefined) ?? finding.traceLines[0];
}

export function countFindings(
  sourceFindings: readonly SourceFinding[],
  report: Report | undefined,
  sites: readonly SiteFindings[],
): FindingCounts {
  const rules = new Map<RuleId, RuleCount>(
    RULE_IDS.map((rule) => [rule, { rule, sources: 0, trace: 0, callSites: 0 }]),
  );
  for (const f of sourceFindings) rules.get(f.rule)!.sources++;
  const requests = report?.requests ?? [];
  let traceEntries = 0;
  for (const f of report?.findings ?? []) {
    rules.get(f.rule)!.trace++;
    if (traceLineOf(f, requests) !== undefined) traceEntries++;
  }
  for (const s of sites) if (s.trace.length > 0) rules.get(s.rule)!.callSites++;
  const byRule = [...rules.values()].filter((c) => c.sources + c.trace > 0);
  return {
    total: sourceFindings.length + (report?.findings.length ?? 0),
    byRule,
    traceEntries,
    sourceEntries: sites.length,
  };
}

/** The status bar's tooltip: the total, each rule by place, and how the Problems panel's entries add up. */
export function countsText(c: FindingCounts): string {
  const lines = [`Autoload Lens: ${plural(c.total, 'finding')}`];
  for (const r of c.byRule) {
    const places = [
      r.trace > 0 && `${r.trace} in the trace${r.callSites > 0 ? ` (from ${plural(r.callSites, 'call site')})` : ''}`,
      r.sources > 0 && `${r.sources} in the sources`,
    ].filter((p): p is string => typeof p === 'string');
    lines.push(`${r.rule}: ${places.join(', ')}`);
  }
  const entries = c.traceEntries + c.sourceEntries;
  if (entries > 0) {
    lines.push(
      `Problems lists ${plural(entries, 'entry', 'entries')}: ${c.traceEntries} on trace lines (one per trace finding), ` +
        `${c.sourceEntries} on source lines (one per rule and call site).`,
    );
  }
  return lines.join('\n');
}
