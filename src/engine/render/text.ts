/**
 * The text report, as a person reads it in a terminal, of a replay, of a scan and of a boot-to-boot diff. Findings
 * are grouped by rule and share one layout (message, location, then the trace requests or the other source lines
 * involved). A replay's findings are printed as they close, its request chains, nowait requests, trace warnings and
 * summary at the end; a scan, whole in memory, starts with its summary; a diff lists what differs, then its summary.
 */
import type { BootDiff, DiffSide, FindingFacts, NameChange, NameDiff, SiteDiff } from '../diff/index';
import { chainLines } from './chainText';
import { escapeControl } from '../escape';
import { describeKernelDirectory } from './kernelDirectory';
import { kernelLines } from './kernelText';
import type { Chain, Finding, RequestRecord } from '../report';
import type { ReportHead, ReportSink, ReportTail } from '../reportStream/index';
import { RULE_IDS, RULES, type RuleId, type Severity } from '../ruleCatalog';
import type { SourceFinding, SourceIndex } from '../sourceIndex';
import { TOOL_NAME, TOOL_VERSION } from '../tool';
import type { Emit } from './jsonWriter';
import { scanSummary, tally } from './scanSummary';
import {
  append,
  columnWidths,
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
  /**
   * How many requests to list per finding (and of the nowait requests, and per request chain), and how many chains,
   * before summarising the rest (default 20).
   */
  maxRows?: number;
  /** How many wrappers a scan lists, most used first (default 40). */
  maxWrappers?: number;
}

type SeverityCounts = Map<RuleId, Record<Severity, number>>;

function countSeverity(counts: SeverityCounts, f: Finding | SourceFinding): void {
  const c = counts.get(f.rule) ?? { error: 0, warning: 0, info: 0 };
  c[f.severity] += 1;
  counts.set(f.rule, c);
}

/** The replay report, written as it is known. */
export class ReplayText implements ReportSink {
  private readonly style: Style;
  private readonly width: number;
  private readonly maxRows: number;
  private section: RuleId | null = null;
  private readonly bySeverity: SeverityCounts = new Map();
  /** The first nowait requests (what the table shows) and how many there were. */
  private readonly nowait: RequestRecord[] = [];
  private nowaitCount = 0;
  /** The first chains, laid out as they come (their records are not kept), and how many there were. */
  private readonly chainBlocks: string[][] = [];
  private chainCount = 0;

  constructor(
    private readonly emit: Emit,
    private readonly opts: TextOptions = {},
  ) {
    this.style = makeStyle(opts.color === true);
    this.width = opts.width ?? 100;
    this.maxRows = opts.maxRows ?? 20;
  }

  private lines(lines: readonly string[]): void {
    if (lines.length > 0) this.emit(`${lines.join('\n')}\n`);
  }

  begin(head: ReportHead): void {
    const title = head.traceFile !== null ? `replay of ${escapeControl(head.traceFile)}` : 'report';
    this.lines([
      this.style.bold(`${head.tool.name} ${head.tool.version}: ${title}`),
      `  modules  ${head.modulesDir === null ? '(none: resolutions unknown)' : escapeControl(head.modulesDir)}`,
      `  sources  ${head.sourceRoot === null ? '(none)' : escapeControl(head.sourceRoot)}`,
      ...(head.kernelDirectory ? [`  kernel   ${escapeControl(describeKernelDirectory(head.kernelDirectory))}`] : []),
    ]);
  }

  request(r: RequestRecord): void {
    if (r.wait) return;
    this.nowaitCount++;
    if (this.nowait.length < this.maxRows) this.nowait.push(r);
  }

  finding(f: Finding, byIndex: ReadonlyMap<number, RequestRecord>): void {
    countSeverity(this.bySeverity, f);
    const lines: string[] = [];
    if (f.rule !== this.section) {
      this.section = f.rule;
      lines.push('', this.style.bold(sectionTitle(f.rule)));
    }
    append(lines, findingLines(f, byIndex, this.style, this.width, this.maxRows));
    this.lines(lines);
  }

  chain(chain: Chain, records: ReadonlyMap<number, RequestRecord>): void {
    this.chainCount++;
    if (this.chainBlocks.length < this.maxRows)
      this.chainBlocks.push(chainLines(chain, records, this.width, this.maxRows));
  }

