/**
 * `npm run bench`: each benchmark in its own process (so that peak RSS is its own), in sequence, printing its figures.
 * The trace benchmark runs at two sizes to show that memory does not grow with the trace: 257 MB is about
 * 2.6 million events, and four times that; then again at two sizes where trace time stands still (67 and 268 MB). The
 * nesting benchmark runs at three depths to show that the scan's time grows as the parse's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

const benches: Array<[string, string[]]> = [
  ['replay-bench.js', ['257']],
  ['replay-bench.js', ['1028']],
  ['replay-bench.js', ['67', 'frozen']],
  ['replay-bench.js', ['268', 'frozen']],
  ['resolver-bench.js', []],
  ['scan-bench.js', []],
  ['nesting-bench.js', []],
];

let failed = false;
for (const [file, args] of benches) {
  const script = path.join(__dirname, file);
  if (!existsSync(script)) {
    console.error(`bench: ${script} is missing; run npm run build`);
    failed = true;
    continue;
  }
  console.log(`\n== ${file} ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`bench: ${file} failed (exit ${r.status ?? r.signal})`);
    failed = true;
  }
}
process.exitCode = failed ? 1 : 0;
