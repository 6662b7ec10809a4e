/** The replay report as a person reads it in a terminal: a summary table, then the findings grouped by rule. */
import type { Finding, Report, RequestRecord } from '../report';
import { RULE_IDS, RULES, type RuleId, type Severity } from '../rules/catalog';
import {
  append,
  columnWidths,
  escapeControl,
  formatRow,
  makeStyle,
  SEVERITIES,
  table,
  truncate,
  wrap,
  type Column,
  type Style,
} from './textFormat';

export interface TextOptions {
  /** ANSI colour; off unless asked for. */
  color?: boolean;
  /** Terminal width the layout fits (default 100). */
  width?: number;
  /** How many trace warnings to list before summarising the rest (default 20). */
  maxWarnings?: number;
  /** How many requests to list per finding (and of the nowait requests) before summarising the rest (default 20). */
  maxRows?: number;
}

export function renderText(report: Report, opts: TextOptions = {}): string {
  const style = makeStyle(opts.color === true);
  const width = opts.width ?? 100;
  const out: string[] = [];
  out.push(...header(report, style));
  out.push('', ...summary(report, style));
  out.push(...traceWarnings(report, style, opts.maxWarnings ?? 20, width));
  const maxRows = opts.maxRows ?? 20;
  const byIndex = new Map(report.requests.map((r) => [r.index, r]));
  const nowait = report.requests.filter((r) => !r.wait);
  if (nowait.length > 0) {
    out.push('', style.bold(`Requests that do not wait (${nowait.length})`));
    out.push(...wrap(NOWAIT_NOTE, width - 2).map((l) => `  ${l}`));
    append(out, requestTable(nowait, byIndex, style, width, maxRows));
  }
  for (const rule of RULE_IDS) {
    const findings = report.findings.filter((f) => f.rule === rule);
    if (findings.length === 0) continue;
    out.push('', style.bold(`${rule}: ${RULES[rule].title} (${findings.length})`));
    for (const f of findings) append(out, finding(f, byIndex, style, width, maxRows));
  }
  if (report.findings.length === 0) out.push('', 'No findings.');
  return `${out.join('\n')}\n`;
}

const NOWAIT_NOTE =
  'request_module_nowait() returns once modprobe is started: the caller cannot know whether the module loaded, ' +
  'and dups.c cannot anchor these names for later requests.';

function header(report: Report, style: Style): string[] {
  const t = report.trace;
  const title = t ? `replay of ${escapeControl(t.file)}` : 'report';
  const lines = [style.bold(`${report.tool.name} ${report.tool.version}: ${title}`)];
  if (t) {
    lines.push(
      `  trace    ${t.format}, ${t.lines} lines, ${t.events} events, ${t.skippedLines} other lines, ` +
        `${t.warningCount} ${t.warningCount === 1 ? 'warning' : 'warnings'}`,
    );
  }
  lines.push(`  modules  ${report.modulesDir === null ? '(none: resolutions unknown)' : escapeControl(report.modulesDir)}`);
  lines.push(`  sources  ${report.sourceRoot === null ? '(none)' : escapeControl(report.sourceRoot)}`);
  return lines;
}

function summary(report: Report, style: Style): string[] {
  const s = report.summary;
  const counts: Array<[string, number]> = [
    ['requests', s.requests],
    ['loads', s.loads],
    ['frees', s.frees],
    ['distinct names', s.distinctNames],
  ];
  const bySeverity = severityCounts(report.findings);
  const ruleCols: Column[] = [
    { header: 'rule', align: 'left', max: 24 },
    ...SEVERITIES.map((sev): Column => ({ header: sev, align: 'right', max: 8 })),
    { header: 'total', align: 'right', max: 8 },
  ];
  const ruleRows = RULE_IDS.map((rule) => [
    rule,
    ...SEVERITIES.map((sev) => String(bySeverity.get(rule)?.[sev] ?? 0)),
    String(s.findings[rule] ?? 0),
  ]);
  const total = RULE_IDS.reduce((n, rule) => n + (s.findings[rule] ?? 0), 0);
  ruleRows.push([
    'all rules',
    ...SEVERITIES.map((sev) => String(RULE_IDS.reduce((n, rule) => n + (bySeverity.get(rule)?.[sev] ?? 0), 0))),
    String(total),
  ]);
  return [
    style.bold('Summary'),
    ...table(
      [
        { header: 'events', align: 'left', max: 24 },
        { header: 'count', align: 'right', max: 10 },
      ],
      counts.map(([k, v]) => [k, String(v)]),
      '  ',
    ),
    '',
    ...table(ruleCols, ruleRows, '  '),
  ];
}

function severityCounts(findings: Finding[]): Map<RuleId, Record<Severity, number>> {
  const m = new Map<RuleId, Record<Severity, number>>();
  for (const f of findings) {
    const c = m.get(f.rule) ?? { error: 0, warning: 0, info: 0 };
    c[f.severity] += 1;
    m.set(f.rule, c);
  }
  return m;
}

