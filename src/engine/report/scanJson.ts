/** The source index as JSON (schemaVersion 1). Field names are a public contract: add fields, never rename. */
import { shapeText } from '../nameShape';
import type { SourceFinding, SourceIndex } from '../sourceIndex';
import { kernelDirectoryJson, locationJson } from './json';
import { mapped, stringify, stringifyChunks } from './jsonValue';
import { scanSummary } from './scanSummary';
import { TOOL_NAME, TOOL_VERSION } from './tool';

export function renderScanJson(index: SourceIndex): string {
  return stringify(scanDocument(index));
}

/** The same text as renderScanJson, in pieces (one per call site, alias, ...), for writing to a stream. */
export function renderScanJsonChunks(index: SourceIndex): Iterable<string> {
  return stringifyChunks(scanDocument(index));
}

function scanDocument(index: SourceIndex): Record<string, unknown> {
  return {
    schemaVersion: 1,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    root: index.root,
    kernelDirectory: kernelDirectoryJson(index.kernelDirectory),
    summary: scanSummary(index),
    callSites: mapped(index.callSites, (c) => ({
      file: c.file,
      line: c.line,
      column: c.column,
      callee: c.callee,
      kind: c.kind,
      via: c.via,
      function: c.function,
      format: c.format,
      pattern: c.pattern,
      returnUse: c.returnUse,
      name: c.name,
      family: c.family,
      shapes: c.shapes && c.shapes.map(shapeText),
      tail: c.tail,
      queue: c.queue,
      arguments: c.arguments,
      assignedTested: c.assignedTested,
      wait: c.wait,
      endLine: c.endLine,
      endColumn: c.endColumn,
    })),
    wrappers: mapped(index.wrappers, (w) => ({
      name: w.name,
      kind: w.kind,
      file: w.file,
      line: w.line,
      pattern: w.pattern,
      calls: w.calls,
      queue: w.queue,
    })),
    aliases: mapped(index.aliases, (a) => ({
      file: a.file,
      line: a.line,
      macro: a.macro,
      value: a.value,
      reason: a.reason,
      column: a.column,
      module: a.module,
    })),
    functions: mapped(index.functions, (f) => ({
      name: f.name,
      file: f.file,
      line: f.line,
      endLine: f.endLine,
      isStatic: f.isStatic,
      calls: f.calls,
    })),
    findings: mapped(index.findings, sourceFindingJson),
    files: {
      scanned: index.files.scanned,
      skipped: index.files.skipped,
      unreadable: index.files.unreadable.map((u) => ({ file: u.file, reason: u.reason })),
    },
  };
}

/** Shaped like the replay report's findings (no trace requests), plus the other source lines involved. */
function sourceFindingJson(f: SourceFinding): unknown {
  return {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    name: f.name,
    requests: [],
    location: locationJson(f.location),
    related: f.related.map((r) => ({ file: r.file, line: r.line, column: r.column, message: r.message })),
  };
}
