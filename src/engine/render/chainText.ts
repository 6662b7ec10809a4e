/** A request chain as the text report prints it: a heading, what it loaded, then its requests as an indented tree. */
import { escapeControl } from '../escape';
import type { Chain, RequestRecord } from '../report';
import { plural, who } from '../findings/findingText';
import { truncate, wrap } from './textFormat';

type TreeRow = { record: RequestRecord; depth: number };

/** The chain's requests in tree order: each followed by those made on its behalf, in trace order; with their depths. */
function chainTree(chain: Chain, records: ReadonlyMap<number, RequestRecord>): TreeRow[] {
  const children = new Map<number, RequestRecord[]>();
  for (const i of chain.requests) {
    const r = records.get(i);
    if (r === undefined || r.causedBy === null || i === chain.root) continue;
    const list = children.get(r.causedBy);
    if (list === undefined) children.set(r.causedBy, [r]);
    else list.push(r);
  }
  const out: TreeRow[] = [];
  const root = records.get(chain.root);
  if (root === undefined) return out;
  const stack = [{ record: root, depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    out.push(top);
    const below = children.get(top.record.index) ?? [];
    for (let k = below.length - 1; k >= 0; k--) stack.push({ record: below[k], depth: top.depth + 1 });
  }
  return out;
}

/**
 * The heading (root, size, depth, time to the last load), the modules loaded, then one line per request: its trace
 * line, its time (the root's) or its delay after the root, the name indented by its depth, the task (and the module
 * whose init made it), and what it loaded, on a line of its own when the row is too wide. At most `maxRows` requests.
 */
export function chainLines(
  chain: Chain,
  records: ReadonlyMap<number, RequestRecord>,
  width: number,
  maxRows: number,
): string[] {
  const tree = chainTree(chain, records);
  const root = tree[0]?.record;
  const until = chain.modules.length > 0 ? 'last load' : 'last request';
  const heading =
    `${escapeControl(chain.name)} (request #${chain.root}): ${plural(chain.requestCount, 'request')}, ` +
    `${plural(chain.depth, 'level')} deep, ${until} after ${chain.seconds.toFixed(6)} s`;
  const lines = wrap(heading, width - 4).map((l, i) => `${i === 0 ? '  ' : '    '}${l}`);
  if (chain.modules.length > 0) {
    for (const l of wrap(`loaded ${chain.modules.join(', ')}`, width - 4)) lines.push(`    ${escapeControl(l)}`);
  }
  const shown = tree.slice(0, maxRows);
  const rows = shown.map(({ record: r, depth }) => ({
    depth,
    line: String(r.line),
    time: depth === 0 || root === undefined ? r.time.toFixed(6) : `+${(r.time - root.time).toFixed(6)}`,
    text: escapeControl(`${r.name}  ${who(r)}${r.initOf === null ? '' : ` (${r.initOf}'s init)`}`),
    outcome:
      r.outcome === 'loaded' && r.loadedModules.length > 0
        ? `→ loaded ${r.loadedModules.join(', ')}`
        : `→ ${r.outcome}`,
  }));
  const lineWidth = Math.max(0, ...rows.map((c) => c.line.length));
  const timeWidth = Math.max(0, ...rows.map((c) => c.time.length));
  for (const row of rows) {
    const lead = `      ${row.line.padStart(lineWidth)}  ${row.time.padStart(timeWidth)}  ${'  '.repeat(row.depth)}`;
    const whole = `${lead}${row.text}  ${escapeControl(row.outcome)}`;
    if (whole.length <= width) lines.push(whole);
    else {
      lines.push(truncate(`${lead}${row.text}`, width));
      lines.push(truncate(`${' '.repeat(lead.length + 2)}${escapeControl(row.outcome)}`, width));
    }
  }
  const more = chain.requestCount - shown.length;
  if (more > 0) lines.push(`      … and ${plural(more, 'more request')} (every request is in --format json)`);
  return lines;
}