function traceWarnings(report: Report, style: Style, max: number, width: number): string[] {
  const t = report.trace;
  if (!t || t.warningCount === 0) return [];
  const shown = t.warnings.slice(0, max);
  const lines = ['', style.bold(`Trace warnings (${t.warningCount})`)];
  for (const w of shown) lines.push(truncate(`  line ${w.line}: ${escapeControl(w.message)}`, width));
  if (t.warningCount > shown.length) lines.push(`  … and ${t.warningCount - shown.length} more`);
  return lines;
}

const REQUEST_COLUMNS: Column[] = [
  { header: 'line', align: 'right', max: 8, shrink: false },
  { header: 'time', align: 'right', max: 14, shrink: false },
  { header: 'task-pid', align: 'left', max: 24 },
  { header: 'name', align: 'left', max: 48 },
  { header: 'call site', align: 'left', max: 48 },
  { header: 'dup of', align: 'right', max: 8, shrink: false },
];
/**
 * The requests of a finding, one row each. The outcome (the longest, least predictable cell) ends the row when it
 * fits in the width, else it goes on the next line under the name, so no cell of a row is ever cut short by it.
 */
function requestTable(
  requests: RequestRecord[],
  byIndex: Map<number, RequestRecord>,
  style: Style,
  width: number,
  maxRows: number,
): string[] {
  const indent = '      ';
  const rows = requests.slice(0, maxRows).map((r) => requestRow(r, byIndex));
  // The `dup of` column only when some row is a duplicate.
  const keep = rows.some((r) => r.cells[5] !== '') ? REQUEST_COLUMNS.length : REQUEST_COLUMNS.length - 1;
  const columns = REQUEST_COLUMNS.slice(0, keep);
  const cells = rows.map((r) => r.cells.slice(0, keep));
  const widths = columnWidths(columns, cells, indent, width);
  const nameStart = indent.length + (widths[0] as number) + (widths[1] as number) + (widths[2] as number) + 6;
  const head = formatRow(columns, widths, columns.map((c) => c.header), indent);
  const lines = [style.dim(head.length + 9 <= width ? `${head}  outcome` : head.trimEnd())];
  rows.forEach((row, i) => {
    const base = formatRow(columns, widths, cells[i] as string[], indent);
    if (base.length + 2 + row.outcome.length <= width) lines.push(`${base}  ${row.outcome}`);
    else lines.push(base.trimEnd(), truncate(`${' '.repeat(nameStart)}→ ${row.outcome}`, width));
  });
  if (requests.length > rows.length) {
    lines.push(`${indent}… and ${requests.length - rows.length} more (every request is in --format json)`);
  }
  return lines;
}

function requestRow(r: RequestRecord, byIndex: Map<number, RequestRecord>): { cells: string[]; outcome: string } {
  const dupOf = r.duplicateOf === null ? '' : String(byIndex.get(r.duplicateOf)?.line ?? `#${r.duplicateOf}`);
  const outcome = r.outcome === 'loaded' && r.loadedModules.length > 0 ? `loaded ${r.loadedModules.join(',')}` : r.outcome;
  const site = r.callSite ? `${r.callSite.symbol}${r.callSite.module ? ` [${r.callSite.module}]` : ''}` : '-';
  const task = r.pid >= 0 ? `${r.task}-${r.pid}` : r.task || '-';
  return {
    cells: [String(r.line), r.time.toFixed(6), escapeControl(task), escapeControl(r.name), escapeControl(site), dupOf],
    outcome: r.wait ? outcome : `nowait, ${outcome}`,
  };
}

function finding(f: Finding, byIndex: Map<number, RequestRecord>, style: Style, width: number, maxRows: number): string[] {
  const lines: string[] = [];
  const label = f.severity.padEnd(7);
  const body = wrap(escapeControl(f.message), width - 11);
  lines.push(`  ${style.severity(f.severity, label)}  ${body[0] ?? ''}`);
  for (const more of body.slice(1)) lines.push(`           ${more}`);
  if (f.location) {
    lines.push(truncate(`           at ${escapeControl(f.location.file)}:${f.location.line}:${f.location.column}`, width));
  }
  const requests = f.requests.map((i) => byIndex.get(i)).filter((r): r is RequestRecord => r !== undefined);
  if (requests.length > 0) {
    append(lines, requestTable(requests, byIndex, style, width, maxRows));
    append(lines, sourceLinks(requests).map((l) => truncate(l, width)));
  }
  const requestLines = new Set(requests.map((r) => r.line));
  const otherLines = f.traceLines.filter((l) => !requestLines.has(l));
  if (otherLines.length > 0) {
    const shown = otherLines.slice(0, maxRows).join(', ');
    const more = otherLines.length > maxRows ? ` … and ${otherLines.length - maxRows} more` : '';
    append(lines, wrap(`trace lines: ${shown}${more}`, width - 6).map((l) => `      ${l}`));
  }
  return lines;
}

/** One line per distinct trace call site that a source index linked, so the reader can jump to the code. */
function sourceLinks(requests: RequestRecord[]): string[] {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const r of requests) {
    const cs = r.callSite;
    if (!cs || cs.link === undefined) continue;
    const key = `${cs.symbol} ${cs.module ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const where = (cs.locations ?? []).map((l) => `${l.file}:${l.line}`).join(', ');
    lines.push(`      ${escapeControl(cs.symbol)}: ${cs.link}${where ? ` → ${escapeControl(where)}` : ''}`);
  }
  return lines;
}