  end(tail: ReportTail): void {
    const { style, width } = this;
    const out: string[] = [];
    if (this.section === null) out.push('', 'No findings.');
    if (this.chainCount > 0) {
      out.push('', style.bold(`Request chains (${this.chainCount})`));
      out.push(...wrap(CHAINS_NOTE, width - 2).map((l) => `  ${l}`));
      for (const block of this.chainBlocks) append(out, block);
      if (this.chainCount > this.chainBlocks.length) {
        out.push(`  … and ${this.chainCount - this.chainBlocks.length} more (every chain is in --format json)`);
      }
    }
    if (this.nowaitCount > 0) {
      out.push('', style.bold(`Requests that do not wait (${this.nowaitCount})`));
      out.push(...wrap(NOWAIT_NOTE, width - 2).map((l) => `  ${l}`));
      const byIndex = new Map(this.nowait.map((r) => [r.index, r]));
      append(out, requestTable(this.nowait, this.nowaitCount, byIndex, style, width, this.maxRows));
    }
    if (tail.kernel) append(out, kernelLines(tail.kernel, style, width));
    append(out, traceWarnings(tail, style, this.opts.maxWarnings ?? 20, width));
    append(out, this.summary(tail));
    this.lines(out);
  }

  private summary(tail: ReportTail): string[] {
    const s = tail.summary;
    const t = tail.trace;
    const counts: Array<[string, number]> = [
      ['requests', s.requests],
      ['loads', s.loads],
      ['frees', s.frees],
      ['distinct names', s.distinctNames],
      ['request chains', s.chains],
    ];
    return [
      '',
      this.style.bold('Summary'),
      ...(t
        ? [
            `  trace    ${t.format}, ${t.lines} lines, ${t.events} events, ${t.skippedLines} other lines, ` +
              `${t.warningCount} ${t.warningCount === 1 ? 'warning' : 'warnings'}`,
            '',
          ]
        : []),
      ...table(
        [
          { header: 'events', align: 'left', max: 24 },
          { header: 'count', align: 'right', max: 10 },
        ],
        counts.map(([k, v]) => [k, String(v)]),
        '  ',
      ),
      '',
      ...ruleTable(RULE_IDS, this.bySeverity, s.findings, true),
    ];
  }
}

const CHAINS_NOTE =
  'A request and those made on its behalf: by the init of a module its modprobe loaded, by the crypto manager ' +
  'threads instantiating or testing an algorithm for it. Times after the first are from the first request.';

const NOWAIT_NOTE =
  'request_module_nowait() returns once modprobe is started: the caller cannot know whether the module loaded, ' +
  'and dups.c cannot anchor these names for later requests.';

function sectionTitle(rule: RuleId, count?: number): string {
  return `${rule}: ${RULES[rule].title}${count === undefined ? '' : ` (${count})`}`;
}

