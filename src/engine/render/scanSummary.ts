/** Counts over a SourceIndex, shared by the scan renderers so text, JSON and SARIF agree. */
import type { RuleId } from '../ruleCatalog';
import type { SourceIndex } from '../sourceIndex';
import { ruleCounts } from './json';

export interface ScanSummary {
  files: number;
  skippedFiles: number;
  unreadableFiles: number;
  callSites: number;
  directCallSites: number;
  wrapperCallSites: number;
  wrappers: number;
  aliases: number;
  unexpandedAliases: number;
  functions: number;
  findings: Record<RuleId, number>;
}

export function scanSummary(index: SourceIndex): ScanSummary {
  const perRule: Partial<Record<RuleId, number>> = {};
  for (const f of index.findings) perRule[f.rule] = (perRule[f.rule] ?? 0) + 1;
  const direct = index.callSites.filter((c) => c.kind === 'direct').length;
  return {
    files: index.files.scanned,
    skippedFiles: index.files.skipped,
    unreadableFiles: index.files.unreadable.length,
    callSites: index.callSites.length,
    directCallSites: direct,
    wrapperCallSites: index.callSites.length - direct,
    wrappers: index.wrappers.length,
    aliases: index.aliases.length,
    unexpandedAliases: index.aliases.filter((a) => a.value === null).length,
    functions: index.functions.length,
    findings: ruleCounts(perRule),
  };
}

/** How many times each key occurs, most frequent first, ties by key. */
export function tally(keys: string[]): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
