/** The replay report as a person reads it in a terminal: a summary table, then the findings grouped by rule. */
import { RULE_IDS, RULES, type Finding, type Report, type RequestRecord, type RuleId, type Severity } from '../report';
import { escapeControl, makeStyle, SEVERITIES, table, truncate, wrap, type Column, type Style } from './textFormat';

export interface TextOptions {
  /** ANSI colour; off unless asked for. */
  color?: boolean;
  /** Terminal width the layout fits (default 100). */
  width?: number;
  /** How many trace warnings to list before summarising the rest (default 20). */
  maxWarnings?: number;
}

export function renderText(report: Report, opts: TextOptions = {}): string {
  const style = makeStyle(opts.color === true);
  const width = opts.width ?? 100;
  const out: string[] = [];
  out.push(...header(report, style));
  out.push('', ...summary(report, style));
  out.push(...traceWarnings(report, style, opts.maxWarnings ?? 20, width));
  const byIndex = new Map(report.requests.map((r) => [r.index, r]));
  for (const rule of RULE_IDS) {
    const findings = report.findings.filter((f) => f.rule === rule);
    if (findings.length === 0) continue;
    out.push('', style.bold(`${rule}: ${RULES[rule].title} (${findings.length})`));
    for (const f of findings) out.push(...finding(f, byIndex, style, width));
  }
  if (report.findings.length === 0) out.push('', 'No findings.');
  return `${out.join('\n')}\n`;
}

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
  { header: 'name', align: 'left', max: 40 },
  { header: 'call site', align: 'left', max: 32 },
  { header: 'outcome', align: 'left', max: 40 },
];

function finding(f: Finding, byIndex: Map<number, RequestRecord>, style: Style, width: number): string[] {
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
    const byLine = new Map(requests.map((r) => [r.index, r.line]));
    const rows = requests.map((r) => requestRow(r, byIndex, byLine));
    lines.push(...table(REQUEST_COLUMNS, rows, '      ', width).map((l, i) => (i === 0 ? style.dim(l) : l)));
    lines.push(...sourceLinks(requests).map((l) => truncate(l, width)));
  }
  const listed = new Set(requests.map((r) => r.line));
  const otherLines = f.traceLines.filter((l) => !listed.has(l));
  if (otherLines.length > 0) lines.push(...wrap(`trace lines: ${otherLines.join(', ')}`, width - 6).map((l) => `      ${l}`));
  return lines;
}

function requestRow(r: RequestRecord, byIndex: Map<number, RequestRecord>, byLine: Map<number, number>): string[] {
  const notes: string[] = [];
  if (!r.wait) notes.push('nowait');
  if (r.duplicateOf !== null) {
    const anchorLine = byLine.get(r.duplicateOf) ?? byIndex.get(r.duplicateOf)?.line;
    notes.push(anchorLine === undefined ? `dup of #${r.duplicateOf}` : `dup of line ${anchorLine}`);
  }
  notes.push(r.outcome === 'loaded' && r.loadedModules.length > 0 ? `loaded ${r.loadedModules.join(',')}` : r.outcome);
  const site = r.callSite ? `${r.callSite.symbol}${r.callSite.module ? ` [${r.callSite.module}]` : ''}` : '-';
  const task = r.pid >= 0 ? `${r.task}-${r.pid}` : r.task || '-';
  return [String(r.line), r.time.toFixed(6), escapeControl(task), escapeControl(r.name), escapeControl(site), notes.join(', ')];
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
