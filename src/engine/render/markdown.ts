/**
 * A boot-to-boot diff as GitHub-flavoured Markdown, for a pull-request comment: one line of totals, a table of the
 * names that differ, tables of the findings added and removed, the request chains added and removed. Names and
 * messages come from a trace: every cell is escaped so that none can end the table, start HTML or run a link.
 */
import type { BootDiff, FindingFacts, NameDiff } from '../diff/index';
import type { Emit } from './jsonWriter';
import { diffOutcomeText, diffSitesText } from './text';
import { escapeControl } from '../escape';

export interface MarkdownOptions {
  /** Rows per table before the rest is summed up in a line (default 100: a comment stays well under GitHub's limit). */
  maxRows?: number;
}

/** Plain text in a table cell: control characters shown as escapes, Markdown and HTML punctuation backslashed. */
export function markdownText(s: string): string {
  return escapeControl(s).replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => `\\${c}`);
}

/** Text as a code span in a table cell: fenced with more backticks than it holds, its pipes escaped (GFM tables). */
export function markdownCode(s: string): string {
  const text = escapeControl(s).replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function fileName(file: string | null): string {
  return file === null ? '?' : (file.split(/[\\/]/).pop() ?? file);
}

export function writeDiffMarkdown(diff: BootDiff, emit: Emit, opts: MarkdownOptions = {}): void {
  const max = opts.maxRows ?? 100;
  const s = diff.summary;
  const findingsAdded = diff.findings.added.length;
  const findingsRemoved = diff.findings.removed.length;
  const out: string[] = [
    '### Autoload Lens: boot diff',
    '',
    `${markdownCode(fileName(diff.base.file))} (${plural(diff.base.requests, 'request')} of ${plural(diff.base.distinctNames, 'name')}) → ` +
      `${markdownCode(fileName(diff.new.file))} (${plural(diff.new.requests, 'request')} of ${plural(diff.new.distinctNames, 'name')}): ` +
      `${plural(s.added, 'name')} added, ${s.removed} removed, ${s.changed} changed, ${s.same} the same; ` +
      `${plural(findingsAdded, 'finding')} added, ${findingsRemoved} removed; ` +
      `${plural(s.chains.added, 'request chain')} added, ${s.chains.removed} removed.`,
  ];
  const differ = (['added', 'removed', 'changed'] as const).flatMap((change) =>
    diff.names.filter((n) => n.change === change),
  );
  if (differ.length > 0) {
    out.push(
      '',
      row(['change', 'name', 'requests', 'last outcome', 'call sites']),
      row(['---', '---', '---:', '---', '---']),
    );
    for (const n of differ.slice(0, max)) out.push(nameRow(n));
    if (differ.length > max)
      out.push('', `… and ${differ.length - max} more names (every name is in \`--format json\`).`);
  }
  for (const [kind, list] of [
    ['added', diff.findings.added],
    ['removed', diff.findings.removed],
  ] as const) {
    if (list.length === 0) continue;
    out.push(
      '',
      `**Findings ${kind}**`,
      '',
      row(['severity', 'rule', 'name', 'message']),
      row(['---', '---', '---', '---']),
    );
    for (const f of list.slice(0, max)) out.push(findingRow(f));
    if (list.length > max) out.push('', `… and ${list.length - max} more.`);
  }
  for (const [kind, list] of [
    ['added', diff.chains.added],
    ['removed', diff.chains.removed],
  ] as const) {
    if (list.length === 0) continue;
    out.push(
      '',
      `**Request chains ${kind}**`,
      '',
      row(['root name', 'chains', 'requests', 'modules loaded']),
      row(['---', '---:', '---:', '---']),
    );
    for (const c of list.slice(0, max)) {
      out.push(
        row([
          markdownCode(c.name),
          `${c.baseChains} → ${c.newChains}`,
          String(c.requestCount),
          markdownText(c.modules.join(', ')),
        ]),
      );
    }
    if (list.length > max) out.push('', `… and ${list.length - max} more.`);
  }
  emit(`${out.join('\n')}\n`);
}

function nameRow(n: NameDiff): string {
  const requests = n.baseRequests === n.newRequests ? String(n.newRequests) : `${n.baseRequests} → ${n.newRequests}`;
  return row([
    n.change,
    markdownCode(n.name),
    requests,
    markdownText(diffOutcomeText(n)),
    markdownText(diffSitesText(n)),
  ]);
}

function findingRow(f: FindingFacts): string {
  return row([f.severity, markdownCode(f.rule), f.name === null ? '' : markdownCode(f.name), markdownText(f.message)]);
}
