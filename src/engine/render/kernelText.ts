/**
 * The text report's kernel sections: the model the requests ran through (why, what it did with them, what the
 * duplicates cost), the "Kernel models" table with --compare-models, and the kernel's module stats beside the trace.
 */
import { appendAll } from '../appendAll';
import { escapeControl } from '../escape';
import type { KernelFigures } from '../kernel/figures';
import type { FinitCost } from '../kernel/finitRaces';
import type { ModelTally } from '../kernel/kernelModels';
import { KERNEL_MODEL_TITLES } from '../kernel/model';
import type { ModuleStatsComparison } from '../kernel/statsComparison';
import { plural, thousands } from '../findings/findingText';
import { table, wrap, type Column, type Style } from './textFormat';

export function kernelLines(k: KernelFigures, style: Style, width: number): string[] {
  const chosen = k.models[0];
  const out = [
    '',
    style.bold(k.models.length > 1 ? `Kernel models (this report: ${k.model})` : `Kernel model: ${k.model}`),
  ];
  // The version, the basis and the reasons quote the trace and the stats file.
  const say = (text: string) =>
    appendAll(
      out,
      wrap(escapeControl(text), width - 2).map((l) => `  ${l}`),
    );
  say(`${k.model}: ${KERNEL_MODEL_TITLES[k.model]}; ${k.basis}.`);
  if (k.models.length > 1) {
    out.push('', ...table(MODEL_COLUMNS, k.models.map(modelRow), '  ', width), '');
    say(
      "fail: a negative errno or modprobe's exit status; 0, none: returns 0 while nothing answers the name; " +
        'lost/waited: 2.1 names that never reach modprobe, requests that wait for a kmod slot; ' +
        `to finit: duplicates that would call finit_module() while another load of their module ran, and the vmalloc they can hold on kernels before 6.5.`,
    );
  } else {
    say(
      `${plural(chosen.requests, 'request')}: ${plural(chosen.modprobeRuns, 'modprobe run')}, ${chosen.failed} failing, ` +
        `${chosen.zeroWithoutModule} returning 0 with nothing loaded, ${chosen.unknownReturns} whose return the trace cannot tell.`,
    );
  }
  say(`${k.models.length > 1 ? `${k.model}: ` : ''}${finitText(chosen.finit, k)}`);
  if (k.moduleStats) appendAll(out, statsLines(k.moduleStats, style, width));
  return out;
}

const MODEL_COLUMNS: Column[] = [
  { header: 'model', align: 'left', max: 8 },
  { header: 'modprobe runs', align: 'right', max: 13, shrink: false },
  { header: 'fail', align: 'right', max: 8, shrink: false },
  { header: '0, none', align: 'right', max: 8, shrink: false },
  { header: 'unknown', align: 'right', max: 8, shrink: false },
  { header: 'lost/waited', align: 'right', max: 11, shrink: false },
  { header: 'to finit', align: 'right', max: 8, shrink: false },
  { header: 'vmalloc < 6.5', align: 'right', max: 16, shrink: false },
];

function modelRow(t: ModelTally): string[] {
  const f = t.finit;
  return [
    t.model,
    String(t.modprobeRuns),
    String(t.failed),
    String(t.zeroWithoutModule),
    String(t.unknownReturns),
    String(t.model === '2.1' ? t.namesLost : t.waited),
    String(f.duplicates),
    f.duplicates === 0
      ? '0'
      : f.duplicates === f.withoutSize
        ? '?'
        : `${thousands(f.vmallocBytes)}${f.withoutSize > 0 || f.compressedSizes ? '+' : ''}`,
  ];
}

/** What the chosen model's duplicates reaching finit_module() cost, before and from 6.5, and which the traced kernel is. */
function finitText(f: FinitCost, k: KernelFigures): string {
  const kernel =
    k.idempotentLoads === null
      ? "The traced kernel's version is unknown (--kernel-version)."
      : `The traced kernel (${k.version}) is ${k.idempotentLoads ? '6.5 or later: its duplicates cost modprobe runs, not memory' : 'older than 6.5: the vmalloc figure applies'}.`;
  if (f.duplicates === 0)
    return `No duplicate would reach finit_module() while another load of its module ran. ${kernel}`;
  const sized = f.duplicates - f.withoutSize;
  const bytes =
    sized === 0
      ? "their modules' sizes are unknown (--loaded, or the .ko files in the modules directory)"
      : `up to ${thousands(f.vmallocBytes)} bytes of vmalloc on kernels before 6.5 (2 × the module size each` +
        `${f.compressedSizes ? ', some sizes compressed: more' : ''}${f.withoutSize > 0 ? `; ${f.withoutSize} of unknown size not counted` : ''})`;
  return (
    `${plural(f.duplicates, 'duplicate')} would call finit_module() while another load of ${f.duplicates === 1 ? 'its' : 'their'} module ran: ` +
    `${bytes}; from 6.5 on, each waits for that load and shares its result (${plural(f.duplicates, 'modprobe run')}, no memory). ${kernel}`
  );
}

const STATS_COLUMNS: Column[] = [
  { header: 'module', align: 'left', max: 28 },
  { header: 'stats', align: 'right', max: 6, shrink: false },
  { header: 'reason', align: 'left', max: 15 },
  { header: 'groups', align: 'right', max: 6, shrink: false },
  { header: 'to finit', align: 'right', max: 8, shrink: false },
  { header: 'bytes (stats)', align: 'right', max: 14, shrink: false },
  { header: 'verdict', align: 'left', max: 13, shrink: false },
];

function statsLines(s: ModuleStatsComparison, style: Style, width: number): string[] {
  const c = s.counters;
  const out = ['', style.bold(`Module stats (${escapeControl(s.file)})`)];
  const say = (text: string) =>
    appendAll(
      out,
      wrap(escapeControl(text), width - 2).map((l) => `  ${l}`),
    );
  const t = s.trace;
  say(
    `The kernel counted ${plural(c.failedBecoming, 'load')} failed on "becoming" and ${c.failedLoads} on load, ` +
      `${thousands(c.wastedBytes)} bytes of vmalloc wasted in all; under this report's model the trace has ` +
      (t.duplicates === 0
        ? 'no duplicate reaching finit_module().'
        : `${plural(t.duplicates, 'duplicate')} reaching finit_module() (up to ${thousands(t.vmallocBytes)} bytes` +
          `${t.withoutSize > 0 ? `; ${t.withoutSize} of unknown size not counted` : ''}).`),
  );
  const rows = s.modules.map((m) => [
    escapeControl(m.module),
    m.stats ? String(m.stats.count) : '-',
    m.stats ? escapeControl(m.stats.reason) : '-',
    m.trace ? String(m.trace.groups) : '-',
    m.trace ? String(m.trace.finitDuplicates) : '-',
    m.stats?.vmallocBytes == null ? '-' : thousands(m.stats.vmallocBytes),
    m.verdict,
  ]);
  if (rows.length > 0) out.push('', ...table(STATS_COLUMNS, rows, '  ', width));
  const whys = new Map<string, string[]>();
  for (const m of s.modules) if (m.why !== null) whys.set(m.why, [...(whys.get(m.why) ?? []), m.module]);
  for (const [why, modules] of whys) say(`${modules.join(', ')}: ${why}.`);
  if (s.tableCut) say('The kernel lists 111 modules at most: more may have failed.');
  if (s.versionNote !== null) say(`Note: ${s.versionNote}.`);
  return out;
}
