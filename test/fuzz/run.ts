/**
 * `npm run fuzz`: the property suite of test/unit/properties with a random seed and FUZZ_SCALE (default 10) times
 * the cases of `npm test`. The seed is printed first; FUZZ_SEED=<seed> npm run fuzz replays a run.
 *   FUZZ_SEED=123 FUZZ_SCALE=50 npm run fuzz
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import * as path from 'node:path';

const given = process.env.FUZZ_SEED;
const seed = given !== undefined && given !== '' ? given : String(randomInt(2 ** 31));
console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed} npm run fuzz)`);
const suite = path.join(__dirname, '../unit/properties');
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', suite], {
  stdio: 'inherit',
  env: { ...process.env, AUTOLOAD_LENS_FUZZ: '1', FUZZ_SEED: seed },
});
if (r.status !== 0) console.error(`fuzz: failures with seed ${seed} (replay with FUZZ_SEED=${seed} npm run fuzz)`);
process.exitCode = r.status ?? 1;
