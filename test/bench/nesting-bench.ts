/**
 * Deep nesting benchmark (`npm run bench` calls it): for each hostile shape of test/fixtures/deepNesting.ts at depths
 * 1,000, 3,000 and 10,000, the scan of a tree holding only that file (in this thread, no cache) next to a bare
 * tree-sitter parse of the same text, medians of three runs, with their ratio. A linear scan keeps the ratio flat as
 * the depth grows.
 *   node out/test/bench/nesting-bench.js [SHAPE...]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scanTree } from '../../src/analysis/index';
import { getParser } from '../../src/analysis/parser';
import { DEEP_SHAPES, deepSource, type DeepShape } from '../fixtures/deepNesting';

const RUNS = 3;
const DEPTHS = [1000, 3000, 10000];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function timed(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const shapes = process.argv.length > 2 ? (process.argv.slice(2) as DeepShape[]) : [...DEEP_SHAPES];
  const parser = await getParser('native');
  if (!parser.ok) throw new Error(parser.error.message);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'autoload-lens-nesting-bench-'));
  try {
    console.log('shape    depth   bytes   parse ms   scan ms   scan/parse');
    for (const shape of shapes) {
      for (const depth of DEPTHS) {
        const text = deepSource(shape, depth);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, 'deep.c'), text);
        const parse: number[] = [];
        const scan: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          parse.push(await timed(() => parser.value.withTree(text, (root) => root.type)));
          scan.push(
            await timed(async () => {
              const r = await scanTree(dir, { cache: false, threads: 0, backend: 'native' });
              if (!r.ok) throw new Error(r.error.message);
            }),
          );
        }
        const p = median(parse);
        const s = median(scan);
        console.log(
          `${shape.padEnd(7)} ${String(depth).padStart(6)} ${String(text.length).padStart(7)} ${p.toFixed(1).padStart(10)} ${s.toFixed(1).padStart(9)} ${(s / p).toFixed(1).padStart(12)}`,
        );
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
