/** The source index's findings as SARIF 2.1.0, located in the scanned tree. */
import type { SourceIndex } from '../sourceIndex';
import { stringify } from './jsonValue';
import { directoryUri, ruleIndex, sarifLevel, sarifLog, sourceLocation, SRCROOT, type SarifResult } from './sarifCommon';
import { scanSummary } from './scanSummary';

export function renderScanSarif(index: SourceIndex): string {
  const results: SarifResult[] = index.findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: ruleIndex(f.rule),
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [sourceLocation(f.location)],
    ...(f.related.length > 0
      ? { relatedLocations: f.related.map((r, i) => ({ id: i + 1, ...sourceLocation(r, r.message) })) }
      : {}),
    properties: { name: f.name },
  }));
  return stringify(
    sarifLog({
      originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(index.root) } },
      results,
      properties: { summary: scanSummary(index) },
    }),
  );
}
