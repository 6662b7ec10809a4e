/** The source index's findings as SARIF 2.1.0, located in the scanned tree. */
import type { SourceFinding, SourceIndex } from '../sourceIndex';
import { mapped, stringify, stringifyChunks } from './jsonValue';
import { directoryUri, ruleIndex, sarifLevel, sarifLog, sourceLocation, SRCROOT, type SarifResult } from './sarifCommon';
import { scanSummary } from './scanSummary';

export function renderScanSarif(index: SourceIndex): string {
  return stringify(scanSarifDocument(index));
}

/** The same text as renderScanSarif, in pieces (one per result). */
export function renderScanSarifChunks(index: SourceIndex): Iterable<string> {
  return stringifyChunks(scanSarifDocument(index));
}

function scanSarifDocument(index: SourceIndex): Record<string, unknown> {
  const result = (f: SourceFinding): SarifResult => ({
    ruleId: f.rule,
    ruleIndex: ruleIndex(f.rule),
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [sourceLocation(f.location)],
    ...(f.related.length > 0
      ? { relatedLocations: f.related.map((r, i) => ({ id: i + 1, ...sourceLocation(r, r.message) })) }
      : {}),
    properties: { name: f.name },
  });
  return sarifLog({
    originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(index.root) } },
    results: mapped(index.findings, result),
    properties: { summary: scanSummary(index) },
  });
}
