/**
 * Trace reader benchmark: builds a large ftrace file by repeating the real boot trace with shifted timestamps,
 * reads it with readTraceFile, and prints events/s, MB/s and peak RSS next to `wc -l` and `grep -c` on the file.
 *   node out/test/bench/trace-bench.js [MIN_MB]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readTraceFile } from '../../src/engine/trace/index';
import { writeRepeatedTrace } from '../fixtures/traces/repeatTrace';

function timed(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const minMb = Number(process.argv[2] ?? 200);
  const dir = mkdtempSync(path.join(tmpdir(), 'autoload-lens-trace-bench-'));
  const file = path.join(dir, 'trace-big.txt');
  try {
    const copies = writeRepeatedTrace(path.join(root, 'samples/boot-6.1-qemu/trace.txt'), file, minMb * 1e6);
    const bytes = statSync(file).size;
    let wcOut = '';
    let grepOut = '';
    const wcSeconds = timed(() => { wcOut = execFileSync('wc', ['-l', file], { encoding: 'utf8' }); });
    const grepSeconds = timed(() => { grepOut = execFileSync('grep', ['-c', 'module_request', file], { encoding: 'utf8' }); });

    let peakRss = process.memoryUsage.rss();
    let events = 0;
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const result = await readTraceFile(file, () => { events++; }, {
      onProgress: () => { peakRss = Math.max(peakRss, process.memoryUsage.rss()); },
    });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    // CPU time as well: on a shared machine the wall clock also counts waiting for a core.
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (!result.ok) throw new Error(result.error.message);
    const mb = bytes / 1e6;
    console.log(`trace: ${file} (${copies} copies of trace.txt, ${mb.toFixed(1)} MB, ${result.value.lines} lines)`);
    console.log(`readTraceFile: ${events} events in ${seconds.toFixed(3)} s = ${Math.round(events / seconds).toLocaleString('en')} events/s, ${(mb / seconds).toFixed(1)} MB/s, peak RSS ${(peakRss / 1e6).toFixed(0)} MB, ${result.value.warningCount} warnings`);
    console.log(`  CPU time ${cpuSeconds.toFixed(3)} s = ${Math.round(events / cpuSeconds).toLocaleString('en')} events per CPU second, ${(mb / cpuSeconds).toFixed(1)} MB per CPU second`);
    console.log(`wc -l:                 ${wcOut.trim().split(' ')[0]} lines in ${wcSeconds.toFixed(3)} s`);
    console.log(`grep -c module_request: ${grepOut.trim()} lines in ${grepSeconds.toFixed(3)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
