/**
 * Module database micro-benchmark: time to open the real 6.1 metadata (its text files, and its binary indexes alone),
 * time per resolve() over every name the real traces request, and, for scale, the same names matched naively against
 * every modules.alias pattern.
 * Run: npm run build && node out/test/bench/resolver-bench.js
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openModuleDb, type ModuleDb } from '../../src/engine/modules';
import { scanAliasFile } from '../../src/engine/modules/depmodFiles';
import { fnmatch } from '../../src/engine/modules/fnmatch';
import { aliasNormalize } from '../../src/engine/modules/names';

const repo = resolve(__dirname, '../../..');
const sample = join(repo, 'samples/boot-6.1-qemu');
const modulesDir = join(sample, 'modules');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Seven opens of `dir`: median and first wall time, median CPU time, and the last database opened. */
async function timeOpen(
  dir: string,
): Promise<{ wall: number; first: number; cpu: number; runs: number; db: ModuleDb }> {
  const openTimes: number[] = [];
  const openCpu: number[] = [];
  let db: ModuleDb | null = null;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await openModuleDb(dir);
    openTimes.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    openCpu.push((c.user + c.system) / 1000);
    if (!r.ok) throw new Error(r.error.message);
    db = r.value;
  }
  return { wall: median(openTimes), first: openTimes[0], cpu: median(openCpu), runs: openTimes.length, db: db! };
}

async function main(): Promise<void> {
  const text = await timeOpen(modulesDir);
  const db = text.db;
  // An embedded image's modules directory: depmod's binary indexes without the text files.
  const indexesOnly = mkdtempSync(join(tmpdir(), 'autoload-lens-bench-'));
  for (const f of readdirSync(modulesDir).filter((n) => n.endsWith('.bin')))
    copyFileSync(join(modulesDir, f), join(indexesOnly, f));
  const indexes = await timeOpen(indexesOnly);
  rmSync(indexesOnly, { recursive: true, force: true });
  const names = new Set<string>();
  for (const f of ['trace.txt', 'trace-report.txt', 'perf-script.txt', 'trace-cmd-record-report.txt']) {
    for (const m of readFileSync(join(sample, f), 'utf8').matchAll(/module_request:\s+([\s\S]*?) wait=[01]\b/g))
      names.add(m[1]);
  }
  const list = [...names];
  const rounds = 400;
  let found = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const n of list) found += db.resolve(n).modules.length;
  const perResolve = ((performance.now() - t0) * 1000) / (rounds * list.length);

  const patterns: string[] = [];
  scanAliasFile(readFileSync(join(modulesDir, 'modules.alias'), 'utf8'), 'modules.alias', '', [], (p) =>
    patterns.push(aliasNormalize(p) ?? ''),
  );
  const naiveRounds = 5;
  let naiveHits = 0;
  const t1 = performance.now();
  for (let r = 0; r < naiveRounds; r++) {
    for (const n of list) {
      const key = aliasNormalize(n) ?? '';
      for (const p of patterns) if (fnmatch(p, key)) naiveHits++;
    }
  }
  const perNaive = ((performance.now() - t1) * 1000) / (naiveRounds * list.length);

  const opened = (what: string, t: { wall: number; first: number; cpu: number; runs: number }): string =>
    `open ${what}: median ${t.wall.toFixed(1)} ms wall, ${t.cpu.toFixed(1)} ms CPU (GC threads included); first ${t.first.toFixed(1)} ms (${t.runs} runs)`;
  console.log(opened(modulesDir, text));
  console.log(opened(`the same directory's binary indexes alone (${indexes.db.stats.aliases} aliases)`, indexes));
  console.log(`stats: ${JSON.stringify(db.stats)}`);
  console.log(
    `resolve: ${perResolve.toFixed(2)} µs per name (${list.length} distinct traced names x ${rounds}; ${found / rounds} module lines per round)`,
  );
  console.log(
    `naive fnmatch over all ${patterns.length} patterns: ${perNaive.toFixed(1)} µs per name (${naiveHits / naiveRounds} hits per round)`,
  );
}

void main();
