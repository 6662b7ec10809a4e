/**
 * JSON Lines of a replay, for fleets of boots: one JSON object per line, written as it is known. A `run` record
 * first, a `request`, a `finding` and a `chain` record for each (the fields of the JSON report's `requests[]`,
 * `findings[]` and `chains[]`), a `summary` record last. Every record has its `type` and the run's `labels` (host, kernel, boot
 * id, ...), so the files of many boots load into one table (DuckDB's read_json_auto, ClickHouse, BigQuery).
 */
import { escapeControlInJson } from '../escape';
import type { Chain, Finding, RequestRecord } from '../report';
import type { ReportHead, ReportSink, ReportTail } from '../reportStream/index';
import { chainJson, findingJson, kernelJson, summaryJson, traceJson } from './json';
import type { Emit } from './jsonWriter';

export class ReplayJsonLines implements ReportSink {
  private readonly labels: string;

  constructor(
    private readonly emit: Emit,
    labels: Readonly<Record<string, string>> = {},
  ) {
    this.labels = escapeControlInJson(JSON.stringify(labels));
  }

  /**
   * `{"type":…,"labels":…,` then the fields of `fields` (a non-empty object), with the controls JSON.stringify leaves
   * raw written as `\u` escapes (see escape.ts).
   */
  private record(type: string, fields: unknown): void {
    this.emit(`{"type":"${type}","labels":${this.labels},${escapeControlInJson(JSON.stringify(fields).slice(1))}\n`);
  }

  begin(head: ReportHead): void {
    this.record('run', {
      tool: { name: head.tool.name, version: head.tool.version },
      trace: { file: head.traceFile },
      modulesDir: head.modulesDir,
      sourceRoot: head.sourceRoot,
      kernelModel: head.kernelModel,
    });
  }

  /** Every field of the record, as in the JSON report. */
  request(record: RequestRecord): void {
    this.record('request', record);
  }

  finding(finding: Finding): void {
    this.record('finding', findingJson(finding));
  }

  chain(chain: Chain): void {
    this.record('chain', chainJson(chain));
  }

  /** The summary's counts under `summary` (a finding's `requests` is a list, the summary's a count), the kernel model's figures. */
  end(tail: ReportTail): void {
    this.record('summary', {
      trace: traceJson(tail.trace),
      summary: summaryJson(tail.summary),
      kernel: kernelJson(tail.kernel),
    });
  }
}
