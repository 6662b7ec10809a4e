/**
 * How hard the property suite (test/unit/properties) pushes. Under `npm test`: a fixed seed and bounded counts, so a
 * run is reproducible and takes about half a minute. Under `npm run fuzz` (test/fuzz/run.ts sets AUTOLOAD_LENS_FUZZ):
 * a random seed, printed so a failure can be replayed with FUZZ_SEED=..., and FUZZ_SCALE (default 10) times the
 * counts.
 */
import type fc from 'fast-check';

const deep = process.env.AUTOLOAD_LENS_FUZZ === '1';
/** The seed of `npm test` runs: any fixed number; changing it is changing the cases. */
const FIXED_SEED = 20261202;

function numberFromEnv(name: string, valid: (n: number) => boolean, what: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!valid(n)) throw new Error(`${name} must be ${what} (got '${v}')`);
  return n;
}

export const FUZZ = {
  deep,
  seed: numberFromEnv('FUZZ_SEED', Number.isSafeInteger, 'an integer') ?? FIXED_SEED,
  scale: deep ? (numberFromEnv('FUZZ_SCALE', (n) => n > 0 && Number.isFinite(n), 'a number above 0') ?? 10) : 1,
  /**
   * The longest huge line a mutation inserts into C sources (repetitions of a token). tree-sitter-c's error recovery
   * is quadratic on long alternations of identifier and stray characters (`a@a@a@...`: 8,000 pairs parse in 2 s): a
   * parse gives up after PARSE_BUDGET_MS, so `npm run fuzz` may go well beyond.
   */
  maxHugeC: deep ? 50000 : 2000,
};

/**
 * Generous bounds per case: they catch blow-ups (quadratic work, runaway buffers), not slowness. A case's time may
 * grow with its input as linear work does: `npm run fuzz` writes C trees of up to three 50,000-line huge lines, and a
 * tree of 2.7 MB whose every line defines a wrapper macro (`#define M(x) request_module("m-%s", x)`, 69,000 of them,
 * each a wrapper of the index) scanned in 17 s, where 0.8, 1.6 and 3.3 MB of that shape took 2.7, 4.8 and 9.2 s.
 */
export const CASE_LIMITS = { seconds: 10, secondsPerInputMb: 5, heapGrowthMb: 512 };

/** fast-check's parameters for a property of `runs` cases under `npm test`. */
export function params(runs: number): fc.Parameters<unknown> {
  return { seed: FUZZ.seed, numRuns: Math.max(1, Math.round(runs * FUZZ.scale)), endOnFailure: true };
}
