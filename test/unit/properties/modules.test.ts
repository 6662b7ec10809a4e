/**
 * Property: mutated modules directories (windows of the boot sample's modules.alias, modules.dep, modules.builtin,
 * modules.builtin.modinfo, modules.symbols and modules.softdep, cut, flipped, missing; or, in their place, depmod's
 * binary indexes with flipped bytes and cuts) opened by `resolve` and by `replay --modules` through the CLI: exit
 * codes 0, 1 or 2, escaped stderr, reports that parse.
 */
import { test } from 'node:test';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { REPLAY_FORMATS } from '../../../src/cli/args';
import { DEPMOD_FILES } from '../../../src/engine/modules/modulesDir';
import { bounded, checkReport } from '../../fuzz/checks';
import { checkExit, ROOT, runInProcess } from '../../fuzz/cli';
import { params } from '../../fuzz/config';
import { applyMutations, binaryMutatedArb, mutatedArb } from '../../fuzz/mutate';
import { scratchDir } from '../../fuzz/scratch';

const sample = path.join(ROOT, 'samples/boot-6.1-qemu');
const read = (name: string | null) =>
  name === null ? null : { name, bytes: readFileSync(path.join(sample, 'modules', name)) };
const FILES = DEPMOD_FILES.map((f) => ({ text: read(f.text)!, index: read(f.index) }));
/** Pieces of depmod's files: alias and softdep lines, dep paths, modinfo records, fnmatch syntax. */
const MODULE_TOKENS = [
  'alias ',
  'softdep ',
  ' pre: ',
  ' post: ',
  'kernel/fs/ext4/ext4.ko',
  '.ko: ',
  '.ko.xz',
  ' ',
  ':',
  '\n',
  '*',
  '?',
  '[',
  ']',
  '[!a-z]',
  '\\',
  'symbol:',
  '.alias=',
  '.file=',
  'ext4.alias=fs-ext4\u0000',
  '\u0000',
  'pci:v*d*sv*sd*bc*sc*i*',
];
/** Names as request_module() asks for them, real ones and hostile ones. */
const NAMES = [
  'fs-ext4',
  'net-pf-10',
  'crypto-aes',
  'cryptomgr',
  'symbol:nf_nat_setup_info',
  'char-major-10-200',
  'pci:v00008086d00001237sv*',
];

const dir = scratchDir('prop-modules');
test.after(() => rmSync(dir, { recursive: true, force: true }));
// A short trace so the case costs what the modules directory costs.
const trace = path.join(dir, 'trace.txt');
writeFileSync(trace, readFileSync(path.join(sample, 'trace.txt'), 'utf8').split('\n').slice(0, 300).join('\n'));

/** Per depmod file: its text, mutated (mostly), its binary index instead (when it has one), or nothing. */
const fileArb = fc.oneof(
  {
    arbitrary: fc.record({ kind: fc.constant('text' as const), edit: mutatedArb(MODULE_TOKENS, 1500, 2000) }),
    weight: 8,
  },
  { arbitrary: fc.record({ kind: fc.constant('index' as const), edit: binaryMutatedArb() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('none' as const) }), weight: 1 },
);
const directoryArb = fc.array(fileArb, { minLength: FILES.length, maxLength: FILES.length });
const namesArb = fc.array(fc.oneof(fc.constantFrom(...NAMES), fc.string({ minLength: 1, maxLength: 20 })), {
  minLength: 1,
  maxLength: 4,
});

test('mutated modules directories through resolve and replay --modules, every format', async () => {
  const modules = path.join(dir, 'modules');
  await fc.assert(
    fc.asyncProperty(
      directoryArb,
      namesArb,
      fc.constantFrom(...REPLAY_FORMATS),
      fc.boolean(),
      async (files, names, format, verbose) => {
        rmSync(modules, { recursive: true, force: true });
        mkdirSync(modules);
        files.forEach((f, i) => {
          const file = FILES[i];
          const source = f.kind === 'text' ? file.text : f.kind === 'index' ? file.index : null;
          if (source !== null && f.kind !== 'none')
            writeFileSync(path.join(modules, source.name), applyMutations(source.bytes, f.edit));
        });
        await bounded('modules case', async () => {
          const resolved = await runInProcess(['resolve', ...names, '--modules', modules, ...(verbose ? ['-v'] : [])]);
          checkExit(resolved);
          checkReport('text', resolved.out === '' ? '\n' : resolved.out);
          const replayed = await runInProcess(['replay', trace, '--modules', modules, '--format', format]);
          checkExit(replayed);
          if (replayed.code !== 2) checkReport(format, replayed.out);
        });
      },
    ),
    params(100),
  );
});
