/**
 * Property: mutated real traces (the boot sample's raw ftrace, trace-cmd reports, perf script and dmesg; the kernel
 * logs as pasted from mails and CI; the chain and kernel-model fixtures) through every trace reader, file and text,
 * detected and forced to each format, then the replay under any kernel model, with mutated module stats beside it,
 * rendered in every format the CLI writes: no exception, results or error values, JSON, JSON Lines and SARIF that
 * parse, text without raw controls, each case within CASE_LIMITS. The same with the requests linked to a tree whose
 * formats are hostile (`replay --src`).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { REPLAY_FORMATS } from '../../../src/cli/args';
import { scanTree } from '../../../src/analysis/index';
import { TRACE_FORMATS } from '../../../src/cli/replayCommand';
import type { TraceFormat } from '../../../src/engine/events';
import { KERNEL_MODEL_CHOICES } from '../../../src/engine/kernel/model';
import { shapeText } from '../../../src/engine/nameShape';
import { openModuleDb, type ModuleDb } from '../../../src/engine/modules/index';
import { replayText, replayTrace } from '../../../src/engine/replay/index';
import { readTraceFile, readTraceText } from '../../../src/engine/trace/index';
import { bounded, checkReport, checkResult, renderReplay } from '../../fuzz/checks';
import { ROOT } from '../../fuzz/cli';
import { params } from '../../fuzz/config';
import { applyMutations, mutatedArb } from '../../fuzz/mutate';
import { scratchDir } from '../../fuzz/scratch';

const sample = path.join(ROOT, 'samples/boot-6.1-qemu');
const inDir = (dir: string) =>
  readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.txt'))
    .map((f) => path.join(ROOT, dir, f));
const TRACES = [
  ...['trace.txt', 'trace-report.txt', 'trace-cmd-record-report.txt', 'perf-script.txt', 'dmesg.txt'].map((f) =>
    path.join(sample, f),
  ),
  ...inDir('test/fixtures/kernel-logs'),
  ...['test/fixtures/chains/binfmt-loop.txt', 'test/fixtures/chains/self-request.txt'].map((f) => path.join(ROOT, f)),
  ...['test/fixtures/models/burst-60.txt', 'test/fixtures/models/race.txt'].map((f) => path.join(ROOT, f)),
].map((f) => readFileSync(f));
const STATS = readFileSync(path.join(ROOT, 'test/fixtures/models/stats-table.txt'));

/** Pieces of the formats' lines (and of the headers detection reads), of kernel log lines and of module stats. */
const TRACE_TOKENS = [
  ' module_request: ',
  ' module_load: ',
  ' module_free: ',
  'module:module_request: ',
  ' wait=0',
  ' wait=1',
  ' call_site=',
  ' [000] ',
  ' ..... ',
  '   14.627203: ',
  '[    0.000000] ',
  '# tracer: nop\n',
  'cpus=2\n',
  'version = 6\n',
  'request_module: ',
  'kmod_concurrent_max (0) throttling',
  'module ',
  ' 99999999999999999999.999999: ',
  ' -1 ',
  '\n',
  ' ',
  'module: module-autoload: duplicate request for module ',
  ' cannot be processed, kmod busy with 50 threads for more than 5 seconds now',
  'request_module: runaway loop modprobe ',
  '> ',
  '<4>',
  '[  T123] ',
  'May 01 08:55:31 host kernel: ',
  'Linux version 6.1.0 ',
];
const STATS_TOKENS = [
  '\t',
  'Mods ever loaded\t',
  'Duplicate failed modules:\n',
  'Becoming & Load',
  '4294967296',
  '-1',
  ' ',
  '\n',
];
const VERSIONS = ['6.1.0-13-amd64', '6.12.1', '2.6.32', '2.1.0', '5.0', 'x', ''];

const dir = scratchDir('prop-traces');
test.after(() => rmSync(dir, { recursive: true, force: true }));

let db: ModuleDb | undefined;
test.before(async () => {
  const opened = await openModuleDb(path.join(sample, 'modules'));
  if (!opened.ok) throw new Error(opened.error.message);
  db = opened.value;
});

const optionsArb = fc.record({
  kernelModel: fc.constantFrom(...KERNEL_MODEL_CHOICES),
  kernelVersion: fc.option(fc.constantFrom(...VERSIONS), { nil: undefined }),
  compareModels: fc.boolean(),
  modules: fc.boolean(),
  // Mostly none: a mutated stats file is mostly refused (an error value), which ends the case before the replay.
  stats: fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 4 },
    { arbitrary: mutatedArb(STATS_TOKENS, 40, 200), weight: 1 },
  ),
});

