/**
 * /sys/kernel/debug/modules/stats (CONFIG_MODULE_STATS, kernels 6.4 and later, debugfs mounted), as
 * read_file_mod_stats() in kernel/module/stats.c prints it: one `%25s\t%u` or `%25s\t%lu` line per counter (the
 * averages only when their counters are not zero), then, when any module failed to load as a duplicate, the
 * "Duplicate failed modules:" table (`%25s\t%15s\t%25s` per row: name, how many times, reason), at most 111 rows.
 */
import { readFile } from 'node:fs/promises';
import { err, ok, type AutoloadError, type Result } from '../result';

/** The counters printed always, by their label. */
const ALWAYS = {
  'Mods ever loaded': 'modsEverLoaded',
  'Mods failed on kread': 'failedKreads',
  'Mods failed on decompress': 'failedDecompress',
  'Mods failed on becoming': 'failedBecoming',
  'Mods failed on load': 'failedLoads',
  'Total module size': 'totalModuleSize',
  'Total mod text size': 'totalTextSize',
  'Failed kread bytes': 'failedKreadBytes',
  'Failed decompress bytes': 'failedDecompressBytes',
  'Failed becoming bytes': 'failedBecomingBytes',
  'Failed kmod bytes': 'failedLoadBytes',
  'Virtual mem wasted bytes': 'wastedBytes',
} as const;

/** The averages, printed only when their counters are not zero. */
const WHEN_NOT_ZERO = {
  'Average mod size': 'averageModuleSize',
  'Average mod text size': 'averageTextSize',
  'Avg fail kread bytes': 'averageFailedKreadBytes',
  'Avg fail becoming bytes': 'averageFailedBecomingBytes',
  'Avg fail decomp bytes': 'averageFailedDecompressBytes',
  'Average fail load bytes': 'averageFailedLoadBytes',
} as const;

export type ModuleStatsCounters = { [K in (typeof ALWAYS)[keyof typeof ALWAYS]]: number } & {
  [K in (typeof WHEN_NOT_ZERO)[keyof typeof WHEN_NOT_ZERO]]: number | null;
};

/** mod_fail_to_str(): which of the two duplicate checks a module failed (both, over its failures). */
const FAIL_REASONS = ['Becoming & Load', 'Becoming', 'Load', 'Bug-on-stats'] as const;
export type DuplicateFailReason = (typeof FAIL_REASONS)[number];

export interface DuplicateFailedModule {
  name: string;
  count: number;
  reason: DuplicateFailReason;
}

export interface ModuleStats {
  file: string;
  counters: ModuleStatsCounters;
  /** The "Duplicate failed modules" table; empty when the kernel printed none. */
  duplicates: DuplicateFailedModule[];
  /** The kernel stops the table at 111 rows: with that many, more modules may have failed than it lists. */
  tableCut: boolean;
}

/** read_file_mod_stats() stops printing rows once `++count_failed >= MAX_FAILED_MOD_PRINT` (112). */
const MAX_TABLE_ROWS = 111;

const HINT =
  'give a copy of /sys/kernel/debug/modules/stats (CONFIG_MODULE_STATS, kernel 6.4 or later, debugfs mounted)';
const TABLE_TITLE = 'Duplicate failed modules:';

export async function readModuleStats(file: string): Promise<Result<ModuleStats>> {
  const bytes = await readFile(file).catch((e: NodeJS.ErrnoException) => e);
  if (bytes instanceof Error) {
    return err({
      code: 'unreadable-file',
      message: `cannot read the module stats: ${bytes.message}`,
      file,
      hint: HINT,
    });
  }
  if (bytes.includes(0))
    return err({ code: 'binary-file', message: 'this is a binary file, not the module stats', file, hint: HINT });
  return parseModuleStats(bytes.toString('utf8'), file);
}

export function parseModuleStats(text: string, file: string): Result<ModuleStats> {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const counters: Record<string, number | null> = Object.fromEntries(
    Object.values(WHEN_NOT_ZERO).map((k) => [k, null]),
  );
  const duplicates: DuplicateFailedModule[] = [];
  let table: 'none' | 'title' | 'rows' = 'none';
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const bad = (what: string) => err(badLine(file, i + 1, line, what));
    if (table === 'none') {
      if (line === TABLE_TITLE) {
        table = 'title';
        continue;
      }
      const m = /^ *([A-Za-z][A-Za-z ]*?)\t(\d+)$/.exec(line);
      if (m === null) return bad('is not a `LABEL<TAB>NUMBER` counter line');
      const key = ALWAYS[m[1] as keyof typeof ALWAYS] ?? WHEN_NOT_ZERO[m[1] as keyof typeof WHEN_NOT_ZERO];
      if (key === undefined) return bad(`is not one of kernel/module/stats.c's counters (${m[1]})`);
      if (counters[key] !== undefined && counters[key] !== null) return bad(`gives ${m[1]} a second time`);
      counters[key] = Number(m[2]);
      continue;
    }
    const cells = line.split('\t').map((c) => c.trim());
    if (table === 'title') {
      if (cells.join('|') !== 'Module-name|How-many-times|Reason')
        return bad('is not the table header `Module-name  How-many-times  Reason`');
      table = 'rows';
      continue;
    }
    const [name, count, reason] = cells;
    if (
      cells.length !== 3 ||
      !/^\d+$/.test(count) ||
      !(FAIL_REASONS as readonly string[]).includes(reason) ||
      name === ''
    ) {
      return bad(`is not a row of the table: NAME<TAB>COUNT<TAB>REASON (${FAIL_REASONS.join(' | ')})`);
    }
    duplicates.push({ name: name, count: Number(count), reason: reason as DuplicateFailReason });
  }
  const missing = Object.keys(ALWAYS).filter((label) => counters[ALWAYS[label as keyof typeof ALWAYS]] === undefined);
  if (missing.length === Object.keys(ALWAYS).length) {
    return err({
      code: 'bad-module-stats',
      message: 'no counter of kernel/module/stats.c in this file',
      file,
      hint: HINT,
    });
  }
  if (missing.length > 0) {
    return err({
      code: 'bad-module-stats',
      message: `the counters ${missing.join(', ')} are missing: is the file cut short?`,
      file,
      hint: HINT,
    });
  }
  if (table === 'title') {
    return err({
      code: 'bad-module-stats',
      message: `"${TABLE_TITLE}" is not followed by its table header`,
      file,
      hint: HINT,
    });
  }
  return ok({
    file,
    counters: counters as ModuleStatsCounters,
    duplicates,
    tableCut: duplicates.length >= MAX_TABLE_ROWS,
  });
}

function badLine(file: string, line: number, text: string, what: string): AutoloadError {
  const shown = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  return { code: 'bad-module-stats', message: `\`${shown}\` ${what}`, file, line, hint: HINT };
}