/** Findings per severity and in all, one row per rule; with `allRules`, a row of the sums. */
function ruleTable(
  rules: readonly RuleId[],
  bySeverity: SeverityCounts,
  totals: Partial<Record<RuleId, number>>,
  allRules: boolean,
): string[] {
  const rows = rules.map((rule) => [
    rule,
    ...SEVERITIES.map((sev) => String(bySeverity.get(rule)?.[sev] ?? 0)),
    String(totals[rule] ?? 0),
  ]);
  if (allRules) {
    rows.push([
      'all rules',
      ...SEVERITIES.map((sev) => String(rules.reduce((n, rule) => n + (bySeverity.get(rule)?.[sev] ?? 0), 0))),
      String(rules.reduce((n, rule) => n + (totals[rule] ?? 0), 0)),
    ]);
  }
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

function traceWarnings(tail: ReportTail, style: Style, max: number, width: number): string[] {
  const t = tail.trace;
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
 * Requests, one row each (the first `maxRows` of `total`). The outcome (the longest, least predictable cell) ends
 * the row when it fits in the width, else it goes on the next line under the name, so no cell of a row is ever cut
 * short by it.
 */
function requestTable(
  requests: readonly RequestRecord[],
  total: number,
  byIndex: ReadonlyMap<number, RequestRecord>,
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
  const nameStart = indent.length + widths[0] + widths[1] + widths[2] + 6;
  const head = formatRow(
    columns,
    widths,
    columns.map((c) => c.header),
    indent,
  );
  const lines = [style.dim(head.length + 9 <= width ? `${head}  outcome` : head.trimEnd())];
  rows.forEach((row, i) => {
    const base = formatRow(columns, widths, cells[i], indent);
    if (base.length + 2 + row.outcome.length <= width) lines.push(`${base}  ${row.outcome}`);
    else lines.push(base.trimEnd(), truncate(`${' '.repeat(nameStart)}→ ${row.outcome}`, width));
  });
  if (total > rows.length) {
    lines.push(`${indent}… and ${total - rows.length} more (every request is in --format json)`);
  }
  return lines;
}

/** A duplicate's anchor is shown by its trace line when the anchor is at hand, else by its request index. */
function requestRow(
  r: RequestRecord,
  byIndex: ReadonlyMap<number, RequestRecord>,
): { cells: string[]; outcome: string } {
  const dupOf = r.duplicateOf === null ? '' : String(byIndex.get(r.duplicateOf)?.line ?? `#${r.duplicateOf}`);
  const outcome =
    r.outcome === 'loaded' && r.loadedModules.length > 0 ? `loaded ${r.loadedModules.join(',')}` : r.outcome;
  const site = r.callSite ? `${r.callSite.symbol}${r.callSite.module ? ` [${r.callSite.module}]` : ''}` : '-';
  const task = r.pid >= 0 ? `${r.task}-${r.pid}` : r.task || '-';
  return {
    cells: [String(r.line), r.time.toFixed(6), escapeControl(task), escapeControl(r.name), escapeControl(site), dupOf],
    outcome: escapeControl(r.wait ? outcome : `nowait, ${outcome}`),
  };
}

/** What every finding shows first, whatever the report: its severity and message, then its source line. */
function findingHead(f: Pick<Finding, 'severity' | 'message' | 'location'>, style: Style, width: number): string[] {
  const lines: string[] = [];
  const body = wrap(escapeControl(f.message), width - 11);
  lines.push(`  ${style.severity(f.severity, f.severity.padEnd(7))}  ${body[0] ?? ''}`);
  for (const more of body.slice(1)) lines.push(`           ${more}`);
  if (f.location) {
    lines.push(
      truncate(`           at ${escapeControl(`${f.location.file}:${f.location.line}:${f.location.column}`)}`, width),
    );
  }
  return lines;
}

/**
 * One finding of either kind: severity and message, where it is, then what else is involved: a replay's requests
 * (with the source lines they link to, and any other trace lines), a scan's other source lines.
 */
function findingLines(
  f: Finding | SourceFinding,
  byIndex: ReadonlyMap<number, RequestRecord>,
  style: Style,
  width: number,
  maxRows: number,
): string[] {
  const lines = findingHead(f, style, width);
  if ('related' in f) {
    for (const r of f.related)
      lines.push(truncate(`           ${escapeControl(`${r.file}:${r.line}:${r.column}: ${r.message}`)}`, width));
    return lines;
  }
  const requests = f.requests.map((i) => byIndex.get(i)).filter((r): r is RequestRecord => r !== undefined);
  if (requests.length > 0) {
    // A finding lists at most 1,000 requests; `requestCount` in its evidence counts them all.
    const count = f.evidence.requestCount;
    const total = typeof count === 'number' ? count : f.requests.length;
    append(lines, requestTable(requests, total, byIndex, style, width, maxRows));
    append(
      lines,
      sourceLinks(requests).map((l) => truncate(l, width)),
    );
  }
  const otherLines = f.traceLines.slice(f.requests.length);
  if (otherLines.length > 0) {
    const shown = otherLines.slice(0, maxRows).join(', ');
    const more = otherLines.length > maxRows ? ` … and ${otherLines.length - maxRows} more` : '';
    append(
      lines,
      wrap(`trace lines: ${shown}${more}`, width - 6).map((l) => `      ${l}`),
    );
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

const NO_REQUESTS: ReadonlyMap<number, RequestRecord> = new Map();

/** The scan report: totals, the wrappers discovered, then the findings grouped by rule. */
export function writeScanText(index: SourceIndex, emit: Emit, opts: TextOptions = {}): void {
  const style = makeStyle(opts.color === true);
  const width = opts.width ?? 100;
  const s = scanSummary(index);
  const out: string[] = [
    style.bold(`${TOOL_NAME} ${TOOL_VERSION}: scan of ${escapeControl(index.root)}`),
    `  files  ${s.files} scanned, ${s.skippedFiles} skipped, ${s.unreadableFiles} unreadable`,
    `  kernel ${escapeControl(describeKernelDirectory(index.kernelDirectory))}`,
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
  const bySeverity: SeverityCounts = new Map();
  for (const f of index.findings) countSeverity(bySeverity, f);
  out.push(
    '',
    ...ruleTable(
      RULE_IDS.filter((rule) => RULES[rule].checkedOn.source),
      bySeverity,
      s.findings,
      false,
    ),
  );
  if (index.wrappers.length > 0) append(out, wrapperTable(index, style, width, opts.maxWrappers ?? 40));
  for (const rule of RULE_IDS) {
    const findings = index.findings.filter((f) => f.rule === rule);
    if (findings.length === 0) continue;
    out.push('', style.bold(sectionTitle(rule, findings.length)));
    for (const f of findings) append(out, findingLines(f, NO_REQUESTS, style, width, opts.maxRows ?? 20));
  }
  if (index.findings.length === 0) out.push('', 'No findings.');
  const unexpanded = index.aliases.filter((a) => a.value === null);
  if (unexpanded.length > 0) {
    out.push('', style.bold(`MODULE_ALIAS* declarations not expanded (${unexpanded.length})`));
    for (const a of unexpanded) {
      out.push(
        truncate(`  ${escapeControl(`${a.file}:${a.line}  ${a.macro}: ${a.reason ?? 'unknown reason'}`)}`, width),
      );
    }
  }
  if (index.files.unreadable.length > 0) {
    out.push('', style.bold(`Unreadable files (${index.files.unreadable.length})`));
    for (const u of index.files.unreadable) out.push(truncate(`  ${escapeControl(`${u.file}: ${u.reason}`)}`, width));
  }
  emit(`${out.join('\n')}\n`);
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
    .map((w) =>
      [w.name, w.kind, String(sites.get(w.name) ?? 0), w.pattern ?? '?', `${w.file}:${w.line}`].map(escapeControl),
    );
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

/** "a → b", or "a" when both are the same. */
function change<T>(base: T, next: T, show: (v: T) => string = String): string {
  return base === next ? show(base) : `${show(base)} → ${show(next)}`;
}

function siteText(s: { symbol: string; module: string | null }): string {
  return s.module === null ? s.symbol : `${s.symbol} [${s.module}]`;
}

/** A name's call sites: each with its requests in the trace(s) it was requested in, "BASE → NEW" when they differ. */
export function diffSitesText(n: NameDiff): string {
  const count = (s: SiteDiff): string => {
    if (n.change === 'added') return s.newRequests === 1 ? '' : ` ×${s.newRequests}`;
    if (n.change === 'removed') return s.baseRequests === 1 ? '' : ` ×${s.baseRequests}`;
    return s.baseRequests === s.newRequests ? '' : ` ${s.baseRequests} → ${s.newRequests}`;
  };
  return n.callSites.map((s) => `${siteText(s)}${count(s)}`).join(', ');
}

/** The outcome of the name's last request, in the trace(s) it was requested in. */
export function diffOutcomeText(n: NameDiff): string {
  return change(n.baseOutcome, n.newOutcome, (o) => o ?? '-');
}

const DIFF_TITLES: Record<Exclude<NameChange, 'same'>, string> = {
  added: 'Names added',
  removed: 'Names removed',
  changed: 'Names changed',
};

const DIFF_NOTE =
  'A name is changed when its request count, the outcome of its last request, or its requests at some call site ' +
  "differ; times are seconds from each trace's first event.";

/** The diff: each side, the names added, removed and changed, the findings and chains added and removed, the summary. */
export function writeDiffText(diff: BootDiff, emit: Emit, opts: TextOptions = {}): void {
  const style = makeStyle(opts.color === true);
  const width = opts.width ?? 100;
  const side = (label: string, d: DiffSide): string[] =>
    wrap(
      `${escapeControl(d.file ?? '(no trace)')}: ${d.format ?? 'no format'}, ${d.requests} requests of ${d.distinctNames} names, ` +
        `${d.findings} findings, ${d.chains} chains, first event at ${d.firstEventTime === null ? '-' : `${d.firstEventTime.toFixed(6)} s`}`,
      width - 8,
    ).map((l, i) => `  ${i === 0 ? label.padEnd(4) : '    '}  ${l}`);
  const out: string[] = [
    style.bold(
      `${diff.tool.name} ${diff.tool.version}: diff of ${escapeControl(diff.base.file ?? '?')} → ${escapeControl(diff.new.file ?? '?')}`,
    ),
    ...side('base', diff.base),
    ...side('new', diff.new),
    `  call sites compared by ${diff.callSiteModules ? 'symbol and [module]' : 'symbol (a trace prints no [module])'}`,
    '',
    ...wrap(DIFF_NOTE, width - 2).map((l) => `  ${l}`),
  ];
  for (const kind of ['added', 'removed', 'changed'] as const) {
    const names = diff.names.filter((n) => n.change === kind);
    if (names.length === 0) continue;
    out.push('', style.bold(`${DIFF_TITLES[kind]} (${names.length})`));
    append(out, diffNameTable(names, width));
  }
  out.push('', `${diff.summary.same} ${diff.summary.same === 1 ? 'name is' : 'names are'} the same in both.`);
  for (const [kind, list] of [
    ['added', diff.findings.added],
    ['removed', diff.findings.removed],
  ] as const) {
    if (list.length === 0) continue;
    out.push('', style.bold(`Findings ${kind} (${list.length})`));
    for (const f of list) append(out, diffFindingLines(f, kind === 'added' ? 'new' : 'base', style, width));
  }
  for (const [kind, list] of [
    ['added', diff.chains.added],
    ['removed', diff.chains.removed],
  ] as const) {
    if (list.length === 0) continue;
    out.push('', style.bold(`Request chains ${kind} (${list.length})`));
    for (const c of list) {
      const loaded = c.modules.length > 0 ? `, loaded ${c.modules.join(', ')}` : '';
      const text = `${escapeControl(c.name)}: ${c.baseChains} → ${c.newChains} chains (the last: ${c.requestCount} requests, ${c.depth} ${c.depth === 1 ? 'level' : 'levels'} deep${escapeControl(loaded)})`;
      append(
        out,
        wrap(text, width - 4).map((l, i) => `${i === 0 ? '  ' : '    '}${l}`),
      );
    }
  }
  const s = diff.summary;
  out.push(
    '',
    style.bold('Summary'),
    ...table(
      [
        { header: 'names', align: 'left', max: 12 },
        { header: 'count', align: 'right', max: 10 },
      ],
      [
        ['added', String(s.added)],
        ['removed', String(s.removed)],
        ['changed', String(s.changed)],
        ['same', String(s.same)],
      ],
      '  ',
    ),
    '',
    ...table(
      [
        { header: 'findings', align: 'left', max: 24 },
        { header: 'added', align: 'right', max: 8 },
        { header: 'removed', align: 'right', max: 8 },
      ],
      [
        ...RULE_IDS.map((rule) => [rule, String(s.findings[rule].added), String(s.findings[rule].removed)]),
        ['request chains', String(s.chains.added), String(s.chains.removed)],
      ],
      '  ',
    ),
  );
  emit(`${out.join('\n')}\n`);
}

const DIFF_NAME_COLUMNS: Column[] = [
  { header: 'name', align: 'left', max: 48 },
  { header: 'requests', align: 'right', max: 12, shrink: false },
  { header: 'last outcome', align: 'left', max: 36 },
  { header: 'first (s)', align: 'right', max: 26, shrink: false },
];

/**
 * Names of one change, a row each. The call sites (the longest cell) end the row when they fit in the width, else
 * they go on the next line, so that they are never cut short.
 */
function diffNameTable(names: readonly NameDiff[], width: number): string[] {
  const time = (t: number | null): string => (t === null ? '-' : `+${t.toFixed(6)}`);
  const rows = names.map((n) => ({
    cells: [
      escapeControl(n.name),
      change(n.baseRequests, n.newRequests),
      diffOutcomeText(n),
      n.change === 'changed' ? change(time(n.baseTime), time(n.newTime)) : time(n.baseTime ?? n.newTime),
    ],
    sites: escapeControl(diffSitesText(n)),
  }));
  const indent = '  ';
  const widths = columnWidths(
    DIFF_NAME_COLUMNS,
    rows.map((r) => r.cells),
    indent,
    width,
  );
  const lines = [
    formatRow(
      DIFF_NAME_COLUMNS,
      widths,
      DIFF_NAME_COLUMNS.map((c) => c.header),
      indent,
    ) + '  call sites',
  ];
  for (const r of rows) {
    const base = formatRow(DIFF_NAME_COLUMNS, widths, r.cells, indent);
    if (base.length + 2 + r.sites.length <= width) lines.push(`${base}  ${r.sites}`);
    else lines.push(base.trimEnd(), ...wrap(r.sites, width - 6).map((l) => `      ${l}`));
  }
  return lines;
}

/**
 * A finding added or removed, laid out as the replay's (severity, message, source line), then what the diff matched
 * it by: its rule, its line in the trace it comes from, and its call site.
 */
function diffFindingLines(f: FindingFacts, trace: 'base' | 'new', style: Style, width: number): string[] {
  const by = [
    f.rule,
    f.line === null ? null : `${trace} trace line ${f.line}`,
    f.callSite === null ? null : `call site ${siteText(f.callSite)}`,
  ];
  const lines = findingHead(f, style, width);
  lines.push(truncate(`           ${escapeControl(by.filter((w): w is string => w !== null).join(' · '))}`, width));
  return lines;
}
