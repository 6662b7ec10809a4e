/** The source index's findings as SARIF 2.1.0, located in the scanned tree. */
import type { SourceFinding, SourceIndex } from '../sourceIndex';
import { mapped, stringify, stringifyChunks } from './jsonValue';
import * as path from 'node:path';
import { ruleIndex, sarifLevel, SarifLocator, sarifLog, type SarifResult } from './sarifCommon';
import { scanSummary } from './scanSummary';

export interface ScanSarifOptions {
  /** The project directory paths are made relative to (default: the current directory). */
  baseDir?: string;
}

export function renderScanSarif(index: SourceIndex, opts: ScanSarifOptions = {}): string {
  return stringify(scanSarifDocument(index, opts));
}

/** The same text as renderScanSarif, in pieces (one per result). */
export function renderScanSarifChunks(index: SourceIndex, opts: ScanSarifOptions = {}): Iterable<string> {
  return stringifyChunks(scanSarifDocument(index, opts));
}

function scanSarifDocument(index: SourceIndex, opts: ScanSarifOptions): Record<string, unknown> {
  const locator = new SarifLocator(path.resolve(opts.baseDir ?? process.cwd()), index.root, null);
  const result = (f: SourceFinding): SarifResult => ({
    ruleId: f.rule,
    ruleIndex: ruleIndex(f.rule),
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [locator.source(f.location)],
    ...(f.related.length > 0
      ? { relatedLocations: f.related.map((r, i) => ({ id: i + 1, ...locator.source(r, r.message) })) }
      : {}),
    properties: { name: f.name },
  });
  return sarifLog({
    originalUriBaseIds: locator.bases,
    results: mapped(index.findings, result),
    properties: { summary: scanSummary(index) },
  });
}
