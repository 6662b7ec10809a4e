/**
 * Module database micro-benchmark: time to open the real 6.1 metadata, time per resolve() over every name the real
 * traces request, and, for scale, the same names matched naively against every modules.alias pattern.
 * Run: npm run build && node out/test/bench/resolver-bench.js
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openModuleDb } from '../../src/engine/modules';
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

async function main(): Promise<void> {
  const openTimes: number[] = [];
  const openCpu: number[] = [];
  let db = null;
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await openModuleDb(modulesDir);
    openTimes.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    openCpu.push((c.user + c.system) / 1000);
    if (!r.ok) throw new Error(r.error.message);
    db = r.value;
  }
  const names = new Set<string>();
  for (const f of ['trace.txt', 'trace-report.txt', 'perf-script.txt', 'trace-cmd-record-report.txt']) {
    for (const m of readFileSync(join(sample, f), 'utf8').matchAll(/module_request:\s+([\s\S]*?) wait=[01]\b/g)) names.add(m[1]);
  }
  const list = [...names];
  const rounds = 400;
  let found = 0;
  const t0 = performance.now();
  for (let r = 0; r < rounds; r++) for (const n of list) found += db!.resolve(n).modules.length;
  const perResolve = ((performance.now() - t0) * 1000) / (rounds * list.length);

  const patterns: string[] = [];
  scanAliasFile(readFileSync(join(modulesDir, 'modules.alias'), 'utf8'), 'modules.alias', '', [], (p) => patterns.push(aliasNormalize(p) ?? ''));
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

  console.log(
    `open ${modulesDir}: median ${median(openTimes).toFixed(1)} ms wall, ${median(openCpu).toFixed(1)} ms CPU (GC threads included); first ${openTimes[0].toFixed(1)} ms (${openTimes.length} runs)`,
  );
  console.log(`stats: ${JSON.stringify(db!.stats)}`);
  console.log(`resolve: ${perResolve.toFixed(2)} µs per name (${list.length} distinct traced names x ${rounds}; ${found / rounds} module lines per round)`);
  console.log(`naive fnmatch over all ${patterns.length} patterns: ${perNaive.toFixed(1)} µs per name (${naiveHits / naiveRounds} hits per round)`);
}

void main();
