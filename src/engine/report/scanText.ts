/** The source index as a person reads it: totals, the wrappers discovered, then source findings grouped by rule. */
import { RULE_IDS, RULES, type Severity } from '../rules/catalog';
import type { SourceFinding, SourceIndex } from '../sourceIndex';
import { scanSummary, tally } from './scanSummary';
import { append, escapeControl, makeStyle, SEVERITIES, table, truncate, wrap, type Column, type Style } from './textFormat';
import { TOOL_NAME, TOOL_VERSION } from './tool';

export interface ScanTextOptions {
  color?: boolean;
  width?: number;
  /** How many wrappers to list, most used first (default 40). */
  maxWrappers?: number;
}

export function renderScanText(index: SourceIndex, opts: ScanTextOptions = {}): string {
  const style = makeStyle(opts.color === true);
  const width = opts.width ?? 100;
  const s = scanSummary(index);
  const out: string[] = [
    style.bold(`${TOOL_NAME} ${TOOL_VERSION}: scan of ${escapeControl(index.root)}`),
    `  files  ${s.files} scanned, ${s.skippedFiles} skipped, ${s.unreadableFiles} unreadable`,
    '',
    style.bold('Summary'),
    ...table(
      [
        { header: 'indexed', align: 'left', max: 32 },
        { header: 'count', align: 'right', max: 10 },
      ],
      [
        ['call sites', String(s.callSites)],
        ['  direct', String(s.directCallSites)],
        ['  through wrappers', String(s.wrapperCallSites)],
        ['wrappers discovered', String(s.wrappers)],
        ['MODULE_ALIAS* declarations', String(s.aliases)],
        ['  not expandable', String(s.unexpandedAliases)],
        ['functions', String(s.functions)],
      ],
      '  ',
    ),
  ];
  if (index.callSites.length > 0) {
    out.push('', ...countTable('callee', tally(index.callSites.map((c) => c.callee)), 15));
    out.push('', ...countTable('return use', tally(index.callSites.map((c) => c.returnUse)), 15));
  }
  out.push('', ...ruleTable(index.findings, s.findings));
  if (index.wrappers.length > 0) append(out, wrapperTable(index, style, width, opts.maxWrappers ?? 40));
  for (const rule of RULE_IDS) {
    const findings = index.findings.filter((f) => f.rule === rule);
    if (findings.length === 0) continue;
    out.push('', style.bold(`${rule}: ${RULES[rule].title} (${findings.length})`));
    for (const f of findings) append(out, finding(f, style, width));
  }
  if (index.findings.length === 0) out.push('', 'No findings.');
  const unexpanded = index.aliases.filter((a) => a.value === null);
  if (unexpanded.length > 0) {
    out.push('', style.bold(`MODULE_ALIAS* declarations not expanded (${unexpanded.length})`));
    for (const a of unexpanded) {
      out.push(truncate(`  ${escapeControl(`${a.file}:${a.line}  ${a.macro}: ${a.reason ?? 'unknown reason'}`)}`, width));
    }
  }
  if (index.files.unreadable.length > 0) {
    out.push('', style.bold(`Unreadable files (${index.files.unreadable.length})`));
    for (const u of index.files.unreadable) out.push(truncate(`  ${escapeControl(`${u.file}: ${u.reason}`)}`, width));
  }
  return `${out.join('\n')}\n`;
}

const WRAPPER_COLUMNS: Column[] = [
  { header: 'name', align: 'left', max: 32 },
  { header: 'kind', align: 'left', max: 8 },
  { header: 'sites', align: 'right', max: 6, shrink: false },
  { header: 'pattern', align: 'left', max: 28 },
  { header: 'defined at', align: 'left', max: 60, shrink: false },
];

/** The most used wrappers first (by call sites through them), so the list is worth reading when it is cut. */
function wrapperTable(index: SourceIndex, style: Style, width: number, max: number): string[] {
  const sites = new Map<string, number>();
  for (const c of index.callSites) if (c.kind === 'wrapper') sites.set(c.callee, (sites.get(c.callee) ?? 0) + 1);
  const ranked = [...index.wrappers].sort(
    (a, b) => (sites.get(b.name) ?? 0) - (sites.get(a.name) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
  const rows = ranked
    .slice(0, max)
    .map((w) => [w.name, w.kind, String(sites.get(w.name) ?? 0), w.pattern ?? '?', `${w.file}:${w.line}`].map(escapeControl));
  const lines = ['', style.bold(`Wrappers (${index.wrappers.length})`), ...table(WRAPPER_COLUMNS, rows, '  ', width)];
  if (ranked.length > max) lines.push(`  … and ${ranked.length - max} more (every wrapper is in --format json)`);
  return lines;
}

function countTable(header: string, counts: Array<[string, number]>, top: number): string[] {
  const rows = counts.slice(0, top).map(([k, n]) => [escapeControl(k), String(n)]);
  if (counts.length > top) {
    rows.push([`(${counts.length - top} more)`, String(counts.slice(top).reduce((a, [, n]) => a + n, 0))]);
  }
  return table(
    [
      { header, align: 'left', max: 32 },
      { header: 'count', align: 'right', max: 10 },
    ],
    rows,
    '  ',
  );
}

/** Rules a source scan can raise (the others need a trace). */
const SOURCE_RULES: Array<SourceFinding['rule']> = ['unchecked-zero-return', 'name-too-long', 'undocumented-alias'];

function ruleTable(findings: SourceFinding[], totals: Record<string, number>): string[] {
  const rows = SOURCE_RULES.map((rule) => [
    rule,
    ...SEVERITIES.map((sev: Severity) => String(findings.filter((f) => f.rule === rule && f.severity === sev).length)),
    String(totals[rule] ?? 0),
  ]);
  return table(
    [
      { header: 'rule', align: 'left', max: 24 },
      ...SEVERITIES.map((sev): Column => ({ header: sev, align: 'right', max: 8 })),
      { header: 'total', align: 'right', max: 8 },
    ],
    rows,
    '  ',
  );
}

function finding(f: SourceFinding, style: Style, width: number): string[] {
  const body = wrap(escapeControl(f.message), width - 11);
  const lines = [`  ${style.severity(f.severity, f.severity.padEnd(7))}  ${body[0] ?? ''}`];
  for (const more of body.slice(1)) lines.push(`           ${more}`);
  lines.push(truncate(`           at ${escapeControl(`${f.location.file}:${f.location.line}:${f.location.column}`)}`, width));
  for (const r of f.related) {
    lines.push(truncate(`           ${escapeControl(`${r.file}:${r.line}:${r.column}: ${r.message}`)}`, width));
  }
  return lines;
}
