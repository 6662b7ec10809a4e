/** SARIF 2.1.0 pieces shared by the replay and scan renderers: the log envelope, the driver with its rules, locations. */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULE_IDS, RULES, type RuleId, type Severity } from '../rules/catalog';
import type { SourceLocation } from '../sourceIndex';
import type { MappedArray } from './jsonValue';
import { TOOL_NAME, TOOL_VERSION } from './tool';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** uriBaseId of locations in the scanned source tree. */
export const SRCROOT = 'SRCROOT';
/** uriBaseId of the trace file, relative to the directory the tool ran in. */
export const PROJECTROOT = 'PROJECTROOT';

export type SarifLevel = 'error' | 'warning' | 'note';

export interface SarifLocation {
  id?: number;
  physicalLocation: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: { startLine: number; startColumn?: number };
  };
  message?: { text: string };
}

export interface SarifResult {
  ruleId: RuleId;
  ruleIndex: number;
  level: SarifLevel;
  message: { text: string };
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
  properties?: Record<string, unknown>;
}

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'info' ? 'note' : severity;
}

export function ruleIndex(rule: RuleId): number {
  return RULE_IDS.indexOf(rule);
}

function driver(): unknown {
  return {
    name: TOOL_NAME,
    version: TOOL_VERSION,
    semanticVersion: TOOL_VERSION,
    rules: RULE_IDS.map((id) => ({
      id,
      name: id.replace(/(^|-)([a-z])/g, (_m, _d: string, c: string) => c.toUpperCase()),
      shortDescription: { text: RULES[id].title },
      fullDescription: { text: RULES[id].description },
      help: { text: RULES[id].help },
      defaultConfiguration: { level: sarifLevel(RULES[id].defaultSeverity) },
    })),
  };
}

/** A relative path as a URI reference: `/` separators, each segment percent-encoded. */
function relativeUri(relPath: string): string {
  return relPath.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/** A directory as the absolute `file:` URI (ending in `/`) that SARIF base ids require. */
function directoryUri(dir: string): string {
  const href = pathToFileURL(path.resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

type SarifArtifactLocation = SarifLocation['physicalLocation']['artifactLocation'];

/** `target` relative to `dir` when it lies inside it, else null. */
function inside(dir: string, target: string): string | null {
  const rel = path.relative(dir, path.resolve(dir, target));
  return rel.startsWith('..') || path.isAbsolute(rel) ? null : rel;
}

/**
 * Turns trace and source paths into artifact locations. Files inside the project directory (where the tool ran)
 * are given relative to it, base id PROJECTROOT, which is what code-scanning services resolve against the
 * checkout; a source tree elsewhere gets its own absolute base, SRCROOT; a trace elsewhere an absolute URI.
 */
export class SarifLocator {
  /** The run's originalUriBaseIds, known up front: results are printed after them, one at a time. */
  readonly bases: Record<string, { uri: string }> = {};
  private readonly srcPrefix: string | null;
  private readonly traceArtifact: SarifArtifactLocation | null;

  constructor(baseDir: string, srcRoot: string | null, traceFile: string | null) {
    this.srcPrefix = srcRoot === null ? null : inside(baseDir, srcRoot);
    if (srcRoot !== null && this.srcPrefix === null) this.bases[SRCROOT] = { uri: directoryUri(srcRoot) };
    const traceRel = traceFile === null ? null : inside(baseDir, traceFile);
    this.traceArtifact =
      traceFile === null
        ? null
        : traceRel === null || traceRel === ''
          ? { uri: pathToFileURL(path.resolve(baseDir, traceFile)).href }
          : { uri: relativeUri(traceRel), uriBaseId: PROJECTROOT };
    if (this.srcPrefix !== null || this.traceArtifact?.uriBaseId !== undefined) {
      this.bases[PROJECTROOT] = { uri: directoryUri(baseDir) };
    }
  }

  /** A line of the trace, or null when the report has no trace. */
  traceLine(line: number, message: string): SarifLocation | null {
    if (this.traceArtifact === null) return null;
    return {
      physicalLocation: { artifactLocation: { ...this.traceArtifact }, region: { startLine: line } },
      message: { text: message },
    };
  }

  source(loc: SourceLocation, message?: string): SarifLocation {
    const artifactLocation =
      this.srcPrefix === null
        ? { uri: relativeUri(loc.file), uriBaseId: SRCROOT }
        : { uri: relativeUri(path.join(this.srcPrefix, loc.file)), uriBaseId: PROJECTROOT };
    return {
      physicalLocation: {
        artifactLocation,
        region: { startLine: loc.line, ...(loc.column >= 1 ? { startColumn: loc.column } : {}) },
      },
      ...(message !== undefined ? { message: { text: message } } : {}),
    };
  }
}

/** The log with its one run; results are converted one at a time while printing (see stringifyChunks). */
export function sarifLog<T>(run: {
  originalUriBaseIds: Record<string, { uri: string }>;
  results: MappedArray<T>;
  properties: Record<string, unknown>;
}): Record<string, unknown> {
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: driver() },
        originalUriBaseIds: run.originalUriBaseIds,
        results: run.results,
        properties: run.properties,
      },
    ],
  };
}