test('mutated traces through every reader and the replay, rendered in every format', async () => {
  const file = path.join(dir, 'trace.txt');
  const statsFile = path.join(dir, 'stats.txt');
  await fc.assert(
    fc.asyncProperty(
      fc.nat(TRACES.length - 1),
      mutatedArb(TRACE_TOKENS, 200, 5000),
      optionsArb,
      async (which, m, o) => {
        const bytes = applyMutations(TRACES[which], m);
        writeFileSync(file, bytes);
        if (o.stats !== undefined) writeFileSync(statsFile, applyMutations(STATS, o.stats));
        const text = bytes.toString('utf8');
        await bounded('trace case', async () => {
          // The file reader adds chunking and the refusal of binary heads to the line readers the text reader runs.
          checkResult(await readTraceFile(file, () => undefined));
          const formats: Array<TraceFormat | undefined> = [undefined, ...TRACE_FORMATS];
          for (const format of formats)
            checkResult(readTraceText(text, () => undefined, { file, ...(format !== undefined && { format }) }));
          const model = {
            kernelModel: o.kernelModel,
            compareModels: o.compareModels,
            ...(o.kernelVersion !== undefined && { kernelVersion: o.kernelVersion }),
          };
          checkResult(replayText(text, { file, ...model, ...(o.modules && { modules: db }) }));
          const report = checkResult(
            await replayTrace({
              tracePath: file,
              ...model,
              ...(o.modules && { moduleDb: db }),
              ...(o.stats !== undefined && { moduleStatsPath: statsFile }),
            }),
          );
          if (report === null) return;
          for (const format of REPLAY_FORMATS) checkReport(format, renderReplay(report, format, ROOT));
        });
      },
    ),
    params(2000),
  );
});

/** Formats that a backtracking matcher takes exponential time on, with names that almost fit them. */
const HOSTILE_FORMATS_C = `#include <linux/kmod.h>

int h(const char *s)
{
\treturn request_module("${'a%s'.repeat(12)}b", ${Array(12).fill('s').join(', ')});
}

int g(const char *s, int n)
{
\treturn request_module("${'%s-'.repeat(12)}%d!", ${Array(12).fill('s').join(', ')}, n);
}
`;

test('mutated traces with names that almost fit hostile formats, linked to their call sites (replay --src)', async () => {
  const tree = path.join(dir, 'tree');
  mkdirSync(path.join(tree, 'drivers'), { recursive: true });
  writeFileSync(path.join(tree, 'drivers/hostile.c'), HOSTILE_FORMATS_C);
  const scanned = await scanTree(tree, { threads: 0, cache: false });
  if (!scanned.ok) throw new Error(scanned.error.message);
  const source = scanned.value;
  assert.deepEqual(
    source.callSites.map((s) => s.shapes?.map(shapeText)),
    [[`${'a%s'.repeat(12)}b`], [`${'%s-'.repeat(12)}%d!`]],
  );
  const file = path.join(dir, 'linked.txt');
  const nameArb = fc
    .array(fc.record({ unit: fc.constantFrom('a', 'b', '-', '!', '1', '%s', '\u202e'), times: fc.nat(200) }), {
      minLength: 1,
      maxLength: 4,
    })
    .map((parts) => parts.map((p) => p.unit.repeat(p.times)).join(''));
  const eventArb = fc.record({
    name: nameArb,
    site: fc.constantFrom('h', 'g', 'h+0x1c/0x40', 'crypto_alg_mod_lookup', 'unknown_caller'),
  });
  await fc.assert(
    fc.asyncProperty(mutatedArb(TRACE_TOKENS, 60, 2000), fc.array(eventArb, { maxLength: 8 }), async (m, events) => {
      const lines = events.map(
        (e, i) =>
          `  modprobe-${200 + i}     [000] .....    ${20 + i}.000000: module_request: ${e.name} wait=1 call_site=${e.site}\n`,
      );
      writeFileSync(file, Buffer.concat([applyMutations(TRACES[0], m), Buffer.from(lines.join(''))]));
      await bounded('linked trace case', async () => {
        const report = checkResult(await replayTrace({ tracePath: file, kernelModel: 'auto', source }));
        if (report === null) return;
        for (const format of REPLAY_FORMATS) checkReport(format, renderReplay(report, format, ROOT));
      });
    }),
    params(100),
  );
});
