/**
 * The renderers, one per format, each over the replay's report (a ReportSink, fed as the replay goes), the scan's
 * SourceIndex and a boot-to-boot diff; and the same renderings as strings, for reports held in memory (the editor's
 * export, tests).
 */
import { playReport, type Report } from '../reportStream/index';
import type { SourceIndex } from '../sourceIndex';
import { ReplayJson, writeScanJson } from './json';
import type { Emit } from './jsonWriter';
import { ReplaySarif, writeScanSarif, type SarifOptions } from './sarif';
import { ReplayText, writeScanText, type TextOptions } from './text';

export { ReplayJson, writeDiffJson, writeScanJson } from './json';
export { ReplayJsonLines } from './jsonl';
export type { Emit } from './jsonWriter';
export { writeDiffMarkdown, type MarkdownOptions } from './markdown';
export { ReplaySarif, writeDiffSarif, writeScanSarif, type SarifOptions } from './sarif';
export { ReplayText, writeDiffText, writeScanText, type TextOptions } from './text';

function collect(write: (emit: Emit) => void): string {
  const parts: string[] = [];
  write((text) => parts.push(text));
  return parts.join('');
}

export function renderText(report: Report, opts: TextOptions = {}): string {
  return collect((emit) => playReport(report, new ReplayText(emit, opts)));
}

export function renderJson(report: Report): string {
  return collect((emit) => playReport(report, new ReplayJson(emit)));
}

export function renderSarif(report: Report, opts: SarifOptions = {}): string {
  return collect((emit) => playReport(report, new ReplaySarif(emit, opts)));
}

export function renderScanText(index: SourceIndex, opts: TextOptions = {}): string {
  return collect((emit) => writeScanText(index, emit, opts));
}

export function renderScanJson(index: SourceIndex): string {
  return collect((emit) => writeScanJson(index, emit));
}

/** Located relative to the scanned root, whatever the directory the tool runs in. */
export function renderScanSarif(index: SourceIndex): string {
  return collect((emit) => writeScanSarif(index, emit));
}
